"""One typed settings object, read from the environment (and `.env` when present)."""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from krypton_app.domain.errors import InvalidDestination
from krypton_app.domain.ton_address import parse_ton_address

ROOT = Path(__file__).resolve().parent.parent

# Outside production, without KRYPTON_SECRET_KEY, the secrets of local runs are generated on first start
# into this git-ignored file (mode 0600) and read from it afterwards: no key in the code can sign a session.
LOCAL_SECRETS_FILE = ROOT / ".krypton-secrets.json"
# The public key local runs used before that file existed; production refuses it.
OLD_DEV_SECRET_KEY = "krypton-dev-secret-change-me"
LOCAL_SECRET_FIELDS = ("secret_key", "hot_wallet_seed", "receipt_seed")
# URLs whose password repr(settings) masks; secrets themselves are repr=False fields (a test checks them).
_URL_FIELDS = ("database_url", "redis_url", "rates_url")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# The fee owner of local runs on the in-process demo chain, so the demo shows sweeps arriving somewhere.
DEMO_FEE_OWNER_WALLET = "0:" + "f0" * 32

log = logging.getLogger(__name__)

_BOT_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{20,}")
TELEGRAM_PUBLIC_KEYS = {
    "production": "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d",
    "test": "40055058a4ee38156a06562e52eece92a771bcd8346a8c4615cb7376eddf72ec",
}


