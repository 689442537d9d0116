"""Migration 0023_lnpayout adds the node payout's claim and routing fee to payouts, and takes them away
again on downgrade; on SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect

from krypton_app.db import make_engine

COLUMNS = {"claimed_at", "routing_fee_msat"}


def _columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns("payouts")}
    finally:
        engine.dispose()


def test_0023_adds_the_claim_and_routing_fee_to_payouts(empty_url):
    alembic(empty_url, command.upgrade, "0023_lnpayout")
    assert _columns(empty_url) >= COLUMNS
    alembic(empty_url, command.downgrade, revision_before("0023_lnpayout"))
    assert not COLUMNS & _columns(empty_url)
    alembic(empty_url, command.upgrade, "head")
    assert _columns(empty_url) >= COLUMNS
