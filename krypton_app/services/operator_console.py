"""The operator's console in one read: the Bitcoin / Lightning payout queue, the deposits waiting for
review, the open disputes, the payment chats an operator was called to and the ledger invariants.
Only an operator (services/roles.py, checked now, not at login) gets it; everyone else gets Forbidden,
which is how the page knows whom to refuse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from krypton_app.db import UnitOfWork
from krypton_app.models.common import utcnow
from krypton_app.services.disputes import DisputeView, list_open_disputes
from krypton_app.services.ledger_reads import InvariantReport, check_invariants
from krypton_app.services.operator import UnmatchedDepositView, list_unmatched_deposits
from krypton_app.services.payment_chat import CalledChat, called_chats
from krypton_app.services.payout_queue import list_payout_queue
from krypton_app.services.payouts import PayoutView
from krypton_app.services.roles import require_operator


@dataclass(frozen=True)
class OperatorConsole:
    payouts: list[PayoutView]  # queued, oldest first
    deposits: list[UnmatchedDepositView]  # pending review, oldest first
    disputes: list[DisputeView]  # open
    invariants: InvariantReport
    checked_at: datetime  # when the invariants were checked
    payment_chats: tuple[CalledChat, ...] = ()  # payment chats a side called an operator to, newest first


def operator_console(uow: UnitOfWork, operator_id: int) -> OperatorConsole:
    """Everything the console shows; Forbidden unless `operator_id` is an operator."""
    with uow.read() as s:
        require_operator(s, operator_id)
    return OperatorConsole(
        payouts=list_payout_queue(uow, operator_id),
        deposits=list_unmatched_deposits(uow, operator_id),
        disputes=list_open_disputes(uow, operator_id),
        invariants=check_invariants(uow),
        checked_at=utcnow(),
        payment_chats=tuple(called_chats(uow, operator_id)),
    )
