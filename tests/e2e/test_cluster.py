"""The app as a cluster: two app processes on their own ports, one PostgreSQL database and one Redis (Reflex's
state manager), each process with two Granian workers. The seller uses one process, the buyer the other; they
run a P2P deal with chat through to release, and each sees the other's messages and status changes without a
reload, although the other's events were handled by another process.

The frontend is built once per process with `reflex export` (a browser reaches the websocket at the port
its build names) and served by `python -m krypton_app.cli serve`: the commands the Docker image runs.
Needs KRYPTON_TEST_DATABASE_URL (the PostgreSQL server; the suite's fresh database on it) and Redis at
KRYPTON_TEST_REDIS_URL (default: 127.0.0.1:6379, db 11).
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from builders import TON, deposit
from helpers import (
    BIN,
    ROOT,
    app_environment,
    demo_login,
    free_port,
    log_tail,
    open_deal_on,
    post_sell_ad,
    running_app,
    url_of,
)
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from krypton_app.db import UnitOfWork, make_engine
from krypton_app.models import User

# Another process's action reaches a tab by that tab's next database read (a poll of 1.5-3 s today).
LIVE_TIMEOUT_MS = 10_000
REDIS_URL = os.environ.get("KRYPTON_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
# One web directory per process, kept between runs so bun installs the packages once.
WEB_DIRS = ROOT / ".web-cluster"


@pytest.fixture(scope="module")
def cluster(postgres_url, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """The URLs of two app processes sharing `postgres_url` and Redis."""
    work = tmp_path_factory.mktemp("cluster")
    urls = [f"http://localhost:{free_port()}" for _ in range(2)]
    envs = []
    for name, url in zip("ab", urls, strict=True):
        env = app_environment(url, database_url=postgres_url, mail_outbox=work / "outbox")
        env |= {
            "REDIS_URL": REDIS_URL,
            "GRANIAN_WORKERS": "2",
            "REFLEX_WEB_WORKDIR": str(WEB_DIRS / name),
            "REFLEX_API_URL": url,
        }
        envs.append(env)
    boot = subprocess.run(
        [BIN / "python", "-m", "krypton_app.cli", "bootstrap"], cwd=ROOT, env=envs[0], text=True, capture_output=True
    )
    assert boot.returncode == 0, f"bootstrap failed:\n{boot.stdout}\n{boot.stderr}"
    # One build after the other, each naming its own process's port: two at once on a two-core machine
    # starve the build's prerender step until it times out.
    export = [str(BIN / "reflex"), "export", "--frontend-only", "--no-zip", "--env", "prod"]
    for name, env in zip("ab", envs, strict=True):
        log = work / f"export-{name}.log"
        with log.open("w") as out:
            build = subprocess.run(export, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=900)
        assert build.returncode == 0, f"reflex export failed:\n{log_tail(log)}"
    with ExitStack() as stack:
        for name, url, env in zip("ab", urls, envs, strict=True):
            serve = [str(BIN / "python"), "-m", "krypton_app.cli", "serve", url.rsplit(":", 1)[1]]
            stack.enter_context(running_app(serve, env=env, url=url, log_path=work / f"serve-{name}.log"))
        yield urls[0], urls[1]


def _page_on(browser: Browser, url: str) -> tuple[Page, list[str]]:
    """A new browser's page on the app at `url`, and the websocket URLs it opens."""
    page = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900}).new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    return page, sockets


def _newest_user(database_url: str) -> int:
    uow = UnitOfWork(make_engine(database_url))
    try:
        with uow.transaction() as s:
            return s.execute(select(User.id).order_by(User.id.desc()).limit(1)).scalar_one()
    finally:
        uow.engine.dispose()


def test_deal_with_chat_across_two_processes(cluster, browser: Browser, postgres_url):
    seller_url, buyer_url = cluster
    seller, seller_sockets = _page_on(browser, seller_url)
    buyer, buyer_sockets = _page_on(browser, buyer_url)

    demo_login(seller)
    # The seller's TON arrive as the monitor would credit them: the demo chain of a PostgreSQL run is the
    # checkout's own file (krypton.fakechain.json), which this test leaves alone.
    uow = UnitOfWork(make_engine(postgres_url))
    deposit(uow, _newest_user(postgres_url), 10 * TON)
    uow.engine.dispose()
    available = seller.get_by_test_id("balance-TON").get_by_test_id("balance-available")
    expect(available).to_have_text("10", timeout=LIVE_TIMEOUT_MS)
    terms = f"Cluster deal {uuid.uuid4().hex[:8]}"
    post_sell_ad(seller, terms=terms)

    demo_login(buyer)
    deal_id = open_deal_on(buyer, terms=terms, amount="2")
    expect(buyer.get_by_test_id("deal-role")).to_have_text("Buyer")
    seller.goto(f"/deals/{deal_id}")
    expect(seller).to_have_url(url_of(f"/deals/{deal_id}"))
    expect(seller.get_by_test_id("deal-role")).to_have_text("Seller")

    buyer.get_by_test_id("chat-input").fill("Paying now via SBP")
    buyer.get_by_test_id("chat-send").click()
    expect(seller.get_by_test_id("chat-message").filter(has_text="Paying now via SBP")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    seller.get_by_test_id("chat-input").fill("OK, waiting")
    seller.get_by_test_id("chat-send").click()
    expect(buyer.get_by_test_id("chat-message").filter(has_text="OK, waiting")).to_be_visible(timeout=LIVE_TIMEOUT_MS)

    buyer.get_by_test_id("deal-mark-paid").click()
    buyer.get_by_test_id("deal-mark-paid-confirm").click()
    expect(buyer.get_by_test_id("deal-status")).to_have_text("Payment sent")
    expect(seller.get_by_test_id("deal-status")).to_have_text("Payment sent", timeout=LIVE_TIMEOUT_MS)
    seller.get_by_test_id("deal-release").click()
    seller.get_by_test_id("deal-release-confirm").click()
    expect(seller.get_by_test_id("deal-status")).to_have_text("Completed")
    expect(buyer.get_by_test_id("deal-status")).to_have_text("Completed", timeout=LIVE_TIMEOUT_MS)

    buyer.goto("/wallet")
    expect(buyer.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text("2")
    # Each browser spoke to its own process only: the pages and the websocket of one port each.
    for sockets, url in ((seller_sockets, seller_url), (buyer_sockets, buyer_url)):
        port = url.rsplit(":", 1)[1]
        assert sockets and all(re.match(rf"^ws://localhost:{port}/_event", s) for s in sockets), sockets
    seller.context.close()
    buyer.context.close()
