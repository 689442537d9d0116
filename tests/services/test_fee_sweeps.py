"""Fee sweeps on FakeChain (services/fee_sweeps.py): the threshold makes one sweep of the whole fee
balance, the withdrawal sender sends it (one message per seqno with the withdrawals), the chain monitor
confirms it, a sweep that never executes or bounces puts the fees back; exactly once when the worker dies
between any two steps; racing sweepers make one sweep. SQLite and PostgreSQL (`uow`); the races with real
threads and connections on PostgreSQL too (`pg_uow`)."""

import asyncio
import threading
import uuid

import pytest
from builders import assert_invariants, collect_fees, make_depositor, make_user
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from krypton_app.chain.fake import FakeChain
from krypton_app.chain.gateway import ChainError
from krypton_app.chain.hot_wallet import hot_wallet_from_settings
from krypton_app.domain.errors import Forbidden, InvalidAmount, SweepRefused
from krypton_app.domain.ledger import EXTERNAL, FEE_SWEEP, FEES, Leg
from krypton_app.models import AppliedChainTransaction, FeeSweep, LedgerTransaction, OperatorAction
from krypton_app.services import audit, fee_sweep_settlement, fee_sweeps, ledger, withdrawals
from krypton_app.services.chain_sync import ChainMonitor
from krypton_app.services.reconciliation import reconcile_with_chain
from krypton_app.services.withdrawal_sender import EXPIRY_MARGIN_S, MAX_SEND_ATTEMPTS, process_withdrawals
from krypton_app.settings import DEMO_FEE_OWNER_WALLET, get_settings
from krypton_app.workers.chain_sync import run_chain_sync
from krypton_app.workers.fee_sweeps import run_fee_sweeps

NOW = 1_800_000_000
TON = 10**9
USDT = 10**6
OWNER = "0:" + "ab" * 32
FEE = {"TON": 50_000_000, "USDT": 300_000}


@pytest.fixture
def settings():
    return get_settings().model_copy(
        update={
            "confirmations": 1,
            "monitor_poll_s": 0.02,
            "withdrawal_fees": dict(FEE),
            "ton_network": "-239",
            "fee_owner_wallet": OWNER,
        }
    )


@pytest.fixture
def hot_wallet(settings):
    return hot_wallet_from_settings(settings)


@pytest.fixture
def chain():
    return FakeChain(now=NOW)


@pytest.fixture
def monitor(uow, chain, settings, hot_wallet):
    return ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet)


def run(coroutine):
    return asyncio.run(coroutine)


def settle(chain, monitor) -> int:
    chain.advance(1)
    return run(monitor.run_once())


def send(uow, chain, hot_wallet, settings) -> int:
    return run(process_withdrawals(uow, chain, hot_wallet, settings=settings, now=chain.now))


def fund_hot_wallet(uow, chain, monitor, hot_wallet, ton=20 * TON) -> int:
    """Real TON in the hot wallet (a user's deposit through the chain), so a sweep can pay from it."""
    user, memo = make_depositor(uow)
    chain.deposit(hot_wallet.address, ton, comment=memo)
    settle(chain, monitor)
    return user


def system_balance(uow, kind, asset="TON") -> int:
    with uow.transaction() as s:
        account = ledger.system_account(s, kind, asset)
    with uow.read() as s:
        return s.execute(select(ledger._accounts.c.balance).where(ledger._accounts.c.id == account.id)).scalar_one()


def sweeps(uow) -> list[FeeSweep]:
    with uow.read() as s:
        return list(s.execute(select(FeeSweep).order_by(FeeSweep.id)).scalars())


def ledger_kinds(uow) -> list[str]:
    with uow.read() as s:
        return list(s.execute(select(LedgerTransaction.kind).order_by(LedgerTransaction.id)).scalars())


def arrived_at_owner(chain) -> list:
    return run(chain.transactions_after(OWNER, None))


# --- the threshold -----------------------------------------------------------------------------


