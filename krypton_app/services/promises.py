"""Promises (SPEC F6): bearer vouchers made from a balance, redeemed to a balance by whoever holds the
code, cancelled by their issuer, expired by the worker. The row helpers, the ledger moves and the two
helpers a payment uses in its own transaction are services/promise_rows.py; the rules domain/promises.py.

A code is 192 random bits, returned once by `create_promise` and never stored (only its keyed hash).
Guessing is pointless, and still limited: each wrong code costs the user (and the client: an address or
a session) one of GUESSES_PER_HOUR attempts, recorded in its own transaction so the refusal keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import promises as rules
from krypton_app.domain.errors import InvalidAmount, NotFound
from krypton_app.domain.ledger import Leg
from krypton_app.domain.money import to_minor
from krypton_app.domain.promises import ACTIVE, CANCELLED, CREATED, EXPIRED, PromiseRefused
from krypton_app.models import Asset
from krypton_app.models.common import as_utc
from krypton_app.models.promises import PromiseGuess
from krypton_app.services import ledger
from krypton_app.services.promise_rows import (
    PROMISE_CANCEL,
    PROMISE_EXPIRE,
    PROMISE_REDEEM,
    PromiseView,
    backing,
    code_hash,
    end_promise,
    fund,
    insert_promise,
    memo,
    promise_query,
    promise_view,
    promises_table,
    settle_key,
    spend_promise,
)
from krypton_app.services.users import find_user_by_contact
from krypton_app.settings import Settings

_p = promises_table
GUESSES_PER_HOUR = 20
LIST_MAX = 100
ISSUED, RECEIVED = "issued", "received"


@dataclass(frozen=True)
class CreatedPromise:
    promise: PromiseView
    code: str | None  # None when the key had made the promise already: its code was shown then, once


@dataclass(frozen=True)
class PromisePreview:
    """What the redeem page shows to whoever opened a code's link: never the code, nor who holds it."""

    id: int
    asset: str
    decimals: int
    amount: int
    amount_text: str
    note: str
    status: str
    expires_at: datetime | None
    issuer_name: str
    pinned: bool  # to one user
    pinned_to_viewer: bool
    may_redeem: bool  # active, and not pinned to someone else (a visitor who is not logged in: True)


def create_promise(
    uow: UnitOfWork,
    issuer_id: int,
    *,
    asset: str,
    amount: str | int,
    idempotency_key: str,
    settings: Settings,
    now: datetime,
    pin: str | None = None,
    note: str = "",
    expires_at: datetime | None = None,
    webhook_url: str | None = None,
    pinned_user_id: int | None = None,
    attach: Callable[[Session, int, str], None] | None = None,
) -> CreatedPromise:
    """Move `amount` of the issuer's available `asset` into a new promise, in one transaction with its
    row. `amount`: decimal text or minor units. `pin`: @username or a verified email of the only user who
    may redeem it (or `pinned_user_id`, that user found by the caller, e.g. by their Telegram id).
    `attach(session, promise_id, code)`: written with a new promise in its transaction (a compatibility
    API's own row beside it, services/cryptopay_money.py). The same key again returns the first promise,
    without its code."""
    now = now.astimezone(UTC)
    note = (note or "").strip()
    if len(note) > rules.NOTE_MAX:
        raise PromiseRefused(code="promise_note_too_long", field="note")
    expires_at = as_utc(expires_at)  # a time without a zone (an API client's) is read as UTC
    if expires_at is not None and expires_at <= now:
        raise PromiseRefused(code="promise_expiry_past", field="expires_at")
    if pin and pin.strip():
        pinned = find_user_by_contact(uow, pin)
        if pinned is None:
            raise PromiseRefused(code="promise_pin_unknown", field="pin")
        pinned_user_id = pinned.id
    with uow.transaction() as s:
        decimals = s.execute(select(Asset.decimals).where(Asset.code == asset)).scalar_one_or_none()
        if decimals is None:
            raise PromiseRefused(code="promise_asset_unknown", field="asset")
        minor = amount if isinstance(amount, int) and not isinstance(amount, bool) else to_minor(str(amount), decimals)
        if minor <= 0:
            raise InvalidAmount(code="amount_zero", field="amount")
        issued = insert_promise(
            s,
            issuer_id=issuer_id,
            asset=asset,
            amount=minor,
            origin=CREATED,
            idempotency_key=idempotency_key,
            settings=settings,
            now=now,
            note=note,
            pinned_user_id=pinned_user_id,
            expires_at=expires_at,
            webhook_url=webhook_url,
        )
        if issued is None:
            twin = s.execute(promise_query().where(_p.c.idempotency_key == f"{issuer_id}:{idempotency_key}")).one()
            return CreatedPromise(promise_view(twin, now), None)
        fund(s, issued.id, ledger.user_account(s, issuer_id, asset), asset, minor)
        if attach is not None:
            attach(s, issued.id, issued.code)
        row = s.execute(promise_query().where(_p.c.id == issued.id)).one()
        return CreatedPromise(promise_view(row, now), issued.code)


