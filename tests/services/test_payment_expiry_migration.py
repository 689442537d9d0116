"""Migration 0016_payment_expiry adds the index the payment-expiry step looks pending payments up by,
and takes it away again on downgrade; on SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect

from krypton_app.db import make_engine

INDEX = "ix_invoice_payments_status_created"


def _indexes(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {index["name"] for index in inspect(engine).get_indexes("invoice_payments")}
    finally:
        engine.dispose()


def test_0016_indexes_payments_by_status_and_start(empty_url):
    alembic(empty_url, command.upgrade, "0016_payment_expiry")
    assert INDEX in _indexes(empty_url)
    alembic(empty_url, command.downgrade, revision_before("0016_payment_expiry"))
    assert INDEX not in _indexes(empty_url)
    alembic(empty_url, command.upgrade, "head")
    assert INDEX in _indexes(empty_url)
