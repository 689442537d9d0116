"""One typed settings object, read from the environment (and `.env` when present)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent

# A fixed key for local runs only: production refuses to start with it (see `check`).
DEV_SECRET_KEY = "krypton-dev-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    env: str = Field("development", validation_alias="KRYPTON_ENV")
    database_url: str = Field(f"sqlite:///{ROOT / 'krypton.db'}", validation_alias="DATABASE_URL")
    redis_url: str | None = Field(None, validation_alias="REDIS_URL")
    secret_key: str = Field(DEV_SECRET_KEY, validation_alias="KRYPTON_SECRET_KEY")
    app_url: str = Field("http://localhost:3000", validation_alias="KRYPTON_APP_URL")
    # Domains a TON Connect proof may name; the host of app_url is always added.
    allowed_proof_domains: list[str] = Field(
        default_factory=lambda: ["localhost:3000", "127.0.0.1:3000"], validation_alias="KRYPTON_PROOF_DOMAINS"
    )
    # TON Connect chain ids: -239 mainnet, -3 testnet.
    ton_network: str = Field("-239", validation_alias="KRYPTON_TON_NETWORK")
    demo_wallet: bool | None = Field(None, validation_alias="KRYPTON_DEMO_WALLET")
    session_max_age_s: int = Field(30 * 24 * 3600, validation_alias="KRYPTON_SESSION_MAX_AGE")
    # Wallet addresses (raw or friendly) that get the operator role on login.
    operator_addresses: list[str] = Field(default_factory=list, validation_alias="KRYPTON_OPERATORS")

    # --- TON chain (issue: wallet and chain) ---
    chain: Literal["fake", "toncenter", "liteserver"] = Field("fake", validation_alias="KRYPTON_CHAIN")
    toncenter_url: str = Field("https://toncenter.com", validation_alias="KRYPTON_TONCENTER_URL")
    toncenter_api_key: str | None = Field(None, validation_alias="KRYPTON_TONCENTER_API_KEY")
    toncenter_rps: float = Field(1.0, validation_alias="KRYPTON_TONCENTER_RPS")
    # The TON global config shipped in the repo: no download at start-up.
    liteserver_config: Path = Field(
        ROOT / "krypton_app" / "chain" / "global-config.json", validation_alias="KRYPTON_LITESERVER_CONFIG"
    )
    # 32-byte ed25519 seed as hex; outside production a key derived from secret_key is used.
    hot_wallet_seed: str | None = Field(None, validation_alias="KRYPTON_HOT_WALLET_SEED", repr=False)
    usdt_master: str = Field(
        "0:b113a994b5024a16719f69139328eb759596c38a25f59028b146fecdc3621dfe", validation_alias="KRYPTON_USDT_MASTER"
    )
    confirmations: int = Field(1, validation_alias="KRYPTON_CONFIRMATIONS")  # masterchain blocks on top
    monitor_poll_s: float = Field(2.0, validation_alias="KRYPTON_MONITOR_POLL_S")
    withdrawal_ttl_s: int = Field(60, validation_alias="KRYPTON_WITHDRAWAL_TTL_S")  # external message valid_until
    # Flat withdrawal fees in minor units, per asset.
    withdrawal_fees: dict[str, int] = Field(
        default_factory=lambda: {"TON": 50_000_000, "USDT": 300_000}, validation_alias="KRYPTON_WITHDRAWAL_FEES"
    )
    demo_faucet: bool | None = Field(None, validation_alias="KRYPTON_DEMO_FAUCET")
    # --- Bitcoin / Lightning payouts and rates ---
    bitcoin_network: Literal["mainnet", "testnet", "regtest"] = Field("mainnet", validation_alias="KRYPTON_BTC_NETWORK")
    # Static rate table: price of one whole unit of the key's first asset in the second, e.g. "TON/BTC".
    rates: dict[str, str] = Field(
        default_factory=lambda: {
            "TON/BTC": "0.0000520",
            "USDT/BTC": "0.0000105",
            "TON/USD": "5.20",
            "USDT/USD": "1.00",
            "TON/RUB": "420",
            "USDT/RUB": "81",
            "TON/EUR": "4.80",
            "USDT/EUR": "0.92",
        },
        validation_alias="KRYPTON_RATES",
    )
    rates_url: str | None = Field(None, validation_alias="KRYPTON_RATES_URL")  # httpx provider when set
    payout_fees: dict[str, int] = Field(
        default_factory=lambda: {"TON": 100_000_000, "USDT": 1_000_000}, validation_alias="KRYPTON_PAYOUT_FEES"
    )
    # --- Invoices, receipts, merchant integrations ---
    # 32-byte ed25519 seed as hex for signing receipts; outside production derived from secret_key.
    receipt_seed: str | None = Field(None, validation_alias="KRYPTON_RECEIPT_SEED", repr=False)
    telegram_bot: str | None = Field(None, validation_alias="KRYPTON_TELEGRAM_BOT")  # bot username, no @
    # Webhooks to private / loopback addresses: refused in production unless explicitly allowed.
    webhook_allow_private: bool | None = Field(None, validation_alias="KRYPTON_WEBHOOK_ALLOW_PRIVATE")
    webhook_timeout_s: float = Field(10.0, validation_alias="KRYPTON_WEBHOOK_TIMEOUT_S")
    # A fiat-priced payment's rate is a quote for this long; a part funded later gets the rate of then.
    quote_ttl_min: int = Field(15, ge=1, le=24 * 60, validation_alias="KRYPTON_QUOTE_TTL_MIN")

    # --- P2P deals ---
    # After "fiat sent", the seller has this long to release before the deal goes to an operator.
    deal_release_window_min: int = Field(60, ge=5, validation_alias="KRYPTON_DEAL_RELEASE_WINDOW_MIN")

    # Demo-wallet users get the operator console too (local runs and browser tests only).
    demo_operators: bool = Field(False, validation_alias="KRYPTON_DEMO_OPERATORS")

    @model_validator(mode="after")
    def _allow_own_host(self) -> Settings:
        host = urlsplit(self.app_url).netloc
        if host and host not in self.allowed_proof_domains:
            self.allowed_proof_domains.append(host)
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def demo_wallet_enabled(self) -> bool:
        if self.is_production:
            return False
        return True if self.demo_wallet is None else self.demo_wallet

    @property
    def demo_faucet_enabled(self) -> bool:
        if self.is_production or self.chain != "fake":
            return False
        return True if self.demo_faucet is None else self.demo_faucet

    @property
    def webhooks_may_reach_private(self) -> bool:
        if self.webhook_allow_private is not None:
            return self.webhook_allow_private
        return not self.is_production

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    def check(self) -> None:
        if self.is_production and self.secret_key == DEV_SECRET_KEY:
            raise RuntimeError("KRYPTON_SECRET_KEY must be set in production")
        if self.is_production and (self.chain == "fake" or not self.hot_wallet_seed):
            raise RuntimeError("production needs a real chain (KRYPTON_CHAIN) and KRYPTON_HOT_WALLET_SEED")


@lru_cache
def get_settings() -> Settings:
    settings = Settings()
    settings.check()
    return settings
