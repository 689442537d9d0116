"""Lightning payouts paid by the platform's own Lightning node, without a person."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from krypton_app.models import Payout
from krypton_app.models.common import utcnow
from krypton_app.payouts.operator_queue import OPERATOR_QUEUE

_payouts = Payout.__table__


class LightningNodeProvider:
    """Marks the payout `sending`: the Lightning payout worker (workers/lightning_payouts.py) claims it
    after this transaction commits and pays it through the node. Nothing is sent here: the transaction
    may still roll back, and then no payout, hold or claim ever existed."""

    name = "lightning_node"

    def submit(self, session: Session, payout_id: int) -> None:
        moved = session.execute(
            update(_payouts)
            .where(_payouts.c.id == payout_id, _payouts.c.status == "queued", _payouts.c.network == "lightning")
            .values(status="sending", provider=self.name, updated_at=utcnow())
        ).rowcount
        if moved != 1:
            raise ValueError(f"payout {payout_id} is not a new Lightning payout")


LIGHTNING_NODE = LightningNodeProvider()


def lightning_payout_provider(node_payouts: bool):
    """Who pays Lightning payouts: the node when the deployment has one that can pay them
    (Settings.lightning_node_payouts), else the operator by hand."""
    return LIGHTNING_NODE if node_payouts else OPERATOR_QUEUE
