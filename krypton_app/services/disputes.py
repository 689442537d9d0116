"""Deal disputes (SPEC F9): either side opens one from "fiat sent" (or the release timer does:
both go through `start_dispute`), both write a statement, an operator decides: release to the buyer,
refund the seller, or split. The decision is one ledger transaction, a DealEvent and a chat message,
with the deal's conditional UPDATE, in one database transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.domain.errors import DealTransitionRefused, Forbidden, KryptonError, NotFound
from krypton_app.models import Deal, Dispute
from krypton_app.models.common import as_utc
from krypton_app.services import audit
from krypton_app.services.deal_rows import (
    DealView,
    announce,
    call_operators,
    deal_view,
    move,
    participant_deal,
    pay_out,
    role_of,
)
from krypton_app.services.rates import RateProvider
from krypton_app.services.roles import require_operator, user_is_operator
from krypton_app.settings import Settings

STATEMENT_MAX = 5000
DEAL_RESOLVE = "deal_resolve"  # ledger kind of an operator's decision (release, refund or both at once)
USER_BLOCKED = "user_blocked"  # disputes.reason of a dispute opened by blocking a side
_OUTCOME_NAMES = {"release": "released_to_buyer", "refund": "refunded_to_seller", "split": "split"}
_disputes = Dispute.__table__


@dataclass(frozen=True)
class DisputeView:
    deal: DealView
    opened_by: int | None  # None: the release timer
    # A side reads only its own statement (the other's is None to it): neither can tailor its account
    # to the other's. Operators read both. `*_wrote` tell everyone whether a statement exists.
    seller_statement: str | None
    buyer_statement: str | None
    seller_wrote: bool
    buyer_wrote: bool
    outcome: str  # open | released_to_buyer | refunded_to_seller | split
    buyer_share: int | None  # minor units released to the buyer by a split
    resolved_by: int | None
    resolved_at: datetime | None
    created_at: datetime
    reason: str | None = None  # USER_BLOCKED: an operator opened it by blocking a side

    @property
    def decided(self) -> bool:
        return self.outcome != "open"

    @property
    def opener(self) -> str:
        """buyer | seller | timer | operator: who opened the dispute."""
        if self.reason == USER_BLOCKED:
            return machine.OPERATOR
        if self.opened_by is None:
            return machine.TIMER
        return machine.SELLER if self.opened_by == self.deal.seller_id else machine.BUYER


def open_dispute(uow: UnitOfWork, user_id: int, deal_id: int, *, now: datetime) -> DisputeView:
    """A side disputes a deal in "fiat sent", once the wait after "I have paid" is over."""
    with uow.transaction() as s:
        deal = participant_deal(s, user_id, deal_id)
        start_dispute(s, deal, user_id, now)
        return _dispute_view(s, deal, user_id)


def start_dispute(
    s: Session, deal: Deal, opened_by: int | None, now: datetime, *, where=(), blocking: bool = False
) -> None:
    """The one way a deal becomes disputed, inside the caller's transaction: a side's call, the
    release timer's (`opened_by` None; `where` re-checks its deadline in the same UPDATE), or an
    operator's who blocks a side (`blocking`, `opened_by` the operator; from "escrow locked" too).
    Raises DealTransitionRefused when the deal left the states its actor may dispute from meanwhile,
    DealClockRefused when a side comes before the deal's `dispute_opens_at`."""
    if blocking:
        actor, action = machine.OPERATOR, "operator_dispute"
    else:
        actor, action = (machine.TIMER if opened_by is None else role_of(deal, opened_by)), "open_dispute"
    t = machine.transition(action, deal.status, actor)
    machine.check_dispute_time(actor, now, as_utc(deal.dispute_opens_at))
    # No timer runs while disputed: only an operator ends it.
    move(s, deal, t, opened_by, now, where=where, deadline_at=None)
    s.add(Dispute(deal_id=deal.id, opened_by=opened_by, created_at=now, reason=USER_BLOCKED if blocking else None))
    s.flush()
    if blocking:
        announce(s, deal, "deal.sys.disputed_on_block", [deal.seller_id, deal.buyer_id])
    elif opened_by is None:
        announce(s, deal, "deal.sys.disputed_by_timer", [deal.seller_id, deal.buyer_id])
    else:
        other = deal.seller_id if opened_by == deal.buyer_id else deal.buyer_id
        announce(s, deal, "deal.sys.disputed", [other])
    call_operators(s, deal)


