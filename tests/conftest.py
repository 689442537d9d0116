"""Database fixtures shared by service and API tests.

`uow` runs each test on SQLite and, when KRYPTON_TEST_DATABASE_URL is set, again on PostgreSQL in a
fresh database created for this run and dropped afterwards. Tables are emptied between tests.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from krypton_app.cli import migrate
from krypton_app.db import UnitOfWork, make_engine
from krypton_app.services.catalog import load_catalog
from krypton_app.settings import get_settings

# A fixed key for every test and the browser tests' server: no test reads or writes the checkout's
# generated .krypton-secrets.json (tests of that file set their own path).
os.environ.setdefault("KRYPTON_SECRET_KEY", "krypton-test-secret")
# The suite's settings start with no invoice or deal fee, so a test about anything else counts whole
# amounts; the fee tests set their rules (the fee schedule, services/fees.py) or settings themselves.
os.environ.setdefault("KRYPTON_INVOICE_FEE_PERCENT", "0")
os.environ.setdefault("KRYPTON_DEAL_FEE_PERCENT", "0")

PG_URL = os.environ.get("KRYPTON_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgres"] if PG_URL else ["sqlite"]

# Property tests check results, not speed. Hypothesis's default 200 ms deadline and its too-slow
# health check fail a correct test when a busy machine (two cores shared by several runs) stalls
# one example; CI already runs without them (Hypothesis's own "ci" profile, derandomized), and this
# profile builds on whichever is active. A failure prints the blob that replays it.
hypothesis_settings.register_profile(
    "krypton",
    parent=hypothesis_settings.default,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.load_profile("krypton")


E2E = Path(__file__).resolve().parent / "e2e"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last, after pytest-randomly's shuffle (a stable sort keeps its order within
    both groups): once pytest-playwright has started the sync Playwright, an event loop stays running
    in this thread until the session ends, and every later `asyncio.run()` fails."""
    items.sort(key=lambda item: item.path.is_relative_to(E2E))


def pytest_report_header(config):
    if PG_URL:
        return f"service tests: SQLite and PostgreSQL ({make_url(PG_URL).render_as_string(hide_password=True)})"
    return "service tests: SQLite only (set KRYPTON_TEST_DATABASE_URL to also run them on PostgreSQL)"


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    path: Path = tmp_path_factory.mktemp("db") / "krypton-test.db"
    url = f"sqlite:///{path}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def postgres_url():
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: KRYPTON_TEST_DATABASE_URL is unset")
    server = make_url(PG_URL)
    name = f"krypton_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    migrate(url)
    yield url
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_tables(uow: UnitOfWork) -> None:
    tables = [t.name for t in SQLModel.metadata.sorted_tables]
    with uow.engine.begin() as c:
        if uow.is_postgres:
            c.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                c.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(params=BACKENDS)
def uow(request) -> UnitOfWork:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    unit = UnitOfWork(make_engine(url))
    _empty_tables(unit)
    load_catalog(unit)
    yield unit
    unit.engine.dispose()


# Races open up to 70 connections; two pytest-xdist workers racing at once would pass the server's
# max_connections (100). This lock, shared by the workers of one machine, lets one race run at a time.
RACE_LOCK = Path(tempfile.gettempdir()) / "krypton-test-races.lock"


@pytest.fixture
def pg_uow(request) -> UnitOfWork:
    """PostgreSQL only, for races that SQLite's single writer cannot show."""
    url = request.getfixturevalue("postgres_url")
    with RACE_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        unit = UnitOfWork(make_engine(url, pool_size=60, max_overflow=10))
        _empty_tables(unit)
        load_catalog(unit)
        yield unit
        unit.engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path):
    """A database with no tables at all, for migration tests (tests/migrations.py runs Alembic on it):
    a fresh SQLite file, and a fresh PostgreSQL database when configured, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    server = make_url(PG_URL)
    name = f"krypton_migrate_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(autouse=True)
def _operator_settings():
    """Tests grant the operator role as production does, through the settings (builders.grant_operator);
    each test starts from the settings the process was started with."""
    settings = get_settings()
    saved = (list(settings.operator_addresses), settings.demo_operators)
    yield
    settings.operator_addresses, settings.demo_operators = saved
