"""Migration 0010 on a database with users (and rows pointing at them), on SQLite and PostgreSQL: the
session tables appear, the stored operator flag goes (the settings decide now), and it all reverses."""

from alembic import command
from migrations import alembic
from sqlalchemy import inspect, text

from krypton_app.db import make_engine


def columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_0010_adds_sessions_and_drops_the_stored_operator_flag(empty_url):
    alembic(empty_url, command.upgrade, "0007")
    engine = make_engine(empty_url)
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO users (id, wallet_address, display_name, language, is_operator, created_at) VALUES "
                "(7, '0:seven', 'Op', 'en', true, CURRENT_TIMESTAMP),"
                " (8, '0:eight', '', 'ru', false, CURRENT_TIMESTAMP)"
            )
        )
        # A row that points at a user: the column drop must not rebuild (and so re-check) the users table.
        c.execute(
            text(
                "INSERT INTO api_keys (user_id, name, prefix, key_hash, scopes, is_test, created_at) VALUES "
                "(7, 'k', 'kr_live_abc', 'h', 'invoices:read', false, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()

    alembic(empty_url, command.upgrade, "0010")
    assert {"user_sessions", "login_tokens"} <= tables(empty_url)
    assert "is_operator" not in columns(empty_url, "users") and "is_demo" in columns(empty_url, "users")
    engine = make_engine(empty_url)
    with engine.connect() as c:
        rows = c.execute(text("SELECT id, display_name, language, is_demo FROM users ORDER BY id")).all()
        assert c.execute(text("SELECT user_id FROM api_keys")).scalar_one() == 7
    engine.dispose()
    assert [tuple(r) for r in rows] == [(7, "Op", "en", False), (8, "", "ru", False)]

    alembic(empty_url, command.downgrade, "-1")
    assert not {"user_sessions", "login_tokens"} & tables(empty_url)
    assert "is_operator" in columns(empty_url, "users") and "is_demo" not in columns(empty_url, "users")
    alembic(empty_url, command.upgrade, "head")
