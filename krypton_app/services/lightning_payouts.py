"""Lightning payouts paid through the platform's node (a payout is `sending` once
payouts/lightning_node.py took it): the round the Lightning payout worker runs.

Each payout goes:
1. claim: `claimed_at` is set by a conditional UPDATE from `sending` with no claim, committed before the
   node is called: of two workers only one ever sends it.
2. `pay_invoice` outside any transaction, at most the payout's own fee in routing fees.
3. The ending, in one transaction, a conditional UPDATE from `sending` plus one ledger posting under the
   payout's settle key (the same as the operator's endings, services/payout_queue.py):
   - paid: the node answered the preimage, and it hashes to the invoice's payment hash. `amount` leaves
     the user's held balance for the platform's Lightning liquidity (where the operator's paid payout
     goes to `external`: the sats left the operator's own wallet there, the platform's node here), the
     fee goes to the fee account in both.
   - failed: the node gave up AND says so when asked (`lookup_payment` FAILED, or it never heard of the
     payment): amount + fee back to the user's available balance, like a rejected payout.
   - anything else (the send ended in flight, a timeout, an unreachable node, a preimage that does not
     match): the outcome is unknown, so the payout stays `sending` with its claim and keeps its hold.
4. Later rounds look each claimed payout up (`lookup_payment`: LND's TrackPaymentV2) and end it the
   same way once the node knows. A claim the node never heard of after STALE_CLAIM (its worker died
   between the claim and the send, or the node refused the send without starting a payment) is
   claimed again, by a conditional UPDATE on the old claim time, and sent again: a node pays a hash at
   most once, so a second send cannot pay twice. If its invoice has expired by then, nobody can pay it
   any more: it fails and is refunded.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

import bolt11
from sqlalchemy import Table, select, update

from krypton_app.db import UnitOfWork
from krypton_app.domain.ledger import AVAILABLE, FEES, HELD, LIGHTNING, Leg
from krypton_app.lightning.base import (
    FAILED as LN_FAILED,
)
from krypton_app.lightning.base import (
    SUCCEEDED,
    LightningError,
    LightningPaymentFailed,
    LightningPaymentNotFound,
    LightningProvider,
    LnPaymentState,
)
from krypton_app.models import Payout
from krypton_app.models.common import as_utc, utcnow
from krypton_app.services.ledger import post, system_account, user_account
from krypton_app.services.payouts import (
    FAILED,
    PAID,
    PAYOUT,
    PAYOUT_REFUND,
    SENDING,
    payout_memo,
    payout_settle_key,
)

log = logging.getLogger(__name__)

# Longer than a send may take (LND gives up routing after lnd.PAY_TIMEOUT_S): a claim this old that the
# node never heard of was never sent.
STALE_CLAIM = timedelta(minutes=10)
BATCH = 20

_payouts: Table = Payout.__table__


def send_lightning_payouts(uow: UnitOfWork, lightning: LightningProvider, *, now: datetime | None = None) -> int:
    """One round: send the new node payouts, look the claimed ones up. Returns how many ended."""
    now = now or utcnow()
    ended = 0
    with uow.read() as s:
        # New ones and claimed ones apart, so payouts stuck in flight never hold the new ones back.
        fresh = (
            s.execute(
                select(_payouts.c.id)
                .where(_payouts.c.status == SENDING, _payouts.c.claimed_at.is_(None))
                .order_by(_payouts.c.id)
                .limit(BATCH)
            )
            .scalars()
            .all()
        )
        claimed = s.execute(
            select(_payouts.c.id, _payouts.c.claimed_at)
            .where(_payouts.c.status == SENDING, _payouts.c.claimed_at.is_not(None))
            .order_by(_payouts.c.claimed_at)
            .limit(BATCH)
        ).all()
    for payout_id in fresh:
        ended += _send(uow, lightning, payout_id, now, previous_claim=None)
    for payout_id, claimed_at in claimed:
        ended += _recheck(uow, lightning, payout_id, claimed_at, now)
    return ended


def routing_fee_limit_msat(fee: int, rate: str) -> int:
    """At most the payout's own fee (minor units of its asset, at its rate in satoshi per minor unit)
    may go to routing: the platform never pays more for a payout than it charged."""
    return int((Decimal(fee) * Decimal(rate) * 1000).to_integral_value(ROUND_FLOOR))


def _send(uow: UnitOfWork, lightning: LightningProvider, payout_id: int, now: datetime, *, previous_claim) -> int:
    with uow.transaction() as s:
        claimed = s.execute(
            update(_payouts)
            .where(_payouts.c.id == payout_id, _payouts.c.status == SENDING, _claim_is(previous_claim))
            .values(claimed_at=now, updated_at=now)
        ).rowcount
        if claimed != 1:
            return 0  # another worker has it
        payout = s.execute(select(_payouts).where(_payouts.c.id == payout_id)).one()
    try:
        paid = lightning.pay_invoice(payout.destination, fee_limit_msat=routing_fee_limit_msat(payout.fee, payout.rate))
    except LightningPaymentFailed as refused:
        log.info("lightning payout %s: node refused (%s); confirming", payout_id, refused)
        return _recheck(uow, lightning, payout_id, now, now, refused=str(refused))
    except LightningError as unknown:
        log.warning("lightning payout %s: outcome unknown, looked up next round: %s", payout_id, unknown)
        return 0
    return _end(uow, payout_id, LnPaymentState(SUCCEEDED, preimage=paid.preimage, fee_msat=paid.fee_msat))


def _recheck(
    uow: UnitOfWork,
    lightning: LightningProvider,
    payout_id: int,
    claimed_at: datetime,  # as read from the database: the re-claim compares it as it is stored
    now: datetime,
    *,
    refused: str | None = None,
) -> int:
    with uow.read() as s:
        destination = s.execute(select(_payouts.c.destination).where(_payouts.c.id == payout_id)).scalar_one()
    try:
        state = lightning.lookup_payment(bolt11.decode(destination).payment_hash)
    except LightningPaymentNotFound:
        if refused is not None:
            # Refused before the node even started it: nothing can have left.
            return _end(uow, payout_id, LnPaymentState(LN_FAILED, failure=refused))
        if now - as_utc(claimed_at) < STALE_CLAIM:
            return 0  # its worker may be sending it right now
        if now.timestamp() >= _expiry(destination):
            return _end(uow, payout_id, LnPaymentState(LN_FAILED, failure="the invoice expired before it was paid"))
        return _send(uow, lightning, payout_id, now, previous_claim=claimed_at)
    except LightningError as unknown:
        log.warning("lightning payout %s: lookup failed, retrying next round: %s", payout_id, unknown)
        return 0
    if state.status == LN_FAILED and refused and not state.failure:
        state = LnPaymentState(LN_FAILED, failure=refused)
    return _end(uow, payout_id, state) if state.status in (SUCCEEDED, LN_FAILED) else 0


def _end(uow: UnitOfWork, payout_id: int, state: LnPaymentState) -> int:
    with uow.transaction() as s:
        payout = s.execute(select(_payouts).where(_payouts.c.id == payout_id)).one()
        if state.status == SUCCEEDED:
            preimage = (state.preimage or "").lower()
            if hashlib.sha256(bytes.fromhex(preimage)).hexdigest() != bolt11.decode(payout.destination).payment_hash:
                # The node says paid with a wrong proof: something is broken; money may have left, so no refund.
                log.error("lightning payout %s: the node's preimage does not match the invoice", payout_id)
                return 0
            values = {"status": PAID, "reference": preimage, "routing_fee_msat": state.fee_msat}
        else:
            values = {"status": FAILED, "reject_reason": (state.failure or "payment failed")[:500]}
        # The payout row first, then the ledger accounts: the lock order of the operator's endings.
        moved = s.execute(
            update(_payouts)
            .where(_payouts.c.id == payout_id, _payouts.c.status == SENDING)
            .values(updated_at=utcnow(), **values)
        ).rowcount
        if moved != 1:
            return 0  # another worker ended it first
        held = user_account(s, payout.user_id, payout.asset, HELD)
        if state.status == SUCCEEDED:
            kind = PAYOUT
            legs = [Leg(held, system_account(s, LIGHTNING, payout.asset), payout.amount)]
            if payout.fee:
                legs.append(Leg(held, system_account(s, FEES, payout.asset), payout.fee))
        else:
            kind = PAYOUT_REFUND
            legs = [Leg(held, user_account(s, payout.user_id, payout.asset, AVAILABLE), payout.amount + payout.fee)]
        memo = payout_memo(payout_id, payout.network, payout.destination)
        post(s, idempotency_key=payout_settle_key(payout_id), kind=kind, legs=legs, memo=memo)
        return 1


def _expiry(invoice: str) -> int:
    decoded = bolt11.decode(invoice)
    return decoded.date + decoded.expiry


def _claim_is(previous_claim: datetime | None):
    if previous_claim is None:
        return _payouts.c.claimed_at.is_(None)
    return _payouts.c.claimed_at == previous_claim
