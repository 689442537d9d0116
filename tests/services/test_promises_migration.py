"""Migration 0019_promises creates the promises and promise_guesses tables (with the unique code hash)
and drops them on downgrade; on SQLite and PostgreSQL."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect

from krypton_app.db import make_engine


def _tables(url: str) -> dict[str, set[str]]:
    engine = make_engine(url)
    try:
        seen = inspect(engine)
        return {
            name: {column["name"] for column in seen.get_columns(name)}
            for name in seen.get_table_names()
            if name.startswith("promise")
        }
    finally:
        engine.dispose()


def test_0019_creates_and_drops_promise_tables(empty_url):
    alembic(empty_url, command.upgrade, "0019_promises")
    tables = _tables(empty_url)
    assert {"code_hash", "issuer_id", "pinned_user_id", "status", "idempotency_key"} <= tables["promises"]
    assert tables["promise_guesses"] == {"id", "actor", "created_at"}
    alembic(empty_url, command.downgrade, revision_before("0019_promises"))
    assert _tables(empty_url) == {}
    alembic(empty_url, command.upgrade, "head")
    assert set(_tables(empty_url)) == {"promises", "promise_guesses"}
