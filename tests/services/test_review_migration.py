"""Migration 0012 (the review queue's reason and detail, an amount that may be unknown) keeps what the
queue held, on SQLite and PostgreSQL, and goes back down without losing a row."""

from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import inspect, text

from krypton_app.db import make_engine

# The revision 0012 follows, whichever that is after merges.
BEFORE = revision_before("0012")


def _rows(url: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as c:
        columns = {column["name"] for column in inspect(c).get_columns("unmatched_deposits")}
        wanted = [name for name in ("id", "amount", "status", "reason", "detail") if name in columns]
        rows = c.execute(text(f"SELECT {', '.join(wanted)} FROM unmatched_deposits ORDER BY id")).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_0012_gives_existing_items_their_reason_and_goes_back_down(empty_url):
    alembic(empty_url, command.upgrade, BEFORE)
    engine = make_engine(empty_url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO assets (code, name, decimals) VALUES ('TON', 'Toncoin', 9)"))
        for n in (1, 2):
            c.execute(
                text(
                    "INSERT INTO chain_transactions (hash, lt, stream, outcome, applied_at)"
                    " VALUES (:hash, :n, 'ton:test', 'unmatched', CURRENT_TIMESTAMP)"
                ),
                {"hash": f"{n:064x}", "n": n},
            )
        c.execute(
            text(
                "INSERT INTO unmatched_deposits (id, chain_tx_hash, asset, amount, status, created_at)"
                " VALUES (1, :hash, 'TON', 5, 'pending', CURRENT_TIMESTAMP)"
            ),
            {"hash": f"{1:064x}"},
        )
    engine.dispose()

    alembic(empty_url, command.upgrade, "0012")
    assert _rows(empty_url) == [(1, 5, "pending", "unmatched", None)]
    engine = make_engine(empty_url)
    with engine.begin() as c:  # what only 0012 can hold: no amount, a reason, a dismissed item
        c.execute(
            text(
                "INSERT INTO unmatched_deposits (id, chain_tx_hash, asset, amount, status, reason, detail, created_at)"
                " VALUES (2, :hash, 'TON', NULL, 'dismissed', 'amount_too_large', '99999999999999999999',"
                " CURRENT_TIMESTAMP)"
            ),
            {"hash": f"{2:064x}"},
        )
    engine.dispose()

    alembic(empty_url, command.downgrade, BEFORE)
    assert _rows(empty_url) == [(1, 5, "pending"), (2, 0, "pending")]  # nothing to credit; back in the queue
    alembic(empty_url, command.upgrade, "0012")
    assert _rows(empty_url) == [(1, 5, "pending", "unmatched", None), (2, 0, "pending", "unmatched", None)]
