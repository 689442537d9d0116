"""The operator's console in one read: the Bitcoin / Lightning payout queue, the deposits waiting for
review, the open disputes, the payment chats an operator was called to, the ledger invariants and the
Lightning liquidity. Only an operator (services/roles.py, checked now, not at login) gets it; everyone
else gets Forbidden, which is how the page knows whom to refuse."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from krypton_app.db import UnitOfWork
from krypton_app.domain.ledger import LIGHTNING
from krypton_app.models import Account, Asset
from krypton_app.models.common import utcnow
from krypton_app.services.disputes import DisputeView, list_open_disputes
from krypton_app.services.ledger_reads import InvariantReport, check_invariants
from krypton_app.services.operator import UnmatchedDepositView, list_unmatched_deposits
from krypton_app.services.payment_chat import CalledChat, called_chats
from krypton_app.services.payout_queue import list_payout_queue
from krypton_app.services.payouts import SENDING, PayoutView
from krypton_app.services.roles import require_operator


@dataclass(frozen=True)
class Liquidity:
    asset: str
    decimals: int
    balance: int


@dataclass(frozen=True)
class OperatorConsole:
    payouts: list[PayoutView]  # queued, oldest first
    deposits: list[UnmatchedDepositView]  # pending review, oldest first
    disputes: list[DisputeView]  # open
    invariants: InvariantReport
    checked_at: datetime  # when the invariants were checked
    payment_chats: tuple[CalledChat, ...] = ()  # payment chats a side called an operator to, newest first
    # The platform's Lightning liquidity per asset (negative: that much was given out for sats received).
    lightning_liquidity: list[Liquidity] = field(default_factory=list)
    # Lightning payouts the platform's node is paying (no operator action: services/lightning_payouts.py).
    node_payouts: list[PayoutView] = field(default_factory=list)


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
        lightning_liquidity=lightning_liquidity(uow),
        node_payouts=list_payout_queue(uow, operator_id, status=SENDING),
    )


def lightning_liquidity(uow: UnitOfWork) -> list[Liquidity]:
    """The balance of the Lightning liquidity account of every asset that has one."""
    with uow.read() as s:
        rows = s.execute(
            select(Account.asset, Asset.decimals, Account.balance)
            .join(Asset, Asset.code == Account.asset)
            .where(Account.user_id.is_(None), Account.kind == LIGHTNING)
            .order_by(Account.asset)
        ).all()
    return [Liquidity(row.asset, row.decimals, row.balance) for row in rows]
