"""Credentials of the compatibility APIs (issue 15): a merchant who wrote against Telegram's Crypto Pay or
Heleket changes the base URL and pastes what Krypton issued here. They are API keys (one `api_keys` row,
listed and revoked with the others, refused while the merchant is blocked) of another flavour:

- **Crypto Pay app**: the token `<app_id>:<35 letters and digits>` that the SDKs take, sent as the
  `Crypto-Pay-API-Token` header. Its app has one webhook URL, and `transfer` is off until the merchant
  turns it on (as Crypto Pay's own apps). A test app is a testnet app: it makes sandbox invoices.
- **Heleket merchant**: a merchant UUID (the `merchant` header) with a payment key and a payout key; a
  request is signed `md5(base64(raw body) + key)`, and the key that matches decides what it may do.

Those APIs sign with the secret itself (the Crypto Pay webhook's HMAC key is SHA-256 of the token; a
Heleket sign is an MD5 over body + key), so unlike a Krypton key the secret is kept sealed
(services/crypto.py) beside its HMAC, and is shown to the merchant once, at creation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import ApiAuthError, KryptonError, NotFound
from krypton_app.models.common import utcnow
from krypton_app.models.merchant import ApiKey
from krypton_app.services.api_keys import ApiKeyView, admit, hash_secret, view_of
from krypton_app.services.crypto import seal, unseal
from krypton_app.services.webhook_urls import check_webhook_url
from krypton_app.settings import Settings

CRYPTOPAY, HELEKET = "cryptopay", "heleket"
CRYPTOPAY_SCOPES = ("invoices:read", "invoices:write", "promises:read", "promises:write")
TRANSFERS = "transfers:write"  # Crypto Pay's `transfer`: off until the merchant enables it
HELEKET_PAYMENT_SCOPES = ("invoices:read", "invoices:write")
HELEKET_PAYOUT_SCOPES = ("payouts:write",)
_ALPHANUMERIC = string.ascii_letters + string.digits


@dataclass(frozen=True)
class CompatPrincipal:
    """Who a compatibility request is: the merchant, the key row and mode, what it may do, and the secret
    that authenticated it (the token; the Heleket key that matched), which signs what goes back."""

    user_id: int
    key_id: int
    is_test: bool
    scopes: tuple[str, ...]
    flavour: str
    app_id: str  # the Crypto Pay app id, or the Heleket merchant UUID
    name: str
    secret: str
    webhook_url: str | None


@dataclass(frozen=True)
class HeleketCredentials:
    merchant: str
    payment_key: str
    payout_key: str


def _name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64:
        raise KryptonError(code="api_key_name_invalid", field="name")
    return name


def _insert(uow: UnitOfWork, row: ApiKey) -> ApiKeyView:
    with uow.transaction() as session:
        session.add(row)
        session.flush()
        return view_of(row)


def create_cryptopay_app(
    uow: UnitOfWork,
    user_id: int,
    *,
    name: str,
    settings: Settings,
    webhook_url: str | None = None,
    transfers: bool = False,
    is_test: bool = False,
) -> tuple[ApiKeyView, str]:
    """A Crypto Pay app and its token, returned this once."""
    name, url = _name(name), check_webhook_url(webhook_url, settings=settings)
    scopes = CRYPTOPAY_SCOPES + ((TRANSFERS,) if transfers else ())
    for _ in range(3):  # a random 9-digit app id: a collision is retried, not reported
        app_id = str(secrets.randbelow(900_000_000) + 100_000_000)
        token = f"{app_id}:AA{''.join(secrets.choice(_ALPHANUMERIC) for _ in range(33))}"
        row = ApiKey(
            user_id=user_id,
            name=name,
            prefix=f"cp_{app_id}",
            key_hash=hash_secret(settings, token),
            scopes=" ".join(scopes),
            is_test=is_test,
            flavour=CRYPTOPAY,
            secret_sealed=seal(settings, token),
            webhook_url=url,
        )
        try:
            return _insert(uow, row), token
        except IntegrityError:
            continue
    raise RuntimeError("no free Crypto Pay app id after 3 tries")


def set_cryptopay_app(
    uow: UnitOfWork, user_id: int, key_id: int, *, webhook_url: str | None, transfers: bool, settings: Settings
) -> ApiKeyView:
    """Change a Crypto Pay app's webhook URL and whether `transfer` is enabled (the merchant's own only)."""
    url = check_webhook_url(webhook_url, settings=settings)
    with uow.transaction() as session:
        row = session.get(ApiKey, key_id, with_for_update=True)
        if row is None or row.user_id != user_id or row.flavour != CRYPTOPAY:
            raise NotFound()
        row.webhook_url = url
        row.scopes = " ".join(CRYPTOPAY_SCOPES + ((TRANSFERS,) if transfers else ()))
        return view_of(row)


def authenticate_cryptopay(
    uow: UnitOfWork, token: str | None, *, settings: Settings, now: datetime | None = None
) -> CompatPrincipal:
    """The app behind a `Crypto-Pay-API-Token` header (ApiAuthError: missing, unknown or revoked)."""
    token = (token or "").strip()
    if not token:
        raise ApiAuthError(code="api_key_missing")
    app_id, _, rest = token.partition(":")
    prefix = f"cp_{app_id}" if app_id.isascii() and app_id.isdigit() and rest else ""
    with uow.read() as session:
        row = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first() if prefix else None
    stored = row.key_hash if row is not None else "0" * 64  # constant time whether or not the app exists
    valid = hmac.compare_digest(stored, hash_secret(settings, token))
    if not valid or row is None or row.revoked_at is not None or row.flavour != CRYPTOPAY:
        raise ApiAuthError(code="api_key_invalid")
    admit(uow, row, now=now or utcnow())
    return _principal(row, app_id, token, tuple(row.scopes.split()))


def cryptopay_signature(token: str, body: bytes) -> str:
    """Crypto Pay's webhook signature: HMAC-SHA-256 of the raw body keyed with the SHA-256 digest of the
    token (the raw 32 bytes), in lower-case hex (the `crypto-pay-api-signature` header)."""
    return hmac.new(hashlib.sha256(token.encode()).digest(), body, hashlib.sha256).hexdigest()


def create_heleket_merchant(
    uow: UnitOfWork, user_id: int, *, name: str, settings: Settings, is_test: bool = False
) -> tuple[ApiKeyView, HeleketCredentials]:
    """A Heleket merchant UUID with its payment and payout keys, returned this once."""
    credentials = HeleketCredentials(
        merchant=str(uuid.uuid4()),
        payment_key="".join(secrets.choice(_ALPHANUMERIC) for _ in range(64)),
        payout_key="".join(secrets.choice(_ALPHANUMERIC) for _ in range(64)),
    )
    row = ApiKey(
        user_id=user_id,
        name=_name(name),
        prefix=f"hk_{credentials.merchant}",
        key_hash=hash_secret(settings, credentials.payment_key),
        scopes=" ".join(HELEKET_PAYMENT_SCOPES + HELEKET_PAYOUT_SCOPES),
        is_test=is_test,
        flavour=HELEKET,
        secret_sealed=seal(settings, credentials.payment_key),
        payout_secret_sealed=seal(settings, credentials.payout_key),
    )
    return _insert(uow, row), credentials


def heleket_sign(body: bytes, key: str) -> str:
    """Heleket's sign: md5 hex of base64(body) followed by the key; `body` as the exact bytes sent."""
    return hashlib.md5((base64.b64encode(body).decode() + key).encode(), usedforsecurity=False).hexdigest()


