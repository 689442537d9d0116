"""ledger_post_keys(), a PostgreSQL function: a use case's one-leg posting named by account keys, with
its wake-up, in one round trip (issue 16).

services/ledger.py `transfer`, `hold`, `release` and `capture_held` call it on PostgreSQL: it finds the
two accounts by key, posts through ledger_post() (migration 0038) and, when that wrote the posting,
sends the transaction's wake-up (wakeups.py) with it, so the use case makes no lookup and no NOTIFY of
its own. It answers the transaction's id, the source account's and the destination's, or NULL when
an account does not exist yet or ledger_post() refused (it then wrote nothing): the use case then
finds or creates the accounts and posts step by step, as before. SQLite has no such function.

Revision ID: 0039_ledger_post_keys
Revises: 0038_ledger_post_function
Create Date: 2026-12-03 23:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0039_ledger_post_keys"
down_revision: str | None = "0038_ledger_post_function"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Two distinct accounts of p_asset; p_amount goes from the first to the second.
LEDGER_POST_KEYS = """
CREATE FUNCTION ledger_post_keys(
    p_key text, p_kind text, p_memo text, p_request_hash text, p_created_at timestamptz,
    p_source text, p_destination text, p_asset text, p_amount bigint, p_channel text, p_payload text
) RETURNS integer[] LANGUAGE plpgsql AS $$
DECLARE
    source_id integer;
    destination_id integer;
    new_id integer;
BEGIN
    SELECT id INTO source_id FROM ledger_accounts WHERE key = p_source;
    SELECT id INTO destination_id FROM ledger_accounts WHERE key = p_destination;
    IF source_id IS NULL OR destination_id IS NULL THEN
        RETURN NULL;
    END IF;
    -- ledger_post() takes the postings in ascending account id; it locks the accounts, checks their
    -- assets against p_asset, and writes or refuses.
    IF source_id < destination_id THEN
        new_id := ledger_post(p_key, p_kind, p_memo, p_request_hash, p_created_at,
            ARRAY[source_id, destination_id], ARRAY[p_asset, p_asset], ARRAY[-p_amount, p_amount]);
    ELSE
        new_id := ledger_post(p_key, p_kind, p_memo, p_request_hash, p_created_at,
            ARRAY[destination_id, source_id], ARRAY[p_asset, p_asset], ARRAY[p_amount, -p_amount]);
    END IF;
    IF new_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF p_payload IS NOT NULL THEN
        PERFORM pg_notify(p_channel, p_payload);
    END IF;
    RETURN ARRAY[new_id, source_id, destination_id];
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(LEDGER_POST_KEYS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP FUNCTION ledger_post_keys(text, text, text, text, timestamptz, text, text, text, bigint, text, text)"
        )
