"""ledger_post(), a PostgreSQL function: one ledger posting in one round trip (issue 16).

services/ledger.py `post` calls it on PostgreSQL. Under the same locks, in the same order, it makes the
checks the Python path makes (every account there and of the posting's asset, no balance beyond a
BIGINT or below zero unless it may go negative, no payer blocked; the idempotency key not taken) and, if
all pass, writes the same rows: the ledger transaction, its postings, the balances. If one fails it
writes nothing and returns NULL, and `post` takes the Python path, which finds the same rows under the
locks now held and raises the error or replays the first transaction. SQLite has no such function.

Revision ID: 0038_ledger_post_function
Revises: 0037_heleket
Create Date: 2026-12-03 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0038_ledger_post_function"
down_revision: str | None = "0037_heleket"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The postings come as three arrays of one length, in ascending account id (domain/ledger.py
# postings_for): account id, asset, signed amount. Every statement finds its rows by primary key.
LEDGER_POST = """
CREATE FUNCTION ledger_post(
    p_key text, p_kind text, p_memo text, p_request_hash text, p_created_at timestamptz,
    p_accounts integer[], p_assets text[], p_amounts bigint[]
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    account record;
    n integer := 0;
    balance_after numeric;  -- numeric: a balance beyond a BIGINT is a refusal here, not an error
    refused boolean := false;
    payers integer[] := '{}';
    new_id integer;
BEGIN
    -- The locked rows come in the arrays' order; one missing shifts the rest, a refusal too.
    FOR account IN
        SELECT id, asset, balance, may_go_negative, user_id, kind FROM ledger_accounts
        WHERE id = ANY(p_accounts) ORDER BY id FOR UPDATE
    LOOP
        n := n + 1;
        balance_after := account.balance::numeric + p_amounts[n];
        IF account.id <> p_accounts[n] OR account.asset <> p_assets[n]
            OR balance_after NOT BETWEEN -9223372036854775808 AND 9223372036854775807
            OR (balance_after < 0 AND NOT account.may_go_negative)
        THEN
            refused := true;
        END IF;
        IF p_amounts[n] < 0 AND account.kind = 'available' AND account.user_id IS NOT NULL THEN
            payers := payers || account.user_id;
        END IF;
    END LOOP;
    IF refused OR n <> cardinality(p_accounts) THEN
        RETURN NULL;
    END IF;

    -- Share-locked, so that a block committing meanwhile is waited for (services/users.py blocked_among).
    IF EXISTS (
        SELECT 1 FROM (SELECT blocked_at FROM users WHERE id = ANY(payers) ORDER BY id FOR SHARE) AS payer
        WHERE payer.blocked_at IS NOT NULL
    ) THEN
        RETURN NULL;
    END IF;

    INSERT INTO ledger_transactions (idempotency_key, kind, memo, request_hash, created_at)
    VALUES (p_key, p_kind, p_memo, p_request_hash, p_created_at)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id INTO new_id;
    IF new_id IS NULL THEN
        RETURN NULL;
    END IF;

    INSERT INTO ledger_postings (transaction_id, account_id, asset, amount)
    SELECT new_id, line.id, line.asset, line.amount
    FROM unnest(p_accounts, p_assets, p_amounts) WITH ORDINALITY AS line(id, asset, amount, i)
    ORDER BY line.i;
    FOR i IN 1 .. cardinality(p_accounts) LOOP
        UPDATE ledger_accounts SET balance = balance + p_amounts[i] WHERE id = p_accounts[i];
    END LOOP;
    RETURN new_id;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(LEDGER_POST)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION ledger_post(text, text, text, text, timestamptz, integer[], text[], bigint[])")