def preview_by_code(
    uow: UnitOfWork, viewer_id: int | None, code: str, *, settings: Settings, now: datetime, client: str | None = None
) -> PromisePreview:
    """The promise behind a code for its redeem page; a wrong code costs an attempt (see the module)."""
    now = now.astimezone(UTC)
    actors = guess_actors(viewer_id, client)
    check_guess_limit(uow, actors, now=now)
    normal = rules.normalise_code(code)
    with uow.read() as s:
        row = None
        if normal is not None:
            row = s.execute(promise_query().where(_p.c.code_hash == code_hash(settings, normal))).one_or_none()
    if row is None:
        record_wrong_code(uow, actors, now=now)
        raise PromiseRefused(code="promise_not_found")
    view = promise_view(row, now)
    pinned_to_viewer = view.pinned_user_id is not None and view.pinned_user_id == viewer_id
    elsewhere = view.pinned_user_id is not None and viewer_id is not None and not pinned_to_viewer
    return PromisePreview(
        id=view.id,
        asset=view.asset,
        decimals=view.decimals,
        amount=view.amount,
        amount_text=view.amount_text,
        note=view.note,
        status=view.status,
        expires_at=view.expires_at,
        issuer_name=view.issuer_name,
        pinned=view.pinned_user_id is not None,
        pinned_to_viewer=pinned_to_viewer,
        may_redeem=view.status == ACTIVE and not elsewhere,
    )


def redeem_promise(
    uow: UnitOfWork, user_id: int, code: str, *, settings: Settings, now: datetime, client: str | None = None
) -> PromiseView:
    """Put the promise's money on the user's available balance. Of two racing redeemers one wins; the
    other gets promise_redeemed."""
    now = now.astimezone(UTC)
    actors = guess_actors(user_id, client)
    check_guess_limit(uow, actors, now=now)
    try:
        with uow.transaction() as s:
            spent = spend_promise(s, user_id, code, now=now, settings=settings)
            leg = Leg(backing(s, spent.asset), ledger.user_account(s, user_id, spent.asset), spent.amount)
            ledger.post(s, idempotency_key=settle_key(spent.id), kind=PROMISE_REDEEM, legs=[leg], memo=memo(spent.id))
            return promise_view(s.execute(promise_query().where(_p.c.id == spent.id)).one(), now)
    except PromiseRefused as error:
        if error.code == "promise_not_found":
            record_wrong_code(uow, actors, now=now)
        raise


def cancel_promise(uow: UnitOfWork, user_id: int, promise_id: int, *, now: datetime) -> PromiseView:
    """The issuer takes an active promise back: its money returns to their available balance."""
    now = now.astimezone(UTC)
    with uow.transaction() as s:
        row = s.execute(select(_p).where(_p.c.id == promise_id).with_for_update()).one_or_none()
        if row is None or row.issuer_id != user_id:
            raise NotFound(code="promise_not_found")
        _give_back(s, row, CANCELLED, PROMISE_CANCEL, now)
        return promise_view(s.execute(promise_query().where(_p.c.id == promise_id)).one(), now)


