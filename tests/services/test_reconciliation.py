"""Reconciliation with the chain (services/reconciliation.py): an injected chain balance that is short,
equal and over; every explanation item; and the whole read through FakeChain after the chain monitor.
On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from builders import deposit, make_promise, make_user
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from krypton_app.chain.fake import FakeChain
from krypton_app.chain.hot_wallet import hot_wallet_from_settings
from krypton_app.domain.errors import Forbidden, InsufficientFunds
from krypton_app.domain.ledger import AVAILABLE, EXTERNAL, FEES, HELD, LIGHTNING, PROMISE_BACKING, Leg
from krypton_app.models import Account, AppliedChainTransaction, UnmatchedDeposit, Withdrawal
from krypton_app.services import ledger
from krypton_app.services.chain_sync import ChainMonitor
from krypton_app.services.payouts import PAYOUT
from krypton_app.services.reconciliation import (
    ARRIVED_UNAPPLIED,
    EQUAL,
    OVER,
    SHORT,
    reconcile,
    reconcile_with_chain,
)
from krypton_app.services.withdrawals import request_ton_withdrawal
from krypton_app.settings import get_settings

TON = 10**9
USDT = 10**6
NOW = 1_800_000_000


def ton(result):
    return next(a for a in result.assets if a.asset == "TON")


def items(row) -> dict[str, int]:
    return {i.name: i.amount for i in row.explained}


@pytest.fixture
def operator(uow):
    return make_user(uow, operator=True)


@pytest.mark.parametrize(
    ("chain", "status", "remainder"), [(5 * TON, EQUAL, 0), (4 * TON, SHORT, -TON), (6 * TON, OVER, TON)]
)
def test_chain_short_equal_and_over(uow, operator, chain, status, remainder):
    deposit(uow, make_user(uow), 5 * TON)
    result = reconcile(uow, operator, chain={"TON": chain, "USDT": 0}, arrived={})
    row = ton(result)
    assert (row.chain, row.liabilities, row.remainder, row.status) == (chain, 5 * TON, remainder, status)
    assert {i.name: i.amount for i in row.owed} == {AVAILABLE: 5 * TON}
    usdt = next(a for a in result.assets if a.asset == "USDT")
    assert (usdt.decimals, usdt.liabilities, usdt.status) == (6, 0, EQUAL)


def test_only_operators_reconcile(uow):
    someone = make_user(uow)
    with pytest.raises(Forbidden):
        reconcile(uow, someone, chain={}, arrived={})
    with pytest.raises(Forbidden):
        asyncio.run(
            reconcile_with_chain(
                uow, FakeChain(now=NOW), someone, hot_wallet_address="0:" + "00" * 32, settings=get_settings()
            )
        )


def test_every_liability_and_every_explanation(uow, operator):
    """Each thing the ledger owes is counted once, and each reason the chain differs explains its part:
    the chain below holds exactly what these events leave on the hot wallet, so the remainder is 0."""
    alice, bob = make_user(uow), make_user(uow)
    deposit(uow, alice, 10 * TON)  # on chain: 10
    make_promise(uow, alice, 2 * TON)  # available -> promise backing: same chain
    withdrawal = request_ton_withdrawal(
        uow, alice, asset="TON", address="0:" + "cd" * 32, amount="1", idempotency_key="w", settings=get_settings()
    )
    with uow.transaction() as s:  # signed and sent: gone from the chain, still held in the ledger
        s.execute(update(Withdrawal).where(Withdrawal.id == withdrawal.id).values(status="sent"))
    with uow.transaction() as s:
        # Bob was paid 3 TON for sats the Lightning node received: owed, never on chain.
        ledger.post(
            s,
            idempotency_key="ln",
            kind="lightning_part",
            legs=[Leg(ledger.system_account(s, LIGHTNING, "TON"), ledger.user_account(s, bob, "TON"), 3 * TON)],
        )
        # Bob's 1 TON Bitcoin payout, paid by an operator from elsewhere (payout_queue), 0.1 TON fee.
        held = ledger.user_account(s, bob, "TON", HELD)
        ledger.post(
            s, idempotency_key="hold", kind="hold", legs=[Leg(ledger.user_account(s, bob, "TON"), held, 11 * TON // 10)]
        )
        ledger.post(
            s,
            idempotency_key="paid",
            kind=PAYOUT,
            legs=[
                Leg(held, ledger.system_account(s, EXTERNAL, "TON"), TON),
                Leg(held, ledger.system_account(s, FEES, "TON"), TON // 10),
            ],
        )
        # 2 TON that named nobody wait in the review queue: on chain, owed to nobody yet.
        tx_hash = uuid.uuid4().hex * 2
        s.add(AppliedChainTransaction(hash=tx_hash, lt=1, stream="t", outcome="unmatched", asset="TON", amount=2 * TON))
        s.flush()
        s.add(UnmatchedDeposit(chain_tx_hash=tx_hash, asset="TON", amount=2 * TON, reason="unmatched"))
    fee = withdrawal.fee
    on_chain = 10 * TON - TON + 2 * TON + TON // 2  # deposits - the sent withdrawal + in review + arrived
    row = ton(reconcile(uow, operator, chain={"TON": on_chain}, arrived={"TON": TON // 2}))
    owed = {i.name: i.amount for i in row.owed}
    assert owed == {
        AVAILABLE: 10 * TON - 2 * TON - TON - fee + 3 * TON - 11 * TON // 10,
        HELD: TON + fee,
        PROMISE_BACKING: 2 * TON,
        FEES: TON // 10,
    }
    assert items(row) == {
        "withdrawals_in_flight": -TON,
        "deposits_in_review": 2 * TON,
        "lightning": -3 * TON,
        "paid_outside": TON,
        "sweeps_in_flight": 0,
        ARRIVED_UNAPPLIED: TON // 2,
    }
    assert (row.remainder, row.status) == (0, EQUAL)


def test_through_the_fake_chain_after_the_monitor(uow, operator):
    settings = get_settings().model_copy(update={"confirmations": 1})
    hot = hot_wallet_from_settings(settings)
    chain = FakeChain(now=NOW)
    monitor = ChainMonitor(uow, chain, settings=settings, hot_wallet=hot)
    user = make_user(uow)
    from krypton_app.services.deposits import ensure_memo

    memo = ensure_memo(uow, user)
    chain.deposit(hot.address, 3 * TON, comment=memo)
    chain.jetton_deposit(hot.address, 7 * USDT, comment=memo)
    chain.advance(1)
    asyncio.run(monitor.run_once())
    late = chain.deposit(hot.address, TON, comment=memo)  # in the newest block: not final yet

    def check():
        return asyncio.run(
            reconcile_with_chain(uow, chain, operator, hot_wallet_address=hot.address, settings=settings)
        )

    result = check()
    row, usdt = ton(result), next(a for a in result.assets if a.asset == "USDT")
    assert (usdt.chain, usdt.liabilities, usdt.status) == (7 * USDT, 7 * USDT, EQUAL)
    assert (row.chain, row.liabilities, items(row)[ARRIVED_UNAPPLIED]) == (4 * TON + 1, 3 * TON, late.amount)
    # The nanoton a jetton notification carries is the platform's, and no ledger account holds it.
    assert (row.remainder, row.status) == (1, OVER)
    chain.advance(1)
    asyncio.run(monitor.run_once())
    row = ton(check())
    assert (row.liabilities, items(row)[ARRIVED_UNAPPLIED], row.remainder) == (4 * TON, 0, 1)


OPERATIONS = ("deposit", "withdraw", "lightning_in", "lightning_out", "paid_outside", "transfer", "promise", "fee")


def test_property_the_remainder_is_exactly_what_the_chain_holds_unexplained(uow, operator):
    """Any mix of movements (each a posting as its service writes it): with the chain holding what came in
    and went out on chain, plus an offset, the remainder is the offset; and the liabilities are what the
    outside-world accounts mirror."""
    users = [make_user(uow) for _ in range(3)]
    on_chain = {"TON": 0}
    operations = st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 2), st.integers(0, 2), st.integers(1, 10**13)),
        max_size=10,
    )

    @hypothesis_settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(operations, st.integers(-(10**13), 10**13))
    def check(steps, offset):
        for kind, a, b, amount in steps:
            try:
                with uow.transaction() as s:
                    source, destination, ledger_kind = _legs(s, kind, users[a], users[b])
                    if source.id == destination.id:
                        continue
                    key = f"prop:{uuid.uuid4()}"
                    ledger.post(s, idempotency_key=key, kind=ledger_kind, legs=[Leg(source, destination, amount)])
            except InsufficientFunds:
                continue
            on_chain["TON"] += {"deposit": amount, "withdraw": -amount}.get(kind, 0)
        row = ton(reconcile(uow, operator, chain={"TON": on_chain["TON"] + offset}, arrived={}))
        assert (row.remainder, row.status == EQUAL) == (offset, offset == 0)
        with uow.read() as s:
            mirrors = s.execute(
                select(func.coalesce(func.sum(Account.balance), 0)).where(
                    Account.asset == "TON", Account.kind.in_([EXTERNAL, LIGHTNING])
                )
            ).scalar_one()
        assert row.liabilities == -mirrors

    check()


def _legs(s, kind: str, a: int, b: int):
    """(source, destination, ledger kind) of one movement, as the service that makes it posts it."""
    user = ledger.user_account(s, a, "TON")
    system = lambda name: ledger.system_account(s, name, "TON")  # noqa: E731
    return {
        "deposit": (system(EXTERNAL), user, "deposit"),
        "withdraw": (user, system(EXTERNAL), "withdrawal"),
        "lightning_in": (system(LIGHTNING), user, "lightning_part"),
        "lightning_out": (user, system(LIGHTNING), "lightning_payout"),
        "paid_outside": (user, system(EXTERNAL), PAYOUT),
        "transfer": (user, ledger.user_account(s, b, "TON"), "transfer"),
        "promise": (user, system(PROMISE_BACKING), "promise_create"),
        "fee": (user, system(FEES), "fee"),
    }[kind]
