"""Migration 0020_wizard adds payment_parts.promise_codes_sealed (the sealed codes of a part's change and
refund promises) and drops it on downgrade; on SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect

from krypton_app.db import make_engine


def _columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns("payment_parts")}
    finally:
        engine.dispose()


def test_0020_wizard_adds_and_drops_the_sealed_codes_column(empty_url):
    alembic(empty_url, command.upgrade, "0020_wizard")
    assert "promise_codes_sealed" in _columns(empty_url)
    alembic(empty_url, command.downgrade, revision_before("0020_wizard"))
    assert "promise_codes_sealed" not in _columns(empty_url)
    alembic(empty_url, command.upgrade, "head")
    assert "promise_codes_sealed" in _columns(empty_url)
