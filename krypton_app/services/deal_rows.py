"""The deal view and the steps every deal use case takes inside its transaction, shared by
services/deals.py (the two sides and the timer) and services/disputes.py (the operator).

A transition is `move`: one conditional UPDATE of the deal row (WHERE id = :id AND status IN (:from)),
then its DealEvent. `announce` writes the system chat message and the notifications of a change,
`pay_out` moves the escrow. None of them commits: the caller's use case is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select, update
from sqlmodel import Session

from krypton_app import wakeups
from krypton_app.domain import deals as machine
from krypton_app.domain.errors import DealTransitionRefused, NotFound
from krypton_app.models import Deal, DealEvent, Dispute
from krypton_app.models.common import as_utc
from krypton_app.models.invoices import Invoice, InvoicePayment, PaymentPart
from krypton_app.models.ledger import Asset
from krypton_app.models.users import User
from krypton_app.services import chat, notifications
from krypton_app.services.deal_kinds import purpose_of
from krypton_app.services.deal_purposes import PayoutContext, PurposeView, fee_side
from krypton_app.services.rates import RateProvider
from krypton_app.services.roles import operators_clause, user_is_operator
from krypton_app.settings import Settings

_deals = Deal.__table__
_parts = PaymentPart.__table__
_payments = InvoicePayment.__table__
_invoices = Invoice.__table__


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
    # When a side may first open a dispute (while "fiat sent"); the page says it and counts down to it.
    dispute_opens_at: datetime | None
    released_at: datetime | None
    created_at: datetime
    events: tuple[DealEventView, ...]
    # What the viewer may do now (domain.deals.offered_actions): the deal page draws its buttons from it.
    allowed_actions: frozenset[str] = frozenset()
    # What the deal is for and who is owed what (services/deal_purposes.py).
    purpose: PurposeView = PurposeView(machine.PLAIN, "deal.purpose.plain", "deal.owed.plain")
    # The platform's fee fixed at opening (SPEC F12), who pays it (maker | taker) and which side that is
    # (seller: on top of the escrow; buyer: out of what the release gives).
    fee: int = 0
    fee_payer: str = "maker"
    fee_side: str = machine.SELLER

    @property
    def timer_deadline(self) -> datetime | None:
        """When the timer acts on the deal, while it runs (the page counts down to it)."""
        return self.deadline_at if self.status in machine.TIMED else None


def participant_deal(s: Session, user_id: int, deal_id: int) -> Deal:
    """The deal if `user_id` is one of its sides; NotFound otherwise (a stranger learns nothing)."""
    deal = s.get(Deal, deal_id)
    if deal is None or user_id not in (deal.seller_id, deal.buyer_id):
        raise NotFound("no such deal")
    return deal


def role_of(deal: Deal, user_id: int) -> str | None:
    """seller | buyer, or None for anyone else."""
    if user_id == deal.seller_id:
        return machine.SELLER
    if user_id == deal.buyer_id:
        return machine.BUYER
    return None


def may_view(s: Session, deal: Deal, viewer_id: int) -> bool:
    """The two sides always; an operator once the deal has a dispute."""
    if viewer_id in (deal.seller_id, deal.buyer_id):
        return True
    if s.execute(select(Dispute.id).where(Dispute.deal_id == deal.id)).first() is None:
        return False
    return user_is_operator(s, viewer_id)


def move(s: Session, deal: Deal, t: machine.Transition, actor_id: int | None, now: datetime, *, where=(), **values):
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
    wakeups.announce(
        s, wakeups.deal_topic(deal.id), wakeups.deals_topic(deal.seller_id), wakeups.deals_topic(deal.buyer_id)
    )
    for name, value in values.items():
        setattr(deal, name, value)
    record(s, deal, from_status, t.to, actor_id, now, t.action)


def record(
    s: Session, deal: Deal, from_status: str, to_status: str, actor_id: int | None, now: datetime, note: str
) -> None:
    s.add(
        DealEvent(
            deal_id=deal.id, actor_id=actor_id, from_status=from_status, to_status=to_status, note=note, created_at=now
        )
    )
    s.flush()


def announce(s: Session, deal: Deal, text_key: str, user_ids) -> None:
    """The system chat message and the other side's notifications share one catalog text."""
    params = {"deal_id": deal.id, "status": deal.status}
    chat.post_system_message(s, deal.id, text_key, params)
    for user_id in user_ids:
        notifications.notify(
            s, user_id, kind=notifications.DEAL_STATUS, deal_id=deal.id, text_key=text_key, params=params
        )


def call_operators(s: Session, deal: Deal) -> None:
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


def pay_out(
    s: Session,
    deal: Deal,
    to_buyer: int,
    to_seller: int,
    key: str,
    kind: str,
    *,
    settings: Settings | None = None,
    rates: RateProvider | None = None,
    now: datetime | None = None,
) -> None:
    """Move the escrow, in one ledger transaction: `to_buyer` to the release target and `to_seller` back,
    as the deal's purpose says (services/deal_purposes.py). `settings`, `rates` and `now` are those of
    the invoice payment a release may complete."""
    purpose_of(deal).pay_out(s, deal, to_buyer, to_seller, key, kind=kind, ctx=PayoutContext(settings, rates, now))


def deal_view(s: Session, deal: Deal, viewer_id: int) -> DealView:
    """The deal as `viewer_id` sees it: anyone but a side is the operator (callers check may_view)."""
    events = s.exec(select(DealEvent).where(DealEvent.deal_id == deal.id).order_by(DealEvent.id)).scalars()
    role = role_of(deal, viewer_id) or machine.OPERATOR
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
        dispute_opens_at=as_utc(deal.dispute_opens_at),
        released_at=as_utc(deal.released_at),
        created_at=as_utc(deal.created_at),
        events=tuple(
            DealEventView(e.actor_id, e.from_status, e.to_status, e.note, as_utc(e.created_at)) for e in events
        ),
        allowed_actions=machine.offered_actions(deal.status, role),
        purpose=purpose_of(deal).describe(s, deal, viewer_id),
        fee=deal.fee,
        fee_payer=deal.fee_payer,
        fee_side=fee_side(deal),
    )