def test_below_the_threshold_nothing_is_swept_at_it_the_whole_balance_is(uow, settings):
    collect_fees(uow, 10 * TON - 1)
    assert fee_sweeps.sweep_due(uow, settings) == []
    collect_fees(uow, 3)
    (made,) = fee_sweeps.sweep_due(uow, settings)
    (sweep,) = sweeps(uow)
    assert (sweep.id, sweep.asset, sweep.amount, sweep.status) == (made, "TON", 10 * TON + 2, "pending")
    assert (sweep.destination, sweep.forced_by) == (OWNER, None)
    assert system_balance(uow, FEES) == 0
    assert system_balance(uow, FEE_SWEEP) == 10 * TON + 2
    assert fee_sweeps.sweep_due(uow, settings) == []  # nothing left to sweep
    # Fees arriving meanwhile stay for the next sweep.
    collect_fees(uow, TON)
    assert fee_sweeps.sweep_due(uow, settings) == []
    assert system_balance(uow, FEES) == TON
    with uow.read() as s:
        assert fee_sweeps.in_flight_sweeps(s) == {"TON": 10 * TON + 2}
    assert_invariants(uow)


def test_without_an_owner_wallet_sweeps_are_off(uow, settings):
    off = settings.model_copy(update={"fee_owner_wallet": None, "chain": "toncenter"})
    collect_fees(uow, 20 * TON)
    assert fee_sweeps.owner_wallet(off) is None
    assert fee_sweeps.sweep_due(uow, off) == []
    operator = make_user(uow, operator=True)
    with pytest.raises(SweepRefused) as refused:
        fee_sweeps.force_sweep(uow, operator, "TON", settings=off)
    assert refused.value.code == "sweep_off"
    assert fee_sweeps.sweep_stats(uow, operator, settings=off).owner_wallet is None
    assert sweeps(uow) == []


def test_the_demo_chain_sweeps_to_the_demo_owner():
    demo = get_settings().model_copy(update={"fee_owner_wallet": None, "chain": "fake", "env": "development"})
    assert fee_sweeps.owner_wallet(demo).raw == DEMO_FEE_OWNER_WALLET
    assert demo.model_copy(update={"chain": "toncenter"}).fee_owner is None


# --- end to end on the chain -------------------------------------------------------------------


def test_a_sweep_is_sent_confirmed_and_arrives_at_the_owner(uow, chain, monitor, hot_wallet, settings):
    fund_hot_wallet(uow, chain, monitor, hot_wallet)
    collect_fees(uow, 12 * TON)
    (made,) = fee_sweeps.sweep_due(uow, settings)
    assert send(uow, chain, hot_wallet, settings) == 1
    (sent,) = sweeps(uow)
    assert (sent.status, sent.attempts, sent.seqno) == ("sent", 1, 0)
    assert send(uow, chain, hot_wallet, settings) == 0
    assert settle(chain, monitor) == 1
    (confirmed,) = sweeps(uow)
    assert confirmed.status == "confirmed" and confirmed.chain_tx_hash
    with uow.read() as s:
        applied = s.get(AppliedChainTransaction, confirmed.chain_tx_hash)
        assert fee_sweeps.in_flight_sweeps(s) == {}
    assert (applied.outcome, applied.amount) == ("sweep_confirmed", 12 * TON)
    (arrived,) = arrived_at_owner(chain)
    assert (arrived.amount, arrived.comment) == (12 * TON, f"Fee sweep #{made} from Krypton")
    assert system_balance(uow, FEES) == system_balance(uow, FEE_SWEEP) == 0
    assert ledger_kinds(uow)[-2:] == ["fee_sweep_hold", "fee_sweep"]
    assert_invariants(uow)


