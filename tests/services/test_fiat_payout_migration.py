"""Migration 0027_fiat_payout adds the invoices' payout columns (all three or none), the payments'
deposit and deals.payment_id with the one-live-payout-per-payment index, and takes them away again on
downgrade; on SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect

from krypton_app.db import make_engine

REVISION = "0027_fiat_payout"


def _shape(url: str) -> tuple[set[str], set[str], set[str], set[str]]:
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        invoices = {c["name"] for c in inspector.get_columns("invoices")}
        payments = {c["name"] for c in inspector.get_columns("invoice_payments")}
        deals = {c["name"] for c in inspector.get_columns("deals")}
        return invoices, payments, deals, {i["name"] for i in inspector.get_indexes("deals")}
    finally:
        engine.dispose()


def test_0027_adds_the_fiat_payout(empty_url):
    added = {"payout_country", "payout_fiat", "payout_method"}
    alembic(empty_url, command.upgrade, REVISION)
    invoices, payments, deals, indexes = _shape(empty_url)
    assert added <= invoices and "deposit_held" in payments and "payment_id" in deals
    assert {"ix_deals_payment", "ux_deals_live_payment"} <= indexes
    alembic(empty_url, command.downgrade, revision_before(REVISION))
    invoices, payments, deals, indexes = _shape(empty_url)
    assert not added & invoices and "deposit_held" not in payments and "payment_id" not in deals
    assert not {"ix_deals_payment", "ux_deals_live_payment"} & indexes
    alembic(empty_url, command.upgrade, "head")
    assert added <= _shape(empty_url)[0]
