"""Ledger transfers per second on PostgreSQL, against plain two-row transactions: `make bench`.

In a scratch database (created here, dropped at the end): migrate, load the catalog, fund USERS users,
then for SECONDS each, with WORKERS threads:
- ledger: `services.ledger.transfer` between two random users: one call of the `ledger_post_keys()`
  function (migration 0039), which finds both accounts by key, locks them, checks the funds and the
  payer's block, claims the idempotency key, writes the transaction, its two postings and the two
  balances and sends the wake-up, server-side; then the commit (a refusal or a replay would take the
  statement-by-statement path of `services.ledger.post`, as on SQLite; random pairs never do);
- plain: psycopg transactions on a balance table with as many rows that lock two random rows
  (`FOR UPDATE` in id order) and update both: the least a correct transfer must do.
The two take turns, ROUNDS rounds of SECONDS each, so that a slower minute of a shared machine slows
both alike. Prints both rates and their ratio. The database is KRYPTON_BENCH_DATABASE_URL.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from collections.abc import Callable

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from krypton_app.cli import migrate
from krypton_app.db import UnitOfWork, make_engine
from krypton_app.domain.ledger import EXTERNAL, Leg
from krypton_app.models import User
from krypton_app.services import ledger, ledger_reads
from krypton_app.services.catalog import load_catalog

SERVER = os.environ.get("KRYPTON_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORKERS = 8
USERS = 1000
ROUNDS = 5
SECONDS = 3.0
FUNDING = 10**15  # per user: no transfer of one nanoton can run out


def measure(worker: Callable[[random.Random, float], int]) -> tuple[int, float]:
    """Run WORKERS copies of `worker(rng, deadline)` together; return the operations done and the time."""
    done = [0] * WORKERS
    start = threading.Barrier(WORKERS + 1)

    def run(n: int) -> None:
        rng = random.Random(n)
        start.wait()
        done[n] = worker(rng, time.perf_counter() + SECONDS)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return sum(done), time.perf_counter() - began


def setup_ledger(uow: UnitOfWork) -> list[int]:
    load_catalog(uow)
    with uow.transaction() as s:
        users = [User(wallet_address=f"0:{n:064x}") for n in range(USERS)]
        s.add_all(users)
        s.flush()
        ids = [u.id for u in users]
        external = ledger.system_account(s, EXTERNAL, "TON")
        legs = [Leg(external, ledger.user_account(s, i, "TON"), FUNDING) for i in ids]
        ledger.post(s, idempotency_key="bench-funding", kind="deposit", legs=legs)
    return ids


def ledger_worker(uow: UnitOfWork, users: list[int]) -> Callable[[random.Random, float], int]:
    def work(rng: random.Random, deadline: float) -> int:
        count = 0
        while time.perf_counter() < deadline:
            sender, receiver = rng.sample(users, 2)
            ledger.transfer(uow, sender, receiver, "TON", 1, f"bench-{uuid.uuid4()}")
            count += 1
        return count

    return work


def plain_worker(conninfo: str) -> Callable[[random.Random, float], int]:
    def work(rng: random.Random, deadline: float) -> int:
        count = 0
        with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
            while time.perf_counter() < deadline:
                sender, receiver = rng.sample(range(1, USERS + 1), 2)
                with conn.transaction():
                    cur.execute(
                        "SELECT id FROM bench_balances WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                        ([sender, receiver],),
                    )
                    cur.execute("UPDATE bench_balances SET balance = balance - 1 WHERE id = %s", (sender,))
                    cur.execute("UPDATE bench_balances SET balance = balance + 1 WHERE id = %s", (receiver,))
                count += 1
        return count

    return work


def setup_plain(conninfo: str) -> None:
    with psycopg.connect(conninfo) as conn:
        conn.execute("CREATE TABLE bench_balances (id integer PRIMARY KEY, balance bigint NOT NULL)")
        conn.execute("INSERT INTO bench_balances SELECT n, %s FROM generate_series(1, %s) AS n", (FUNDING, USERS))


def main() -> None:
    server = make_url(SERVER)
    scratch: URL = server.set(database=f"krypton_bench_{uuid.uuid4().hex[:10]}")
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    try:
        url = scratch.render_as_string(hide_password=False)
        migrate(url)
        uow = UnitOfWork(make_engine(url, pool_size=WORKERS))
        users = setup_ledger(uow)
        conninfo = scratch.set(drivername="postgresql").render_as_string(hide_password=False)
        setup_plain(conninfo)
        transfers = plain = 0
        ledger_time = plain_time = 0.0
        for _ in range(ROUNDS):
            done, took = measure(ledger_worker(uow, users))
            transfers, ledger_time = transfers + done, ledger_time + took
            done, took = measure(plain_worker(conninfo))
            plain, plain_time = plain + done, plain_time + took
        report = ledger_reads.check_invariants(uow)
        uow.engine.dispose()
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        admin.dispose()

    ledger_rate, plain_rate = transfers / ledger_time, plain / plain_time
    print(
        f"{WORKERS} threads, {USERS} users, random pairs, {ROUNDS} rounds of {SECONDS:.0f} s each,"
        f" {server.host}:{server.port}"
    )
    print(f"ledger transfers      {ledger_rate:8.0f} /s  ({transfers} transfers)")
    print(f"plain two-row updates {plain_rate:8.0f} /s  ({plain} transactions)")
    print(f"ratio ledger / plain  {ledger_rate / plain_rate:8.2f}")
    checked = "ok" if report.ok else "; ".join(report.violations)
    print(f"invariants after the run: {checked} ({report.transactions} ledger transactions)")


if __name__ == "__main__":
    main()