def test_withdrawal_fees_reach_the_threshold_and_are_swept(uow, chain, monitor, hot_wallet, settings):
    """The fees as they arrive today: each confirmed withdrawal's fee; the sweep after the one that
    reached the threshold, in the same sender as the withdrawals."""
    user = fund_hot_wallet(uow, chain, monitor, hot_wallet)
    operator = make_user(uow, operator=True)
    fee_sweeps.set_threshold(uow, operator, "TON", "0.1")
    for _ in range(2):
        withdrawals.request_ton_withdrawal(
            uow,
            user,
            asset="TON",
            address="0:" + "cd" * 32,
            amount="1",
            idempotency_key=str(uuid.uuid4()),
            settings=settings,
        )
        assert send(uow, chain, hot_wallet, settings) == 1
        settle(chain, monitor)
    (made,) = fee_sweeps.sweep_due(uow, settings)
    assert send(uow, chain, hot_wallet, settings) == 1
    settle(chain, monitor)
    (sweep,) = sweeps(uow)
    assert (sweep.id, sweep.status, sweep.amount) == (made, "confirmed", 2 * FEE["TON"])
    assert [tx.amount for tx in arrived_at_owner(chain)] == [2 * FEE["TON"]]
    assert_invariants(uow)


def test_a_usdt_sweep_goes_through_our_jetton_wallet(uow, chain, monitor, hot_wallet, settings):
    user, memo = make_depositor(uow)
    chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.jetton_deposit(hot_wallet.address, 80 * USDT, comment=memo)
    settle(chain, monitor)
    collect_fees(uow, 60 * USDT, "USDT")
    (made,) = fee_sweeps.sweep_due(uow, settings)
    assert send(uow, chain, hot_wallet, settings) == 1
    settle(chain, monitor)
    assert sweeps(uow)[0].status == "confirmed"
    jetton_wallet = run(chain.jetton_wallet_address(settings.usdt_master, hot_wallet.address))
    (message,) = run(chain.transactions_after(jetton_wallet, None))
    assert message.source == hot_wallet.address
    assert system_balance(uow, FEE_SWEEP, "USDT") == 0
    # The deposit and the fees came from outside; the sweep took the fees back out.
    assert system_balance(uow, EXTERNAL, "USDT") == -80 * USDT - 60 * USDT + 60 * USDT
    assert made == sweeps(uow)[0].id
    assert_invariants(uow)


def test_a_sweep_and_withdrawals_share_one_message_per_seqno(uow, chain, monitor, hot_wallet, settings):
    user = fund_hot_wallet(uow, chain, monitor, hot_wallet)
    collect_fees(uow, 10 * TON)
    fee_sweeps.sweep_due(uow, settings)
    view = withdrawals.request_ton_withdrawal(
        uow, user, asset="TON", address="0:" + "cd" * 32, amount="1", idempotency_key="w1", settings=settings
    )
    chain.drop_sends(1)
    assert send(uow, chain, hot_wallet, settings) == 1
    # The sweep waited longer: it is signed first, and nothing else while it may still execute.
    assert send(uow, chain, hot_wallet, settings) == 0
    (sweep,) = sweeps(uow)
    assert (sweep.status, sweep.seqno) == ("sent", 0)
    assert withdrawals.list_withdrawals(uow, user)[0].status == "requested"
    chain.set_time(sweep.valid_until + EXPIRY_MARGIN_S + 1)
    assert send(uow, chain, hot_wallet, settings) == 1  # the sweep again, with the same seqno
    assert send(uow, chain, hot_wallet, settings) == 1  # then the withdrawal
    settle(chain, monitor)
    assert sweeps(uow)[0].status == "confirmed"
    assert (sweeps(uow)[0].attempts, sweeps(uow)[0].seqno) == (2, 0)
    assert withdrawals.list_withdrawals(uow, user)[0].status == "confirmed"
    assert view.id == withdrawals.list_withdrawals(uow, user)[0].id
    assert_invariants(uow)


