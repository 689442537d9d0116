"""Migration 0009 on SQLite and PostgreSQL: existing emails become pending (unproven), private invoices an email
or phone bound and nobody paid lose that binding, usernames equal but for case keep only the earliest claim,
and the unique index on lower(username) holds afterwards. The downgrade gives pending emails back."""

import pytest
from alembic import command
from migrations import alembic, revision_before
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from krypton_app.db import make_engine

USERS = [
    # id, created_at, username, email
    (1, "2026-01-02 10:00:00", "Alice", "ann@example.com"),
    (2, "2026-01-01 10:00:00", "alice", None),  # the earliest claim of "alice": keeps it
    (3, "2026-01-01 10:00:00", "ALICE", "ANN2@example.com"),  # same moment, later id: cleared
    (4, "2026-01-03 10:00:00", "Bob", None),  # alone: stored lower-case
    (5, "2026-01-03 10:00:00", None, "eve@example.com"),
    (6, "2026-01-04 10:00:00", "carol", None),  # the merchant
]
INVOICES = [
    # id, payer_contact, payer_user_id, payments_count
    (1, "ann@example.com", 1, 0),  # by email, unpaid: unbound
    (2, "+79990001122", 4, 0),  # by phone, unpaid: unbound
    (3, "79990001122", 4, 0),  # by phone without the plus: unbound
    (4, "@alice", 2, 0),  # by username: kept
    (5, "alice", 2, 0),  # by username without @: kept
    (6, "eve@example.com", 5, 1),  # paid already: kept (the history stays whole)
]


def test_0009_moves_emails_to_pending_unbinds_invoices_and_dedupes_usernames(empty_url):
    before = revision_before("0009")
    alembic(empty_url, command.upgrade, before)
    engine = make_engine(empty_url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO assets (code, name, decimals) VALUES ('TON', 'Toncoin', 9)"))
        for user_id, created, username, email in USERS:
            c.execute(
                text(
                    "INSERT INTO users (id, wallet_address, display_name, username, email, language, is_operator,"
                    " created_at) VALUES (:id, :wallet, '', :username, :email, 'en', false, :created)"
                ),
                {
                    "id": user_id,
                    "wallet": f"0:{user_id:064x}",
                    "username": username,
                    "email": email,
                    "created": created,
                },
            )
        for invoice_id, contact, payer, paid in INVOICES:
            c.execute(
                text(
                    "INSERT INTO invoices (id, number, merchant_id, kind, title, description, asset, amount, max_parts,"
                    " payer_contact, payer_user_id, is_test, status, payments_count, created_at) VALUES (:id, :number,"
                    " 6, 'private', 'Rent', '', 'TON', 1000, 1, :contact, :payer, false, 'open', :paid,"
                    " CURRENT_TIMESTAMP)"
                ),
                {"id": invoice_id, "number": f"N{invoice_id:07d}", "contact": contact, "payer": payer, "paid": paid},
            )
        c.execute(
            text(
                "INSERT INTO invoices (id, number, merchant_id, kind, title, description, asset, amount, max_parts,"
                " is_test, status, payments_count, created_at) VALUES (7, 'N0000007', 6, 'fixed', 'Box', '', 'TON',"
                " 1000, 1, false, 'open', 0, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()

    alembic(empty_url, command.upgrade, "0009")
    engine = make_engine(empty_url)
    with engine.begin() as c:
        users = {row.id: row for row in c.execute(text("SELECT * FROM users ORDER BY id"))}
        bindings = dict(c.execute(text("SELECT id, payer_user_id FROM invoices ORDER BY id")).all())
        assert c.execute(text("SELECT count(*) FROM email_codes")).scalar_one() == 0
    assert {i: (u.username, u.email, u.pending_email) for i, u in users.items()} == {
        1: (None, None, "ann@example.com"),
        2: ("alice", None, None),
        3: (None, None, "ANN2@example.com"),
        4: ("bob", None, None),
        5: (None, None, "eve@example.com"),
        6: ("carol", None, None),
    }
    assert bindings == {1: None, 2: None, 3: None, 4: 2, 5: 2, 6: 5, 7: None}
    with pytest.raises(IntegrityError), engine.begin() as c:
        c.execute(text("UPDATE users SET username = 'Carol' WHERE id = 4"))
    # A second unproven copy of an address is allowed now; downgrading gives the address to the first only.
    with engine.begin() as c:
        c.execute(text("UPDATE users SET pending_email = 'eve@example.com' WHERE id = 6"))
    engine.dispose()

    alembic(empty_url, command.downgrade, before)
    engine = make_engine(empty_url)
    with engine.connect() as c:
        emails = dict(c.execute(text("SELECT id, email FROM users ORDER BY id")).all())
    engine.dispose()
    assert emails == {1: "ann@example.com", 2: None, 3: "ANN2@example.com", 4: None, 5: "eve@example.com", 6: None}
    alembic(empty_url, command.upgrade, "head")