def submit_statement(uow: UnitOfWork, user_id: int, deal_id: int, text: str) -> DisputeView:
    """Each side's account of what happened; may be rewritten until the operator decides."""
    text = (text or "").strip()
    if not text or len(text) > STATEMENT_MAX:
        raise KryptonError("a statement is 1 to 5000 characters", code="dispute_statement_invalid")
    with uow.transaction() as s:
        deal = participant_deal(s, user_id, deal_id)
        column = "seller_statement" if role_of(deal, user_id) == machine.SELLER else "buyer_statement"
        done = s.execute(
            update(_disputes)
            .where(_disputes.c.deal_id == deal.id, _disputes.c.outcome == "open")
            .values(**{column: text})
        ).rowcount
        if done != 1:
            raise DealTransitionRefused("no open dispute on this deal", status=deal.status, action="statement")
        return _dispute_view(s, deal, user_id)


def resolve_dispute(
    uow: UnitOfWork,
    operator_id: int,
    deal_id: int,
    *,
    outcome: str,
    buyer_share: str | None = None,
    now: datetime,
    settings: Settings | None = None,
    rates: RateProvider | None = None,
) -> DisputeView:
    """release: all to the buyer; refund: all back to the seller; split: `buyer_share` (a fraction
    of the escrow as decimal text, "0.5") to the buyer and the rest back to the seller.

    A deal that pays an invoice part (SPEC F10): release funds the part (or the payer's balance when
    the part cannot take it any more: services/deal_rows.pay_out); a split's buyer share is less than
    the part asks, so it goes to the payer's balance and the part stays pending for the payer to pay
    another way. `settings` and `rates` are that payment's."""
    with uow.transaction() as s:
        require_operator(s, operator_id)
        deal = s.get(Deal, deal_id)
        if deal is None:
            raise NotFound("no such deal")
        if operator_id in (deal.seller_id, deal.buyer_id):
            # An operator who trades is a side like any other: someone else decides their dispute.
            raise Forbidden("an operator may not decide a dispute of their own deal")
        to_buyer, to_seller = machine.split_amounts(deal.amount, outcome, buyer_share)
        t = machine.transition("resolve", deal.status, machine.OPERATOR)
        move(s, deal, t, operator_id, now, deadline_at=None, released_at=now if to_buyer else None)
        done = s.execute(
            update(_disputes)
            .where(_disputes.c.deal_id == deal.id, _disputes.c.outcome == "open")
            .values(outcome=_OUTCOME_NAMES[outcome], buyer_share=to_buyer, resolved_by=operator_id, resolved_at=now)
        ).rowcount
        if done != 1:
            raise DealTransitionRefused("the dispute is already decided", status=deal.status, action="resolve")
        key = f"deal:{deal.id}:resolve"
        pay_out(s, deal, to_buyer, to_seller, key, DEAL_RESOLVE, settings=settings, rates=rates, now=now)
        audit.record(s, operator_id, audit.DISPUTE_RESOLVED, f"deal:{deal.id}", to_buyer=to_buyer, to_seller=to_seller)
        announce(s, deal, f"deal.sys.resolved_{outcome}", [deal.seller_id, deal.buyer_id])
        return _dispute_view(s, deal, operator_id)


def get_dispute(uow: UnitOfWork, viewer_id: int, deal_id: int) -> DisputeView:
    """For the two sides and operators; NotFound for anyone else or when there is no dispute."""
    with uow.read() as s:
        deal = s.get(Deal, deal_id)
        if deal is None:
            raise NotFound("no such deal")
        if viewer_id not in (deal.seller_id, deal.buyer_id) and not user_is_operator(s, viewer_id):
            raise NotFound("no such deal")
        return _dispute_view(s, deal, viewer_id)


def list_open_disputes(uow: UnitOfWork, operator_id: int) -> list[DisputeView]:
    with uow.read() as s:
        require_operator(s, operator_id)
        deals = s.exec(
            select(Deal).join(Dispute, Dispute.deal_id == Deal.id).where(Dispute.outcome == "open").order_by(Dispute.id)
        ).scalars()
        return [_dispute_view(s, d, operator_id) for d in deals]


def _dispute_view(s: Session, deal: Deal, viewer_id: int) -> DisputeView:
    row = s.exec(select(Dispute).where(Dispute.deal_id == deal.id)).scalars().first()
    if row is None:
        raise NotFound("no dispute on this deal")
    s.refresh(row)
    role = role_of(deal, viewer_id)
    return DisputeView(
        deal=deal_view(s, deal, viewer_id),
        opened_by=row.opened_by,
        seller_statement=row.seller_statement if role in (None, machine.SELLER) else None,
        buyer_statement=row.buyer_statement if role in (None, machine.BUYER) else None,
        seller_wrote=row.seller_statement is not None,
        buyer_wrote=row.buyer_statement is not None,
        outcome=row.outcome,
        buyer_share=row.buyer_share,
        resolved_by=row.resolved_by,
        resolved_at=row.resolved_at,
        created_at=row.created_at,
        reason=row.reason,
    )
