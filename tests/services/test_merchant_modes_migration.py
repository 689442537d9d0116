"""Migration 0008 keeps every merchant's webhook secret as the live one and puts order_id and API
idempotency keys per (merchant, mode); downgrading works on data that uses both modes. SQLite and PostgreSQL."""

import pytest
from alembic import command
from migrations import alembic
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from krypton_app.db import make_engine

INVOICE = (
    "INSERT INTO invoices (number, merchant_id, kind, title, description, asset, max_parts, order_id, "
    "allowed_origins, is_test, status, payments_count, collected, created_at) VALUES "
    "(:number, 7, 'fixed', 'VPN', '', 'TON', 1, :order_id, '', :is_test, 'open', 0, 0, CURRENT_TIMESTAMP)"
)
IDEMPOTENCY = (
    "INSERT INTO api_idempotency (user_id, is_test, key, request_hash, status_code, response_body, created_at) "
    "VALUES (7, :is_test, 'k1', 'h', 201, '{}', CURRENT_TIMESTAMP)"
)


def test_0008_keeps_the_secret_as_the_live_one_and_splits_orders_and_keys_by_mode(empty_url):
    alembic(empty_url, command.upgrade, "0007")
    engine = make_engine(empty_url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO assets (code, name, decimals) VALUES ('TON', 'Toncoin', 9)"))
        c.execute(
            text(
                "INSERT INTO users (id, wallet_address, display_name, language, is_operator, created_at) VALUES "
                "(7, '0:seven', '', 'en', false, CURRENT_TIMESTAMP)"
            )
        )
        c.execute(
            text(
                "INSERT INTO webhook_secrets (user_id, secret_encrypted, created_at) "
                "VALUES (7, 'sealed', CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()

    alembic(empty_url, command.upgrade, "0008")
    engine = make_engine(empty_url)
    with engine.begin() as c:
        assert c.execute(text("SELECT user_id, is_test, secret_encrypted FROM webhook_secrets")).all() == [
            (7, False, "sealed")
        ]
        c.execute(
            text(
                "INSERT INTO webhook_secrets (user_id, is_test, secret_encrypted, created_at) "
                "VALUES (7, true, 'sealed-test', CURRENT_TIMESTAMP)"
            )
        )
        c.execute(text(INVOICE), {"number": "LIVE2345", "order_id": "o-1", "is_test": False})
        c.execute(text(INVOICE), {"number": "TEST2345", "order_id": "o-1", "is_test": True})
        c.execute(text(IDEMPOTENCY), {"is_test": False})
        c.execute(text(IDEMPOTENCY), {"is_test": True})
    for statement, params in (
        (INVOICE, {"number": "TWIN2345", "order_id": "o-1", "is_test": True}),
        (IDEMPOTENCY, {"is_test": True}),
    ):
        with pytest.raises(IntegrityError), engine.begin() as c:  # still unique within a mode
            c.execute(text(statement), params)
    engine.dispose()

    alembic(empty_url, command.downgrade, "0007")  # the test rows that clash give way to the live ones
    engine = make_engine(empty_url)
    with engine.begin() as c:
        assert c.execute(text("SELECT user_id, secret_encrypted FROM webhook_secrets")).all() == [(7, "sealed")]
        orders = c.execute(text("SELECT number, order_id FROM invoices ORDER BY number")).all()
        assert orders == [("LIVE2345", "o-1"), ("TEST2345", None)]
        assert c.execute(text("SELECT count(*) FROM api_idempotency")).scalar_one() == 1
    engine.dispose()
    alembic(empty_url, command.upgrade, "head")
