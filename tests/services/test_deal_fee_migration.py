"""Migration 0034_deal_fee adds deals.fee (0 for deals opened before it) and deals.fee_payer, and takes
them away again on downgrade; on SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect

from krypton_app.db import make_engine

REVISION = "0034_deal_fee"


def _deal_columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("deals")}
    finally:
        engine.dispose()


def test_0034_adds_the_deal_fee(empty_url):
    added = {"fee", "fee_payer"}
    alembic(empty_url, command.upgrade, REVISION)
    assert added <= _deal_columns(empty_url)
    alembic(empty_url, command.downgrade, revision_before(REVISION))
    assert not added & _deal_columns(empty_url)
    alembic(empty_url, command.upgrade, "head")
    assert added <= _deal_columns(empty_url)
