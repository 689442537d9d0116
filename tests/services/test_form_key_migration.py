"""Migration 0013_form_keys (a form's key on invoices) keeps the invoices there were, makes a key
unique per merchant, and goes back down without losing a row; SQLite and PostgreSQL."""

import pytest
from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from krypton_app.db import make_engine

BEFORE = revision_before("0013_form_keys")
INSERT = (
    "INSERT INTO invoices (id, number, merchant_id, kind, title, description, asset, max_parts, is_test,"
    " status, payments_count, collected, allowed_origins, created_at{key_column})"
    " VALUES (:id, :number, 1, 'fixed', 'VPN', '', 'TON', 1, false, 'open', 0, 0, '', CURRENT_TIMESTAMP{key_value})"
)


def _insert(url: str, invoice_id: int, key: str | None = None) -> None:
    engine = make_engine(url)
    keyed = {"key_column": ", idempotency_key", "key_value": ", :key"} if key else {"key_column": "", "key_value": ""}
    try:
        with engine.begin() as c:
            c.execute(text(INSERT.format(**keyed)), {"id": invoice_id, "number": f"N{invoice_id:07d}", "key": key})
    finally:
        engine.dispose()


def _ids(url: str) -> list[int]:
    engine = make_engine(url)
    with engine.connect() as c:
        ids = list(c.execute(text("SELECT id FROM invoices ORDER BY id")).scalars())
    engine.dispose()
    return ids


def test_0013_adds_a_per_merchant_form_key_and_goes_back_down(empty_url):
    alembic(empty_url, command.upgrade, BEFORE)
    engine = make_engine(empty_url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO assets (code, name, decimals) VALUES ('TON', 'Toncoin', 9)"))
        c.execute(
            text(
                "INSERT INTO users (id, wallet_address, display_name, language, created_at)"
                " VALUES (1, 'EQ1', 'Shop', 'en', CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    _insert(empty_url, 1)

    alembic(empty_url, command.upgrade, "0013_form_keys")
    _insert(empty_url, 2, key="form-1")
    _insert(empty_url, 3)  # invoices without a key (the API's, the old ones) never collide
    with pytest.raises(IntegrityError):
        _insert(empty_url, 4, key="form-1")
    assert _ids(empty_url) == [1, 2, 3]

    alembic(empty_url, command.downgrade, BEFORE)
    assert _ids(empty_url) == [1, 2, 3]
    alembic(empty_url, command.upgrade, "0013_form_keys")
    assert _ids(empty_url) == [1, 2, 3]
