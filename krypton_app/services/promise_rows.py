"""Promises inside the caller's transaction: the code's hash, the row's views, the one conditional UPDATE
that ends a promise, and the two helpers a payment uses to take a part from a promise and to give its
change back as a new one (`spend_promise`, `issue_promise`). The use cases are services/promises.py.

Ledger (domain/ledger.py PROMISE_BACKING, one account per asset): making a promise moves its amount
from where it comes from into the backing; its end moves it out once, to the redeemer or back to the
issuer, under the one key `promise:<id>:settle`, so redeem and cancel can never both post.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session

from krypton_app.domain import promises as rules
from krypton_app.domain.errors import IdempotencyConflict
from krypton_app.domain.ledger import PROMISE_BACKING, AccountRef, Leg
from krypton_app.domain.money import format_amount
from krypton_app.domain.promises import ACTIVE, REDEEMED, PromiseRefused
from krypton_app.models import Asset, User
from krypton_app.models.common import as_utc
from krypton_app.models.promises import Promise
from krypton_app.services import ledger, webhooks
from krypton_app.services.crypto import keyed_hash
from krypton_app.services.users import public_name
from krypton_app.settings import Settings, get_settings

promises_table: Table = Promise.__table__
_p = promises_table

# Ledger kinds: the wallet history labels each (services/history.py).
PROMISE_CREATE = "promise_create"
PROMISE_REDEEM = "promise_redeem"
PROMISE_CANCEL = "promise_cancel"
PROMISE_EXPIRE = "promise_expire"
PROMISE_REDEEMED_EVENT = "promise.redeemed"


@dataclass(frozen=True)
class PromiseView:
    id: int
    code_hint: str
    issuer_id: int
    issuer_name: str
    origin: str
    asset: str
    decimals: int
    amount: int
    pinned_user_id: int | None
    pinned_name: str | None
    note: str
    status: str  # as it is now: an active one past its expiry reads expired before the worker ends it
    expires_at: datetime | None
    redeemed_by: int | None
    redeemed_at: datetime | None
    ended_at: datetime | None
    webhook_url: str | None
    created_at: datetime

    @property
    def amount_text(self) -> str:
        return format_amount(self.amount, self.decimals)


@dataclass(frozen=True)
class SpentPromise:
    id: int
    asset: str
    amount: int


@dataclass(frozen=True)
class IssuedPromise:
    id: int
    code: str  # shown once to whoever gets the promise; only its keyed hash is stored


def code_hash(settings: Settings, code: str) -> str:
    return keyed_hash(settings, "promise-codes", code)


def new_code() -> str:
    return secrets.token_urlsafe(rules.CODE_BYTES)


def settle_key(promise_id: int) -> str:
    return f"promise:{promise_id}:settle"


def memo(promise_id: int) -> str:
    return f"promise {promise_id}"


def backing(s: Session, asset: str) -> AccountRef:
    return ledger.system_account(s, PROMISE_BACKING, asset)


def insert_promise(
    s: Session,
    *,
    issuer_id: int,
    asset: str,
    amount: int,
    origin: str,
    idempotency_key: str,
    settings: Settings,
    now: datetime,
    note: str = "",
    pinned_user_id: int | None = None,
    expires_at: datetime | None = None,
    webhook_url: str | None = None,
) -> IssuedPromise | None:
    """Insert an active promise with a new code; None when the issuer already used the key (the twin
    is found by the caller). Moves no money."""
    if origin not in rules.ORIGINS:
        raise ValueError(f"unknown promise origin {origin!r}")
    code = new_code()
    dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
    promise_id = s.execute(
        dialect.insert(_p)
        .values(
            code_hash=code_hash(settings, code),
            code_hint=code[: rules.HINT_LENGTH],
            issuer_id=issuer_id,
            origin=origin,
            asset=asset,
            amount=amount,
            pinned_user_id=pinned_user_id,
            note=note,
            status=ACTIVE,
            expires_at=expires_at,
            idempotency_key=f"{issuer_id}:{idempotency_key}",
            webhook_url=webhook_url,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(_p.c.id)
    ).scalar_one_or_none()
    return None if promise_id is None else IssuedPromise(promise_id, code)


def fund(s: Session, promise_id: int, source: AccountRef, asset: str, amount: int) -> None:
    leg = Leg(source, backing(s, asset), amount)
    ledger.post(
        s, idempotency_key=f"promise:{promise_id}:create", kind=PROMISE_CREATE, legs=[leg], memo=memo(promise_id)
    )


def issue_promise(
    s: Session,
    issuer_id: int,
    *,
    asset: str,
    amount: int,
    origin: str,
    source_account: AccountRef | None,
    idempotency_key: str,
    now: datetime,
    note: str = "",
    settings: Settings | None = None,
) -> IssuedPromise:
    """Make a promise in the caller's transaction (a payment's change or refund). Its money comes from
    `source_account` into the backing; None: the money is already in the backing (change of a promise
    that was just spent, which never left it). The key is the issuer's; used twice it raises
    IdempotencyConflict, since the first promise's code cannot be shown again."""
    issued = insert_promise(
        s,
        issuer_id=issuer_id,
        asset=asset,
        amount=amount,
        origin=origin,
        idempotency_key=idempotency_key,
        settings=settings or get_settings(),
        now=now,
        note=note,
    )
    if issued is None:
        raise IdempotencyConflict(f"promise key {idempotency_key!r} already used", idempotency_key=idempotency_key)
    if source_account is not None:
        fund(s, issued.id, source_account, asset, amount)
    return issued


