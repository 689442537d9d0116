"""What the browser tests share: the app's environment and process, viewports, login, URL matching,
layout checks, screenshots."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from builders import TELEGRAM_BOT_TOKEN
from playwright.sync_api import BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LANDING_URL = re.compile(r"^http://localhost:\d+/$")
CHAIN_TIMEOUT_MS = 30_000
DEAL_URL = re.compile(r"^http://localhost:\d+/deals/(\d+)/?$")
WEBHOOK_TIMEOUT_S = 30

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUN_BIN = ROOT / ".tools" / "node_modules" / ".bin"  # bun from npm (Reflex's own download needs GitHub)
# A first build installs the frontend packages with bun; later ones reuse the web directory's.
STARTUP_TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_environment(url: str, *, database_url: str, mail_outbox: Path) -> dict[str, str]:
    """The environment of an app process the browser tests reach at `url`."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        # The demo proof names the browser's host, which must be an allowed proof domain.
        "KRYPTON_APP_URL": url,
        "KRYPTON_ENV": "development",
        "KRYPTON_DEMO_WALLET": "true",
        # The whole money path runs in-process: FakeChain, its faucet, the monitor and the sender.
        "KRYPTON_CHAIN": "fake",
        "KRYPTON_MONITOR_POLL_S": "0.5",
        # Demo logins get the operator console, so one test can pay a payout from the queue.
        "KRYPTON_DEMO_OPERATORS": "1",
        # The invoice test's webhook receiver listens on 127.0.0.1; Telegram links need a bot name.
        "KRYPTON_WEBHOOK_ALLOW_PRIVATE": "1",
        "KRYPTON_TELEGRAM_BOT": "krypton_e2e_bot",
        # The Mini App tests sign their launch data with the same made-up bot token (tests/builders.py).
        "KRYPTON_TELEGRAM_BOT_TOKEN": TELEGRAM_BOT_TOKEN,
        "KRYPTON_MAIL_OUTBOX": str(mail_outbox),
        # A dispute waits this long after "I have paid" (10 min by default): long enough to see the countdown.
        "KRYPTON_DEAL_DISPUTE_AFTER_S": "15",
        "PATH": os.pathsep.join([str(BUN_BIN), str(BIN), os.environ["PATH"]]),
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_CHECK_LATEST_VERSION": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("KRYPTON_SMTP_HOST", None)
    return env


def log_tail(path: Path, lines: int = 60) -> str:
    text = path.read_text(errors="replace") if path.exists() else "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def running_app(command: list[str], *, env: dict[str, str], url: str, log_path: Path) -> Iterator[None]:
    """Run an app process from the project root until it serves `url`'s pages; kill its whole process
    group on the way out. If it does not come up, the test fails with the tail of its log: a browser
    test that skips silently is worse than none."""
    started = time.monotonic()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: bun, vite and workers die with it
        )
    try:
        # /ping answers before the compiled pages are served on the same port; wait for them too.
        for path in ("/ping", "/"):
            while not _up(f"{url}{path}"):
                if process.poll() is not None:
                    pytest.fail(f"{command[1:3]} exited with {process.returncode}:\n{log_tail(log_path)}")
                if time.monotonic() - started > STARTUP_TIMEOUT_S:
                    pytest.fail(f"{url}{path} did not answer in {STARTUP_TIMEOUT_S} s:\n{log_tail(log_path)}")
                time.sleep(1)
        print(f"\napp up at {url} after {time.monotonic() - started:.1f} s")
        yield
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def url_of(route: str) -> re.Pattern:
    # Reflex navigates client-side: no load event, so tests wait on the URL itself.
    return re.compile(rf"^http://localhost:\d+{route}/?$")


def demo_login(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_test_id("login-card")).to_be_visible()
    page.get_by_test_id("demo-login").click()
    expect(page).to_have_url(url_of("/wallet"))
    expect(page.get_by_test_id("balance-TON")).to_be_visible()


def funded_login(page: Page) -> None:
    """A demo login with 10 TON from the faucet, credited through the fake chain."""
    demo_login(page)
    page.get_by_test_id("faucet-TON").click()
    expect(page.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text(
        "10", timeout=CHAIN_TIMEOUT_MS
    )


def fill_ad(page: Page, **fields: str) -> None:
    """Type into the ad form's text fields (/market/new and the edit page): `price="250"`."""
    for name, value in fields.items():
        page.get_by_test_id(f"ad-{name}").fill(value)


def session_cookie(context: BrowserContext) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == "krypton_session"), None)


# The innermost elements that reach past the window's right edge, to name what overflows.
WIDEST = """
[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 0.5))
  .slice(0, 5)
  .map(e => [
    `${e.tagName.toLowerCase()}[${e.getAttribute('data-testid') || e.className}]`,
    `${Math.round(e.getBoundingClientRect().right)}px: ${(e.textContent || '').slice(0, 60)}`,
  ].join(' '))
"""


def assert_fits_width(page: Page) -> None:
    """Nothing scrolls sideways. Waits up to 3 s for a page that was just resized to lay itself out again
    (the invoice chart follows its container a few frames late); an overflow that stays fails."""
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(fits, timeout=3000)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(WIDEST) if overflow > 0 else []
    assert overflow <= 0, f"{page.url} overflows horizontally by {overflow}px: {wide}"


def shoot(page: Page, folder: Path, name: str) -> None:
    # From the top, or the sticky header is drawn wherever the test last scrolled to.
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)  # let transitions settle so the picture shows the final state
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def post_sell_ad(page: Page, *, terms: str, price: str = "250", volume: str = "5") -> None:
    """Publish a TON/RUB sell ad (SBP, 1..5 TON) from /market/new; lands on /market."""
    page.goto("/market/new")
    expect(page.get_by_test_id("ad-publish")).to_be_visible()
    fill_ad(page, price=price, total_volume=volume, min_amount="1", max_amount="5", terms=terms)
    page.get_by_test_id("ad-publish").click()
    expect(page).to_have_url(url_of("/market"))