class Settings(BaseSettings):
    # A refused value is not printed back: it may be a secret (a mistyped bot token or seed).
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

    env: str = Field("development", validation_alias="KRYPTON_ENV")
    database_url: str = Field(f"sqlite:///{ROOT / 'krypton.db'}", validation_alias="DATABASE_URL")
    redis_url: str | None = Field(None, validation_alias="REDIS_URL")
    # Empty: outside production, the generated one in local_secrets_file; production requires it.
    secret_key: str = Field("", validation_alias="KRYPTON_SECRET_KEY", repr=False)
    local_secrets_file: Path = Field(LOCAL_SECRETS_FILE, validation_alias="KRYPTON_LOCAL_SECRETS_FILE")
    app_url: str = Field("http://localhost:3000", validation_alias="KRYPTON_APP_URL")
    # Origins besides the app's own that may call it from a browser with the user's cookies (CORS, websocket).
    cors_origins: list[str] = Field(default_factory=list, validation_alias="KRYPTON_CORS_ORIGINS")
    # Domains a TON Connect proof may name; the host of app_url is always added. The loopback defaults
    # apply outside production only.
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
    toncenter_api_key: str | None = Field(None, validation_alias="KRYPTON_TONCENTER_API_KEY", repr=False)
    toncenter_rps: float = Field(1.0, validation_alias="KRYPTON_TONCENTER_RPS")
    # The TON global config shipped in the repo: no download at start-up.
    liteserver_config: Path = Field(
        ROOT / "krypton_app" / "chain" / "global-config.json", validation_alias="KRYPTON_LITESERVER_CONFIG"
    )
    # 32-byte ed25519 seed as hex; outside production the generated local one (or, with an explicit
    # KRYPTON_SECRET_KEY, one derived from it).
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
    # The owner's TON wallet (raw or friendly) that fee sweeps go to (services/fee_sweeps.py). Unset: no
    # sweeps, except on the in-process demo chain outside production, which sweeps to DEMO_FEE_OWNER_WALLET.
    fee_owner_wallet: str | None = Field(None, validation_alias="KRYPTON_FEE_OWNER_WALLET")
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
            # The demo's rates for the rest of the catalog's currencies, so every market has a reference.
            "TON/KZT": "2600",
            "USDT/KZT": "500",
            "TON/UAH": "213",
            "USDT/UAH": "41",
            "TON/BYN": "17.2",
            "USDT/BYN": "3.30",
            "TON/UZS": "66560",
            "USDT/UZS": "12800",
            "TON/GEL": "14.0",
            "USDT/GEL": "2.70",
            "TON/AMD": "2028",
            "USDT/AMD": "390",
            "TON/TRY": "182",
            "USDT/TRY": "35",
            "TON/AED": "19.1",
            "USDT/AED": "3.67",
            "TON/GBP": "4.11",
            "USDT/GBP": "0.79",
            "TON/INR": "437",
            "USDT/INR": "84",
        },
        validation_alias="KRYPTON_RATES",
    )
    rates_url: str | None = Field(None, validation_alias="KRYPTON_RATES_URL")  # httpx provider when set
    payout_fees: dict[str, int] = Field(
        default_factory=lambda: {"TON": 100_000_000, "USDT": 1_000_000}, validation_alias="KRYPTON_PAYOUT_FEES"
    )
    # The fee schedule's starting values (SPEC F12), until an operator sets a rule in the console: the percent
    # of an invoice payment the merchant pays (taken out of what they receive: 5 TON paid at 1 %, 4.95 TON to
    # the merchant), and of a deal's crypto, paid by the ad's owner (maker) or the taker. Withdrawal and
    # payout fees are the flat ones above. At most 4 places, as a rule set in the console (domain/fees.py).
    invoice_fee_percent: Decimal = Field(
        Decimal("1"), ge=0, le=50, decimal_places=4, validation_alias="KRYPTON_INVOICE_FEE_PERCENT"
    )
    deal_fee_percent: Decimal = Field(
        Decimal("0.5"), ge=0, le=50, decimal_places=4, validation_alias="KRYPTON_DEAL_FEE_PERCENT"
    )
    deal_fee_payer: Literal["maker", "taker"] = Field("maker", validation_alias="KRYPTON_DEAL_FEE_PAYER")
    # --- Lightning node (a payment part paid from a Lightning wallet) ---
    # fake: an in-process node with a demo wallet (local runs only: in production Lightning is then off);
    # lnd: LND's REST API.
    lightning: Literal["fake", "lnd"] = Field("fake", validation_alias="KRYPTON_LIGHTNING")
    lnd_url: str | None = Field(None, validation_alias="KRYPTON_LND_URL")  # e.g. https://127.0.0.1:8080
    lnd_macaroon: str | None = Field(None, validation_alias="KRYPTON_LND_MACAROON", repr=False)  # hex
    lnd_macaroon_path: Path | None = Field(None, validation_alias="KRYPTON_LND_MACAROON_PATH")  # or the file
    lnd_cert: Path | None = Field(None, validation_alias="KRYPTON_LND_CERT")  # LND's self-signed tls.cert
    lightning_expiry_s: int = Field(900, ge=60, le=24 * 3600, validation_alias="KRYPTON_LIGHTNING_EXPIRY_S")
    lightning_poll_s: float = Field(2.0, gt=0, validation_alias="KRYPTON_LIGHTNING_POLL_S")
    # --- Invoices, receipts, merchant integrations ---
    # 32-byte ed25519 seed as hex for signing receipts; outside production as the hot wallet's seed.
    receipt_seed: str | None = Field(None, validation_alias="KRYPTON_RECEIPT_SEED", repr=False)
    telegram_bot: str | None = Field(None, validation_alias="KRYPTON_TELEGRAM_BOT")  # bot username, no @
    # --- Telegram Mini App login (services/telegram.py, services/telegram_login.py) ---
    # From @BotFather; it signs the Mini App's initData. None: the Telegram login is off (and says so).
    telegram_bot_token: str | None = Field(None, validation_alias="KRYPTON_TELEGRAM_BOT_TOKEN", repr=False)
    # How old a Mini App's launch data (auth_date) may be when it logs in or links.
    telegram_max_age_s: int = Field(24 * 3600, ge=60, le=30 * 24 * 3600, validation_alias="KRYPTON_TELEGRAM_MAX_AGE_S")
    # Telegram's published Ed25519 keys for third-party validation of initData (core.telegram.org/bots/webapps,
    # "Validating data for Third-Party Use"): production, and Telegram's test environment.
    telegram_public_keys: dict[str, str] = Field(
        default_factory=lambda: dict(TELEGRAM_PUBLIC_KEYS), validation_alias="KRYPTON_TELEGRAM_PUBLIC_KEYS"
    )
    # Webhooks to private / loopback addresses: refused in production unless explicitly allowed.
    webhook_allow_private: bool | None = Field(None, validation_alias="KRYPTON_WEBHOOK_ALLOW_PRIVATE")
    webhook_timeout_s: float = Field(10.0, validation_alias="KRYPTON_WEBHOOK_TIMEOUT_S")
    # A fiat-priced payment's rate is a quote for this long; a part funded later gets the rate of then.
    quote_ttl_min: int = Field(15, ge=1, le=24 * 60, validation_alias="KRYPTON_QUOTE_TTL_MIN")
    # A payment still unfinished this long after it started is cancelled and its funded parts go back.
    payment_ttl_min: int = Field(30, ge=1, le=7 * 24 * 60, validation_alias="KRYPTON_PAYMENT_TTL_MIN")

    # --- P2P deals ---
    # After "fiat sent", the seller has this long to release before the deal goes to an operator.
    deal_release_window_min: int = Field(60, ge=5, validation_alias="KRYPTON_DEAL_RELEASE_WINDOW_MIN")
    # A paid "pay me in fiat" payment whose merchant has no payout deal running for this long completes to
    # them in crypto (services/fiat_payouts.py): the payer's receipt and the merchant's money never wait
    # on a merchant who went away.
    fiat_payout_wait_h: int = Field(24, ge=1, le=30 * 24, validation_alias="KRYPTON_FIAT_PAYOUT_WAIT_H")
    # A side may open a dispute only this long after "I have paid" (domain/deals.py says why 10 minutes).
    deal_dispute_after_s: int = Field(600, ge=0, le=24 * 3600, validation_alias="KRYPTON_DEAL_DISPUTE_AFTER_S")

    # Demo-wallet users get the operator console too (local runs and browser tests only).
    demo_operators: bool = Field(False, validation_alias="KRYPTON_DEMO_OPERATORS")

    # --- Email: one-time codes that verify an address (services/email_codes.py, krypton_app/mail) ---
    # No host: outside production mail goes to the development outbox folder; in production none is sent.
    smtp_host: str | None = Field(None, validation_alias="KRYPTON_SMTP_HOST")
    smtp_port: int = Field(587, validation_alias="KRYPTON_SMTP_PORT")
    smtp_user: str | None = Field(None, validation_alias="KRYPTON_SMTP_USER")
    smtp_password: str | None = Field(None, validation_alias="KRYPTON_SMTP_PASSWORD", repr=False)
    smtp_from: str | None = Field(None, validation_alias="KRYPTON_SMTP_FROM")  # default: no-reply@<app host>
    smtp_starttls: bool = Field(True, validation_alias="KRYPTON_SMTP_STARTTLS")
    mail_outbox: Path = Field(ROOT / "outbox", validation_alias="KRYPTON_MAIL_OUTBOX")

    @field_validator("telegram_bot_token")
    @classmethod
    def _bot_token_shape(cls, token: str | None) -> str | None:
        token = (token or "").strip() or None
        if token is not None and not _BOT_TOKEN.fullmatch(token):
            # Never echo the value: it is a secret.
            raise ValueError("KRYPTON_TELEGRAM_BOT_TOKEN must look like <bot id>:<secret>, as @BotFather gives it")
        return token

    @field_validator("cors_origins")
    @classmethod
    def _origins_only(cls, origins: list[str]) -> list[str]:
        cleaned = []
        for origin in origins:
            parts = urlsplit(origin.strip())
            extra = parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc
            if parts.scheme not in ("http", "https") or not parts.hostname or extra or "*" in origin:
                raise ValueError(f"KRYPTON_CORS_ORIGINS takes origins (https://host[:port]), not {origin!r}")
            cleaned.append(origin_of(origin))
        return cleaned

    @model_validator(mode="after")
    def _owner_wallet(self) -> Settings:
        """The owner's wallet is checked as a user's withdrawal address is, for the network we run on: a
        typo stops the start rather than every sweep."""
        value = (self.fee_owner_wallet or "").strip()
        if value:
            try:
                parse_ton_address(value, testnet=self.ton_network == "-3")
            except InvalidDestination as error:
                raise ValueError(f"KRYPTON_FEE_OWNER_WALLET is no TON address here ({error.code}): {value!r}") from None
        self.fee_owner_wallet = value or None
        return self

    @model_validator(mode="after")
    def _local_secrets(self) -> Settings:
        if self.is_production or self.secret_key:
            return self
        stored = local_secrets(self.local_secrets_file, database_url=self.database_url)
        self.secret_key = stored["secret_key"]
        self.hot_wallet_seed = self.hot_wallet_seed or stored["hot_wallet_seed"]
        self.receipt_seed = self.receipt_seed or stored["receipt_seed"]
        return self

    @model_validator(mode="after")
    def _allow_own_host(self) -> Settings:
        if self.is_production and "allowed_proof_domains" not in self.model_fields_set:
            self.allowed_proof_domains = []
        host = urlsplit(self.app_url).netloc
        if host and host not in self.allowed_proof_domains:
            self.allowed_proof_domains.append(host)
        return self

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # Secrets are repr=False fields; a password inside a URL is masked here.
        for name, value in super().__repr_args__():
            yield name, (_hide_password(value) if name in _URL_FIELDS and value else value)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def demo_wallet_enabled(self) -> bool:
        if self.is_production:
            return False
        return True if self.demo_wallet is None else self.demo_wallet

    @property
    def lightning_enabled(self) -> bool:
        """A payer may fund a part from a Lightning wallet: a real node, or the fake one outside production."""
        return self.lightning == "lnd" or not self.is_production

    @property
    def lightning_node_payouts(self) -> bool:
        """Lightning payouts are paid by the platform's node rather than by the operator by hand: a real
        node (on KRYPTON_BTC_NETWORK, the operator's setup), or the fake one outside production when
        payouts are on regtest, the only network whose invoices it can pay (its own)."""
        if self.lightning == "lnd":
            return True
        return not self.is_production and self.bitcoin_network == "regtest"

    @property
    def lightning_demo_wallet(self) -> bool:
        """The fake node's "pay from the demo Lightning wallet" button: local runs only."""
        return self.lightning == "fake" and self.demo_wallet_enabled

    @property
    def telegram_login_enabled(self) -> bool:
        """Mini App login and linking need the bot token (it signs initData); without it both are off."""
        return bool(self.telegram_bot_token)

    @property
    def telegram_bot_id(self) -> int | None:
        """The bot's numeric id, the token's prefix before the colon (what third-party validation names)."""
        prefix = (self.telegram_bot_token or "").partition(":")[0]
        return int(prefix) if prefix.isascii() and prefix.isdigit() else None

    @property
    def demo_faucet_enabled(self) -> bool:
        if self.is_production or self.chain != "fake":
            return False
        return True if self.demo_faucet is None else self.demo_faucet

    @property
    def fee_owner(self) -> str | None:
        """Where fee sweeps go: the configured wallet; on the demo chain outside production, the demo
        owner's; otherwise None, and sweeps are off."""
        if self.fee_owner_wallet:
            return self.fee_owner_wallet
        if self.chain == "fake" and not self.is_production:
            return DEMO_FEE_OWNER_WALLET
        return None

    @property
    def webhooks_may_reach_private(self) -> bool:
        if self.webhook_allow_private is not None:
            return self.webhook_allow_private
        return not self.is_production

    @property
    def mail_from(self) -> str:
        return self.smtp_from or f"Krypton <no-reply@{urlsplit(self.app_url).hostname or 'localhost'}>"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    @property
    def app_origin(self) -> str:
        return origin_of(self.app_url)

    @property
    def cors_allowed_origins(self) -> list[str]:
        """Origins a browser may call the app from with the user's cookies: its own, plus KRYPTON_CORS_ORIGINS.
        A local run answers on localhost and 127.0.0.1 alike, so outside production both count as its own."""
        own = [self.app_origin]
        parts = urlsplit(self.app_origin)
        if not self.is_production and parts.hostname in ("localhost", "127.0.0.1"):
            other = "127.0.0.1" if parts.hostname == "localhost" else "localhost"
            own.append(f"{parts.scheme}://{other}" + (f":{parts.port}" if parts.port else ""))
        return list(dict.fromkeys([*own, *self.cors_origins]))

    def check(self) -> None:
        if not self.is_production:
            return
        if not self.secret_key or self.secret_key == OLD_DEV_SECRET_KEY:
            raise RuntimeError("KRYPTON_SECRET_KEY must be set in production")
        if self.lightning == "lnd" and not (self.lnd_url and (self.lnd_macaroon or self.lnd_macaroon_path)):
            raise RuntimeError("KRYPTON_LIGHTNING=lnd needs KRYPTON_LND_URL and a macaroon")
        if self.chain == "fake" or not self.hot_wallet_seed:
            raise RuntimeError("production needs a real chain (KRYPTON_CHAIN) and KRYPTON_HOT_WALLET_SEED")
        loopback = [domain for domain in self.allowed_proof_domains if is_loopback_host(domain)]
        if loopback:
            raise RuntimeError(
                f"production refuses loopback proof domains {loopback}: set KRYPTON_APP_URL to the public URL "
                "and KRYPTON_PROOF_DOMAINS to public hosts only"
            )


