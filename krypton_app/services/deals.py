"""Escrowed P2P deals (SPEC F9): open, fiat sent, release, cancel, timers.

Each use case is one transaction. A transition is one conditional UPDATE of the deal row
(WHERE id = :id AND status IN (:from)); it runs first, so it also takes the deal's row lock
before the ad row and the ledger accounts (lock order: deal, ad, accounts). The ledger posting,
the DealEvent, the system chat message and the notifications are written in the same
transaction, so a deal never changes state without them, and of two racing actions the second
finds no row to update and is refused with `deal_state`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.domain.ads import fiat_for
from krypton_app.domain.errors import DealTransitionRefused, IdempotencyConflict, KryptonError, NotFound
from krypton_app.domain.ledger import AVAILABLE, HELD, Leg
from krypton_app.domain.money import format_amount, to_minor
from krypton_app.models import Ad, Deal, DealEvent, Dispute
from krypton_app.models.common import as_utc
from krypton_app.models.ledger import Asset
from krypton_app.models.users import User
from krypton_app.services import chat, notifications
from krypton_app.services.ads import return_ad_volume, take_ad_volume
from krypton_app.services.ledger import post, user_account
from krypton_app.services.rates import rate_provider_from_settings
from krypton_app.services.roles import operators_clause, user_is_operator
from krypton_app.settings import Settings, get_settings

_deals = Deal.__table__
log = logging.getLogger(__name__)

# Ledger transaction kinds (contract): escrow from a taker selling to a buy ad, release, refund.
DEAL_ESCROW = "deal_escrow"
DEAL_RELEASE = "deal_release"
DEAL_REFUND = "deal_refund"

TIMER_BATCH = 100


@dataclass(frozen=True)
class DealEventView:
    actor_id: int | None
    from_status: str
    to_status: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class DealView:
    id: int
    ad_id: int
    seller_id: int
    buyer_id: int
    taker_id: int
    my_role: str | None  # buyer | seller | operator
    asset: str
    decimals: int
    amount: int
    fiat: str
    fiat_amount: int
    price: int
    method: str
    status: str
    release_to: str
    deadline_at: datetime | None
    cancel_requested_by: int | None
    fiat_sent_at: datetime | None
    released_at: datetime | None
    created_at: datetime
    events: tuple[DealEventView, ...]


# --- open ----------------------------------------------------------------------------------------


def open_deal(
    uow: UnitOfWork,
    taker_id: int,
    ad_id: int,
    *,
    amount: str,
    method: str,
    idempotency_key: str,
    settings: Settings | None = None,
    now: datetime,
) -> DealView:
    """Take `amount` (asset units, decimal text) of an ad and lock the seller's crypto in escrow.

    Idempotent per taker: the same key returns the deal it opened the first time."""
    key = f"{taker_id}:{idempotency_key}"  # the column is unique across users; the key is per user
    try:
        with uow.transaction() as s:
            existing = s.exec(select(Deal).where(Deal.idempotency_key == key)).scalars().first()
            if existing is not None:
                return _replay(s, existing, taker_id, ad_id, method, amount)
            ad = s.get(Ad, ad_id)
            if ad is None:
                raise NotFound("no such ad")
            if method not in ad.methods.split():
                raise KryptonError("method not offered by this ad", code="deal_method_invalid")
            decimals = s.get(Asset, ad.asset).decimals
            minor = to_minor(amount, decimals)
            if minor <= 0:
                raise KryptonError("amount must be positive", code="deal_amount_invalid")
            # Conditional UPDATE of the ad's remaining volume: two takers on the last volume cannot both win.
            # With the rates, a floating ad is priced at the current reference rate in that same UPDATE.
            rates = rate_provider_from_settings(settings) if settings is not None else None
            ad = take_ad_volume(s, ad_id, minor, taker_id, rates=rates)
            seller_id, buyer_id = (ad.owner_id, taker_id) if ad.side == "sell" else (taker_id, ad.owner_id)
            deal = Deal(
                ad_id=ad.id,
                seller_id=seller_id,
                buyer_id=buyer_id,
                taker_id=taker_id,
                asset=ad.asset,
                amount=minor,
                fiat=ad.fiat,
                fiat_amount=fiat_for(minor, decimals, ad.price),
                price=ad.price,
                method=method,
                # `requested` is passed through in this transaction: publishing the ad was the owner's consent.
                status=machine.ESCROW_LOCKED,
                idempotency_key=key,
                deadline_at=machine.payment_deadline(now, ad.payment_window_min),
                created_at=now,
                updated_at=now,
            )
            s.add(deal)
            s.flush()
            if ad.side == "buy":
                # The taker sells: their crypto is held now. (A sell ad's volume is already held.)
                held = user_account(s, seller_id, ad.asset, HELD)
                leg = Leg(user_account(s, seller_id, ad.asset, AVAILABLE), held, minor)
                post(s, idempotency_key=f"deal:{deal.id}:escrow", kind=DEAL_ESCROW, legs=[leg], memo=f"deal {deal.id}")
            _record(s, deal, machine.REQUESTED, machine.ESCROW_LOCKED, taker_id, now, "opened")
            params = {"deal_id": deal.id, "amount": format_amount(minor, decimals), "asset": ad.asset}
            chat.post_system_message(s, deal.id, "deal.sys.opened", params)
            notifications.notify(
                s,
                ad.owner_id,
                kind=notifications.DEAL_REQUESTED,
                deal_id=deal.id,
                text_key="notify.deal_opened",
                params=params,
            )
            return _view(s, deal, taker_id)
    except IntegrityError:
        # A twin request with the same key committed first: answer with its deal.
        with uow.read() as s:
            existing = s.exec(select(Deal).where(Deal.idempotency_key == key)).scalars().first()
            if existing is None:
                raise
            return _replay(s, existing, taker_id, ad_id, method, amount)


# --- the two sides' actions ------------------------------------------------------------------------


def mark_fiat_sent(
    uow: UnitOfWork, buyer_id: int, deal_id: int, *, now: datetime, settings: Settings | None = None
) -> DealView:
    """The buyer says the fiat is paid; the seller then has the release window to release."""
    window = (settings or get_settings()).deal_release_window_min
    with uow.transaction() as s:
        deal = _participant_deal(s, buyer_id, deal_id)
        t = machine.transition("mark_fiat_sent", deal.status, _role(deal, buyer_id))
        _move(s, deal, t, buyer_id, now, fiat_sent_at=now, deadline_at=machine.release_deadline(now, window))
        _announce(s, deal, "deal.sys.fiat_sent", [deal.seller_id])
        return _view(s, deal, buyer_id)


def undo_fiat_sent(uow: UnitOfWork, buyer_id: int, deal_id: int, *, now: datetime) -> DealView:
    with uow.transaction() as s:
        deal = _participant_deal(s, buyer_id, deal_id)
        t = machine.transition("undo_fiat_sent", deal.status, _role(deal, buyer_id))
        window = s.get(Ad, deal.ad_id).payment_window_min
        # The payment timer starts again: the buyer said they have not paid after all.
        _move(s, deal, t, buyer_id, now, fiat_sent_at=None, deadline_at=machine.payment_deadline(now, window))
        _announce(s, deal, "deal.sys.fiat_sent_undone", [deal.seller_id])
        return _view(s, deal, buyer_id)


def release(uow: UnitOfWork, seller_id: int, deal_id: int, *, now: datetime) -> DealView:
    with uow.transaction() as s:
        deal = _participant_deal(s, seller_id, deal_id)
        t = machine.transition("release", deal.status, _role(deal, seller_id))
        _move(s, deal, t, seller_id, now, released_at=now, deadline_at=None)
        _pay_out(s, deal, deal.amount, 0, f"deal:{deal.id}:release", DEAL_RELEASE)
        _announce(s, deal, "deal.sys.released", [deal.buyer_id])
        return _view(s, deal, seller_id)


def cancel(uow: UnitOfWork, user_id: int, deal_id: int, *, now: datetime) -> DealView:
    """The buyer alone before "fiat sent"; otherwise the first side's call records the wish and the
    other side's call cancels."""
    with uow.transaction() as s:
        deal = _participant_deal(s, user_id, deal_id)
        role = _role(deal, user_id)
        other = deal.seller_id if role == machine.BUYER else deal.buyer_id
        step = machine.cancel_step(deal.status, role, requested_by_other=deal.cancel_requested_by == other)
        if step == "request":
            done = s.execute(
                update(_deals)
                .where(_deals.c.id == deal.id, _deals.c.status == deal.status, _deals.c.cancel_requested_by.is_(None))
                .values(cancel_requested_by=user_id, updated_at=now)
            ).rowcount
            if done != 1:
                raise DealTransitionRefused("the deal changed meanwhile", status=deal.status, action="cancel")
            deal.cancel_requested_by = user_id
            _record(s, deal, deal.status, deal.status, user_id, now, "cancel_requested")
            _announce(s, deal, "deal.sys.cancel_requested", [other])
            return _view(s, deal, user_id)
        t = machine.TRANSITIONS[step]
        # A mutual cancel needs the other side's request still on the row.
        extra = [_deals.c.cancel_requested_by == other] if step == "mutual_cancel" else []
        _move(s, deal, t, user_id, now, where=extra, deadline_at=None)
        _refund(s, deal, deal.amount, f"deal:{deal.id}:refund")
        _announce(s, deal, "deal.sys.cancelled", [other])
        return _view(s, deal, user_id)


