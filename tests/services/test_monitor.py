"""Chain monitor on FakeChain: each chain transaction applied once, whatever the node or the process does.

Runs on SQLite and, with KRYPTON_TEST_DATABASE_URL, on PostgreSQL (`uow`); the leader and
concurrent-monitor tests need PostgreSQL (`pg_uow`).
"""

import asyncio
import dataclasses
import time
import uuid

import pytest
from pytoniq_core import Builder
from sqlalchemy import select, text

from krypton_app.chain import monitor as monitor_module
from krypton_app.chain.fake import FakeChain
from krypton_app.chain.gateway import ChainError
from krypton_app.chain.hot_wallet import hot_wallet_from_settings
from krypton_app.chain.monitor import ChainMonitor
from krypton_app.chain.parse import EXCESSES
from krypton_app.db import UnitOfWork, make_engine
from krypton_app.models import AppliedChainTransaction, ChainCursor, LedgerTransaction, UnmatchedDeposit, User
from krypton_app.services import deposits, ledger
from krypton_app.settings import get_settings
from krypton_app.workers import CHAIN_WORKER_LOCK_KEY, LeaderLock, run_chain_worker

NOW = 1_800_000_000
TON = 10**9
USDT = 10**6


class Boom(Exception):
    """The process dies here."""


@pytest.fixture
def settings():
    return get_settings().model_copy(update={"confirmations": 1, "monitor_poll_s": 0.02})


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


def make_user(uow) -> tuple[int, str]:
    with uow.transaction() as s:
        user = User(wallet_address=f"0:{uuid.uuid4().hex}{uuid.uuid4().hex}")
        s.add(user)
        s.flush()
        user_id = user.id
    return user_id, deposits.ensure_memo(uow, user_id)


def balance(uow, user_id, asset="TON") -> int:
    return next(b.available for b in ledger.list_balances(uow, user_id) if b.asset == asset)


def outcomes(uow) -> dict[str, str]:
    with uow.read() as s:
        return dict(s.execute(select(AppliedChainTransaction.hash, AppliedChainTransaction.outcome)).all())


def review_queue(uow) -> list[UnmatchedDeposit]:
    with uow.read() as s:
        return list(s.execute(select(UnmatchedDeposit).order_by(UnmatchedDeposit.id)).scalars())


def ledger_kinds(uow) -> list[str]:
    with uow.read() as s:
        return list(s.execute(select(LedgerTransaction.kind).order_by(LedgerTransaction.id)).scalars())


def cursor_lt(uow) -> int | None:
    with uow.read() as s:
        return s.execute(select(ChainCursor.lt)).scalar_one_or_none()


def test_a_deposit_with_the_memo_is_credited_once_when_confirmed(uow, chain, monitor, hot_wallet):
    user, memo = make_user(uow)
    tx = chain.deposit(hot_wallet.address, 3 * TON, comment=memo)
    assert run(monitor.run_once()) == 0  # in the newest block: no confirmation on top yet
    assert balance(uow, user) == 0
    chain.advance(1)
    assert run(monitor.run_once()) == 1
    assert run(monitor.run_once()) == 0
    assert balance(uow, user) == 3 * TON
    assert outcomes(uow) == {tx.hash: "deposit"}
    assert ledger_kinds(uow) == ["deposit"]
    assert cursor_lt(uow) == tx.lt


def test_confirmations_are_counted_in_masterchain_blocks(uow, chain, settings, hot_wallet):
    monitor = ChainMonitor(uow, chain, settings=settings.model_copy(update={"confirmations": 3}), hot_wallet=hot_wallet)
    user, memo = make_user(uow)
    chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(2)
    assert run(monitor.run_once()) == 0
    chain.advance(1)
    assert run(monitor.run_once()) == 1
    assert balance(uow, user) == TON