def test_a_sweep_that_never_executes_returns_to_the_fee_account(uow, chain, monitor, hot_wallet, settings):
    fund_hot_wallet(uow, chain, monitor, hot_wallet)
    collect_fees(uow, 10 * TON)
    fee_sweeps.sweep_due(uow, settings)
    chain.drop_sends(MAX_SEND_ATTEMPTS)
    for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
        assert send(uow, chain, hot_wallet, settings) == 1
        assert sweeps(uow)[0].attempts == attempt
        chain.set_time(sweeps(uow)[0].valid_until + EXPIRY_MARGIN_S + 1)
    assert send(uow, chain, hot_wallet, settings) == 0
    (returned,) = sweeps(uow)
    assert returned.status == "returned" and "expired" in returned.failure
    assert system_balance(uow, FEES) == 10 * TON
    assert system_balance(uow, FEE_SWEEP) == 0
    assert arrived_at_owner(chain) == []
    # Returned fees are fees to sweep, not fees collected twice.
    operator = make_user(uow, operator=True)
    (ton, _usdt) = fee_sweeps.sweep_stats(uow, operator, settings=settings).assets
    assert (ton.balance, ton.collected, ton.swept, ton.last.status) == (10 * TON, 10 * TON, 0, "returned")
    assert_invariants(uow)


def test_a_bounced_sweep_returns_to_the_fee_account_once(uow, chain, monitor, hot_wallet, settings):
    fund_hot_wallet(uow, chain, monitor, hot_wallet)
    chain.bounce_destinations.add(OWNER)
    collect_fees(uow, 10 * TON)
    fee_sweeps.sweep_due(uow, settings)
    send(uow, chain, hot_wallet, settings)
    assert settle(chain, monitor) == 2  # our message executing, then the bounce coming back
    assert settle(chain, monitor) == 0
    (returned,) = sweeps(uow)
    assert returned.status == "returned" and "bounced" in returned.failure
    assert system_balance(uow, FEES) == 10 * TON
    assert ledger_kinds(uow)[-3:] == ["fee_sweep_hold", "fee_sweep", "fee_sweep_return"]
    with uow.read() as s:
        outcomes = sorted(s.execute(select(AppliedChainTransaction.outcome)).scalars())
    assert outcomes == ["deposit", "sweep_bounced", "sweep_confirmed"]
    assert_invariants(uow)


def test_a_usdt_sweep_bounced_by_our_jetton_wallet_returns_by_query_id(uow, chain, monitor, hot_wallet, settings):
    user, memo = make_depositor(uow)
    chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.jetton_deposit(hot_wallet.address, 80 * USDT, comment=memo)
    settle(chain, monitor)
    jetton_wallet = run(chain.jetton_wallet_address(settings.usdt_master, hot_wallet.address))
    chain.bounce_destinations.add(jetton_wallet)
    collect_fees(uow, 60 * USDT, "USDT")
    (made,) = fee_sweeps.sweep_due(uow, settings)
    send(uow, chain, hot_wallet, settings)
    assert settle(chain, monitor) == 2
    (returned,) = sweeps(uow)
    assert (returned.id, returned.status) == (made, "returned")
    assert system_balance(uow, FEES, "USDT") == 60 * USDT
    assert_invariants(uow)


# --- exactly once, whichever step the worker dies after -----------------------------------------


def test_dies_after_making_the_sweep(uow, chain, monitor, hot_wallet, settings):
    """Made, nothing signed: the next round finds it pending and sends it; the threshold check makes no
    second one, since the balance it swept is no longer in FEES."""
    fund_hot_wallet(uow, chain, monitor, hot_wallet)
    collect_fees(uow, 10 * TON)
    fee_sweeps.sweep_due(uow, settings)
    # -- the process dies; another starts and runs its rounds --
    assert fee_sweeps.sweep_due(uow, settings) == []
    assert send(uow, chain, hot_wallet, settings) == 1
    settle(chain, monitor)
    assert [(s.status, s.attempts) for s in sweeps(uow)] == [("confirmed", 1)]
    assert [tx.amount for tx in arrived_at_owner(chain)] == [10 * TON]
    assert_invariants(uow)


