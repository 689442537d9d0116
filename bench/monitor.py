"""Chain monitor on PostgreSQL: deposits applied per second and deposit latency: `make bench`.

In a scratch database (created here, dropped at the end), with a FakeChain in the same process:
1. Throughput. DEPOSITS deposits to the hot wallet from USERS users, each with its user's memo, all
   final; `ChainMonitor.run_once` applies them a page (chain_sync.PAGE_SIZE chain transactions) per
   database transaction, set-based: cursor row lock, the check for rows already applied, the memo
   lookup, the accounts' lookup and locks, then one batch each of applied-transaction rows, ledger
   transactions, postings and balance updates, and one cursor update (services/ledger_batch.py). A
   crash leaves all of a page or none of it. Baselines write the very same rows with plain psycopg
   into copies of the tables:
   - bulk: COPY of the applied rows, ledger transactions and postings, executemany of the balance
     updates, one transaction: what the rows cost to write at all;
   - per deposit: the same inserts and updates as one transaction per deposit, the smallest unit of
     atomicity that never leaves half a deposit; the goal is the monitor at 0.7x of it or better.
2. Latency. LATENCY_SAMPLES deposits while the real worker loop (`workers/chain_sync.run_chain_sync`) runs at the
   configured poll interval (2 s by default): from the block that makes the deposit final on the
   FakeChain to the credited balance being visible to a reader.

The database server is KRYPTON_BENCH_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import uuid

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from krypton_app.chain.fake import FakeChain
from krypton_app.chain.hot_wallet import hot_wallet_from_settings
from krypton_app.cli import migrate
from krypton_app.db import UnitOfWork, make_engine
from krypton_app.models import User
from krypton_app.services import deposits, ledger_reads
from krypton_app.services.catalog import load_catalog
from krypton_app.services.chain_sync import ChainMonitor
from krypton_app.settings import get_settings
from krypton_app.workers.chain_sync import run_chain_sync

SERVER = os.environ.get("KRYPTON_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
USERS = 1000
DEPOSITS = 10_000
LATENCY_SAMPLES = 20
LATENCY_WINDOW_S = 10.0
TON = 10**9
# The rows one applied deposit writes, in the order they are copied for the baselines.
TABLES = ("chain_transactions", "ledger_transactions", "ledger_postings", "ledger_accounts", "chain_cursors")


def setup_users(uow: UnitOfWork) -> list[tuple[int, str]]:
    load_catalog(uow)
    with uow.transaction() as s:
        users = [User(wallet_address=f"0:{n:064x}") for n in range(USERS)]
        s.add_all(users)
        s.flush()
        ids = [u.id for u in users]
    return [(user_id, deposits.ensure_memo(uow, user_id)) for user_id in ids]


def measure_monitor(monitor: ChainMonitor) -> float:
    began = time.perf_counter()
    applied = 0
    while applied < DEPOSITS:
        done = asyncio.run(monitor.run_once())
        if not done:
            raise RuntimeError(f"monitor stopped after {applied} of {DEPOSITS}")
        applied += done
    return time.perf_counter() - began


def captured_rows(conninfo: str) -> dict[str, list[tuple]]:
    """What the monitor wrote, to write again in the baselines."""
    with psycopg.connect(conninfo) as conn:
        return {
            "applied": conn.execute(
                "SELECT hash, lt, stream, outcome, user_id, asset, amount, applied_at FROM chain_transactions"
                " ORDER BY lt"
            ).fetchall(),
            "transactions": conn.execute(
                "SELECT id, idempotency_key, kind, memo, request_hash, created_at FROM ledger_transactions ORDER BY id"
            ).fetchall(),
            "postings": conn.execute(
                "SELECT transaction_id, account_id, asset, amount FROM ledger_postings ORDER BY id"
            ).fetchall(),
            "accounts": conn.execute(
                "SELECT id, key, user_id, asset, kind, 0, may_go_negative FROM ledger_accounts"
            ).fetchall(),
            "cursor": conn.execute("SELECT stream, lt, hash, updated_at FROM chain_cursors").fetchall(),
        }


def fresh_copies(conn: psycopg.Connection, rows: dict[str, list[tuple]]) -> None:
    """Empty copies of the tables (columns, defaults, checks, indexes, not the foreign keys)."""
    for table in TABLES:
        conn.execute(f"DROP TABLE IF EXISTS bench_{table}")
        conn.execute(f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING ALL)")
    with conn.cursor().copy(
        "COPY bench_ledger_accounts (id, key, user_id, asset, kind, balance, may_go_negative) FROM STDIN"
    ) as copy:
        for row in rows["accounts"]:
            copy.write_row(row)
    (stream, _lt, _hash, updated_at) = rows["cursor"][0]
    conn.execute("INSERT INTO bench_chain_cursors VALUES (%s, 0, '', %s)", (stream, updated_at))
    conn.commit()


def bulk_baseline(conninfo: str, rows: dict[str, list[tuple]]) -> float:
    with psycopg.connect(conninfo) as conn:
        fresh_copies(conn, rows)
        began = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            with cur.copy(
                "COPY bench_chain_transactions (hash, lt, stream, outcome, user_id, asset, amount, applied_at)"
                " FROM STDIN"
            ) as copy:
                for row in rows["applied"]:
                    copy.write_row(row)
            with cur.copy(
                "COPY bench_ledger_transactions (id, idempotency_key, kind, memo, request_hash, created_at) FROM STDIN"
            ) as copy:
                for row in rows["transactions"]:
                    copy.write_row(row)
            with cur.copy("COPY bench_ledger_postings (transaction_id, account_id, asset, amount) FROM STDIN") as copy:
                for row in rows["postings"]:
                    copy.write_row(row)
            cur.executemany(
                "UPDATE bench_ledger_accounts SET balance = balance + %s WHERE id = %s",
                [(amount, account) for _tx, account, _asset, amount in rows["postings"]],
            )
            last = rows["applied"][-1]
            cur.execute("UPDATE bench_chain_cursors SET lt = %s, hash = %s", (last[1], last[0]))
        return time.perf_counter() - began


def per_deposit_baseline(conninfo: str, rows: dict[str, list[tuple]]) -> float:
    postings: dict[int, list[tuple]] = {}
    for posting in rows["postings"]:
        postings.setdefault(posting[0], []).append(posting)
    with psycopg.connect(conninfo) as conn:
        fresh_copies(conn, rows)
        began = time.perf_counter()
        with conn.cursor() as cur:
            # Deposits were credited in chain order, so the n-th applied row goes with the n-th ledger tx.
            credited = [row for row in rows["applied"] if row[3] == "deposit"]
            for applied, transaction in zip(credited, rows["transactions"], strict=True):
                with conn.transaction():
                    cur.execute(
                        "INSERT INTO bench_chain_transactions"
                        " (hash, lt, stream, outcome, user_id, asset, amount, applied_at)"
                        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                        applied,
                    )
                    cur.execute(
                        "INSERT INTO bench_ledger_transactions"
                        " (id, idempotency_key, kind, memo, request_hash, created_at) VALUES (%s, %s, %s, %s, %s, %s)",
                        transaction,
                    )
                    lines = postings[transaction[0]]
                    cur.executemany(
                        "INSERT INTO bench_ledger_postings (transaction_id, account_id, asset, amount)"
                        " VALUES (%s, %s, %s, %s)",
                        lines,
                    )
                    cur.executemany(
                        "UPDATE bench_ledger_accounts SET balance = balance + %s WHERE id = %s",
                        [(amount, account) for _tx, account, _asset, amount in lines],
                    )
                    cur.execute("UPDATE bench_chain_cursors SET lt = %s, hash = %s", (applied[1], applied[0]))
        return time.perf_counter() - began


async def measure_latency(uow: UnitOfWork, chain: FakeChain, users: list[tuple[int, str]], settings) -> list[float]:
    """LATENCY_SAMPLES deposits to distinct users at random moments of a LATENCY_WINDOW_S window (so at
    every phase of the poll cycle, as real deposits arrive), each timed from the block that makes it
    final to its balance being visible; one reader polls all pending balances."""
    hot_wallet = hot_wallet_from_settings(settings)
    rng = random.Random(7)
    sample = rng.sample(users, LATENCY_SAMPLES)
    expected = {user_id: balance + TON for user_id, balance in available(uow, [u for u, _m in sample]).items()}
    final_at: dict[int, float] = {}
    visible_at: dict[int, float] = {}

    async def deposit(user_id: int, memo: str, delay: float) -> None:
        await asyncio.sleep(delay)
        chain.deposit(hot_wallet.address, TON, comment=memo)
        chain.advance(settings.confirmations)  # the block that makes it final
        final_at[user_id] = time.perf_counter()

    async def watch() -> None:
        while len(visible_at) < LATENCY_SAMPLES:
            pending = [u for u in final_at if u not in visible_at]
            if pending:
                seen = await asyncio.to_thread(available, uow, pending)
                now = time.perf_counter()
                visible_at.update({u: now for u in pending if seen[u] == expected[u]})
            await asyncio.sleep(0.002)

    stop = asyncio.Event()
    worker = asyncio.create_task(run_chain_sync(uow, chain, hot_wallet, settings=settings, stop=stop))
    await asyncio.gather(watch(), *(deposit(u, m, rng.uniform(0, LATENCY_WINDOW_S)) for u, m in sample))
    stop.set()
    await worker
    return [visible_at[u] - final_at[u] for u in final_at]


def available(uow: UnitOfWork, user_ids: list[int]) -> dict[int, int]:
    keys = {f"user:{u}:TON:available": u for u in user_ids}
    with uow.read() as s:
        rows = s.execute(
            text("SELECT key, balance FROM ledger_accounts WHERE key = ANY(:keys)"), {"keys": list(keys)}
        ).all()
    found = {keys[key]: balance for key, balance in rows}
    return {u: found.get(u, 0) for u in user_ids}


def main() -> None:
    settings = get_settings()
    server = make_url(SERVER)
    scratch: URL = server.set(database=f"krypton_bench_{uuid.uuid4().hex[:10]}")
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    try:
        url = scratch.render_as_string(hide_password=False)
        conninfo = scratch.set(drivername="postgresql").render_as_string(hide_password=False)
        migrate(url)
        uow = UnitOfWork(make_engine(url))
        users = setup_users(uow)
        hot_wallet = hot_wallet_from_settings(settings)
        chain = FakeChain()
        rng = random.Random(1)
        for _ in range(DEPOSITS):
            _user, memo = rng.choice(users)
            chain.deposit(hot_wallet.address, rng.randint(1, 1000) * TON // 100, comment=memo)
        chain.advance(settings.confirmations)
        monitor = ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet)
        monitor_time = measure_monitor(monitor)
        report = ledger_reads.check_invariants(uow)

        rows = captured_rows(conninfo)
        bulk_time = bulk_baseline(conninfo, rows)
        per_deposit_time = per_deposit_baseline(conninfo, rows)

        latencies = asyncio.run(measure_latency(uow, chain, users, settings))
        uow.engine.dispose()
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        admin.dispose()

    monitor_rate = DEPOSITS / monitor_time
    bulk_rate = DEPOSITS / bulk_time
    per_deposit_rate = DEPOSITS / per_deposit_time
    print(f"{DEPOSITS} deposits from {USERS} users on FakeChain, PostgreSQL {server.host}:{server.port}")
    print(f"chain monitor                  {monitor_rate:8.0f} deposits/s  ({monitor_time:.1f} s)")
    print(f"plain rows, bulk (COPY)        {bulk_rate:8.0f} deposits/s  ({bulk_time:.1f} s)")
    print(f"plain rows, one tx per deposit {per_deposit_rate:8.0f} deposits/s  ({per_deposit_time:.1f} s)")
    print(f"ratio monitor / bulk           {monitor_rate / bulk_rate:8.3f}")
    print(f"ratio monitor / per deposit    {monitor_rate / per_deposit_rate:8.3f}")
    checked = "ok" if report.ok else "; ".join(report.violations)
    print(f"invariants after the run: {checked} ({report.transactions} ledger transactions)")
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(
        f"final on chain -> balance visible, poll {settings.monitor_poll_s:g} s, {LATENCY_SAMPLES} deposits: "
        f"median {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, max {max(latencies):.2f} s"
    )


if __name__ == "__main__":
    main()