class WithoutMasterchainSeqno:
    """A gateway that cannot say which masterchain block holds a transaction."""

    def __init__(self, chain):
        self.chain = chain

    def __getattr__(self, name):
        return getattr(self.chain, name)

    async def transactions_after(self, address, after, *, limit=50):
        page = await self.chain.transactions_after(address, after, limit=limit)
        return [dataclasses.replace(tx, mc_seqno=None) for tx in page]


def test_without_a_masterchain_seqno_confirmations_are_waited_out_in_block_intervals(
    uow, chain, settings, hot_wallet, monkeypatch
):
    monitor = ChainMonitor(
        uow,
        WithoutMasterchainSeqno(chain),
        settings=settings.model_copy(update={"confirmations": 2}),
        hot_wallet=hot_wallet,
    )
    user, memo = make_user(uow)
    chain.deposit(hot_wallet.address, TON, comment=memo)  # utime NOW
    wait = 2 * monitor_module.MASTERCHAIN_BLOCK_S
    monkeypatch.setattr(monitor_module.time, "time", lambda: NOW + wait - 1)
    assert run(monitor.run_once()) == 0
    monkeypatch.setattr(monitor_module.time, "time", lambda: NOW + wait)
    assert run(monitor.run_once()) == 1
    assert balance(uow, user) == TON


def test_the_memo_matches_whatever_the_case_and_surrounding_spaces(uow, chain, monitor, hot_wallet):
    user, memo = make_user(uow)
    chain.deposit(hot_wallet.address, TON, comment=f"  {memo.lower()} \n")
    chain.advance(1)
    run(monitor.run_once())
    assert balance(uow, user) == TON


def test_a_deposit_that_matches_no_memo_waits_for_the_operator(uow, chain, monitor, hot_wallet):
    user, _memo = make_user(uow)
    sender = "0:" + "5" * 64
    unknown = chain.deposit(hot_wallet.address, 2 * TON, comment="ZZZZZZZZ", sender=sender)
    bare = chain.deposit(hot_wallet.address, TON)
    chain.advance(1)
    assert run(monitor.run_once()) == 2
    assert outcomes(uow) == {unknown.hash: "unmatched", bare.hash: "unmatched"}
    assert ledger_kinds(uow) == []
    assert balance(uow, user) == 0
    with uow.read() as s:
        queue = {d.chain_tx_hash: d for d in s.execute(select(UnmatchedDeposit)).scalars()}
    assert queue[unknown.hash].status == "pending"
    assert (queue[unknown.hash].asset, queue[unknown.hash].amount) == ("TON", 2 * TON)
    assert (queue[unknown.hash].sender, queue[unknown.hash].comment) == (sender, "ZZZZZZZZ")
    assert queue[bare.hash].comment is None


def test_bounces_and_bounced_back_value_are_never_credited(uow, chain, monitor, hot_wallet):
    user, memo = make_user(uow)
    # The hot wallet refused it and the value went back to the sender.
    refused = chain.bounced_deposit(hot_wallet.address, TON, comment=memo)
    # A message the hot wallet never sent comes back to it as a bounce.
    stranger = "0:" + "7" * 64
    chain.bounced_deposit(stranger, TON, comment=memo, sender=hot_wallet.address)
    bounce = run(chain.transactions_after(hot_wallet.address, refused.id))[-1]
    assert refused.bounced_back and bounce.is_bounce
    # Non-bounceable and refused: the compute phase aborted, but the value stayed with us.
    kept = chain.bounced_deposit(hot_wallet.address, 2 * TON, comment=memo, bounceable=False)
    assert kept.aborted and not kept.bounced_back
    chain.advance(1)
    run(monitor.run_once())
    # The value that came back is real money but names no withdrawal: the operator decides.
    assert outcomes(uow) == {refused.hash: "bounce_ignored", bounce.hash: "unmatched", kept.hash: "deposit"}
    assert [(d.chain_tx_hash, d.amount, d.comment) for d in review_queue(uow)] == [
        (bounce.hash, TON, f"bounce of: {memo}")
    ]
    assert balance(uow, user) == 2 * TON


