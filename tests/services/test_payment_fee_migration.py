"""Migration 0033_payment_fee adds the payments' fee and the invoices' fees_collected (0 for the rows
already there) and takes them away again on downgrade; on SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect

from krypton_app.db import make_engine

REVISION = "0033_payment_fee"


def _columns(url: str) -> tuple[dict[str, str], dict[str, str]]:
    """(payments' columns, invoices' columns): name -> server default."""
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        payments = {c["name"]: str(c["default"]) for c in inspector.get_columns("invoice_payments")}
        return payments, {c["name"]: str(c["default"]) for c in inspector.get_columns("invoices")}
    finally:
        engine.dispose()


def _zero(default: str) -> bool:
    """SQLite says '0', PostgreSQL '0'::bigint."""
    return default.split("::")[0].strip("'()") == "0"


def test_0033_adds_the_payment_fee(empty_url):
    alembic(empty_url, command.upgrade, revision_before(REVISION))
    assert "fee" not in _columns(empty_url)[0]
    alembic(empty_url, command.upgrade, REVISION)
    payments, invoices = _columns(empty_url)
    # rows from before pay 0: the columns' server default
    assert _zero(payments["fee"]) and _zero(invoices["fees_collected"])
    alembic(empty_url, command.downgrade, revision_before(REVISION))
    payments, invoices = _columns(empty_url)
    assert "fee" not in payments and "fees_collected" not in invoices
    alembic(empty_url, command.upgrade, "head")
    assert "fee" in _columns(empty_url)[0]
