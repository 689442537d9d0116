"""Migration 0029_telegram makes users.wallet_address nullable and adds telegram_id (unique),
telegram_username and phone_verified, with existing users and the rows that reference them kept (SQLite
copies the parent table to drop NOT NULL); downgrade refuses while a user has no wallet. SQLite and
PostgreSQL."""

import pytest
from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from krypton_app.db import make_engine

REVISION = "0029_telegram"
WALLET = "0:" + "ab" * 32


def _users_columns(url: str) -> dict[str, bool]:
    engine = make_engine(url)
    try:
        return {c["name"]: c["nullable"] for c in inspect(engine).get_columns("users")}
    finally:
        engine.dispose()


def _run(url: str, *statements: str) -> list:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            results = [conn.execute(text(sql)) for sql in statements]
            return [results[-1].all()] if statements[-1].startswith("SELECT") else []
    finally:
        engine.dispose()


def test_0029_telegram_users(empty_url):
    alembic(empty_url, command.upgrade, revision_before(REVISION))
    _run(
        empty_url,
        "INSERT INTO users (wallet_address, display_name, language, is_demo, created_at) "
        f"VALUES ('{WALLET}', 'Ann', 'en', false, CURRENT_TIMESTAMP)",
        "INSERT INTO user_sessions (token_hash, user_id, created_at, last_seen_at) "
        "VALUES ('h', (SELECT id FROM users), CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    )
    alembic(empty_url, command.upgrade, REVISION)
    columns = _users_columns(empty_url)
    assert columns["wallet_address"] is True
    assert {"telegram_id", "telegram_username", "phone_verified"} <= set(columns)
    # The wallet user and their session survived the copy.
    assert _run(empty_url, "SELECT u.display_name FROM users u JOIN user_sessions s ON s.user_id = u.id") == [
        [("Ann",)]
    ]
    _run(
        empty_url,
        "INSERT INTO users (telegram_id, display_name, language, is_demo, phone_verified, created_at) "
        "VALUES (5000000001, 'Tg', 'en', false, false, CURRENT_TIMESTAMP)",
    )
    with pytest.raises(IntegrityError):
        _run(
            empty_url,
            "INSERT INTO users (telegram_id, display_name, language, is_demo, phone_verified, created_at) "
            "VALUES (5000000001, 'Twin', 'en', false, false, CURRENT_TIMESTAMP)",
        )
    with pytest.raises(RuntimeError, match="no wallet"):
        alembic(empty_url, command.downgrade, revision_before(REVISION))
    _run(empty_url, "DELETE FROM users WHERE wallet_address IS NULL")
    alembic(empty_url, command.downgrade, revision_before(REVISION))
    columns = _users_columns(empty_url)
    assert columns["wallet_address"] is False and "telegram_id" not in columns
    assert _run(empty_url, "SELECT count(*) FROM user_sessions") == [[(1,)]]
    alembic(empty_url, command.upgrade, "head")