def test_usdt_is_credited_only_from_our_own_jetton_wallet(uow, chain, monitor, hot_wallet):
    user, memo = make_user(uow)
    real = chain.jetton_deposit(hot_wallet.address, 25 * USDT, comment=memo)
    forged = chain.jetton_deposit(hot_wallet.address, 1000 * USDT, comment=memo, notifier="0:" + "6" * 64)
    chain.advance(1)
    run(monitor.run_once())
    assert balance(uow, user, "USDT") == 25 * USDT
    assert outcomes(uow)[real.hash] == "deposit"
    # The forged notification proves nothing arrived: ignored, and no noise in the review queue.
    assert outcomes(uow)[forged.hash] == "ignored"
    assert review_queue(uow) == []
    assert balance(uow, user, "TON") == 0


def test_only_plain_transfers_and_comments_are_deposits(uow, chain, monitor, hot_wallet):
    """Messages with an operation we do not take deposits by (jetton excesses, other contracts' calls)
    are ignored; a plain transfer that names nobody is real money and waits for the operator."""
    user, memo = make_user(uow)
    excesses = Builder().store_uint(EXCESSES, 32).store_uint(7, 64).end_cell()
    excess = chain.deposit(hot_wallet.address, 30_000_000, body=excesses, bounceable=False)
    call = chain.deposit(
        hot_wallet.address, TON, body=Builder().store_uint(0x12345678, 32).store_uint(1, 64).end_cell()
    )
    bare = chain.deposit(hot_wallet.address, TON)
    paid = chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    assert run(monitor.run_once()) == 4
    assert outcomes(uow) == {excess.hash: "ignored", call.hash: "ignored", bare.hash: "unmatched", paid.hash: "deposit"}
    assert [d.chain_tx_hash for d in review_queue(uow)] == [bare.hash]
    assert balance(uow, user) == TON


@pytest.mark.parametrize("fault", ["duplicate_pages", "overlap_pages"])
def test_duplicate_and_overlapping_pages_apply_each_transaction_once(uow, chain, settings, hot_wallet, fault):
    setattr(chain, fault, True)
    monitor = ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet)
    user, memo = make_user(uow)
    for _ in range(3):
        chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    run(monitor.run_once())
    for _ in range(2):
        chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    run(monitor.run_once())
    run(monitor.run_once())
    assert balance(uow, user) == 5 * TON
    assert ledger_kinds(uow) == ["deposit"] * 5


def test_a_gap_stops_the_monitor_until_the_missing_transaction_appears(uow, chain, monitor, hot_wallet):
    user, memo = make_user(uow)
    first = chain.deposit(hot_wallet.address, 1 * TON, comment=memo)
    missing = chain.deposit(hot_wallet.address, 2 * TON, comment=memo)
    chain.deposit(hot_wallet.address, 4 * TON, comment=memo)
    chain.advance(1)
    chain.hide(missing.hash)
    assert run(monitor.run_once()) == 1
    assert run(monitor.run_once()) == 0
    assert balance(uow, user) == 1 * TON
    assert cursor_lt(uow) == first.lt
    chain.reveal()
    assert run(monitor.run_once()) == 2
    assert balance(uow, user) == 7 * TON


def test_the_first_transaction_of_the_account_is_not_skipped_either(uow, chain, monitor, hot_wallet):
    user, memo = make_user(uow)
    first = chain.deposit(hot_wallet.address, 1 * TON, comment=memo)
    chain.deposit(hot_wallet.address, 2 * TON, comment=memo)
    chain.advance(1)
    chain.hide(first.hash)
    assert run(monitor.run_once()) == 0
    chain.reveal()
    assert run(monitor.run_once()) == 2
    assert balance(uow, user) == 3 * TON


