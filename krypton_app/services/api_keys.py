"""Merchant API keys (SPEC F11), the sandbox rule, and the idempotency store of the REST API.

A key reads `kr_live_<prefix>_<secret>` (`kr_test_` for sandbox keys). The prefix is public: it
finds the row and names the key in lists. Only an HMAC of the whole key is stored, with a key
derived from the app's secret, so a leaked database alone neither reveals nor lets anyone forge one.

The sandbox rule: a sandbox key (say, leaked from a dev box) works in the sandbox only. What it creates
is a sandbox invoice, and a live invoice or event does not exist for it (the same NotFound as another
merchant's). The services the API calls take the key's mode as `only_test` and apply it in their own
transaction (`hidden_from_key`, or a filter on `is_test` in a list).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import ApiAuthError, IdempotencyConflict, KryptonError, NotFound
from krypton_app.models.common import as_utc, utcnow
from krypton_app.models.merchant import ApiIdempotencyRecord, ApiKey
from krypton_app.services.users import require_not_blocked
from krypton_app.settings import Settings, get_settings

SCOPES = ("invoices:read", "invoices:write", "webhooks:write", "promises:read", "promises:write")
# last_used_at is a hint for the merchant, not an audit log: write it at most once a minute per key.
LAST_USED_RESOLUTION = timedelta(minutes=1)
IN_PROGRESS = 0  # status_code of an idempotency record whose first request has not finished
IDEMPOTENCY_KEEP = timedelta(hours=24)  # how long a key replays its first response (as Stripe's)


@dataclass(frozen=True)
class ApiKeyView:
    id: int
    name: str
    prefix: str  # e.g. kr_live_3f9c0a12b4de: shown in lists, never enough to authenticate
    scopes: tuple[str, ...]
    is_test: bool
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    flavour: str = "krypton"  # or a compatibility API's credentials (services/compat_keys.py)
    webhook_url: str | None = None  # a Crypto Pay app's


@dataclass(frozen=True)
class ApiPrincipal:
    user_id: int
    key_id: int
    is_test: bool
    scopes: tuple[str, ...]


def hidden_from_key(is_test: bool, *, only_test: bool) -> bool:
    """The sandbox rule for one row: is an invoice or event of this mode out of reach of a key of that mode?"""
    return only_test and not is_test


def hash_secret(settings: Settings, token: str) -> str:
    pepper = hashlib.sha256(f"krypton:api-keys:{settings.secret_key}".encode()).digest()
    return hmac.new(pepper, token.encode(), hashlib.sha256).hexdigest()


def view_of(row: ApiKey) -> ApiKeyView:
    return ApiKeyView(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        scopes=tuple(row.scopes.split()),
        is_test=row.is_test,
        created_at=as_utc(row.created_at),
        last_used_at=as_utc(row.last_used_at),
        revoked_at=as_utc(row.revoked_at),
        flavour=row.flavour,
        webhook_url=row.webhook_url,
    )


def create_api_key(
    uow: UnitOfWork,
    user_id: int,
    *,
    name: str,
    scopes: list[str],
    is_test: bool = False,
    settings: Settings | None = None,
) -> tuple[ApiKeyView, str]:
    """A new key and its secret, which is returned this once and never stored."""
    settings = settings or get_settings()
    chosen = [scope for scope in SCOPES if scope in scopes]  # canonical order, no repeats
    if not chosen or len(set(scopes)) != len(chosen):
        raise KryptonError(code="api_scopes_invalid", field="scopes")
    name = name.strip()
    if not name or len(name) > 64:
        raise KryptonError(code="api_key_name_invalid", field="name")
    prefix = f"kr_{'test' if is_test else 'live'}_{secrets.token_hex(6)}"
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        user_id=user_id,
        name=name,
        prefix=prefix,
        key_hash=hash_secret(settings, token),
        scopes=" ".join(chosen),
        is_test=is_test,
    )
    with uow.transaction() as session:
        session.add(row)
        session.flush()
        return view_of(row), token


def list_api_keys(uow: UnitOfWork, user_id: int) -> list[ApiKeyView]:
    with uow.read() as session:
        rows = session.exec(select(ApiKey).where(ApiKey.user_id == user_id).order_by(col(ApiKey.id).desc())).all()
        return [view_of(row) for row in rows]


def revoke_api_key(uow: UnitOfWork, user_id: int, key_id: int, *, now: datetime | None = None) -> ApiKeyView:
    """Revoke a key of this user (NotFound for anyone else's); revoking twice keeps the first time."""
    with uow.transaction() as session:
        row = session.get(ApiKey, key_id, with_for_update=True)
        if row is None or row.user_id != user_id:
            raise NotFound()
        if row.revoked_at is None:
            row.revoked_at = now or utcnow()
        return view_of(row)


def authenticate(
    uow: UnitOfWork,
    header_value: str | None,
    *,
    scope: str,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> ApiPrincipal:
    """The merchant behind `Authorization: Bearer <key>` if the key is live and has `scope`."""
    settings = settings or get_settings()
    now = now or utcnow()
    if not header_value or not header_value.strip():
        raise ApiAuthError(code="api_key_missing")
    scheme, _, token = header_value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiAuthError(code="api_key_invalid")
    parts = token.split("_", 3)  # kr, live|test, prefix hex, secret (which may hold "_" itself)
    prefix = "_".join(parts[:3]) if len(parts) == 4 and token.startswith(("kr_live_", "kr_test_")) else ""
    with uow.read() as session:
        row = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first() if prefix else None
    # Compared in constant time even when no row matched, so timing tells nothing about prefixes.
    stored = row.key_hash if row is not None else "0" * 64
    if not hmac.compare_digest(stored, hash_secret(settings, token)) or row is None or row.revoked_at is not None:
        raise ApiAuthError(code="api_key_invalid")
    scopes = tuple(row.scopes.split())
    if scope not in scopes:
        raise ApiAuthError(code="api_scope_missing", scope=scope)
    admit(uow, row, now=now)
    return ApiPrincipal(user_id=row.user_id, key_id=row.id, is_test=row.is_test, scopes=scopes)


def admit(uow: UnitOfWork, row: ApiKey, *, now: datetime) -> None:
    """The checks after a key's secret matched, for every flavour: its merchant is not blocked (a blocked
    merchant's keys stay valid but refused, 403 user_blocked, until an operator unblocks), and its
    last-used hint moves on."""
    with uow.read() as session:
        require_not_blocked(session, row.user_id)
    last_used = as_utc(row.last_used_at)
    if last_used is None or now - last_used >= LAST_USED_RESOLUTION:
        with uow.transaction() as session:
            session.execute(update(ApiKey).where(col(ApiKey.id) == row.id).values(last_used_at=now))


# --- idempotency of API requests --------------------------------------------------------------


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: str


def _record_of(user_id: int, is_test: bool, key: str):
    return (
        col(ApiIdempotencyRecord.user_id) == user_id,
        col(ApiIdempotencyRecord.is_test) == is_test,
        col(ApiIdempotencyRecord.key) == key,
    )


def begin_idempotent(
    uow: UnitOfWork, user_id: int, key: str, request_hash: str, *, is_test: bool, now: datetime | None = None
) -> StoredResponse | None:
    """Reserve `key` for this request (None: go ahead, then `finish_idempotent`), or the stored
    response of the first request with the same key and body. Keys are the merchant's per mode
    (`is_test`: the API key's), so a sandbox key can neither replay a live response nor take a key the
    live integration will use. The unique (user, mode, key) constraint decides between racing
    requests: exactly one reserves, the other replays or is told to wait."""
    try:
        with uow.transaction() as session:
            session.add(
                ApiIdempotencyRecord(
                    user_id=user_id,
                    is_test=is_test,
                    key=key,
                    request_hash=request_hash,
                    status_code=IN_PROGRESS,
                    response_body="",
                    created_at=now or utcnow(),
                )
            )
        return None
    except IntegrityError:
        pass
    with uow.read() as session:
        record = session.exec(select(ApiIdempotencyRecord).where(*_record_of(user_id, is_test, key))).one()
    if record.request_hash != request_hash:
        raise IdempotencyConflict(code="idempotency_conflict")
    if record.status_code == IN_PROGRESS:
        raise IdempotencyConflict(code="idempotency_in_progress")
    return StoredResponse(record.status_code, record.response_body)


def finish_idempotent(uow: UnitOfWork, user_id: int, key: str, response: StoredResponse, *, is_test: bool) -> None:
    with uow.transaction() as session:
        session.execute(
            update(ApiIdempotencyRecord)
            .where(*_record_of(user_id, is_test, key))
            .values(status_code=response.status_code, response_body=response.body)
        )


def abandon_idempotent(uow: UnitOfWork, user_id: int, key: str, *, is_test: bool) -> None:
    """Free the key after an unexpected failure, so that the client's retry runs again."""
    with uow.transaction() as session:
        session.execute(
            delete(ApiIdempotencyRecord).where(
                *_record_of(user_id, is_test, key), col(ApiIdempotencyRecord.status_code) == IN_PROGRESS
            )
        )


def prune_idempotency_records(uow: UnitOfWork, *, now: datetime) -> int:
    """Forget keys older than IDEMPOTENCY_KEEP (a crashed request's reservation included)."""
    with uow.transaction() as session:
        result = session.execute(
            delete(ApiIdempotencyRecord).where(col(ApiIdempotencyRecord.created_at) < now - IDEMPOTENCY_KEEP)
        )
        return result.rowcount or 0
