"""One typed settings object, read from the environment (and `.env` when present)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
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
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    def check(self) -> None:
        if self.is_production and self.secret_key == DEV_SECRET_KEY:
            raise RuntimeError("KRYPTON_SECRET_KEY must be set in production")


@lru_cache
def get_settings() -> Settings:
    settings = Settings()
    settings.check()
    return settings