def test_a_node_error_changes_nothing_and_the_next_round_catches_up(uow, chain, monitor, hot_wallet):
    user, memo = make_user(uow)
    chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    chain.fail_next(1)
    with pytest.raises(ChainError):
        run(monitor.run_once())
    assert run(monitor.run_once()) == 1
    assert balance(uow, user) == TON


def _raise_after(original):
    def wrapper(*args, **kwargs):
        original(*args, **kwargs)
        raise Boom()

    return wrapper


@pytest.mark.parametrize(
    "target",
    [
        (monitor_module, "_record_applied"),  # after the applied-transaction row
        (deposits, "post"),  # after the ledger credit
        (deposits, "record_unmatched"),  # after the review-queue row
        (monitor_module, "_save_cursor"),  # after the cursor update, before commit
    ],
    ids=["after_applied_row", "after_ledger_post", "after_unmatched_row", "before_commit"],
)
def test_a_monitor_killed_mid_transaction_and_restarted_credits_once(
    uow, chain, settings, hot_wallet, monkeypatch, target
):
    user, memo = make_user(uow)
    credited = chain.deposit(hot_wallet.address, 3 * TON, comment=memo)
    unknown = chain.deposit(hot_wallet.address, TON, comment="NOBODY42")
    chain.advance(1)
    module, name = target
    with monkeypatch.context() as patch:
        patch.setattr(module, name, _raise_after(getattr(module, name)))
        with pytest.raises(Boom):
            run(ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet).run_once())
    # Whatever the point, the transaction it was in rolled back whole (the first one may have committed).
    restarted = ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet)
    run(restarted.run_once())
    assert run(restarted.run_once()) == 0
    assert balance(uow, user) == 3 * TON
    assert outcomes(uow) == {credited.hash: "deposit", unknown.hash: "unmatched"}
    assert ledger_kinds(uow) == ["deposit"]
    with uow.read() as s:
        assert s.execute(select(UnmatchedDeposit.chain_tx_hash)).scalars().all() == [unknown.hash]
    assert cursor_lt(uow) == unknown.lt
    assert ledger.check_invariants(uow).ok


def test_a_restarted_monitor_resumes_from_the_saved_cursor(uow, chain, settings, hot_wallet):
    user, memo = make_user(uow)
    chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    run(ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet).run_once())
    chain.deposit(hot_wallet.address, 2 * TON, comment=memo)
    chain.advance(1)
    assert run(ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet).run_once()) == 1
    assert balance(uow, user) == 3 * TON


def test_run_polls_until_stopped(uow, chain, monitor, hot_wallet):
    user, memo = make_user(uow)

    async def scenario():
        stop = asyncio.Event()
        task = asyncio.create_task(monitor.run(stop))
        chain.deposit(hot_wallet.address, TON, comment=memo)
        chain.advance(1)
        await eventually(lambda: balance(uow, user) == TON)
        stop.set()
        await asyncio.wait_for(task, 2)

    run(scenario())


def test_run_rides_out_node_errors(uow, chain, monitor, hot_wallet):
    user, memo = make_user(uow)

    async def scenario():
        stop = asyncio.Event()
        chain.fail_next(3)
        task = asyncio.create_task(monitor.run(stop))
        chain.deposit(hot_wallet.address, TON, comment=memo)
        chain.advance(1)
        await eventually(lambda: balance(uow, user) == TON)
        stop.set()
        await asyncio.wait_for(task, 2)

    run(scenario())


def test_a_comment_the_database_cannot_store_does_not_stop_the_monitor(uow, chain, monitor, hot_wallet):
    user, memo = make_user(uow)
    odd = chain.deposit(hot_wallet.address, TON, comment="\x00" + "x" * 2000)
    chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    assert run(monitor.run_once()) == 2
    with uow.read() as s:
        stored = s.execute(
            select(UnmatchedDeposit.comment).where(UnmatchedDeposit.chain_tx_hash == odd.hash)
        ).scalar_one()
    assert stored == "x" * 500
    assert balance(uow, user) == TON