def test_dies_after_signing_and_recording_before_sending(uow, chain, monitor, hot_wallet, settings, monkeypatch):
    """Recorded as sent, never sent: after valid_until it is signed afresh, and sent once."""
    fund_hot_wallet(uow, chain, monitor, hot_wallet)
    collect_fees(uow, 10 * TON)
    fee_sweeps.sweep_due(uow, settings)

    async def dies(boc):
        raise ChainError("the process died before the node got it")

    with monkeypatch.context() as patch:
        patch.setattr(chain, "send_boc", dies)
        with pytest.raises(ChainError):
            send(uow, chain, hot_wallet, settings)
    recorded = sweeps(uow)[0]
    assert (recorded.status, recorded.attempts) == ("sent", 1) and recorded.message_hash
    assert send(uow, chain, hot_wallet, settings) == 0  # it may still execute: nothing else is signed
    chain.set_time(recorded.valid_until + EXPIRY_MARGIN_S + 1)
    assert send(uow, chain, hot_wallet, settings) == 1
    settle(chain, monitor)
    (confirmed,) = sweeps(uow)
    assert (confirmed.status, confirmed.attempts) == ("confirmed", 2)
    assert confirmed.message_hash != recorded.message_hash
    assert [tx.amount for tx in arrived_at_owner(chain)] == [10 * TON]
    assert ledger_kinds(uow).count("fee_sweep") == 1
    assert_invariants(uow)


def test_dies_after_sending_before_the_chain_confirms(uow, chain, monitor, hot_wallet, settings):
    """Sent; the sender died right after. It is never signed again while it may execute, and the
    monitor confirms the one message once it is final, however late."""
    fund_hot_wallet(uow, chain, monitor, hot_wallet)
    collect_fees(uow, 10 * TON)
    fee_sweeps.sweep_due(uow, settings)
    assert send(uow, chain, hot_wallet, settings) == 1
    # -- the process dies; the next one's rounds, long after valid_until --
    chain.set_time(sweeps(uow)[0].valid_until + EXPIRY_MARGIN_S + 1)
    assert send(uow, chain, hot_wallet, settings) == 0  # the wallet's seqno moved past it: it executed
    assert fee_sweeps.sweep_due(uow, settings) == []
    settle(chain, monitor)
    assert [(s.status, s.attempts) for s in sweeps(uow)] == [("confirmed", 1)]
    assert len(arrived_at_owner(chain)) == 1
    assert_invariants(uow)


def test_dies_while_the_monitor_confirms(uow, chain, monitor, hot_wallet, settings, monkeypatch):
    """The confirmation's database transaction is lost (the process died, the database went away): the
    cursor stayed before it, so the next round confirms it, once."""
    fund_hot_wallet(uow, chain, monitor, hot_wallet)
    collect_fees(uow, 10 * TON)
    fee_sweeps.sweep_due(uow, settings)
    send(uow, chain, hot_wallet, settings)

    def dies(*args, **kwargs):
        raise OperationalError("UPDATE fee_sweeps", {}, Exception("server closed the connection"))

    with monkeypatch.context() as patch:
        patch.setattr(fee_sweep_settlement, "confirm", dies)
        with pytest.raises(OperationalError):
            settle(chain, monitor)
    assert sweeps(uow)[0].status == "sent"
    assert send(uow, chain, hot_wallet, settings) == 0
    assert settle(chain, monitor) == 1
    assert sweeps(uow)[0].status == "confirmed"
    assert ledger_kinds(uow).count("fee_sweep") == 1
    assert system_balance(uow, FEE_SWEEP) == 0
    assert_invariants(uow)


# --- racing sweepers ---------------------------------------------------------------------------


def _race(calls) -> list:
    results, barrier = [None] * len(calls), threading.Barrier(len(calls))

    def one(i):
        barrier.wait()
        try:
            results[i] = calls[i]()
        except SweepRefused as refused:
            results[i] = refused

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_workers_at_the_threshold_make_one_sweep(uow, settings):
    collect_fees(uow, 11 * TON)
    results = _race([lambda: fee_sweeps.sweep_due(uow, settings)] * 2)
    assert sorted(len(r) for r in results) == [0, 1]
    assert [(s.amount, s.status) for s in sweeps(uow)] == [(11 * TON, "pending")]
    assert_invariants(uow)


