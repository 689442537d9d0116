"""Migration 0031_user_blocks adds the users' block columns and the disputes' reason, and takes them away
again on downgrade, with rows in the tables (no copy of `users`, which every table references); on SQLite
and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect, text

from krypton_app.db import make_engine

REVISION = "0031_user_blocks"
ADDED = {"blocked_at", "blocked_reason", "blocked_by"}


def _shape(url: str) -> tuple[set[str], set[str]]:
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        return {c["name"] for c in inspector.get_columns("users")}, {
            c["name"] for c in inspector.get_columns("disputes")
        }
    finally:
        engine.dispose()


def _add_user(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO users (wallet_address, display_name, language, is_demo, created_at) "
                    "VALUES ('0:" + "ab" * 32 + "', '', 'en', false, CURRENT_TIMESTAMP)"
                )
            )
            c.execute(
                text(
                    "INSERT INTO email_codes (user_id, email, code_hash, attempts, created_at, expires_at) "
                    "SELECT id, 'a@b.c', 'x', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM users"
                )
            )
    finally:
        engine.dispose()


def test_0031_adds_the_block_columns(empty_url):
    alembic(empty_url, command.upgrade, revision_before(REVISION))
    _add_user(empty_url)  # a row that references users: a table copy would break on it
    alembic(empty_url, command.upgrade, REVISION)
    users, disputes = _shape(empty_url)
    assert users >= ADDED and "reason" in disputes
    alembic(empty_url, command.downgrade, revision_before(REVISION))
    users, disputes = _shape(empty_url)
    assert not ADDED & users and "reason" not in disputes
    alembic(empty_url, command.upgrade, "head")
    assert _shape(empty_url)[0] >= ADDED