async def eventually(check, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


# --- PostgreSQL: several processes ---------------------------------------------------------------


def _second_uow(pg_uow) -> UnitOfWork:
    """Another process's connection pool on the same database."""
    return UnitOfWork(make_engine(pg_uow.engine.url.render_as_string(hide_password=False)))


def _leaders(uow) -> int:
    """Sessions holding the chain worker's advisory lock (a bigint key shows as classid:objid)."""
    with uow.read() as s:
        return s.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
                "AND classid::bigint = :high AND objid::bigint = :low"
            ),
            {"high": CHAIN_WORKER_LOCK_KEY >> 32, "low": CHAIN_WORKER_LOCK_KEY & 0xFFFFFFFF},
        ).scalar_one()


def test_a_second_worker_waits_while_the_first_leads_and_takes_over_when_it_stops(pg_uow, chain, settings, hot_wallet):
    other = _second_uow(pg_uow)
    user, memo = make_user(pg_uow)

    def start(unit, stop):
        return asyncio.create_task(
            run_chain_worker(unit, chain, hot_wallet, settings=settings, stop=stop, clock=lambda: chain.now)
        )

    async def scenario():
        first_stop, second_stop = asyncio.Event(), asyncio.Event()
        first = start(pg_uow, first_stop)
        chain.deposit(hot_wallet.address, TON, comment=memo)
        chain.advance(1)
        await eventually(lambda: balance(pg_uow, user) == TON)
        second = start(other, second_stop)
        chain.deposit(hot_wallet.address, 2 * TON, comment=memo)
        chain.advance(1)
        await eventually(lambda: balance(pg_uow, user) == 3 * TON)
        await asyncio.sleep(0.1)  # several rounds of both
        assert _leaders(pg_uow) == 1
        first_stop.set()
        first_rounds = await asyncio.wait_for(first, 5)
        # Only the second worker is left: it takes the lock at its next round.
        chain.deposit(hot_wallet.address, 4 * TON, comment=memo)
        chain.advance(1)
        await eventually(lambda: balance(pg_uow, user) == 7 * TON)
        assert _leaders(pg_uow) == 1
        second_stop.set()
        return first_rounds, await asyncio.wait_for(second, 5)

    try:
        first_rounds, second_rounds = run(scenario())
    finally:
        other.engine.dispose()
    assert first_rounds > 0 and second_rounds > 0
    assert ledger_kinds(pg_uow) == ["deposit"] * 3
    assert _leaders(pg_uow) == 0  # released on the way out


def test_two_workers_started_at_once_only_one_runs_rounds(pg_uow, chain, settings, hot_wallet):
    other = _second_uow(pg_uow)
    user, memo = make_user(pg_uow)

    async def scenario():
        stop = asyncio.Event()
        workers = [
            asyncio.create_task(
                run_chain_worker(unit, chain, hot_wallet, settings=settings, stop=stop, clock=lambda: chain.now)
            )
            for unit in (pg_uow, other)
        ]
        chain.deposit(hot_wallet.address, TON, comment=memo)
        chain.advance(1)
        await eventually(lambda: balance(pg_uow, user) == TON)
        await asyncio.sleep(0.1)
        stop.set()
        return await asyncio.gather(*workers)

    try:
        rounds = run(scenario())
    finally:
        other.engine.dispose()
    assert min(rounds) == 0 and max(rounds) > 0


def test_two_monitors_without_the_leader_lock_still_apply_each_transaction_once(pg_uow, chain, settings, hot_wallet):
    """If leadership ever overlaps (a dropped leader connection), the cursor lock still serialises."""
    other = _second_uow(pg_uow)
    users = [make_user(pg_uow) for _ in range(5)]
    for _ in range(8):
        for _user, memo in users:
            chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    monitors = [ChainMonitor(unit, chain, settings=settings, hot_wallet=hot_wallet) for unit in (pg_uow, other)]

    async def scenario():
        results = await asyncio.gather(*(m.run_once() for m in monitors))
        results += await asyncio.gather(*(m.run_once() for m in monitors))
        return results

    try:
        applied = run(scenario())
    finally:
        other.engine.dispose()
    assert sum(applied) == 40
    assert [balance(pg_uow, user) for user, _memo in users] == [8 * TON] * 5
    assert ledger_kinds(pg_uow) == ["deposit"] * 40
    assert ledger.check_invariants(pg_uow).ok


