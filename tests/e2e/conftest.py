"""Browser tests against the real app: `reflex run --env prod` on a free port, a fresh SQLite
database, and Debian's Chromium driven by pytest-playwright.

The server is started once per session from the project root and its whole process group is
killed at the end. If it does not come up, the tests fail with the tail of its log: a browser
test that skips silently is worse than none.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from builders import TELEGRAM_BOT_TOKEN
from helpers import Receiver
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUN_BIN = ROOT / ".tools" / "node_modules" / ".bin"  # bun from npm (Reflex's own download needs GitHub)
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# First build installs the frontend packages with bun; later ones reuse .web.
STARTUP_TIMEOUT_S = 600

expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(path: Path, lines: int = 60) -> str:
    text = path.read_text(errors="replace") if path.exists() else "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def mail_outbox(tmp_path_factory) -> Path:
    """Where the app writes the mail it would send: no SMTP server here, so the development outbox."""
    return tmp_path_factory.mktemp("outbox")


@pytest.fixture(scope="session")
def app_database_url(tmp_path_factory) -> str:
    """The app's database, for the few tests that must set up what no page can (a second login of the
    same wallet from another browser, a chain transaction the monitor held for review)."""
    return f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'krypton-e2e.db'}"


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, mail_outbox, app_database_url) -> str:
    work = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": app_database_url,
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
    # An in-memory state manager per run: no state shared with another app through Redis.
    env.pop("REDIS_URL", None)
    env.pop("KRYPTON_SMTP_HOST", None)

    log_path = work / "reflex.log"
    bootstrap = [sys.executable, "-m", "krypton_app.cli", "bootstrap"]
    boot = subprocess.run(bootstrap, cwd=ROOT, env=env, capture_output=True, text=True)
    if boot.returncode != 0:
        pytest.fail(f"bootstrap failed:\n{boot.stdout}\n{boot.stderr}")

    started = time.monotonic()
    with log_path.open("w") as log:
        # prod serves pages, /_event and /ping on one port; both flags must name it.
        command = ["run", "--env", "prod", "--frontend-port", str(port), "--backend-port", str(port)]
        process = subprocess.Popen(
            [str(BIN / "reflex"), *command],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: bun, vite and workers die with it
        )
    try:
        while not _up(f"{url}/ping"):
            if process.poll() is not None:
                pytest.fail(f"reflex exited with {process.returncode}:\n{_log_tail(log_path)}")
            if time.monotonic() - started > STARTUP_TIMEOUT_S:
                pytest.fail(f"reflex did not answer /ping in {STARTUP_TIMEOUT_S} s:\n{_log_tail(log_path)}")
            time.sleep(1)
        # /ping answers before the compiled pages are served on the same port; wait for them too.
        while not _up(f"{url}/"):
            if time.monotonic() - started > STARTUP_TIMEOUT_S:
                pytest.fail(f"the frontend was not served:\n{_log_tail(log_path)}")
            time.sleep(1)
        print(f"\napp up at {url} after {time.monotonic() - started:.1f} s")
        yield url
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def base_url(app_server) -> str:
    """pytest-playwright opens relative URLs against the app."""
    return app_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args) -> dict:
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    # Debian's Chromium when present (Playwright's own download fails offline); else Playwright's.
    if CHROMIUM.exists():
        args["executable_path"] = str(CHROMIUM)
    return args


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def hook_receiver():
    """A merchant's webhook endpoint on 127.0.0.1 that keeps every request (helpers.Receiver)."""
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()
