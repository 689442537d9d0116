"""Chain monitor on FakeChain: each chain transaction applied once, whatever the node or the process does.

Runs on SQLite and, with KRYPTON_TEST_DATABASE_URL, on PostgreSQL (`uow`); the leader and
concurrent-monitor tests need PostgreSQL (`pg_uow`).
"""

import asyncio
import dataclasses
import random
import time
import uuid

import pytest
from builders import deposit, grant_operator, make_depositor
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytoniq_core import Address, Builder, Cell
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from krypton_app import bootstrap
from krypton_app.chain.fake import FakeChain
from krypton_app.chain.gateway import ChainError
from krypton_app.chain.hot_wallet import HotWallet, hot_wallet_from_settings
from krypton_app.chain.parse import EXCESSES, TRANSFER_NOTIFICATION
from krypton_app.chain.types import ChainTx
from krypton_app.db import UnitOfWork, make_engine
from krypton_app.domain.money import MAX_MINOR
from krypton_app.models import AppliedChainTransaction, ChainCursor, LedgerTransaction, UnmatchedDeposit, User
from krypton_app.services import chain_settlement, chain_sync, deposits, ledger, ledger_batch, ledger_reads
from krypton_app.services.chain_sync import ChainMonitor
from krypton_app.services.operator import credit_unmatched_deposit
from krypton_app.settings import get_settings
from krypton_app.wakeups import CHAIN_TOPIC, LEDGER_TOPIC, WAKEUPS
from krypton_app.workers.chain_sync import CHAIN_WORKER_LOCK_KEY, chain_sync_worker, run_chain_sync
from krypton_app.workers.loop import LeaderLock

NOW = 1_800_000_000
TON = 10**9
USDT = 10**6


class Boom(BaseException):
    """The process dies here (not an Exception: the monitor holds a transaction whose settlement raises
    one for review, but nothing catches a dying process)."""


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


def balance(uow, user_id, asset="TON") -> int:
    return next(b.available for b in ledger_reads.list_balances(uow, user_id) if b.asset == asset)


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
    user, memo = make_depositor(uow)
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


def test_the_monitor_says_when_it_stopped_at_a_transaction_waiting_for_confirmations(uow, chain, monitor, hot_wallet):
    """The worker pauses briefly while one waits (workers/chain_sync.py), the full interval otherwise."""
    _user, memo = make_depositor(uow)
    assert run(monitor.run_once()) == 0
    assert monitor.unconfirmed is False  # nothing on the chain at all
    chain.deposit(hot_wallet.address, TON, comment=memo)
    assert run(monitor.run_once()) == 0
    assert monitor.unconfirmed is True
    chain.advance(1)
    assert run(monitor.run_once()) == 1
    assert monitor.unconfirmed is False


def test_confirmations_are_counted_in_masterchain_blocks(uow, chain, settings, hot_wallet):
    monitor = ChainMonitor(uow, chain, settings=settings.model_copy(update={"confirmations": 3}), hot_wallet=hot_wallet)
    user, memo = make_depositor(uow)
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
    user, memo = make_depositor(uow)
    chain.deposit(hot_wallet.address, TON, comment=memo)  # utime NOW
    wait = 2 * chain_sync.MASTERCHAIN_BLOCK_S
    monkeypatch.setattr(chain_sync.time, "time", lambda: NOW + wait - 1)
    assert run(monitor.run_once()) == 0
    monkeypatch.setattr(chain_sync.time, "time", lambda: NOW + wait)
    assert run(monitor.run_once()) == 1
    assert balance(uow, user) == TON


def test_the_memo_matches_whatever_the_case_and_surrounding_spaces(uow, chain, monitor, hot_wallet):
    user, memo = make_depositor(uow)
    chain.deposit(hot_wallet.address, TON, comment=f"  {memo.lower()} \n")
    chain.advance(1)
    run(monitor.run_once())
    assert balance(uow, user) == TON