def authenticate_heleket(
    uow: UnitOfWork,
    merchant: str | None,
    sign: str | None,
    body: bytes,
    *,
    settings: Settings,
    now: datetime | None = None,
) -> CompatPrincipal:
    """The merchant behind the `merchant` and `sign` headers of a request whose raw body is `body` (never
    re-serialised: each SDK signs its own bytes). Signed with the payment key, the principal may touch
    payments; with the payout key, payouts (and refunds, which some SDKs sign with it)."""
    merchant, sign = (merchant or "").strip(), (sign or "").strip().lower()
    if not merchant or not sign:
        raise ApiAuthError(code="api_key_missing")
    with uow.read() as session:
        row = session.exec(select(ApiKey).where(ApiKey.prefix == f"hk_{merchant}")).first()
    if row is None or row.flavour != HELEKET or row.revoked_at is not None:
        raise ApiAuthError(code="api_key_invalid")
    payment_key = str(unseal(settings, row.secret_sealed or ""))
    payout_key = str(unseal(settings, row.payout_secret_sealed or ""))
    # Both compared, in constant time, whichever matches.
    by_payment = hmac.compare_digest(heleket_sign(body, payment_key), sign)
    by_payout = hmac.compare_digest(heleket_sign(body, payout_key), sign)
    if not (by_payment or by_payout):
        raise ApiAuthError(code="api_key_invalid")
    admit(uow, row, now=now or utcnow())
    key, scopes = (payment_key, HELEKET_PAYMENT_SCOPES) if by_payment else (payout_key, HELEKET_PAYOUT_SCOPES)
    return _principal(row, merchant, key, scopes)


def _principal(row: ApiKey, app_id: str, secret: str, scopes: tuple[str, ...]) -> CompatPrincipal:
    return CompatPrincipal(
        user_id=row.user_id,
        key_id=row.id,
        is_test=row.is_test,
        scopes=scopes,
        flavour=row.flavour,
        app_id=app_id,
        name=row.name,
        secret=secret,
        webhook_url=row.webhook_url,
    )


def key_secrets(session: Session, key_id: int, *, settings: Settings) -> tuple[str, str | None]:
    """A compatibility key's (secret, payout secret), read in the caller's transaction, for what its
    webhooks sign; NotFound if it is not one."""
    row = session.get(ApiKey, key_id)
    if row is None or row.flavour == "krypton" or row.secret_sealed is None:
        raise NotFound()
    payout = str(unseal(settings, row.payout_secret_sealed)) if row.payout_secret_sealed else None
    return str(unseal(settings, row.secret_sealed)), payout
