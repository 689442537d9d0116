"""Migration 0026_promise_sale adds deals.promise_id and the one-live-deal-per-promise unique index, and
takes them away again on downgrade; on SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect

from krypton_app.db import make_engine


def _deals(url: str) -> tuple[set[str], set[str]]:
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        columns = {column["name"] for column in inspector.get_columns("deals")}
        return columns, {index["name"] for index in inspector.get_indexes("deals")}
    finally:
        engine.dispose()


def test_0026_adds_the_promise_of_a_deal(empty_url):
    alembic(empty_url, command.upgrade, "0026_promise_sale")
    columns, indexes = _deals(empty_url)
    assert "promise_id" in columns and "ux_deals_live_promise" in indexes
    alembic(empty_url, command.downgrade, revision_before("0026_promise_sale"))
    columns, indexes = _deals(empty_url)
    assert "promise_id" not in columns and "ux_deals_live_promise" not in indexes
    alembic(empty_url, command.upgrade, "head")
    assert "promise_id" in _deals(empty_url)[0]