def test_a_deposit_that_matches_no_memo_waits_for_the_operator(uow, chain, monitor, hot_wallet):
    user, _memo = make_depositor(uow)
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
    user, memo = make_depositor(uow)
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
    user, memo = make_depositor(uow)
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
    """Jetton excesses (the change of our own jetton transfers) are ignored; another contract's operation
    is never a deposit but its value is real money, so it waits for the operator with its reason, as
    does a plain transfer that names nobody."""
    user, memo = make_depositor(uow)
    excesses = Builder().store_uint(EXCESSES, 32).store_uint(7, 64).end_cell()
    excess = chain.deposit(hot_wallet.address, 30_000_000, body=excesses, bounceable=False)
    call = chain.deposit(
        hot_wallet.address, TON, body=Builder().store_uint(0x12345678, 32).store_uint(1, 64).end_cell()
    )
    bare = chain.deposit(hot_wallet.address, TON)
    paid = chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    assert run(monitor.run_once()) == 4
    assert outcomes(uow) == {excess.hash: "ignored", call.hash: "held", bare.hash: "unmatched", paid.hash: "deposit"}
    assert [(d.chain_tx_hash, d.reason) for d in review_queue(uow)] == [
        (call.hash, "unknown_op"),
        (bare.hash, "unmatched"),
    ]
    assert balance(uow, user) == TON


@pytest.mark.parametrize("fault", ["duplicate_pages", "overlap_pages"])
def test_duplicate_and_overlapping_pages_apply_each_transaction_once(uow, chain, settings, hot_wallet, fault):
    setattr(chain, fault, True)
    monitor = ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet)
    user, memo = make_depositor(uow)
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
    user, memo = make_depositor(uow)
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
    user, memo = make_depositor(uow)
    first = chain.deposit(hot_wallet.address, 1 * TON, comment=memo)
    chain.deposit(hot_wallet.address, 2 * TON, comment=memo)
    chain.advance(1)
    chain.hide(first.hash)
    assert run(monitor.run_once()) == 0
    chain.reveal()
    assert run(monitor.run_once()) == 2
    assert balance(uow, user) == 3 * TON


def test_a_node_error_changes_nothing_and_the_next_round_catches_up(uow, chain, monitor, hot_wallet):
    user, memo = make_depositor(uow)
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
        (chain_settlement, "record_applied"),  # after the applied-transaction row
        (ledger_batch, "post_many"),  # after the ledger credit
        (deposits, "record_unmatched"),  # after the review-queue row
        (chain_sync, "_save_cursor"),  # after the cursor update, before commit
    ],
    ids=["after_applied_row", "after_ledger_post", "after_unmatched_row", "before_commit"],
)
def test_a_monitor_killed_mid_transaction_and_restarted_credits_once(
    uow, chain, settings, hot_wallet, monkeypatch, target
):
    user, memo = make_depositor(uow)
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
    assert ledger_reads.check_invariants(uow).ok


def test_a_cursor_moved_back_by_hand_never_applies_a_transaction_twice(uow, chain, monitor, hot_wallet):
    """The set-based run leaves the guard to the applied rows' primary key: the run that meets one
    already applied rolls back and is applied again one by one, which skips it."""
    user, memo = make_depositor(uow)
    first = chain.deposit(hot_wallet.address, 1 * TON, comment=memo)
    stranger = chain.deposit(hot_wallet.address, 8 * TON, comment="NOBODY42")
    second = chain.deposit(hot_wallet.address, 2 * TON, comment=memo)
    chain.advance(1)
    assert run(monitor.run_once()) == 3
    with uow.transaction() as s:
        s.execute(text("UPDATE chain_cursors SET lt = 0, hash = ''"))
    later = chain.deposit(hot_wallet.address, 4 * TON, comment=memo)
    chain.advance(1)
    run(monitor.run_once())
    assert balance(uow, user) == 7 * TON
    assert outcomes(uow) == {
        first.hash: "deposit",
        stranger.hash: "unmatched",
        second.hash: "deposit",
        later.hash: "deposit",
    }
    assert ledger_kinds(uow) == ["deposit"] * 3
    assert queue_items(uow) == [(stranger.hash, "unmatched", "TON", 8 * TON)]
    assert cursor_lt(uow) == later.lt
    assert ledger_reads.check_invariants(uow).ok


def test_a_restarted_monitor_resumes_from_the_saved_cursor(uow, chain, settings, hot_wallet):
    user, memo = make_depositor(uow)
    chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    run(ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet).run_once())
    chain.deposit(hot_wallet.address, 2 * TON, comment=memo)
    chain.advance(1)
    assert run(ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet).run_once()) == 1
    assert balance(uow, user) == 3 * TON


def test_the_worker_polls_until_stopped(uow, chain, settings, hot_wallet):
    user, memo = make_depositor(uow)

    async def scenario():
        stop = asyncio.Event()
        task = asyncio.create_task(run_chain_sync(uow, chain, hot_wallet, settings=settings, stop=stop))
        chain.deposit(hot_wallet.address, TON, comment=memo)
        chain.advance(1)
        await eventually(lambda: balance(uow, user) == TON)
        stop.set()
        await asyncio.wait_for(task, 2)

    run(scenario())


