"""The operator console's one read (services/operator_console.py): only operators get it, and it holds
the queues and the ledger invariants the page shows."""

import uuid

import pytest
from builders import make_user, revoke_operator

from krypton_app.domain.errors import Forbidden
from krypton_app.models import AppliedChainTransaction, UnmatchedDeposit, User
from krypton_app.services.operator_console import operator_console


def waiting_deposit(uow) -> int:
    tx_hash = uuid.uuid4().hex + uuid.uuid4().hex
    with uow.transaction() as s:
        s.add(AppliedChainTransaction(hash=tx_hash, lt=1, stream="test", outcome="unmatched", asset="TON", amount=5))
        s.flush()
        row = UnmatchedDeposit(chain_tx_hash=tx_hash, asset="TON", amount=5, comment="who?", reason="unmatched")
        s.add(row)
        s.flush()
        return row.id


def test_only_an_operator_gets_the_console(uow):
    someone = make_user(uow)
    with pytest.raises(Forbidden):
        operator_console(uow, someone)
    with pytest.raises(Forbidden):
        operator_console(uow, 999_999)


def test_the_console_holds_the_queues_and_the_invariants(uow):
    operator = make_user(uow, operator=True)
    deposit_id = waiting_deposit(uow)
    console = operator_console(uow, operator)
    assert [d.id for d in console.deposits] == [deposit_id]
    assert console.payouts == [] and console.disputes == []
    assert console.invariants.ok and console.invariants.violations == []
    assert console.checked_at.tzinfo is not None


def test_an_operator_taken_off_the_list_no_longer_gets_it(uow):
    operator = make_user(uow, operator=True)
    operator_console(uow, operator)
    with uow.read() as s:
        wallet = s.get(User, operator).wallet_address
    revoke_operator(wallet)
    with pytest.raises(Forbidden):
        operator_console(uow, operator)