def expire_promises(uow: UnitOfWork, *, now: datetime, batch: int = 100) -> int:
    """End active promises past their expiry, money back to the issuer; one transaction each, so a
    promise that fails is skipped, never in front of the others. Safe in several processes: a promise
    another process ended meanwhile is skipped. Returns how many this call ended."""
    now = now.astimezone(UTC)
    with uow.read() as s:
        due = s.execute(
            select(_p.c.id)
            .where(_p.c.status == ACTIVE, _p.c.expires_at.is_not(None), _p.c.expires_at <= now)
            .order_by(_p.c.expires_at)
            .limit(batch)
        ).scalars()
        ids = list(due)
    ended = 0
    for promise_id in ids:
        try:
            with uow.transaction() as s:
                row = s.execute(select(_p).where(_p.c.id == promise_id).with_for_update()).one()
                _give_back(s, row, EXPIRED, PROMISE_EXPIRE, now)
            ended += 1
        except PromiseRefused:
            continue  # redeemed or cancelled just before its expiry was processed
    return ended


def get_promise(uow: UnitOfWork, user_id: int, promise_id: int, *, now: datetime) -> PromiseView:
    """A promise its issuer, its redeemer or the user it is pinned to may see."""
    with uow.read() as s:
        row = s.execute(
            promise_query().where(
                _p.c.id == promise_id,
                or_(_p.c.issuer_id == user_id, _p.c.redeemed_by == user_id, _p.c.pinned_user_id == user_id),
            )
        ).one_or_none()
    if row is None:
        raise NotFound(code="promise_not_found")
    return promise_view(row, now.astimezone(UTC))


def list_promises(
    uow: UnitOfWork,
    user_id: int,
    *,
    role: str = ISSUED,
    now: datetime,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[PromiseView], int]:
    """The user's promises, newest first, and how many there are: ISSUED (made by them, change and
    refunds included) or RECEIVED (redeemed by them, or pinned to them)."""
    if role == ISSUED:
        mine = _p.c.issuer_id == user_id
    elif role == RECEIVED:
        mine = or_(_p.c.redeemed_by == user_id, _p.c.pinned_user_id == user_id)
    else:
        raise ValueError(f"unknown promise list {role!r}")
    if status is not None:
        mine = mine & (_p.c.status == status)
    limit = min(max(limit, 1), LIST_MAX)
    with uow.read() as s:
        rows = s.execute(promise_query().where(mine).order_by(_p.c.id.desc()).limit(limit).offset(max(offset, 0)))
        items = [promise_view(row, now.astimezone(UTC)) for row in rows]
        total = s.execute(select(func.count()).select_from(_p).where(mine)).scalar_one()
    return items, total


# --- guess limits: also for a payment that takes a code ------------------------------------------


def check_guess_limit(uow: UnitOfWork, actors: list[str], *, now: datetime) -> None:
    """Raise promise_guess_limit when any actor typed GUESSES_PER_HOUR wrong codes in the last hour."""
    with uow.read() as s:
        worst = s.execute(
            select(func.count())
            .select_from(PromiseGuess)
            .where(PromiseGuess.actor.in_(actors), PromiseGuess.created_at > now - timedelta(hours=1))
            .group_by(PromiseGuess.actor)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one_or_none()
    if worst is not None and worst >= GUESSES_PER_HOUR:
        raise PromiseRefused(code="promise_guess_limit")


def record_wrong_code(uow: UnitOfWork, actors: list[str], *, now: datetime) -> None:
    with uow.transaction() as s:
        s.add_all(PromiseGuess(actor=actor, created_at=now) for actor in actors)


def prune_guesses(uow: UnitOfWork, *, now: datetime) -> int:
    """Forget wrong codes older than the limit's hour (they no longer count); returns how many."""
    with uow.transaction() as s:
        return s.execute(delete(PromiseGuess).where(PromiseGuess.created_at <= now - timedelta(hours=1))).rowcount


def guess_actors(user_id: int | None, client: str | None) -> list[str]:
    """Who a wrong code counts against: the user, and the client (IP address or browser session)."""
    actors = [] if user_id is None else [f"user:{user_id}"]
    if client:
        actors.append(f"client:{client[:100]}")
    return actors or ["client:anonymous"]


def _give_back(s, row, target: str, kind: str, now: datetime) -> None:
    end_promise(s, row.id, target, now)
    leg = Leg(backing(s, row.asset), ledger.user_account(s, row.issuer_id, row.asset), row.amount)
    ledger.post(s, idempotency_key=settle_key(row.id), kind=kind, legs=[leg], memo=memo(row.id))
