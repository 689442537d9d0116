"""Database load of idle tabs on PostgreSQL: `python bench/idle.py [--tabs 10,100,200] [--window 15]`.

In a scratch database (created here, dropped at the end) on KRYPTON_BENCH_DATABASE_URL's server, the
app is served in prod mode (the fake chain, the demo wallet; bench/served.py). Tabs (bench/reflex_client.py)
log in with the demo wallet and sit on a page that follows the database by itself, in turn: the wallet
(balances), a deal page (a deal the tab's user opened, with a message from the seller), an invoice's
page (an invoice of the tab's user); the bell's watcher runs on every page. With no tab, then with each
count of tabs, after SETTLE_S: the database's transactions per second over the window, from
pg_stat_database (xact_commit + xact_rollback of the scratch database, read with the stats snapshot
cleared; PostgreSQL flushes a backend's counters about once a second, so the window is long against it).
pg_stat_statements (queries rather than transactions) needs shared_preload_libraries, which a benchmark
does not change: transactions are the measure, and every read the app makes here is its own transaction.
Printed: transactions/s for each count (and the CPU share of the app's process meanwhile: a process
near 100% serves fewer rounds than its tabs ask for), per tab over the no-tab floor (the background
workers), and the ratio of the largest count's rate to the smallest's: about 1 when idle tabs cost the
database nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import served
from reflex_client import Tab, compiled_hashes
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from krypton_app.db import make_engine

SERVER = os.environ.get("KRYPTON_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TABS = (10, 100, 200)
WINDOW_S = 15.0
# Longer than every watcher's poll interval (1.5–3 s), so the tabs' rounds are spread out and a wallet
# watcher of a tab that moved on has stopped.
SETTLE_S = 10.0
# Tabs logging in at once: a modest load on a small machine; the measure starts only when all sit still.
OPENING = 10
PAGES = ("wallet", "deal", "invoice")


def transactions(stats: Engine, database: str) -> int:
    with stats.connect() as c:
        c.execute(text("SELECT pg_stat_clear_snapshot()"))
        return c.execute(
            text("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = :d"), {"d": database}
        ).scalar_one()


def rate(stats: Engine, database: str, pid: int, window_s: float) -> tuple[float, float]:
    """Transactions per second of `database` over `window_s`, and the CPU share the app's process used."""
    first, cpu, started = transactions(stats, database), served.cpu_seconds(pid), time.monotonic()
    time.sleep(window_s)
    elapsed = time.monotonic() - started
    return (transactions(stats, database) - first) / elapsed, (served.cpu_seconds(pid) - cpu) / elapsed


async def sit(url: str, hashes: list[str] | None, market, page: str, gate: asyncio.Semaphore) -> Tab:
    """A tab logged in with the demo wallet and left on `page`."""
    # Imported once the environment names the app's database (measure).
    from krypton_tabs import demo_login

    async with gate:
        tab = Tab(url, hashes=hashes)
        await tab.open("/")
        await demo_login(tab)
        await tab.open(tab.path)  # the wallet, where the login lands
        if page == "deal":
            await tab.navigate(f"/deals/{await asyncio.to_thread(market.deal_for, tab)}")
        elif page == "invoice":
            await tab.navigate(f"/invoices/{await asyncio.to_thread(market.invoice_for, tab)}")
        return tab


async def measure(url: str, database_url: str, database: str, counts: list[int], window_s: float) -> list[float]:
    """Transactions per second with no tab, then with each count of idle tabs."""
    # The services read the app's settings from the environment, as the served app does.
    os.environ.update(served.app_env(url, database_url))
    from krypton_tabs import Market

    market = await asyncio.to_thread(Market.create, database_url, max(counts) + 1)
    hashes = await compiled_hashes(url)
    stats = make_engine(SERVER, isolation_level="AUTOCOMMIT")
    gate, tabs, rates = asyncio.Semaphore(OPENING), [], []
    pid = served.backend_pid(int(url.rsplit(":", 1)[1]))
    try:
        for count in [0, *counts]:
            more = range(len(tabs), count)
            tabs += await asyncio.gather(*(sit(url, hashes, market, PAGES[i % len(PAGES)], gate) for i in more))
            await asyncio.sleep(SETTLE_S)
            per_s, cpu = await asyncio.to_thread(rate, stats, database, pid, window_s)
            rates.append(per_s)
            print(
                f"  {count:4} idle tabs: {per_s:7.1f} transactions/s; the app's process {cpu:.0%} of a CPU", flush=True
            )
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs))
        stats.dispose()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", default=",".join(map(str, TABS)), help="counts of idle tabs, ascending")
    parser.add_argument("--window", type=float, default=WINDOW_S, help="seconds of each measure")
    args = parser.parse_args()
    counts = [int(n) for n in args.tabs.split(",")]
    server = make_url(SERVER)
    scratch = server.set(database=f"krypton_idle_{uuid.uuid4().hex[:10]}")
    database_url = scratch.render_as_string(hide_password=False)
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    try:
        with tempfile.TemporaryDirectory(prefix="krypton-idle-bench-") as tmp:
            port = served.free_port()
            url = f"http://localhost:{port}"
            env = served.app_env(url, database_url)
            bootstrap = [sys.executable, "-m", "krypton_app.cli", "bootstrap"]
            subprocess.run(bootstrap, env=env, check=True, capture_output=True)
            print(f"PostgreSQL {server.host}:{server.port}, database {scratch.database}; {args.window:.0f} s each:")
            with served.serve(served.ROOT, env, port, Path(tmp) / "krypton.log"):
                rates = asyncio.run(measure(url, database_url, scratch.database, counts, args.window))
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        admin.dispose()
    floor = rates[0]
    print("\nidle tabs  transactions/s  per tab over the floor (the workers alone)")
    for count, value in zip([0, *counts], rates, strict=True):
        per_tab = f"{(value - floor) / count:.2f}" if count else "-"
        print(f"  {count:8}  {value:14.1f}  {per_tab}")
    print(f"ratio {counts[-1]} tabs / {counts[0]} tabs: {rates[-1] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
