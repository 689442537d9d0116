"""The operators' audit log as the console reads it (services/audit.list_actions): every operator action
writes its line, newest first, paged; only operators read it. On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from builders import DISPUTABLE, TON, bitcoin_payout, deposit, disputed_deal, make_session, make_user

from krypton_app.domain.errors import Forbidden
from krypton_app.models import AppliedChainTransaction, UnmatchedDeposit
from krypton_app.services import audit
from krypton_app.services.disputes import resolve_dispute
from krypton_app.services.operator import credit_unmatched_deposit
from krypton_app.services.payout_queue import mark_payout_paid
from krypton_app.services.user_blocks import block_user, revoke_user_sessions, unblock_user


def unmatched(uow, amount: int = TON) -> int:
    tx_hash = uuid.uuid4().hex * 2
    with uow.transaction() as s:
        s.add(AppliedChainTransaction(hash=tx_hash, lt=1, stream="t", outcome="unmatched", asset="TON", amount=amount))
        s.flush()
        row = UnmatchedDeposit(chain_tx_hash=tx_hash, asset="TON", amount=amount, reason="unmatched")
        s.add(row)
        s.flush()
        return row.id


def test_every_operator_action_writes_its_line_newest_first(uow):
    case = disputed_deal(uow)
    operator = case.operator
    user = make_user(uow)
    deposit(uow, user, 5 * TON)
    payout = bitcoin_payout(uow, user)
    mark_payout_paid(uow, operator, payout.id, reference="ab" * 32)
    deposit_id = unmatched(uow)
    credit_unmatched_deposit(uow, operator, deposit_id, user_ref=f"#{user}")  # by user number
    resolve_dispute(uow, operator, case.dispute.deal.id, outcome="release", now=DISPUTABLE)
    make_session(uow, user)
    revoke_user_sessions(uow, operator, user)
    block_user(uow, operator, user, reason="test")
    unblock_user(uow, operator, user)
    log = audit.list_actions(uow, operator)
    assert [(line.action, line.subject) for line in log] == [
        (audit.USER_UNBLOCKED, f"user:{user}"),
        (audit.USER_BLOCKED, f"user:{user}"),
        (audit.SESSIONS_REVOKED, f"user:{user}"),
        (audit.DISPUTE_RESOLVED, f"deal:{case.dispute.deal.id}"),
        (audit.DEPOSIT_CREDITED, f"deposit:{deposit_id}"),
        (audit.PAYOUT_PAID, f"payout:{payout.id}"),
    ]
    assert log[4].details == {"user_id": user}
    assert log[3].details == {"to_buyer": 4 * TON, "to_seller": 0}
    assert all(line.operator_id == operator and line.created_at.tzinfo is not None for line in log)
    # Paged: the older lines after the last one shown.
    first = audit.list_actions(uow, operator, limit=4)
    older = audit.list_actions(uow, operator, before_id=first[-1].id, limit=4)
    assert [line.id for line in first + older] == [line.id for line in log]


def test_only_operators_read_the_log(uow):
    someone = make_user(uow)
    with pytest.raises(Forbidden):
        audit.list_actions(uow, someone)