# --- reads ---------------------------------------------------------------------------------------


def get_deal(uow: UnitOfWork, viewer_id: int, deal_id: int) -> DealView:
    """Participants see their deal; an operator sees it once it is disputed; anyone else: NotFound."""
    with uow.read() as s:
        deal = s.get(Deal, deal_id)
        if deal is None or not _may_view(s, deal, viewer_id):
            raise NotFound("no such deal")
        return _view(s, deal, viewer_id)


def list_my_deals(uow: UnitOfWork, user_id: int, *, status: str | None = None) -> list[DealView]:
    with uow.read() as s:
        q = select(Deal).where((Deal.seller_id == user_id) | (Deal.buyer_id == user_id))
        if status is not None:
            q = q.where(Deal.status == status)
        return [_view(s, d, user_id) for d in s.exec(q.order_by(Deal.id.desc())).scalars()]


# --- timers --------------------------------------------------------------------------------------


def run_timers(uow: UnitOfWork, *, now: datetime) -> int:
    """Act on deals whose deadline passed: unpaid -> expired (escrow back to the seller); "fiat sent"
    and no release -> disputed (never released). Safe with several workers: each deal is claimed
    with SKIP LOCKED on PostgreSQL, and every move is a conditional UPDATE that also re-checks the
    deadline, so a buyer who pressed "paid" a moment earlier wins over the timer or the timer wins,
    never both. Returns the number of deals moved."""
    with uow.read() as s:
        due = list(
            s.execute(
                select(_deals.c.id)
                .where(_deals.c.status.in_((machine.ESCROW_LOCKED, machine.FIAT_SENT)), _deals.c.deadline_at <= now)
                .order_by(_deals.c.deadline_at)
                .limit(TIMER_BATCH)
            ).scalars()
        )
    moved = 0
    for deal_id in due:
        try:
            moved += _fire(uow, deal_id, now)
        except Exception:
            # One deal that cannot move (a broken row) must not stall every deal due after it.
            log.exception("deal %s: timer failed, retrying next round", deal_id)
    _warn_soon(uow, now)
    return moved