def test_the_worker_runs_a_round_when_woken_and_wakes_the_balances_when_it_credits(uow, chain, settings, hot_wallet):
    """A round an hour apart, so only the wake-up (the faucet's, WalletState.faucet) can start the second;
    the round that credits wakes the tabs showing balances (LiveState)."""
    user, memo = make_depositor(uow)
    hourly = settings.model_copy(update={"monitor_poll_s": 3600.0})

    async def scenario():
        stop = asyncio.Event()
        task = asyncio.create_task(run_chain_sync(uow, chain, hot_wallet, settings=hourly, stop=stop))
        await eventually(lambda: WAKEUPS.sleeping(CHAIN_TOPIC) == 1)  # the first round ran, it waits
        balances = asyncio.create_task(WAKEUPS.sleep([LEDGER_TOPIC], 3600))
        chain.deposit(hot_wallet.address, TON, comment=memo)
        chain.advance(1)
        WAKEUPS.wake(CHAIN_TOPIC)
        await eventually(lambda: balance(uow, user) == TON)
        assert await asyncio.wait_for(balances, 5) is True
        stop.set()
        await asyncio.wait_for(task, 2)

    run(scenario())


def test_the_worker_rides_out_node_errors(uow, chain, settings, hot_wallet):
    user, memo = make_depositor(uow)

    async def scenario():
        stop = asyncio.Event()
        chain.fail_next(3)
        task = asyncio.create_task(run_chain_sync(uow, chain, hot_wallet, settings=settings, stop=stop))
        chain.deposit(hot_wallet.address, TON, comment=memo)
        chain.advance(1)
        await eventually(lambda: balance(uow, user) == TON)
        stop.set()
        await asyncio.wait_for(task, 2)

    run(scenario())


def test_the_lifespan_task_runs_on_the_adapters_of_the_composition_root(uow, chain, settings, hot_wallet):
    user, memo = make_depositor(uow)

    async def scenario():
        task = asyncio.create_task(chain_sync_worker())
        chain.deposit(hot_wallet.address, TON, comment=memo)
        chain.advance(1)
        await eventually(lambda: balance(uow, user) == TON)
        task.cancel()  # how the app stops it
        with pytest.raises(asyncio.CancelledError):
            await task

    with bootstrap.override(uow=uow, gateway=chain, hot_wallet=hot_wallet, settings=settings):
        run(scenario())


def test_a_comment_the_database_cannot_store_does_not_stop_the_monitor(uow, chain, monitor, hot_wallet):
    user, memo = make_depositor(uow)
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


# --- transactions the monitor cannot apply: held for review, never in front of the others ----------


def queue_items(uow) -> list[tuple[str, str, str, int | None]]:
    """(tx hash, reason, asset, amount) of the review queue, in order."""
    return [(d.chain_tx_hash, d.reason, d.asset, d.amount) for d in review_queue(uow)]


def our_jetton_wallet(chain, settings, hot_wallet) -> str:
    return run(chain.jetton_wallet_address(settings.usdt_master, hot_wallet.address))


def test_a_zero_usdt_transfer_is_held_and_the_deposits_after_it_are_credited(uow, chain, monitor, hot_wallet):
    """Anyone can send 0 USDT with their own memo; it used to reach the ledger, which refused it, and the
    monitor retried the same batch for ever: no deposit credited, no withdrawal confirmed, for anyone."""
    user, memo = make_depositor(uow)
    zero = chain.jetton_deposit(hot_wallet.address, 0, comment=memo)
    good = chain.deposit(hot_wallet.address, 5 * TON, comment=memo)
    usdt = chain.jetton_deposit(hot_wallet.address, 7 * USDT, comment=memo)
    chain.advance(1)
    run(monitor.run_once())
    assert (balance(uow, user), balance(uow, user, "USDT")) == (5 * TON, 7 * USDT)
    assert outcomes(uow) == {zero.hash: "held", good.hash: "deposit", usdt.hash: "deposit"}
    assert queue_items(uow) == [(zero.hash, "amount_not_positive", "USDT", 0)]
    assert review_queue(uow)[0].comment == memo
    assert cursor_lt(uow) == usdt.lt
    assert ledger_kinds(uow) == ["deposit", "deposit"]
    assert run(monitor.run_once()) == 0
    assert ledger_reads.check_invariants(uow).ok


