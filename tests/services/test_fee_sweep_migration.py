"""Migration 0030_fee_sweeps adds fee_sweeps and sweep_settings and takes them away on downgrade; on
SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect

from krypton_app.db import make_engine

REVISION = "0030_fee_sweeps"


def _tables(url: str) -> dict[str, set[str]]:
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        names = set(inspector.get_table_names()) & {"fee_sweeps", "sweep_settings"}
        return {name: {c["name"] for c in inspector.get_columns(name)} for name in names}
    finally:
        engine.dispose()


def test_0030_adds_the_fee_sweeps(empty_url):
    alembic(empty_url, command.upgrade, REVISION)
    tables = _tables(empty_url)
    assert {"amount", "status", "message_hash", "valid_until", "seqno", "forced_by"} <= tables["fee_sweeps"]
    assert tables["sweep_settings"] == {"asset", "threshold", "updated_by", "updated_at"}
    alembic(empty_url, command.downgrade, revision_before(REVISION))
    assert _tables(empty_url) == {}
    alembic(empty_url, command.upgrade, "head")
    assert set(_tables(empty_url)) == {"fee_sweeps", "sweep_settings"}