def _fire(uow: UnitOfWork, deal_id: int, now: datetime) -> int:
    with uow.transaction() as s:
        deal = _claim(uow, s, deal_id, Deal.deadline_at <= now)
        if deal is None:
            return 0  # another worker or a user got there first
        action = machine.timer_action(deal.status)
        t = machine.transition(action, deal.status, machine.TIMER)
        try:
            _move(s, deal, t, None, now, where=[_deals.c.deadline_at <= now], deadline_at=None)
        except DealTransitionRefused:
            return 0
        if action == "expire":
            _refund(s, deal, deal.amount, f"deal:{deal.id}:refund")
            _announce(s, deal, "deal.sys.expired", [deal.seller_id, deal.buyer_id])
        else:
            s.add(Dispute(deal_id=deal.id, opened_by=None, created_at=now))
            _announce(s, deal, "deal.sys.disputed_by_timer", [deal.seller_id, deal.buyer_id])
            _call_operators(s, deal)
        return 1


def _claim(uow: UnitOfWork, s: Session, deal_id: int, *conditions) -> Deal | None:
    """The deal's row if it is still timed, locked for this worker (PostgreSQL: skipped if another has it)."""
    q = select(Deal).where(Deal.id == deal_id, Deal.status.in_((machine.ESCROW_LOCKED, machine.FIAT_SENT)), *conditions)
    if uow.is_postgres:
        q = q.with_for_update(skip_locked=True)
    return s.exec(q).scalars().first()


