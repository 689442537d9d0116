"""Page weight and first load against a blank Reflex app: `python bench/pages.py [--shots DIR]`.

Starts two production servers (`reflex run --env prod`, one port each, as tests/e2e/conftest.py does):
- a blank app built in a temporary folder: one page, the same Reflex and the same rxconfig settings
  that shape the bundle (Radix theme plugin and theme, no sitemap, no "built with" badge);
- Krypton from this checkout on a fresh SQLite database with the fake chain and the demo wallet.

Then, in Debian's Chromium with an empty cache (a new context per load, cache disabled), ROUNDS loads of
`/`, `/wallet` (with a live session), `/pay/<n>` and `/widget/invoice/<n>` (an invoice made through the
services) and of the blank app's `/`. For each it prints the bytes on the wire (headers included), the
bytes after decompression, the number of requests and the time to first interaction: from navigation
start to the server's first event answer on the websocket (the page is connected and a first event,
the hydrate, has round-tripped), and the ratio of each to the blank app. Then the biggest scripts of `/`
and of the widget.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import served
from playwright.sync_api import sync_playwright

ROOT = served.ROOT
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROUNDS = 3
TOP_SCRIPTS = 8

BLANK_CONFIG = """import reflex as rx

config = rx.Config(
    app_name="blank",
    db_url="sqlite:///blank.db",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="blue", gray_color="slate", radius="large", scaling="100%")
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
"""
BLANK_APP = """import reflex as rx


class Counter(rx.State):
    count: int = 0

    def bump(self):
        self.count += 1


def index() -> rx.Component:
    return rx.container(rx.heading("Blank"), rx.button(Counter.count, on_click=Counter.bump))