def test_a_zero_ton_transfer_is_held(uow, chain, monitor, hot_wallet):
    user, memo = make_depositor(uow)
    zero = chain.deposit(hot_wallet.address, 0, comment=memo)
    good = chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    assert run(monitor.run_once()) == 2
    assert balance(uow, user) == TON
    assert outcomes(uow) == {zero.hash: "held", good.hash: "deposit"}
    assert queue_items(uow) == [(zero.hash, "amount_not_positive", "TON", 0)]
    assert cursor_lt(uow) == good.lt


@pytest.mark.parametrize(
    ("asset", "amount"),
    [("USDT", MAX_MINOR + 1), ("USDT", 2**120 - 1), ("TON", 2**64)],
    ids=["usdt_2^63", "usdt_largest_coins", "ton_2^64"],
)
def test_an_amount_larger_than_a_balance_column_holds_is_held_with_the_amount_as_text(
    uow, chain, monitor, hot_wallet, asset, amount
):
    user, memo = make_depositor(uow)
    if asset == "USDT":
        huge = chain.jetton_deposit(hot_wallet.address, amount, comment=memo)
    else:
        huge = chain.deposit(hot_wallet.address, amount, comment=memo)
    good = chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    assert run(monitor.run_once()) == 2
    assert balance(uow, user) == TON and balance(uow, user, "USDT") == 0
    assert outcomes(uow) == {huge.hash: "held", good.hash: "deposit"}
    assert queue_items(uow) == [(huge.hash, "amount_too_large", asset, None)]
    assert review_queue(uow)[0].detail == f"{amount} ({asset} minor units)"
    assert ledger_reads.check_invariants(uow).ok


def test_an_amount_the_ledger_refuses_is_held_and_the_balance_stays_whole(uow, chain, monitor, hot_wallet):
    """Each amount fits, but the sum would not: the ledger refuses the second one (PostgreSQL would
    refuse the BIGINT update, SQLite would turn the balance into a float)."""
    user, memo = make_depositor(uow)
    full = chain.jetton_deposit(hot_wallet.address, MAX_MINOR, comment=memo)
    more = chain.jetton_deposit(hot_wallet.address, 1, comment=memo)
    good = chain.deposit(hot_wallet.address, TON, comment=memo)
    chain.advance(1)
    assert run(monitor.run_once()) == 3
    assert (balance(uow, user, "USDT"), balance(uow, user)) == (MAX_MINOR, TON)
    assert outcomes(uow) == {full.hash: "deposit", more.hash: "held", good.hash: "deposit"}
    assert queue_items(uow) == [(more.hash, "apply_failed", "USDT", 1)]
    assert review_queue(uow)[0].detail.startswith("invalid_amount: ")
    assert ledger_kinds(uow) == ["deposit", "deposit"]
    assert ledger_reads.check_invariants(uow).ok


def _notification(*fields) -> Cell:
    """A transfer_notification body from its op and query_id on: each field (bits, value) or a ref."""
    body = Builder().store_uint(TRANSFER_NOTIFICATION, 32)
    for field in fields:
        if isinstance(field, Cell):
            body.store_ref(field)
        else:
            body.store_uint(field[1], field[0])
    return body.end_cell()