@lru_cache
def get_settings() -> Settings:
    settings = Settings()
    settings.check()
    return settings


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL as a browser sends it in `Origin`: lower case, no default port."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    return f"{scheme}://{host}" + (f":{port}" if port and port != _DEFAULT_PORTS.get(scheme) else "")


def is_loopback_host(domain: str) -> bool:
    """True for `localhost`, `*.localhost` and loopback or unspecified IPs, with or without a port."""
    host = (urlsplit(f"//{domain.strip()}").hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or ip.is_unspecified or (mapped is not None and (mapped.is_loopback or mapped.is_unspecified))


def local_secrets(path: Path, *, database_url: str | None = None) -> dict[str, str]:
    """The secrets of this checkout's local runs: read from `path`, or generated into it on first use.

    Several processes may start at once (`make run` starts a few): each writes a private temp file and
    links it into place, which fails if another won; the loser reads the winner's file, never a half one.
    """
    try:
        return _read_local_secrets(path)
    except FileNotFoundError:
        pass
    fresh = {
        "secret_key": secrets.token_urlsafe(48),
        "hot_wallet_seed": secrets.token_hex(32),
        "receipt_seed": secrets.token_hex(32),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(fresh, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return _read_local_secrets(path)
    finally:
        os.unlink(temp)
    log.warning("generated the secrets of local runs into %s (keep it private; never commit it)", path)
    _warn_about_older_local_data(path, database_url)
    return fresh


def _read_local_secrets(path: Path) -> dict[str, str]:
    try:
        stored = json.loads(path.read_text())
        values = {name: stored[name] for name in LOCAL_SECRET_FIELDS}
        if not all(isinstance(v, str) and v for v in values.values()):
            raise ValueError("empty or not text")
        bytes.fromhex(values["hot_wallet_seed"])
        bytes.fromhex(values["receipt_seed"])
    except (KeyError, TypeError, ValueError) as error:
        raise RuntimeError(f"{path} is damaged ({error}); delete it to generate new local secrets") from error
    return values


def _warn_about_older_local_data(path: Path, database_url: str | None) -> None:
    """A database from before the generated secrets was made with the old public key: say what that means."""
    if not database_url:
        return
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    database = Path(url.database).resolve()
    if database.exists():
        log.warning(
            "%s was made with the old public development key: its sessions, merchant API keys, webhook "
            "secrets and receipts no longer verify, and the demo hot wallet has a new address. "
            "Delete it and krypton.fakechain.json beside it for a fresh start (README: local secrets).",
            database,
        )


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