def spend_promise(
    s: Session, user_id: int, code: str, *, now: datetime, settings: Settings | None = None
) -> SpentPromise:
    """Mark the promise with `code` redeemed by `user_id`, in the caller's transaction, or raise
    PromiseRefused (promise_not_found, _redeemed, _cancelled, _expired, _pinned; promise_redeemed too when
    a concurrent spend won). Moves no money: the caller posts `amount` out of the backing account
    (`backing(s, asset)`) under `settle_key(id)`. Guess limits are the caller's (services/promises.py)."""
    normal = rules.normalise_code(code)
    if normal is None:
        raise PromiseRefused(code="promise_not_found")
    row = s.execute(
        select(_p).where(_p.c.code_hash == code_hash(settings or get_settings(), normal)).with_for_update()
    ).one_or_none()
    if row is None:
        raise PromiseRefused(code="promise_not_found")
    rules.check_redeemable(row.status, as_utc(row.expires_at), row.pinned_user_id, user_id, now)
    end_promise(s, row.id, REDEEMED, now, redeemed_by=user_id)
    if row.webhook_url:
        webhooks.enqueue_event(
            s,
            merchant_id=row.issuer_id,
            invoice_id=None,
            payment_id=None,
            type=PROMISE_REDEEMED_EVENT,
            data={"promise": {"id": row.id, "asset": row.asset, "amount_minor": row.amount, "status": REDEEMED}},
            url=row.webhook_url,
            is_test=False,
            now=now,
        )
    return SpentPromise(row.id, row.asset, row.amount)


def end_promise(s: Session, promise_id: int, target: str, now: datetime, *, redeemed_by: int | None = None) -> None:
    """active -> target in one conditional UPDATE; PromiseRefused(promise_<status>) when it is no longer
    active (a racing redeem, cancel or expiry won)."""
    if not rules.may_transition(ACTIVE, target):
        raise ValueError(f"no promise transition to {target!r}")
    values: dict = {"status": target, "ended_at": now}
    if target == REDEEMED:
        values |= {"redeemed_by": redeemed_by, "redeemed_at": now}
    changed = s.execute(update(_p).where(_p.c.id == promise_id, _p.c.status == ACTIVE).values(**values)).rowcount
    if changed != 1:
        status = s.execute(select(_p.c.status).where(_p.c.id == promise_id)).scalar_one_or_none()
        raise PromiseRefused(code=f"promise_{status}" if status in rules.STATUSES else "promise_not_found")


def promise_query():
    issuer, pinned = aliased(User), aliased(User)
    return (
        select(_p, Asset.decimals, issuer, pinned)
        .join(Asset, Asset.code == _p.c.asset)
        .join(issuer, issuer.id == _p.c.issuer_id)
        .outerjoin(pinned, pinned.id == _p.c.pinned_user_id)
    )


def promise_view(row, now: datetime) -> PromiseView:
    m = row._mapping
    issuer, pinned = row[-2], row[-1]
    return PromiseView(
        id=m["id"],
        code_hint=m["code_hint"],
        issuer_id=m["issuer_id"],
        issuer_name=public_name(issuer.display_name, issuer.username, issuer.wallet_address),
        origin=m["origin"],
        asset=m["asset"],
        decimals=m["decimals"],
        amount=m["amount"],
        pinned_user_id=m["pinned_user_id"],
        pinned_name=public_name(pinned.display_name, pinned.username, pinned.wallet_address) if pinned else None,
        note=m["note"],
        status=rules.effective_status(m["status"], as_utc(m["expires_at"]), now),
        expires_at=as_utc(m["expires_at"]),
        redeemed_by=m["redeemed_by"],
        redeemed_at=as_utc(m["redeemed_at"]),
        ended_at=as_utc(m["ended_at"]),
        webhook_url=m["webhook_url"],
        created_at=as_utc(m["created_at"]),
    )
