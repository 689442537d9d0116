"""Migration 0021_fiat adds deals.part_id with its index and the one-live-deal-per-part unique index,
and takes them away again on downgrade; on SQLite and PostgreSQL."""

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


def test_0018_adds_the_part_of_a_deal(empty_url):
    alembic(empty_url, command.upgrade, "0021_fiat")
    columns, indexes = _deals(empty_url)
    assert "part_id" in columns and {"ix_deals_part", "ux_deals_live_part"} <= indexes
    alembic(empty_url, command.downgrade, revision_before("0021_fiat"))
    columns, indexes = _deals(empty_url)
    assert "part_id" not in columns and not {"ix_deals_part", "ux_deals_live_part"} & indexes
    alembic(empty_url, command.upgrade, "head")
    assert "part_id" in _deals(empty_url)[0]
