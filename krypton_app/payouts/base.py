"""The interface every Bitcoin / Lightning payout provider implements."""

from __future__ import annotations

from typing import Protocol

from sqlmodel import Session


class PayoutProvider(Protocol):
    """Takes a queued payout (its `amount + fee` already held) towards the outside world.

    `submit` runs inside the transaction that created the payout and the hold, so whatever the
    provider records (an outbox row for an API worker, a claim) commits or rolls back with them. It must
    not call a remote API there: a transaction that rolls back after money left would lose it. A payout
    ends with `mark_payout_paid` (reference = txid / preimage) or `reject_payout` (refund) for the
    operator's queue, or by services/lightning_payouts.py for the Lightning node's (lightning_node.py).
    """

    name: str  # stored in payouts.provider

    def submit(self, session: Session, payout_id: int) -> None: ...