def market_card(page: Page, terms: str) -> Locator:
    """The card of the ad with these terms on /market, paging on until it shows: the tests share one server,
    and earlier tests' ads at the same price rank above a new trader's (price, the trader's deals, age)."""
    page.goto("/market")
    cards = page.get_by_test_id("ad-card")
    card = cards.filter(has_text=terms)
    expect(cards.first).to_be_visible()
    # The tab keeps the page it was last on (an ad may have moved to an earlier one since: its trader
    # completed a deal): back to the first page, then on.
    previous_page = page.get_by_test_id("market-previous")
    while card.count() == 0 and previous_page.count() and previous_page.is_enabled():
        shown = page.get_by_test_id("market-page").inner_text()
        previous_page.click()
        expect(page.get_by_test_id("market-page")).not_to_have_text(shown)
        expect(cards.first).to_be_visible()
    next_page = page.get_by_test_id("market-next")
    while card.count() == 0 and next_page.count() and next_page.is_enabled():
        shown = page.get_by_test_id("market-page").inner_text()
        next_page.click()
        expect(page.get_by_test_id("market-page")).not_to_have_text(shown)
        expect(cards.first).to_be_visible()
    expect(card).to_be_visible()
    return card


def open_deal_on(page: Page, *, terms: str, amount: str) -> str:
    """Open a deal from /market on the ad with these terms; returns the deal id."""
    ad = market_card(page, terms)
    ad.get_by_test_id("deal-amount").fill(amount)
    ad.get_by_test_id("open-deal").click()
    expect(page).to_have_url(DEAL_URL)
    return DEAL_URL.match(page.url).group(1)


INVOICE_KINDS = {"fixed": "Fixed amount", "floating": "Payer chooses", "private": "Private"}


def create_invoice(page: Page, *, title: str, kind: str = "fixed", **fields: str) -> str:
    """Fill the New invoice form (`fields` by their `#inv_<name>` inputs) and return the new invoice's number.
    The kind is chosen first: the form is drawn afresh once the server has reset it, as a merchant sees it."""
    page.goto("/invoices")
    # "New invoice" is in the prerendered page: a click before the scripts run is lost. The list is drawn
    # only by the running page, and a click after it is handled after the page's own on_load.
    expect(page.get_by_test_id("invoices-list")).to_be_visible()
    page.get_by_test_id("invoice-new").click()
    page.get_by_test_id("invoice-kind").get_by_role("radio", name=re.compile(INVOICE_KINDS[kind])).click()
    page.locator("#inv_title").fill(title)
    for name, value in fields.items():
        page.locator(f"#inv_{name}").fill(value)
    page.get_by_test_id("invoice-create").click()
    expect(page).to_have_url(re.compile(r"/invoices/[0-9A-Z]+/?$"))
    # The tab's state still holds the previous invoice until the new page has loaded its own.
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    return page.get_by_test_id("detail-number").inner_text().strip()


def switch_language(page: Page, lang: str) -> None:
    """Press the header's EN / RU switch and wait until the server has taken it (the switch shows the
    server's value, and the cookie comes with that update): a page opened next is read in `lang`."""
    choice = page.get_by_test_id("language-switch").get_by_role("radio", name=lang)
    choice.click()
    expect(choice).to_have_attribute("aria-checked", "true")


def choose(page: Page, select: str, option: str) -> None:
    page.get_by_test_id(select).click()
    page.get_by_role("option", name=option, exact=True).click()


def promise_from_ui(page: Page, amount: str) -> str:
    page.goto("/promises")
    page.locator("#promise_amount").fill(amount)
    page.get_by_test_id("promise-create").click()
    expect(page.get_by_test_id("promise-created")).to_be_visible()
    code = page.get_by_test_id("promise-code").inner_text().strip()
    page.get_by_test_id("promise-saved").click()
    return code


def post_kzt_buy_ad(trader: Page, price: str) -> None:
    """A TON/KZT BUY ad at `price` (one no other test uses, to find it by): 1..5 TON a deal, 5 TON in all,
    Kaspi Bank (the country's first method)."""
    trader.goto("/market/new")
    expect(trader.get_by_test_id("account-address")).to_be_attached()  # the form's scripts run
    choose(trader, "market-country", "Kazakhstan")
    expect(trader.get_by_test_id("market-fiat")).to_have_text("KZT")
    choose(trader, "market-side", "Buy crypto")
    chosen = trader.get_by_test_id("ad-method").and_(trader.locator("[aria-pressed=true]"))
    expect(chosen).to_have_text(["Kaspi Bank"])
    fill_ad(trader, price=price, total_volume="5", min_amount="1", max_amount="5", terms="Buying promises")
    trader.get_by_test_id("ad-publish").click()
    expect(trader).to_have_url(url_of("/market"))


def enter_promise_code(page: Page, code: str) -> None:
    page.get_by_test_id("psale-code").fill(code)
    page.get_by_test_id("psale-check").click()
    expect(page.get_by_test_id("psale-preview")).to_be_visible()


class Receiver:
    """A merchant endpoint on 127.0.0.1 that keeps every request and answers 200."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int) -> list[tuple[dict, bytes]]:
        deadline = time.monotonic() + WEBHOOK_TIMEOUT_S
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(self.requests) >= count, f"{len(self.requests)} of {count} webhooks arrived"
        return self.requests[:count]