def test_many_workers_and_an_operator_race_on_postgres(pg_uow, settings):
    operator = make_user(pg_uow, operator=True)
    collect_fees(pg_uow, 11 * TON)
    calls = [lambda: fee_sweeps.sweep_due(pg_uow, settings)] * 8
    calls.append(lambda: fee_sweeps.force_sweep(pg_uow, operator, "TON", settings=settings))
    results = _race(calls)
    made = [r for r in results[:-1] if r] + ([results[-1]] if not isinstance(results[-1], SweepRefused) else [])
    assert len(made) == 1
    assert [(s.amount, s.status) for s in sweeps(pg_uow)] == [(11 * TON, "pending")]
    assert system_balance(pg_uow, FEE_SWEEP) == 11 * TON
    assert_invariants(pg_uow)


# --- operators ---------------------------------------------------------------------------------


def audit_lines(uow) -> list[OperatorAction]:
    with uow.read() as s:
        return list(s.execute(select(OperatorAction).order_by(OperatorAction.id)).scalars())


def test_an_operator_forces_a_sweep_below_the_threshold(uow, settings):
    operator = make_user(uow, operator=True)
    with pytest.raises(SweepRefused) as refused:
        fee_sweeps.force_sweep(uow, operator, "TON", settings=settings)
    assert refused.value.code == "sweep_nothing"
    collect_fees(uow, TON)
    view = fee_sweeps.force_sweep(uow, operator, "TON", settings=settings)
    assert (view.amount, view.status, view.forced) == (TON, "pending", True)
    (line,) = audit_lines(uow)
    assert (line.operator_id, line.action, line.subject) == (operator, audit.SWEEP_FORCED, f"fee_sweep:{view.id}")
    assert line.details == {"asset": "TON", "amount": TON, "to": OWNER}
    with pytest.raises(SweepRefused) as refused:
        fee_sweeps.force_sweep(uow, operator, "BTC", settings=settings)
    assert refused.value.code == "sweep_asset"


def test_only_operators_sweep_set_thresholds_and_read_the_statistics(uow, settings):
    someone = make_user(uow)
    collect_fees(uow, TON)
    with pytest.raises(Forbidden):
        fee_sweeps.force_sweep(uow, someone, "TON", settings=settings)
    with pytest.raises(Forbidden):
        fee_sweeps.set_threshold(uow, someone, "TON", "1")
    with pytest.raises(Forbidden):
        fee_sweeps.sweep_stats(uow, someone, settings=settings)
    assert sweeps(uow) == [] and audit_lines(uow) == []


def test_a_threshold_change_is_validated_and_logged(uow, settings):
    operator = make_user(uow, operator=True)
    for text, code in [
        ("", "amount_empty"),
        ("-1", "amount_negative"),
        ("1.0000000001", "amount_too_many_decimals"),
        ("abc", "amount_not_a_number"),
    ]:
        with pytest.raises(InvalidAmount) as refused:
            fee_sweeps.set_threshold(uow, operator, "TON", text)
        assert refused.value.code == code
    with pytest.raises(SweepRefused) as refused:
        fee_sweeps.set_threshold(uow, operator, "TON", "0")
    assert refused.value.code == "sweep_threshold_zero"
    assert fee_sweeps.set_threshold(uow, operator, "USDT", "12,5") == 12_500_000
    assert fee_sweeps.set_threshold(uow, operator, "USDT", "12.5") == 12_500_000  # no change: no line
    (line,) = audit_lines(uow)
    assert (line.action, line.subject) == (audit.SWEEP_THRESHOLD_CHANGED, "sweep_threshold:USDT")
    assert line.details == {"asset": "USDT", "old": 50 * USDT, "new": 12_500_000}
    collect_fees(uow, 12_500_000, "USDT")
    assert len(fee_sweeps.sweep_due(uow, settings)) == 1


