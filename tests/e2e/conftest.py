"""Browser tests against the real app: `reflex run --env prod` on a free port, a fresh SQLite
database, and Debian's Chromium driven by pytest-playwright.

The server is started once per session from the project root and its whole process group is
killed at the end. If it does not come up, the tests fail with the tail of its log: a browser
test that skips silently is worse than none.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import BIN, ROOT, Receiver, app_environment, free_port, running_app
from playwright.sync_api import expect

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
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


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
    port = free_port()
    url = f"http://localhost:{port}"
    env = app_environment(url, database_url=app_database_url, mail_outbox=mail_outbox)
    # An in-memory state manager per run: no state shared with another app through Redis.
    env.pop("REDIS_URL", None)
    bootstrap = [sys.executable, "-m", "krypton_app.cli", "bootstrap"]
    boot = subprocess.run(bootstrap, cwd=ROOT, env=env, capture_output=True, text=True)
    if boot.returncode != 0:
        pytest.fail(f"bootstrap failed:\n{boot.stdout}\n{boot.stderr}")
    # prod serves pages, /_event and /ping on one port; both flags must name it.
    command = [str(BIN / "reflex"), "run", "--env", "prod", "--frontend-port", str(port), "--backend-port", str(port)]
    with running_app(command, env=env, url=url, log_path=work / "reflex.log"):
        yield url


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
