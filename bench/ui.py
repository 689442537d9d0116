"""Event round trips of the UI under concurrent tabs, against a bare Reflex app in the same run:
`python bench/ui.py [--clients N] [--url URL]`.

Krypton: served here in prod mode on a free port (a fresh SQLite database, the fake chain, the demo
wallet), or the running app at URL (with DATABASE_URL naming its database, where the seller and the
deals are written). CLIENTS tabs (bench/reflex_client.py), all at once, each:
  open "/"; demo login; the wallet page the login lands on (a full page load, with the session cookie);
  a deal page (a deal the tab's user opened on a seller's ad, written through the services, untimed);
  a chat message there; the bell's list.
Bare: a one-page Reflex app with a counter state, built and served the same way (a temp dir), where
as many tabs open "/" and increment the counter as often as a Krypton tab sends events.
Printed: p50 / p95 of the event round trips (send to the final delta; a page load from the websocket's
connect to its hydrated delta, the HTML and scripts are not fetched) for each and Krypton / bare, per
action too; and the memory per connected tab: the RSS of the process holding the port before the tabs
connect and with all of them connected and idle (their watchers running), divided by CLIENTS.
The client runs in this process on the same machine: its own CPU time is in every figure, on both sides.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path

import served
from reflex_client import Tab, compiled_hashes, touches

CLIENTS = 200
SETTLE_S = 5.0
BARE_STATE = "reflex___state____state.bare___bare____counter"
BARE_INCREMENT = f"{BARE_STATE}.increment"
BARE_APP = {
    "rxconfig.py": """
        import reflex as rx

        config = rx.Config(app_name="bare", telemetry_enabled=False, show_built_with_reflex=False,
                           disable_plugins=[rx.plugins.SitemapPlugin])
    """,
    "bare/__init__.py": "",
    "bare/bare.py": """
        import reflex as rx


        class Counter(rx.State):
            count: int = 0

            @rx.event
            def increment(self):
                self.count += 1


        def index() -> rx.Component:
            return rx.button(Counter.count, on_click=Counter.increment)


        app = rx.App()
        app.add_page(index)
    """,
}

Timings = dict[str, list[float]]


def quantiles(values: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values) * 1000, cuts[94] * 1000


async def krypton_tab(url: str, market, timings: Timings, hashes: list[str] | None) -> Tab:
    # Imported once the environment names the app's database (krypton_crowd).
    from krypton_tabs import demo_login, open_bell, send_chat

    tab = Tab(url, hashes=hashes)
    timings["open /"].append(await tab.open("/"))
    timings["demo login"].append(await demo_login(tab))
    timings["open wallet"].append(await tab.open(tab.path))
    deal_id = await asyncio.to_thread(market.deal_for, tab)
    timings["open deal"].append(await tab.navigate(f"/deals/{deal_id}"))
    timings["chat message"].append(await send_chat(tab, "Paid, please check."))
    timings["bell"].append(await open_bell(tab))
    return tab


async def bare_tab(url: str, timings: Timings, hashes: list[str] | None, events: int) -> Tab:
    tab = Tab(url, hashes=hashes)
    timings["open /"].append(await tab.open("/"))
    for _ in range(events - 1):
        seconds, _ = await tab.call(BARE_INCREMENT, until=touches(BARE_STATE, "count"))
        timings["increment"].append(seconds)
    return tab


OneTab = Callable[[Timings, list[str] | None], Awaitable[Tab]]


async def crowd(url: str, clients: int, one_tab: OneTab) -> tuple[Timings, float]:
    """A warm-up tab, then `clients` tabs at once; (their timings, RSS growth per connected tab)."""
    hashes = await compiled_hashes(url)
    if hashes is None:
        print("  (no state hashes in the served scripts: each page load is sent the whole state)")
    await (await one_tab(defaultdict(list), hashes)).close()
    pid = served.backend_pid(int(url.rsplit(":", 1)[1]))
    before = served.rss_bytes(pid)
    timings: Timings = defaultdict(list)
    tabs = await asyncio.gather(*(one_tab(timings, hashes) for _ in range(clients)))
    await asyncio.sleep(SETTLE_S)
    per_tab = (served.rss_bytes(pid) - before) / clients
    await asyncio.gather(*(tab.close() for tab in tabs))
    return timings, per_tab


def report(name: str, timings: Timings) -> list[float]:
    every = [t for values in timings.values() for t in values]
    for action, values in timings.items():
        p50, p95 = quantiles(values)
        print(f"  {name:8} {action:14} n={len(values):4}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    p50, p95 = quantiles(every)
    print(f"  {name:8} {'every event':14} n={len(every):4}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    return every


def run_krypton(clients: int, url: str | None, work: Path) -> tuple[Timings, float]:
    database_url = os.environ.get("DATABASE_URL") if url else f"sqlite:///{work / 'krypton.db'}"
    if url:
        return asyncio.run(krypton_crowd(url, database_url, clients))
    port = served.free_port()
    url = f"http://localhost:{port}"
    env = served.app_env(url, database_url)
    subprocess.run([sys.executable, "-m", "krypton_app.cli", "bootstrap"], env=env, check=True, capture_output=True)
    with served.serve(served.ROOT, env, port, work / "krypton.log"):
        return asyncio.run(krypton_crowd(url, database_url, clients))


async def krypton_crowd(url: str, database_url: str, clients: int) -> tuple[Timings, float]:
    # The services read the app's settings from the environment, as the served app does.
    os.environ.update(served.app_env(url, database_url))
    from krypton_tabs import Market

    market = await asyncio.to_thread(Market.create, database_url, clients + 1)
    return await crowd(url, clients, lambda timings, hashes: krypton_tab(url, market, timings, hashes))


def run_bare(clients: int, events: int, work: Path) -> tuple[Timings, float]:
    app_dir = work / "bare"
    for name, text in BARE_APP.items():
        (app_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (app_dir / name).write_text(textwrap.dedent(text).lstrip())
    port = served.free_port()
    url = f"http://localhost:{port}"
    with served.serve(app_dir, {**os.environ}, port, work / "bare.log"):
        return asyncio.run(crowd(url, clients, lambda timings, hashes: bare_tab(url, timings, hashes, events)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--url", help="a running Krypton app (DATABASE_URL: its database)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="krypton-ui-bench-") as tmp:
        work = Path(tmp)
        print(f"{args.clients} concurrent tabs; Krypton:", flush=True)
        krypton, krypton_mem = run_krypton(args.clients, args.url, work)
        print("bare Reflex counter app:", flush=True)
        bare, bare_mem = run_bare(args.clients, events=sum(map(len, krypton.values())) // args.clients, work=work)
    print(f"\nevent round trips, {args.clients} concurrent tabs:")
    ours, theirs = quantiles(report("krypton", krypton)), quantiles(report("bare", bare))
    print(f"  ratio krypton / bare: p50 {ours[0] / theirs[0]:.2f}x  p95 {ours[1] / theirs[1]:.2f}x")
    print("memory per connected tab (RSS of the serving process, growth / tabs):")
    ratio = krypton_mem / bare_mem
    print(f"  krypton {krypton_mem / 1024:.0f} KiB   bare {bare_mem / 1024:.0f} KiB   ratio {ratio:.1f}x")


if __name__ == "__main__":
    main()
