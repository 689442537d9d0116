"""The built-in payout provider: a person pays from the operator's own wallet or node."""

from __future__ import annotations

from sqlmodel import Session


class OperatorQueueProvider:
    """Leaves the payout `queued`; the operator console lists it, and the operator pays it by hand and
    marks it paid with the txid or preimage, or rejects it (which refunds the user)."""

    name = "operator_queue"

    def submit(self, session: Session, payout_id: int) -> None:
        # Queued is already the state a person picks up: nothing to send.
        return None


OPERATOR_QUEUE = OperatorQueueProvider()
