"""Migration 0018_chat lets a chat message belong to a payment instead of a deal (exactly one of the
two), adds payment_chats, and takes both away again on downgrade; on SQLite and PostgreSQL."""

import pytest
from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect, text

from krypton_app.db import make_engine


def _shape(url: str) -> tuple[set[str], set[str], bool]:
    engine = make_engine(url)
    try:
        found = inspect(engine)
        columns = {c["name"]: c for c in found.get_columns("chat_messages")}
        return set(columns), set(found.get_table_names()), columns["deal_id"]["nullable"]
    finally:
        engine.dispose()


def test_0018_adds_payment_chats_and_back(empty_url):
    alembic(empty_url, command.upgrade, "0018_chat")
    columns, tables, deal_nullable = _shape(empty_url)
    assert "payment_id" in columns and "payment_chats" in tables and deal_nullable
    engine = make_engine(empty_url)
    try:
        with pytest.raises(Exception), engine.begin() as c:  # noqa: B017 (each database names it its own way)
            c.execute(
                text("INSERT INTO chat_messages (kind, body, created_at) VALUES ('text', 'x', CURRENT_TIMESTAMP)")
            )
    finally:
        engine.dispose()
    alembic(empty_url, command.downgrade, revision_before("0018_chat"))
    columns, tables, deal_nullable = _shape(empty_url)
    assert "payment_id" not in columns and "payment_chats" not in tables and not deal_nullable
    alembic(empty_url, command.upgrade, "head")
    assert "payment_id" in _shape(empty_url)[0]