def _warn_soon(uow: UnitOfWork, now: datetime) -> None:
    """Tell the side who must act that its deadline is near: the buyer to pay, the seller to release.
    Once per deadline: the warning is an event row newer than the deal's last change."""
    soon = now + machine.DEADLINE_WARNING
    timed = (machine.ESCROW_LOCKED, machine.FIAT_SENT)
    with uow.read() as s:
        ids = list(
            s.execute(
                select(_deals.c.id)
                .where(_deals.c.status.in_(timed), _deals.c.deadline_at > now, _deals.c.deadline_at <= soon)
                .order_by(_deals.c.deadline_at)
                .limit(TIMER_BATCH)
            ).scalars()
        )
    for deal_id in ids:
        with uow.transaction() as s:
            deal = _claim(uow, s, deal_id, Deal.deadline_at > now, Deal.deadline_at <= soon)
            if deal is None:
                continue
            warned = s.execute(
                select(DealEvent.id).where(
                    DealEvent.deal_id == deal.id,
                    DealEvent.note == "deadline_soon",
                    DealEvent.created_at >= deal.updated_at,
                )
            ).first()
            if warned is not None:
                continue
            _record(s, deal, deal.status, deal.status, None, now, "deadline_soon")
            who, key = (
                (deal.buyer_id, "deal.sys.pay_soon")
                if deal.status == machine.ESCROW_LOCKED
                else (deal.seller_id, "deal.sys.release_soon")
            )
            minutes = max(1, int((as_utc(deal.deadline_at) - now).total_seconds() // 60))
            params = {"deal_id": deal.id, "minutes": minutes}
            chat.post_system_message(s, deal.id, key, params)
            notifications.notify(s, who, kind=notifications.TIMER_SOON, deal_id=deal.id, text_key=key, params=params)


# --- inside a transaction (shared with services/disputes.py) --------------------------------------


def _participant_deal(s: Session, user_id: int, deal_id: int) -> Deal:
    deal = s.get(Deal, deal_id)
    if deal is None or user_id not in (deal.seller_id, deal.buyer_id):
        raise NotFound("no such deal")
    return deal


def _role(deal: Deal, user_id: int) -> str | None:
    if user_id == deal.seller_id:
        return machine.SELLER
    if user_id == deal.buyer_id:
        return machine.BUYER
    return None


def _may_view(s: Session, deal: Deal, viewer_id: int) -> bool:
    if viewer_id in (deal.seller_id, deal.buyer_id):
        return True
    if s.execute(select(Dispute.id).where(Dispute.deal_id == deal.id)).first() is None:
        return False
    return user_is_operator(s, viewer_id)


def _move(s: Session, deal: Deal, t: machine.Transition, actor_id: int | None, now: datetime, *, where=(), **values):
    """The conditional UPDATE that is the transition; refused if the deal left `t.from_statuses`."""
    done = s.execute(
        update(_deals)
        .where(and_(_deals.c.id == deal.id, _deals.c.status.in_(sorted(t.from_statuses)), *where))
        .values(status=t.to, updated_at=now, **values)
    ).rowcount
    if done != 1:
        raise DealTransitionRefused("the deal changed meanwhile", status=deal.status, action=t.action)
    from_status = deal.status
    deal.status = t.to
    for name, value in values.items():
        setattr(deal, name, value)
    _record(s, deal, from_status, t.to, actor_id, now, t.action)


def _record(s: Session, deal: Deal, from_status: str, to_status: str, actor_id, now: datetime, note: str) -> None:
    s.add(
        DealEvent(
            deal_id=deal.id, actor_id=actor_id, from_status=from_status, to_status=to_status, note=note, created_at=now
        )
    )
    s.flush()


def _announce(s: Session, deal: Deal, text_key: str, user_ids) -> None:
    """The system chat message and the other side's notifications share one catalog text."""
    params = {"deal_id": deal.id, "status": deal.status}
    chat.post_system_message(s, deal.id, text_key, params)
    for user_id in user_ids:
        notifications.notify(
            s, user_id, kind=notifications.DEAL_STATUS, deal_id=deal.id, text_key=text_key, params=params
        )


def _call_operators(s: Session, deal: Deal) -> None:
    """Tell every operator that the deal waits for a decision, except its own sides (an operator who
    trades does not decide their own dispute, and already hears about it as a side)."""
    operators = s.execute(
        select(User.id).where(operators_clause(), User.id.not_in((deal.seller_id, deal.buyer_id)))
    ).scalars()
    for operator_id in operators.all():
        notifications.notify(
            s,
            operator_id,
            kind=notifications.DISPUTE_OPENED,
            deal_id=deal.id,
            text_key="notify.dispute_opened",
            params={"deal_id": deal.id},
        )


def _replay(s: Session, deal: Deal, taker_id: int, ad_id: int, method: str, amount: str) -> DealView:
    # The same key for another ad, method or amount is a different request, not a retry.
    try:
        same_amount = to_minor(amount, s.get(Asset, deal.asset).decimals) == deal.amount
    except KryptonError:
        same_amount = False
    if (deal.ad_id, deal.method) != (ad_id, method) or not same_amount:
        raise IdempotencyConflict("idempotency key already used for another deal")
    return _view(s, deal, taker_id)


def _pay_out(s: Session, deal: Deal, to_buyer: int, to_seller: int, key: str, kind: str) -> None:
    """Move the escrow, in one ledger transaction: `to_buyer` to the release target, `to_seller`
    back to the seller (to the ad's volume when the sell ad is still active: no posting)."""
    legs = []
    if to_buyer:
        legs.append(Leg(user_account(s, deal.seller_id, deal.asset, HELD), _release_target(s, deal), to_buyer))
    if to_seller:
        # After the deal row (already updated), the ad row, then the accounts: one lock order everywhere.
        back_to_ad = return_ad_volume(s, deal.ad_id, to_seller) and _is_sell_ad_deal(s, deal)
        if not back_to_ad:
            legs.append(
                Leg(
                    user_account(s, deal.seller_id, deal.asset, HELD),
                    user_account(s, deal.seller_id, deal.asset, AVAILABLE),
                    to_seller,
                )
            )
    if legs:
        post(s, idempotency_key=key, kind=kind, legs=legs, memo=f"deal {deal.id}")


def _refund(s: Session, deal: Deal, amount: int, key: str) -> None:
    _pay_out(s, deal, 0, amount, key, DEAL_REFUND)


def _is_sell_ad_deal(s: Session, deal: Deal) -> bool:
    return deal.seller_id != deal.taker_id


def _release_target(s: Session, deal: Deal):
    # The buyer's balance here; an invoice part in three-party deals (F10) plugs in on release_to.
    if deal.release_to != "buyer":
        raise KryptonError(f"unknown release target {deal.release_to!r}", code="deal_state")
    return user_account(s, deal.buyer_id, deal.asset, AVAILABLE)


def _view(s: Session, deal: Deal, viewer_id: int) -> DealView:
    events = s.exec(select(DealEvent).where(DealEvent.deal_id == deal.id).order_by(DealEvent.id)).scalars()
    role = _role(deal, viewer_id) or machine.OPERATOR
    return DealView(
        id=deal.id,
        ad_id=deal.ad_id,
        seller_id=deal.seller_id,
        buyer_id=deal.buyer_id,
        taker_id=deal.taker_id,
        my_role=role,
        asset=deal.asset,
        decimals=s.get(Asset, deal.asset).decimals,
        amount=deal.amount,
        fiat=deal.fiat,
        fiat_amount=deal.fiat_amount,
        price=deal.price,
        method=deal.method,
        status=deal.status,
        release_to=deal.release_to,
        deadline_at=as_utc(deal.deadline_at),
        cancel_requested_by=deal.cancel_requested_by,
        fiat_sent_at=as_utc(deal.fiat_sent_at),
        released_at=as_utc(deal.released_at),
        created_at=as_utc(deal.created_at),
        events=tuple(
            DealEventView(e.actor_id, e.from_status, e.to_status, e.note, as_utc(e.created_at)) for e in events
        ),
    )
