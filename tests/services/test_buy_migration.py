"""Migration 0025_buy adds deal_destinations (where a buy deal's crypto goes) and takes it away again on
downgrade; on SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect

from krypton_app.db import make_engine

COLUMNS = {"deal_id", "kind", "target", "outcome", "reason", "payout_amount", "payout_id", "promise_id", "code_sealed"}


def _columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        if "deal_destinations" not in inspector.get_table_names():
            return set()
        return {column["name"] for column in inspector.get_columns("deal_destinations")}
    finally:
        engine.dispose()


def test_0025_adds_deal_destinations(empty_url):
    alembic(empty_url, command.upgrade, "0025_buy")
    assert _columns(empty_url) >= COLUMNS
    alembic(empty_url, command.downgrade, revision_before("0025_buy"))
    assert _columns(empty_url) == set()
    alembic(empty_url, command.upgrade, "head")
    assert _columns(empty_url) >= COLUMNS
