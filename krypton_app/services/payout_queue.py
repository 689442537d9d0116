"""The operator's payout queue: the payouts waiting, and the paid / rejected decisions that end them
(services/payouts.py has the money flow, and the owner's cancel). Each decision is a conditional UPDATE
from `queued`, and every ending shares one ledger key per payout, so a payout can end only one way.
"""

from __future__ import annotations

from sqlalchemy import Table, select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import InvalidState, KryptonError, NotFound
from krypton_app.domain.ledger import AVAILABLE, EXTERNAL, FEES, HELD, Leg
from krypton_app.models import Payout
from krypton_app.payouts.validation import parse_payout_reference
from krypton_app.services import audit
from krypton_app.services.ledger import post, system_account, user_account
from krypton_app.services.payouts import (
    PAID,
    PAYOUT,
    PAYOUT_REFUND,
    PAYOUT_STATUSES,
    QUEUED,
    REJECTED,
    PayoutView,
    move_from_queued,
    payout_memo,
    payout_settle_key,
    payout_view,
    payout_view_from_row,
    payout_views_query,
)
from krypton_app.services.roles import require_operator

REJECT_REASON_MAX = 500

_payouts: Table = Payout.__table__


def list_payout_queue(uow: UnitOfWork, operator_id: int, *, status: str = QUEUED, limit: int = 100) -> list[PayoutView]:
    """Payouts in `status`; the queue oldest first (work order), finished ones newest first."""
    if status not in PAYOUT_STATUSES:
        raise ValueError(f"unknown payout status {status!r}")
    order = _payouts.c.id if status == QUEUED else _payouts.c.id.desc()
    with uow.read() as s:
        require_operator(s, operator_id)
        rows = s.execute(payout_views_query().where(_payouts.c.status == status).order_by(order).limit(limit)).all()
    return [payout_view_from_row(row) for row in rows]


def mark_payout_paid(uow: UnitOfWork, operator_id: int, payout_id: int, *, reference: str) -> PayoutView:
    """The operator paid it: `reference` is the Bitcoin txid, or the Lightning preimage, which must hash
    to the invoice's payment hash. The held amount goes out, the fee to the fee account."""
    with uow.transaction() as s:
        require_operator(s, operator_id)
        payout = _get(s, payout_id)
        reference = parse_payout_reference(payout.network, reference, invoice=payout.destination)
        if not move_from_queued(s, payout_id, PAID, reference=reference, resolved_by=operator_id):
            current = _get(s, payout_id)
            if current.status == PAID and current.reference == reference:
                return payout_view(s, payout_id)  # a repeated click: the first result
            raise InvalidState(f"payout {payout_id} is {current.status}", status=current.status)
        held = user_account(s, payout.user_id, payout.asset, HELD)
        legs = [Leg(held, system_account(s, EXTERNAL, payout.asset), payout.amount)]
        if payout.fee:
            legs.append(Leg(held, system_account(s, FEES, payout.asset), payout.fee))
        post(s, idempotency_key=payout_settle_key(payout_id), kind=PAYOUT, legs=legs, memo=_memo(payout))
        audit.record(s, operator_id, audit.PAYOUT_PAID, f"payout:{payout_id}", reference=reference)
        return payout_view(s, payout_id)


def reject_payout(uow: UnitOfWork, operator_id: int, payout_id: int, *, reason: str) -> PayoutView:
    """The operator will not pay it: amount + fee go back to the user's available balance."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REJECT_REASON_MAX:
        raise KryptonError("a reject reason of 1-500 characters is required", code="reject_reason_invalid")
    with uow.transaction() as s:
        require_operator(s, operator_id)
        payout = _get(s, payout_id)
        if not move_from_queued(s, payout_id, REJECTED, reject_reason=reason, resolved_by=operator_id):
            current = _get(s, payout_id)
            if current.status == REJECTED:
                return payout_view(s, payout_id)
            raise InvalidState(f"payout {payout_id} is {current.status}", status=current.status)
        leg = Leg(
            user_account(s, payout.user_id, payout.asset, HELD),
            user_account(s, payout.user_id, payout.asset, AVAILABLE),
            payout.amount + payout.fee,
        )
        post(s, idempotency_key=payout_settle_key(payout_id), kind=PAYOUT_REFUND, legs=[leg], memo=_memo(payout))
        audit.record(s, operator_id, audit.PAYOUT_REJECTED, f"payout:{payout_id}", reason=reason)
        return payout_view(s, payout_id)


def _get(session: Session, payout_id: int):
    row = session.execute(select(_payouts).where(_payouts.c.id == payout_id)).one_or_none()
    if row is None:
        raise NotFound(f"payout {payout_id}")
    return row


def _memo(payout) -> str:
    return payout_memo(payout.id, payout.network, payout.destination)
