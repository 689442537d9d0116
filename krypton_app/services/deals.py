"""Escrowed P2P deals (SPEC F9): open, fiat sent, release, cancel (the timers: services/deal_timers.py).

Each use case is one transaction. A transition is one conditional UPDATE of the deal row
(WHERE id = :id AND status IN (:from)); it runs first, so it also takes the deal's row lock
before the ad row and the ledger accounts (lock order: deal, ad, accounts). The ledger posting,
the DealEvent, the system chat message and the notifications are written in the same
transaction, so a deal never changes state without them, and of two racing actions the second
finds no row to update and is refused with `deal_state`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from krypton_app import wakeups
from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.domain.ads import fiat_for
from krypton_app.domain.errors import DealTransitionRefused, IdempotencyConflict, KryptonError, NotFound
from krypton_app.domain.money import format_amount, to_minor
from krypton_app.models import Ad, Deal
from krypton_app.models.common import as_utc
from krypton_app.models.ledger import Asset
from krypton_app.services import chat, notifications
from krypton_app.services.ads import take_ad_volume
from krypton_app.services.deal_fee_quotes import opening_fee
from krypton_app.services.deal_kinds import purpose_of
from krypton_app.services.deal_rows import (
    DealView,
    announce,
    deal_view,
    may_view,
    move,
    participant_deal,
    pay_out,
    record,
    role_of,
)
from krypton_app.services.funding import DEAL_RELEASE
from krypton_app.services.rates import RateProvider
from krypton_app.settings import Settings, get_settings

_deals = Deal.__table__
log = logging.getLogger(__name__)

# Ledger transaction kinds (contract): refund; escrow from a taker selling to a buy ad (DEAL_ESCROW, in
# services/deal_purposes.py, which posts it); and release, DEAL_RELEASE, kept in services/funding.py
# because a release to an invoice part posts it there too.
DEAL_REFUND = "deal_refund"

# --- open ----------------------------------------------------------------------------------------


def open_deal(
    uow: UnitOfWork,
    taker_id: int,
    ad_id: int,
    *,
    amount: str,
    method: str,
    idempotency_key: str,
    rates: RateProvider,
    now: datetime,
    settings: Settings | None = None,
    fee_terms: str | None = None,
) -> DealView:
    """Take `amount` (asset units, decimal text) of an ad and lock the seller's crypto in escrow; a
    floating ad is priced at `rates`' current reference rate, the fee is the deal rule in force now:
    FeeChanged if its terms are not `fee_terms`, the ones the screen showed (services/deal_fee_quotes.py).

    Idempotent per taker: the same key returns the deal it opened the first time."""
    key = f"{taker_id}:{idempotency_key}"  # the column is unique across users; the key is per user
    try:
        with uow.transaction() as s:
            existing = s.exec(select(Deal).where(Deal.idempotency_key == key)).scalars().first()
            if existing is not None:
                return _replay(s, existing, taker_id, ad_id, method, amount)
            ad = offering_ad(s, ad_id, method)
            minor = to_minor(amount, s.get(Asset, ad.asset).decimals)
            deal = start_deal(s, taker_id, ad_id, minor, method=method, key=key, rates=rates, now=now,
                              settings=settings, fee_terms=fee_terms)  # fmt: skip
            return deal_view(s, deal, taker_id)
    except IntegrityError:
        # A twin request with the same key committed first: answer with its deal.
        with uow.read() as s:
            existing = s.exec(select(Deal).where(Deal.idempotency_key == key)).scalars().first()
            if existing is None:
                raise
            return _replay(s, existing, taker_id, ad_id, method, amount)


def offering_ad(s: Session, ad_id: int, method: str) -> Ad:
    """The ad a deal is opened on, if it offers `method`."""
    ad = s.get(Ad, ad_id)
    if ad is None:
        raise NotFound("no such ad")
    if method not in ad.methods.split():
        raise KryptonError("method not offered by this ad", code="deal_method_invalid")
    return ad


def start_deal(
    s: Session,
    taker_id: int,
    ad_id: int,
    minor: int,
    *,
    method: str,
    key: str,
    rates: RateProvider,
    now: datetime,
    part_id: int | None = None,
    purpose: str = machine.PLAIN,
    seller_id: int | None = None,
    promise_id: int | None = None,
    payment_id: int | None = None,
    settings: Settings | None = None,
    fee_terms: str | None = None,
) -> Deal:
    """The one way a deal opens, inside the caller's transaction: take the ad's volume, write the deal
    with its escrow locked as its purpose says (services/deal_purposes.py), its event, system message and
    the owner's notification. The purposes' links: `part_id` (part_deals), `promise_id` (promise_sales),
    `payment_id` with `seller_id`, the merchant selling to a buy ad for that payment (fiat_payouts). The
    deal's fee is the deal rule in force now (`settings` give its starting value), refused if its terms are
    not the `fee_terms` shown (services/deal_fee_quotes.py)."""
    if minor <= 0:
        raise KryptonError("amount must be positive", code="deal_amount_invalid")
    purpose = machine.PART if part_id is not None else purpose
    fee = opening_fee(s, ad_id, minor, purpose, settings, shown=fee_terms)
    # Conditional UPDATE of the ad's remaining volume: two takers on the last volume cannot both win.
    # A floating ad is priced at the current reference rate in that same UPDATE. A sell ad's owner who
    # pays the fee pays it from the volume too, held already like the amount.
    ad = take_ad_volume(s, ad_id, minor, taker_id, rates=rates, fee=fee.fee if fee.from_ad_volume else 0)
    decimals = s.get(Asset, ad.asset).decimals
    seller_id, buyer_id = (ad.owner_id, taker_id) if ad.side == "sell" else (seller_id or taker_id, ad.owner_id)
    deal = Deal(
        ad_id=ad.id,
        seller_id=seller_id,
        buyer_id=buyer_id,
        taker_id=taker_id,
        asset=ad.asset,
        amount=minor,
        fee=fee.fee,
        fee_payer=fee.payer,
        fiat=ad.fiat,
        fiat_amount=fiat_for(minor, decimals, ad.price),
        price=ad.price,
        method=method,
        # `requested` is passed through in this transaction: publishing the ad was the owner's consent.
        status=machine.ESCROW_LOCKED,
        release_to="buyer" if part_id is None else f"part:{part_id}",
        part_id=part_id,
        promise_id=promise_id,
        payment_id=payment_id,
        purpose=purpose,
        idempotency_key=key,
        deadline_at=machine.payment_deadline(now, ad.payment_window_min),
        payment_deadline_at=machine.payment_deadline(now, ad.payment_window_min),
        created_at=now,
        updated_at=now,
    )
    s.add(deal)
    s.flush()
    wakeups.announce(s, wakeups.deals_topic(deal.seller_id), wakeups.deals_topic(deal.buyer_id))
    purpose_of(deal).lock_escrow(s, deal)
    record(s, deal, machine.REQUESTED, machine.ESCROW_LOCKED, taker_id, now, "opened")
    params = {"deal_id": deal.id, "amount": format_amount(minor, decimals), "asset": ad.asset}
    chat.post_system_message(s, deal.id, "deal.sys.opened", params)
    purpose = purpose_of(deal).describe(s, deal, ad.owner_id)
    plain = deal.purpose == machine.PLAIN
    notifications.notify(
        s,
        ad.owner_id,
        kind=notifications.DEAL_REQUESTED,
        deal_id=deal.id,
        text_key="notify.deal_opened" if plain else "notify.deal_opened_for",
        params=params if plain else params | {"purpose": purpose.label_key},
    )
    return deal


# --- the two sides' actions ------------------------------------------------------------------------


def mark_fiat_sent(
    uow: UnitOfWork, buyer_id: int, deal_id: int, *, now: datetime, settings: Settings | None = None
) -> DealView:
    """The buyer says the fiat is paid, before the payment deadline; the seller then has the release
    window to release, and either side may dispute once the wait after "paid" is over."""
    settings = settings or get_settings()
    with uow.transaction() as s:
        deal = participant_deal(s, buyer_id, deal_id)
        t = machine.transition("mark_fiat_sent", deal.status, role_of(deal, buyer_id))
        machine.check_payment_time(now, as_utc(deal.payment_deadline_at))
        move(
            s,
            deal,
            t,
            buyer_id,
            now,
            fiat_sent_at=now,
            deadline_at=machine.release_deadline(now, settings.deal_release_window_min),
            dispute_opens_at=machine.dispute_opens_at(now, settings.deal_dispute_after_s),
        )
        announce(s, deal, "deal.sys.fiat_sent", [deal.seller_id])
        return deal_view(s, deal, buyer_id)


def undo_fiat_sent(uow: UnitOfWork, buyer_id: int, deal_id: int, *, now: datetime) -> DealView:
    """The buyer has not paid after all: the deal waits for payment again, on its original payment
    deadline (already passed: the timer expires it), so toggling "paid" never buys escrow time."""
    with uow.transaction() as s:
        deal = participant_deal(s, buyer_id, deal_id)
        t = machine.transition("undo_fiat_sent", deal.status, role_of(deal, buyer_id))
        deadline = machine.deadline_after_undo(as_utc(deal.payment_deadline_at))
        move(s, deal, t, buyer_id, now, fiat_sent_at=None, dispute_opens_at=None, deadline_at=deadline)
        announce(s, deal, "deal.sys.fiat_sent_undone", [deal.seller_id])
        return deal_view(s, deal, buyer_id)


def release(
    uow: UnitOfWork,
    seller_id: int,
    deal_id: int,
    *,
    now: datetime,
    settings: Settings | None = None,
    rates: RateProvider | None = None,
) -> DealView:
    """The seller releases the escrow to the buyer, or to the invoice part the deal pays (`settings`
    and `rates` are that payment's; services/part_deals.py)."""
    with uow.transaction() as s:
        deal = participant_deal(s, seller_id, deal_id)
        t = machine.transition("release", deal.status, role_of(deal, seller_id))
        move(s, deal, t, seller_id, now, released_at=now, deadline_at=None)
        key = f"deal:{deal.id}:release"
        pay_out(s, deal, deal.amount, 0, key, DEAL_RELEASE, settings=settings, rates=rates, now=now)
        announce(s, deal, "deal.sys.released", [deal.buyer_id])
        return deal_view(s, deal, seller_id)


def cancel(uow: UnitOfWork, user_id: int, deal_id: int, *, now: datetime) -> DealView:
    """The buyer alone before "fiat sent"; otherwise the first side's call records the wish and the
    other side's call cancels."""
    with uow.transaction() as s:
        deal = participant_deal(s, user_id, deal_id)
        role = role_of(deal, user_id)
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
            record(s, deal, deal.status, deal.status, user_id, now, "cancel_requested")
            announce(s, deal, "deal.sys.cancel_requested", [other])
            return deal_view(s, deal, user_id)
        t = machine.TRANSITIONS[step]
        # A mutual cancel needs the other side's request still on the row.
        extra = [_deals.c.cancel_requested_by == other] if step == "mutual_cancel" else []
        move(s, deal, t, user_id, now, where=extra, deadline_at=None)
        refund_escrow(s, deal, deal.amount, f"deal:{deal.id}:refund")
        announce(s, deal, "deal.sys.cancelled", [other])
        return deal_view(s, deal, user_id)


# --- reads ---------------------------------------------------------------------------------------


def get_deal(uow: UnitOfWork, viewer_id: int, deal_id: int) -> DealView:
    """Participants see their deal; an operator sees it once it is disputed; anyone else: NotFound."""
    with uow.read() as s:
        deal = s.get(Deal, deal_id)
        if deal is None or not may_view(s, deal, viewer_id):
            raise NotFound("no such deal")
        return deal_view(s, deal, viewer_id)


def list_my_deals(uow: UnitOfWork, user_id: int, *, status: str | None = None) -> list[DealView]:
    with uow.read() as s:
        q = select(Deal).where((Deal.seller_id == user_id) | (Deal.buyer_id == user_id))
        if status is not None:
            q = q.where(Deal.status == status)
        return [deal_view(s, d, user_id) for d in s.exec(q.order_by(Deal.id.desc())).scalars()]


# --- helpers -------------------------------------------------------------------------------------


def _replay(s: Session, deal: Deal, taker_id: int, ad_id: int, method: str, amount: str) -> DealView:
    # The same key for another ad, method or amount is a different request, not a retry.
    try:
        same_amount = to_minor(amount, s.get(Asset, deal.asset).decimals) == deal.amount
    except KryptonError:
        same_amount = False
    if (deal.ad_id, deal.method) != (ad_id, method) or not same_amount:
        raise IdempotencyConflict("idempotency key already used for another deal")
    return deal_view(s, deal, taker_id)


def refund_escrow(s: Session, deal: Deal, amount: int, key: str) -> None:
    """`amount` of the deal's escrow back to its seller (ledger kind DEAL_REFUND)."""
    pay_out(s, deal, 0, amount, key, DEAL_REFUND)