def test_a_run_of_deposits_never_deadlocks_with_transfers_between_the_same_users(pg_uow, chain, settings, hot_wallet):
    """Many postings in one database transaction take their account locks up front, in ascending id,
    as every single transfer does; otherwise a transfer could hold one while the run waits for it."""
    low, low_memo = make_user(pg_uow)
    high, high_memo = make_user(pg_uow)
    for user in (low, high):  # the lower user id gets the lower account id
        with pg_uow.transaction() as s:
            leg = ledger.Leg(ledger.system_account(s, "external", "TON"), ledger.user_account(s, user, "TON"), TON)
            ledger.post(s, idempotency_key=f"funding-{user}", kind="deposit", legs=[leg])
    for _ in range(60):  # the higher account first, so a run would lock high, then low
        chain.deposit(hot_wallet.address, TON, comment=high_memo)
        chain.deposit(hot_wallet.address, TON, comment=low_memo)
    chain.advance(1)
    monitor = ChainMonitor(pg_uow, chain, settings=settings, hot_wallet=hot_wallet)
    failures = []

    def transfers(n):
        for i in range(40):
            sender, receiver = (low, high) if (n + i) % 2 else (high, low)
            try:
                ledger.transfer(pg_uow, sender, receiver, "TON", 1, f"ping-{n}-{i}")
            except Exception as error:
                failures.append(error)

    async def scenario():
        threads = [asyncio.to_thread(transfers, n) for n in range(6)]
        return (await asyncio.gather(monitor.run_once(), *threads))[0]

    assert run(scenario()) == 120
    assert failures == []
    assert balance(pg_uow, low) + balance(pg_uow, high) == 122 * TON
    assert ledger.check_invariants(pg_uow).ok


def test_a_leader_whose_connection_dies_loses_the_lock_to_another(pg_uow):
    first, second = LeaderLock(pg_uow.engine, CHAIN_WORKER_LOCK_KEY), LeaderLock(pg_uow.engine, CHAIN_WORKER_LOCK_KEY)
    try:
        assert first.hold() and not second.hold()
        with pg_uow.engine.connect() as c:
            # The server ends the leader's session, as a network cut or a restart would.
            c.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid::bigint = :high AND objid::bigint = :low"
                ),
                {"high": CHAIN_WORKER_LOCK_KEY >> 32, "low": CHAIN_WORKER_LOCK_KEY & 0xFFFFFFFF},
            )
        deadline = time.monotonic() + 5
        while not second.hold():  # the ended session lets go of the lock as its backend exits
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert not first.hold()  # it notices, and the lock is someone else's now
        second.release()
        assert first.hold()
    finally:
        first.release()
        second.release()
    assert _leaders(pg_uow) == 0


def test_the_worker_keeps_going_while_the_database_is_away(chain, settings, hot_wallet):
    unreachable = UnitOfWork(
        make_engine("postgresql+psycopg://postgres@127.0.0.1:9/none", connect_args={"connect_timeout": 1})
    )

    async def scenario():
        stop = asyncio.Event()
        worker = asyncio.create_task(run_chain_worker(unreachable, chain, hot_wallet, settings=settings, stop=stop))
        await asyncio.sleep(0.2)  # several failed rounds
        assert not worker.done()
        stop.set()
        return await asyncio.wait_for(worker, 5)

    try:
        assert run(scenario()) == 0
    finally:
        unreachable.engine.dispose()