def test_statistics_per_asset(uow, chain, monitor, hot_wallet, settings):
    operator = make_user(uow, operator=True)
    fund_hot_wallet(uow, chain, monitor, hot_wallet)
    collect_fees(uow, 10 * TON)
    fee_sweeps.sweep_due(uow, settings)
    send(uow, chain, hot_wallet, settings)
    settle(chain, monitor)
    collect_fees(uow, 2 * TON)
    collect_fees(uow, 3 * USDT, "USDT")
    stats = fee_sweeps.sweep_stats(uow, operator, settings=settings)
    assert stats.owner_wallet == fee_sweeps.owner_wallet(settings).friendly
    ton, usdt = stats.assets
    assert (ton.asset, ton.threshold, ton.balance, ton.in_flight) == ("TON", 10 * TON, 2 * TON, 0)
    assert (ton.collected, ton.swept) == (12 * TON, 10 * TON)
    assert (ton.last.amount, ton.last.status) == (10 * TON, "confirmed") and ton.last.chain_tx_hash
    assert [s.id for s in ton.recent] == [ton.last.id]
    assert len(ton.chart) == fee_sweeps.CHART_DAYS
    today = ton.chart[-1]
    assert (today.collected, today.swept) == (12 * TON, 10 * TON)
    assert sum(day.collected for day in ton.chart[:-1]) == 0
    assert (usdt.balance, usdt.collected, usdt.last, usdt.recent) == (3 * USDT, 3 * USDT, None, [])


# --- the workers -------------------------------------------------------------------------------


def test_the_sweep_worker_and_the_chain_sync_take_a_sweep_through(uow, chain, settings, hot_wallet):
    user, memo = make_depositor(uow)

    async def scenario():
        stop = asyncio.Event()
        workers = [
            asyncio.create_task(
                run_chain_sync(uow, chain, hot_wallet, settings=settings, stop=stop, clock=lambda: chain.now)
            ),
            asyncio.create_task(run_fee_sweeps(uow, settings=settings, stop=stop)),
        ]
        chain.deposit(hot_wallet.address, 20 * TON, comment=memo)
        chain.advance(1)
        await asyncio.to_thread(collect_fees, uow, 10 * TON)
        await eventually(lambda: [s.status for s in sweeps(uow)] == ["sent"])
        chain.advance(1)
        await eventually(lambda: [s.status for s in sweeps(uow)] == ["confirmed"])
        stop.set()
        return await asyncio.wait_for(asyncio.gather(*workers), 5)

    assert all(rounds > 0 for rounds in run(scenario()))
    assert [tx.amount for tx in arrived_at_owner(chain)] == [10 * TON]
    assert_invariants(uow)


async def eventually(check, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


def test_reconciliation_explains_a_sweep_sent_and_not_yet_confirmed(uow, chain, monitor, hot_wallet, settings):
    """Fees charged from a user's deposit leave the chain in a sweep; between the send and the monitor's
    confirmation the ledger still owes them (fee_sweep) and `sweeps_in_flight` explains the gap."""
    operator = make_user(uow, operator=True)
    user = fund_hot_wallet(uow, chain, monitor, hot_wallet)
    with uow.transaction() as s:
        leg = Leg(ledger.user_account(s, user, "TON"), ledger.system_account(s, FEES, "TON"), 12 * TON)
        ledger.post(s, idempotency_key="test-user-fee", kind="test_fee", legs=[leg])
    fee_sweeps.sweep_due(uow, settings)
    assert send(uow, chain, hot_wallet, settings) == 1
    chain.advance(1)  # executed on chain; the monitor has not run

    def check():
        result = run(
            reconcile_with_chain(uow, chain, operator, hot_wallet_address=hot_wallet.address, settings=settings)
        )
        return next(a for a in result.assets if a.asset == "TON")

    row = check()
    explained = {i.name: i.amount for i in row.explained}
    assert explained["sweeps_in_flight"] == -12 * TON
    assert row.chain == row.liabilities + sum(explained.values()) + row.remainder
    in_flight_remainder = row.remainder
    run(monitor.run_once())
    row = check()
    assert {i.name: i.amount for i in row.explained}["sweeps_in_flight"] == 0
    # The confirmation moves nothing the chain did not already show: the remainder is the same.
    assert row.remainder == in_flight_remainder