SOMEONE = Address("0:" + "5" * 64)
GARBAGE = random.Random(9).randbytes(100)
# name -> (body, from our jetton wallet, reason in the queue, asset, amount; None = the notification's)
BAD_BODIES = {
    "random_bytes": (Builder().store_bytes(GARBAGE).end_cell(), False, "unknown_op", "TON", TON),
    "random_bytes_after_op_0": (
        Builder().store_uint(0, 32).store_bytes(GARBAGE).end_cell(),
        False,
        "comment_undecodable",
        "TON",
        TON,
    ),
    "shorter_than_an_op": (Builder().store_uint(0xABCDE, 20).end_cell(), False, "body_malformed", "TON", TON),
    "comment_of_half_bytes": (
        Builder().store_uint(0, 32).store_uint(5, 12).end_cell(),
        False,
        "comment_undecodable",
        "TON",
        TON,
    ),
    "comment_not_utf8": (
        Builder().store_uint(0, 32).store_bytes(b"ok\xff\xfe").end_cell(),
        False,
        "comment_undecodable",
        "TON",
        TON,
    ),
    "comment_with_two_refs": (
        Builder().store_uint(0, 32).store_ref(Cell.empty()).store_ref(Cell.empty()).end_cell(),
        False,
        "comment_undecodable",
        "TON",
        TON,
    ),
    "unknown_op": (
        Builder().store_uint(0xDEADBEEF, 32).store_bytes(b"hello").end_cell(),
        False,
        "unknown_op",
        "TON",
        TON,
    ),
    "notification_cut_after_the_query_id": (_notification((16, 1)), True, "notification_malformed", "USDT", None),
    "notification_amount_cut_short": (
        _notification((64, 1), (4, 15), (8, 255)),
        True,
        "notification_malformed",
        "USDT",
        None,
    ),
    "notification_payload_ref_missing": (
        Builder()
        .store_uint(TRANSFER_NOTIFICATION, 32)
        .store_uint(1, 64)
        .store_coins(3 * USDT)
        .store_address(SOMEONE)
        .store_bit(1)  # forward payload in a reference ... that is not there
        .end_cell(),
        True,
        "comment_undecodable",
        "USDT",
        3 * USDT,
    ),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_a_body_that_cannot_be_read_is_held_with_its_reason(uow, chain, monitor, settings, hot_wallet, name):
    body, from_jetton_wallet, reason, asset, amount = BAD_BODIES[name]
    user, memo = make_depositor(uow)
    if from_jetton_wallet:
        notifier = our_jetton_wallet(chain, settings, hot_wallet)
        bad = chain.deposit(hot_wallet.address, 1, body=body, sender=notifier, bounceable=False)
    else:
        bad = chain.deposit(hot_wallet.address, TON, body=body)
    good = chain.deposit(hot_wallet.address, 2 * TON, comment=memo)
    chain.advance(1)
    assert run(monitor.run_once()) == 2
    assert balance(uow, user) == 2 * TON and balance(uow, user, "USDT") == 0
    assert outcomes(uow) == {bad.hash: "held", good.hash: "deposit"}
    assert queue_items(uow) == [(bad.hash, reason, asset, amount)]
    assert cursor_lt(uow) == good.lt


def test_a_comment_that_is_almost_a_memo_with_a_nul_is_no_memo(uow, chain, monitor, hot_wallet):
    """PostgreSQL refuses NUL in text: the memo lookup itself used to fail, for the whole batch."""
    user, memo = make_depositor(uow)
    odd = chain.deposit(hot_wallet.address, TON, comment="\x00" + memo[1:])
    good = chain.deposit(hot_wallet.address, 2 * TON, comment=memo)
    chain.advance(1)
    assert run(monitor.run_once()) == 2
    assert balance(uow, user) == 2 * TON
    assert outcomes(uow) == {odd.hash: "unmatched", good.hash: "deposit"}
    assert review_queue(uow)[0].comment == memo[1:]


def spy(monkeypatch, obj, name: str) -> list[tuple]:
    """Record the arguments of every call of obj.name (which still runs)."""
    calls, original = [], getattr(obj, name)

    def recorded(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(obj, name, recorded)
    return calls


def test_an_exception_while_applying_one_transaction_holds_only_that_one(uow, chain, monitor, hot_wallet, monkeypatch):
    user, memo = make_depositor(uow)
    first = chain.deposit(hot_wallet.address, 1 * TON, comment=memo)
    broken = chain.deposit(hot_wallet.address, 2 * TON, comment=memo)
    last = chain.deposit(hot_wallet.address, 4 * TON, comment=memo)
    stranger = chain.deposit(hot_wallet.address, 8 * TON, comment="NOBODY42")
    chain.advance(1)
    credit = deposits.credit_deposits

    def credit_then_fail(session, credits):
        credit(session, credits)  # what it wrote before failing must roll back too
        if broken.hash in {c.tx_hash for c in credits}:
            raise RuntimeError("disk says no")

    monkeypatch.setattr(deposits, "credit_deposits", credit_then_fail)
    alone = spy(monkeypatch, monitor, "_hold_alone")
    assert run(monitor.run_once()) == 4
    assert alone == []  # its savepoint rolled it back inside the group's own database transaction
    assert balance(uow, user) == 5 * TON
    assert outcomes(uow) == {
        first.hash: "deposit",
        broken.hash: "held",
        last.hash: "deposit",
        stranger.hash: "unmatched",
    }
    assert queue_items(uow) == [
        (broken.hash, "apply_failed", "TON", 2 * TON),
        (stranger.hash, "unmatched", "TON", 8 * TON),
    ]
    assert review_queue(uow)[0].detail == "RuntimeError: disk says no"
    assert ledger_kinds(uow) == ["deposit", "deposit"]
    assert cursor_lt(uow) == stranger.lt
    assert ledger_reads.check_invariants(uow).ok
    # The operator reads the reason and credits it by hand; the monitor never applies it again.
    with uow.read() as s:
        wallet = s.execute(select(User.wallet_address).where(User.id == user)).scalar_one()
    grant_operator(wallet)
    item = review_queue(uow)[0]
    credit_unmatched_deposit(uow, user, item.id, user_ref=wallet)
    assert run(monitor.run_once()) == 0
    assert balance(uow, user) == 7 * TON
    assert ledger_reads.check_invariants(uow).ok


def test_a_failure_outside_the_transactions_own_savepoints_holds_only_its_transaction(
    uow, chain, monitor, hot_wallet, monkeypatch
):
    """The memo lookup and the account locks run for the whole group: if they fail, the group is
    applied again one transaction at a time, and the one that still fails is held alone."""
    user, memo = make_depositor(uow)
    poison = "POISON42"
    before = chain.deposit(hot_wallet.address, 1 * TON, comment=memo)
    bad = chain.deposit(hot_wallet.address, 2 * TON, comment=poison)
    after = chain.deposit(hot_wallet.address, 4 * TON, comment=memo)
    chain.advance(1)
    lookup = deposits.memo_owners

    def failing_lookup(session, comments):
        comments = list(comments)
        if poison in comments:
            raise ValueError("the lookup cannot take this one")
        return lookup(session, comments)

    monkeypatch.setattr(deposits, "memo_owners", failing_lookup)
    alone = spy(monkeypatch, monitor, "_hold_alone")
    assert run(monitor.run_once()) == 3
    assert [tx.hash for tx, *_ in alone] == [bad.hash]
    assert balance(uow, user) == 5 * TON
    assert outcomes(uow) == {before.hash: "deposit", bad.hash: "held", after.hash: "deposit"}
    assert queue_items(uow) == [(bad.hash, "apply_failed", "TON", 2 * TON)]
    assert review_queue(uow)[0].detail == "ValueError: the lookup cannot take this one"
    assert cursor_lt(uow) == after.lt


def test_a_database_that_is_busy_is_retried_not_held(uow, chain, monitor, hot_wallet, monkeypatch):
    """An error that says the database is away or busy says nothing about the transaction: the round
    rolls back whole and the next one applies it."""
    user, memo = make_depositor(uow)
    chain.deposit(hot_wallet.address, 1 * TON, comment=memo)
    chain.deposit(hot_wallet.address, 2 * TON, comment=memo)
    chain.advance(1)
    credit = deposits.credit_deposits
    failures = [OperationalError("UPDATE ledger_accounts", {}, Exception("database is locked"))]

    def busy_once(session, credits):
        if failures:
            raise failures.pop()
        credit(session, credits)

    monkeypatch.setattr(deposits, "credit_deposits", busy_once)
    with pytest.raises(OperationalError):
        run(monitor.run_once())
    assert (cursor_lt(uow), outcomes(uow), balance(uow, user)) == (0, {}, 0)
    assert run(monitor.run_once()) == 2
    assert balance(uow, user) == 3 * TON
    assert review_queue(uow) == []


# Property: whatever malformed transactions arrive between good deposits, every good one is credited
# exactly once, every other one is recorded once (held ones with a review reason), the cursor ends past
# all of them and the ledger's invariants hold.
good_items = st.tuples(st.just("good"), st.sampled_from(["TON", "USDT"]), st.integers(0, 2), st.integers(1, 10**12))
bad_items = st.one_of(
    st.tuples(st.just("zero"), st.sampled_from(["TON", "USDT"]), st.integers(0, 2)),
    st.tuples(st.just("huge"), st.sampled_from(["TON", "USDT"]), st.integers(MAX_MINOR + 1, 2**120 - 1)),
    st.tuples(st.just("random_body"), st.binary(max_size=120), st.integers(0, 7)),  # bytes, then up to 7 bits
    st.tuples(st.just("bad_comment"), st.binary(max_size=60), st.integers(1, 7)),
    st.tuples(st.just("unknown_op"), st.integers(1, 2**32 - 1).filter(lambda op: op not in KNOWN_OPS)),
    st.tuples(st.just("bad_notification"), st.binary(max_size=40)),
    st.tuples(st.just("nul_memo"), st.integers(0, 2)),
    st.tuples(st.just("explodes"), st.integers(0, 2)),  # its settlement raises
)
KNOWN_OPS = {0, EXCESSES, TRANSFER_NOTIFICATION, 0xFFFFFFFF}


def test_malformed_transactions_never_block_the_good_ones(uow, settings, monkeypatch):
    monkeypatch.setattr(chain_sync, "PAGE_SIZE", 4)  # pages and groups end anywhere
    users = [make_depositor(uow) for _ in range(3)]
    explodes: set[str] = set()
    credit = deposits.credit_deposits

    def credit_unless_it_explodes(session, credits):
        credit(session, credits)
        if explodes & {c.tx_hash for c in credits}:
            raise RuntimeError("injected")

    monkeypatch.setattr(deposits, "credit_deposits", credit_unless_it_explodes)

    def send(chain, wallet, jetton_wallet, item) -> tuple[ChainTx, tuple[str, int, int] | None]:
        """Put one item on chain; return its transaction and (asset, user, amount) if it must be credited."""
        kind, *args = item
        if kind == "good":
            asset, user, amount = args
            memo = users[user][1]
            if asset == "TON":
                return chain.deposit(wallet, amount, comment=memo), (asset, user, amount)
            return chain.jetton_deposit(wallet, amount, comment=memo), (asset, user, amount)
        if kind in ("zero", "huge"):
            asset, user, amount = (args[0], args[1], 0) if kind == "zero" else (args[0], 0, args[1])
            memo = users[user][1]
            if asset == "TON":
                return chain.deposit(wallet, amount, comment=memo), None
            return chain.jetton_deposit(wallet, amount, comment=memo), None
        if kind == "random_body":
            data, bits = args
            body = Builder().store_bytes(data)
            if bits:
                body.store_uint(1, bits)
            return chain.deposit(wallet, TON, body=body.end_cell()), None
        if kind == "bad_comment":  # text that is not whole bytes
            data, bits = args
            return chain.deposit(
                wallet, TON, body=Builder().store_uint(0, 32).store_bytes(data).store_uint(1, bits).end_cell()
            ), None
        if kind == "unknown_op":
            return chain.deposit(wallet, TON, body=Builder().store_uint(args[0], 32).end_cell()), None
        if kind == "bad_notification":  # from our own jetton wallet: whatever follows the op
            body = Builder().store_uint(TRANSFER_NOTIFICATION, 32).store_bytes(args[0]).end_cell()
            return chain.deposit(wallet, 1, body=body, sender=jetton_wallet, bounceable=False), None
        if kind == "nul_memo":
            return chain.deposit(wallet, TON, comment="\x00" + users[args[0]][1][1:]), None
        assert kind == "explodes"
        tx = chain.deposit(wallet, TON, comment=users[args[0]][1])
        explodes.add(tx.hash)
        return tx, None

    @hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(items=st.lists(st.one_of(good_items, bad_items), min_size=1, max_size=16), middle=st.integers(0, 16))
    def check(items, middle):
        chain = FakeChain(now=NOW)
        wallet = HotWallet(uuid.uuid4().bytes * 2)  # a stream of its own per example
        monitor = ChainMonitor(uow, chain, settings=settings, hot_wallet=wallet)
        jetton_wallet = our_jetton_wallet(chain, settings, wallet)
        before = {(a, u): balance(uow, users[u][0], a) for a in ("TON", "USDT") for u in range(3)}
        expected = dict(before)
        sent = []
        for n, item in enumerate(items):
            if n == middle:  # a round in the middle: later transactions arrive after some were applied
                chain.advance(1)
                run(monitor.run_once())
            tx, credit_to = send(chain, wallet.address, jetton_wallet, item)
            sent.append((tx, credit_to))
            if credit_to is not None:
                asset, user, amount = credit_to
                expected[(asset, user)] += amount
        chain.advance(1)
        for _ in range(len(items) + 1):
            if run(monitor.run_once()) == 0:
                break
        assert run(monitor.run_once()) == 0
        on_chain = run(chain.transactions_after(wallet.address, None, limit=1000))
        assert [tx.hash for tx in on_chain] == [tx.hash for tx, _ in sent]
        with uow.read() as s:
            cursor = s.execute(select(ChainCursor.lt).where(ChainCursor.stream == monitor.stream)).scalar_one()
            recorded = dict(
                s.execute(
                    select(AppliedChainTransaction.hash, AppliedChainTransaction.outcome).where(
                        AppliedChainTransaction.stream == monitor.stream
                    )
                ).all()
            )
            reasons = dict(
                s.execute(
                    select(UnmatchedDeposit.chain_tx_hash, UnmatchedDeposit.reason).where(
                        UnmatchedDeposit.chain_tx_hash.in_(list(recorded))
                    )
                ).all()
            )
            credited = set(
                s.execute(
                    select(LedgerTransaction.idempotency_key).where(
                        LedgerTransaction.idempotency_key.in_([f"deposit:{tx.hash}" for tx, _ in sent])
                    )
                ).scalars()
            )
        assert cursor == on_chain[-1].lt
        assert set(recorded) == {tx.hash for tx, _ in sent}  # each recorded, once (the hash is the key)
        for tx, credit_to in sent:
            if credit_to is not None:
                assert recorded[tx.hash] == "deposit"
            else:
                assert recorded[tx.hash] in ("held", "unmatched", "ignored"), recorded[tx.hash]
                assert recorded[tx.hash] == "ignored" or reasons[tx.hash] in deposits.REVIEW_REASONS
        assert credited == {f"deposit:{tx.hash}" for tx, credit_to in sent if credit_to is not None}
        assert {key: balance(uow, users[key[1]][0], key[0]) for key in expected} == expected
        report = ledger_reads.check_invariants(uow)
        assert report.ok, report.violations

    check()


async def eventually(check, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


# --- PostgreSQL: several processes ---------------------------------------------------------------


def _second_uow(pg_uow) -> UnitOfWork:
    """Another process's connection pool on the same database."""
    return UnitOfWork(make_engine(pg_uow.engine.url.render_as_string(hide_password=False)))


# Advisory locks are per database, but pg_locks lists the whole server's: other test runs on the same
# server hold the same key in their own databases.
_THIS_DATABASE = "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "


def _leaders(uow) -> int:
    """Sessions holding the chain worker's advisory lock (a bigint key shows as classid:objid)."""
    with uow.read() as s:
        return s.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
                + _THIS_DATABASE
                + "AND classid::bigint = :high AND objid::bigint = :low"
            ),
            {"high": CHAIN_WORKER_LOCK_KEY >> 32, "low": CHAIN_WORKER_LOCK_KEY & 0xFFFFFFFF},
        ).scalar_one()


def test_a_second_worker_waits_while_the_first_leads_and_takes_over_when_it_stops(pg_uow, chain, settings, hot_wallet):
    other = _second_uow(pg_uow)
    user, memo = make_depositor(pg_uow)

    def start(unit, stop):
        return asyncio.create_task(
            run_chain_sync(unit, chain, hot_wallet, settings=settings, stop=stop, clock=lambda: chain.now)
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
    user, memo = make_depositor(pg_uow)

    async def scenario():
        stop = asyncio.Event()
        workers = [
            asyncio.create_task(
                run_chain_sync(unit, chain, hot_wallet, settings=settings, stop=stop, clock=lambda: chain.now)
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
    users = [make_depositor(pg_uow) for _ in range(5)]
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
    assert ledger_reads.check_invariants(pg_uow).ok


def test_a_run_of_deposits_never_deadlocks_with_transfers_between_the_same_users(pg_uow, chain, settings, hot_wallet):
    """Many postings in one database transaction take their account locks up front, in ascending id,
    as every single transfer does; otherwise a transfer could hold one while the run waits for it."""
    low, low_memo = make_depositor(pg_uow)
    high, high_memo = make_depositor(pg_uow)
    for user in (low, high):  # the lower user id gets the lower account id
        deposit(pg_uow, user, TON, key=f"funding-{user}")
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
    assert ledger_reads.check_invariants(pg_uow).ok


def test_a_leader_whose_connection_dies_loses_the_lock_to_another(pg_uow):
    first, second = (LeaderLock(pg_uow.engine, CHAIN_WORKER_LOCK_KEY, name=name) for name in ("first", "second"))
    try:
        assert first.hold() and not second.hold()
        with pg_uow.engine.connect() as c:
            # The server ends the leader's session, as a network cut or a restart would.
            c.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    + _THIS_DATABASE
                    + "AND classid::bigint = :high AND objid::bigint = :low"
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
        worker = asyncio.create_task(run_chain_sync(unreachable, chain, hot_wallet, settings=settings, stop=stop))
        await asyncio.sleep(0.2)  # several failed rounds
        assert not worker.done()
        stop.set()
        return await asyncio.wait_for(worker, 5)

    try:
        assert run(scenario()) == 0
    finally:
        unreachable.engine.dispose()
