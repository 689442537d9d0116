"""ledger: the database refuses negative balances and empty postings

The ledger service already checks both under row locks; these constraints make a bug or a hand-written
UPDATE fail loudly instead of corrupting money.

On SQLite batch mode rebuilds ledger_accounts (copy, drop, rename), which foreign keys allow only while
no posting points at it. That holds on upgrade: postings are first written by the ledger service that
ships with this revision. A downgrade of a SQLite database with postings fails and changes nothing.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_accounts") as batch_op:
        batch_op.create_check_constraint(
            "ck_ledger_accounts_balance_not_negative", "may_go_negative OR balance >= 0"
        )
    with op.batch_alter_table("ledger_postings") as batch_op:
        batch_op.create_check_constraint("ck_ledger_postings_amount_not_zero", "amount <> 0")


def downgrade() -> None:
    with op.batch_alter_table("ledger_postings") as batch_op:
        batch_op.drop_constraint("ck_ledger_postings_amount_not_zero", type_="check")
    with op.batch_alter_table("ledger_accounts") as batch_op:
        batch_op.drop_constraint("ck_ledger_accounts_balance_not_negative", type_="check")