app = rx.App()
app.add_page(index)
"""

# Times the first websocket frame that carries an event answer (socket.io "42…") from the server.
WS_PROBE = """
window.__firstEvent = null;
const NativeWS = window.WebSocket;
window.WebSocket = class extends NativeWS {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (e) => {
      if (window.__firstEvent === null && typeof e.data === "string" && e.data.startsWith("42")) {
        window.__firstEvent = performance.now();
      }
    });
  }
};
"""


def blank_app(work: Path) -> Path:
    app = work / "blank"
    (app / "blank").mkdir(parents=True)
    (app / "rxconfig.py").write_text(BLANK_CONFIG)
    (app / "blank" / "__init__.py").write_text("")
    (app / "blank" / "blank.py").write_text(BLANK_APP)
    return app


def krypton_data() -> tuple[str, str]:
    """(session cookie value, invoice number): a user with a live session and a fixed invoice of theirs,
    written through the services into the database DATABASE_URL names."""
    from datetime import UTC, datetime

    from krypton_app.bootstrap import app_deps
    from krypton_app.models import User
    from krypton_app.services.auth import exchange_login_token, issue_login_token
    from krypton_app.services.invoices import InvoiceDraft, create_invoice
    from krypton_app.settings import get_settings

    uow = app_deps().uow
    with uow.transaction() as s:
        user = User(wallet_address="0:" + "ab" * 32)
        s.add(user)
        s.flush()
        user_id = user.id
    ticket = issue_login_token(uow, user_id, next_path="/wallet")
    session = exchange_login_token(uow, ticket.token, ticket.binding).token
    draft = InvoiceDraft(kind="fixed", title="VPN key", asset="TON", amount="1")
    invoice = create_invoice(uow, user_id, draft, settings=get_settings(), now=datetime.now(UTC))[0]
    return session, invoice.number


def load(browser, url: str, cookie: dict | None, shot: Path | None) -> dict:
    """One first load with an empty cache: bytes, requests, scripts and time to the first event answer."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if cookie:
        context.add_cookies([{**cookie, "url": url}])
    context.add_init_script(WS_PROBE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requests: dict[str, dict] = {}
    cdp.on("Network.requestWillBeSent", lambda e: requests.setdefault(e["requestId"], {"url": e["request"]["url"]}))
    cdp.on("Network.responseReceived", lambda e: requests.get(e["requestId"], {}).update(type=e["type"]))
    cdp.on(
        "Network.dataReceived",
        lambda e: requests.get(e["requestId"], {}).update(
            body=requests.get(e["requestId"], {}).get("body", 0) + e["dataLength"]
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: requests.get(e["requestId"], {}).update(wire=e["encodedDataLength"]),
    )
    page.goto(url)
    page.wait_for_function("window.__firstEvent !== null", timeout=60_000)
    page.wait_for_load_state("networkidle")
    first_event = page.evaluate("window.__firstEvent")
    if shot:
        page.screenshot(path=str(shot), full_page=True)
    context.close()
    loaded = [r for r in requests.values() if not r["url"].startswith("data:")]
    return {
        "wire": sum(r.get("wire", 0) for r in loaded),
        "body": sum(r.get("body", 0) for r in loaded),
        "requests": len(loaded),
        "interactive_ms": first_event,
        "scripts": sorted(((r.get("body", 0), r["url"]) for r in loaded if r.get("type") == "Script"), reverse=True),
    }


def measure(browser, url: str, cookie: dict | None, shot: Path | None) -> dict:
    runs = [load(browser, url, cookie, shot if i == 0 else None) for i in range(ROUNDS)]
    return {
        "wire": statistics.median(r["wire"] for r in runs),
        "body": statistics.median(r["body"] for r in runs),
        "requests": statistics.median(r["requests"] for r in runs),
        "interactive_ms": statistics.median(r["interactive_ms"] for r in runs),
        "scripts": runs[0]["scripts"],
    }


def report(rows: dict[str, dict]) -> None:
    blank = rows["blank /"]
    print(f"{'page':<22}{'wire KB':>9}{'x':>6}{'raw KB':>9}{'x':>6}{'requests':>10}{'x':>6}{'TTI ms':>9}{'x':>6}")
    for name, row in rows.items():
        cells = [name.ljust(22)]
        for key, scale, width in (("wire", 1024, 9), ("body", 1024, 9), ("requests", 1, 10), ("interactive_ms", 1, 9)):
            cells.append(f"{row[key] / scale:>{width}.0f}{row[key] / blank[key]:>6.2f}")
        print("".join(cells))
    for name in ("/", "/widget/invoice/<n>"):
        print(f"\nbiggest scripts of Krypton's {name} (raw KB), of {len(rows[name]['scripts'])}:")
        for size, url in rows[name]["scripts"][:TOP_SCRIPTS]:
            print(f"{size / 1024:>9.1f}  {url.split('/', 3)[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=Path, help="save a screenshot of each page's first load here")
    args = parser.parse_args()
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> Path | None:
        return args.shots / f"{name.strip('/').replace('/', '-') or 'landing'}.png" if args.shots else None

    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-pages-")))
        database_url = f"sqlite:///{work / 'krypton.db'}"
        krypton_port = served.free_port()
        krypton_env = served.app_env(f"http://localhost:{krypton_port}", database_url)
        subprocess.run([sys.executable, "-m", "krypton_app.cli", "bootstrap"], cwd=ROOT, env=krypton_env, check=True)
        os.environ.update(DATABASE_URL=database_url, KRYPTON_ENV="development", KRYPTON_CHAIN="fake")
        session, number = krypton_data()

        blank_env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        blank_url = stack.enter_context(
            served.serve(blank_app(work), blank_env, served.free_port(), work / "blank.log")
        )
        krypton_url = stack.enter_context(served.serve(ROOT, krypton_env, krypton_port, work / "krypton.log"))
        pages = {
            "/": None,
            "/wallet": {"name": "krypton_session", "value": session},
            f"/pay/{number}": None,
            f"/widget/invoice/{number}": None,
        }
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            rows = {"blank /": measure(browser, blank_url + "/", None, shot("blank"))}
            for path, cookie in pages.items():
                rows[path] = measure(browser, krypton_url + path, cookie, shot(path))
            browser.close()
        rows["/pay/<n>"] = rows.pop(f"/pay/{number}")
        rows["/widget/invoice/<n>"] = rows.pop(f"/widget/invoice/{number}")
        report(rows)
        shutil.rmtree(work / "blank" / ".web", ignore_errors=True)


if __name__ == "__main__":
    main()
