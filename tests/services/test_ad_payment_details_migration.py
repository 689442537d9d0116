"""Migration 0017_ad_payment_details adds ads.payment_details (empty for the ads that exist) and takes it
away again on downgrade; on SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect

from krypton_app.db import make_engine


def _columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns("ads")}
    finally:
        engine.dispose()


def test_0017_adds_payment_details_to_ads(empty_url):
    alembic(empty_url, command.upgrade, "0017_ad_payment_details")
    assert "payment_details" in _columns(empty_url)
    alembic(empty_url, command.downgrade, revision_before("0017_ad_payment_details"))
    assert "payment_details" not in _columns(empty_url)
    alembic(empty_url, command.upgrade, "head")
    assert "payment_details" in _columns(empty_url)
