"""The operator console as a browser tab drives it (Reflex's event processor, the test database): who is
an operator is the service's answer, so a signed-in non-operator gets the refusal and nothing of the
queues, even when calling the console's handlers by name; an operator gets typed rows and can act."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from builders import make_user
from reflex_tabs import Processor

from krypton_app import bootstrap, routes
from krypton_app.models import AppliedChainTransaction, UnmatchedDeposit
from krypton_app.pages.operator.state import OperatorState
from krypton_app.state.auth import AuthState
from krypton_app.state.views import UnmatchedDepositRow

SENDER = "0:" + "cd" * 32


def waiting_deposit(uow, amount=3 * 10**9) -> int:
    tx_hash = uuid.uuid4().hex + uuid.uuid4().hex
    with uow.transaction() as s:
        applied = AppliedChainTransaction(
            hash=tx_hash, lt=1, stream="test", outcome="unmatched", asset="TON", amount=amount
        )
        s.add(applied)
        s.flush()
        row = UnmatchedDeposit(
            chain_tx_hash=tx_hash, asset="TON", amount=amount, sender=SENDER, comment="who?", reason="unmatched"
        )
        s.add(row)
        s.flush()
        return row.id


@pytest.fixture
def signed_in_as(uow, monkeypatch):
    """`signed_in_as(user_id)`: every tab's session is that user's, on the test database."""
    who = {}

    async def user_id(self):
        return who.get("id")

    monkeypatch.setattr(AuthState, "_user_id", user_id)
    with bootstrap.override(uow=uow):
        yield lambda user: who.update(id=user)


def run(steps):
    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.OPERATOR)
            await steps(tab)
            return await tab.state(OperatorState), tab.received_text()

    return asyncio.run(scenario())


def test_a_non_operator_is_refused_and_sees_no_queue(uow, signed_in_as):
    waiting_deposit(uow)
    signed_in_as(make_user(uow))

    async def steps(tab):
        await tab.send(OperatorState.load)
        await tab.send(OperatorState.refresh)

    state, sent = run(steps)
    assert state.loaded and not state.allowed
    assert state.deposits == [] and state.payouts == [] and not state.invariants_checked
    assert SENDER not in sent


def test_a_non_operator_calling_an_action_by_name_is_refused_by_the_service(uow, signed_in_as):
    deposit_id = waiting_deposit(uow)
    someone = make_user(uow)
    signed_in_as(someone)

    async def steps(tab):
        await tab.send(OperatorState.credit, form_data={"deposit_id": str(deposit_id), "user_ref": str(someone)})
        await tab.send(OperatorState.dismiss, deposit_id=deposit_id)

    state, _sent = run(steps)
    assert state.row_errors == {f"deposit-{deposit_id}": "error.forbidden"}
    with uow.read() as s:
        assert s.get(UnmatchedDeposit, deposit_id).status == "pending"


def test_an_operator_gets_typed_rows_and_the_actions_the_view_allows(uow, signed_in_as):
    deposit_id = waiting_deposit(uow)
    signed_in_as(make_user(uow, operator=True))

    async def steps(tab):
        await tab.send(OperatorState.load)

    state, sent = run(steps)
    assert state.allowed and state.invariants_ok
    [row] = state.deposits
    assert isinstance(row, UnmatchedDepositRow)
    assert (row.id, row.amount) == (deposit_id, "3 TON")
    assert (row.can_credit, row.can_return, row.can_dismiss) == (True, True, True)
    assert state.invariant_counts.accounts != ""


def test_an_operator_dismisses_an_item_and_the_queue_follows(uow, signed_in_as):
    deposit_id = waiting_deposit(uow)
    signed_in_as(make_user(uow, operator=True))

    async def steps(tab):
        await tab.send(OperatorState.load)
        await tab.send(OperatorState.dismiss, deposit_id=deposit_id)
        # Anything but a row id is ignored before any service is asked.
        await tab.send(OperatorState.dismiss, deposit_id="1; drop")

    state, _sent = run(steps)
    assert state.deposits == [] and state.row_errors == {}
    with uow.read() as s:
        assert s.get(UnmatchedDeposit, deposit_id).status == "dismissed"
