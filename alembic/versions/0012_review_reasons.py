"""the operator's review queue says why a chain transaction waits there: a reason and a detail, and an
amount that may be unknown (a notification without one, or more than BIGINT holds)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unmatched_deposits", schema=None) as batch_op:
        # Every row so far is a deposit whose memo matched nobody.
        batch_op.add_column(
            sa.Column(
                "reason",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default="unmatched",
            )
        )
        batch_op.add_column(sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.alter_column("amount", existing_type=sa.BigInteger(), nullable=True)


def downgrade() -> None:
    # An item without an amount becomes 0 (nothing to credit), and a dismissed one pending again: the
    # old code knows neither.
    op.execute("UPDATE unmatched_deposits SET amount = 0 WHERE amount IS NULL")
    op.execute("UPDATE unmatched_deposits SET status = 'pending' WHERE status = 'dismissed'")
    with op.batch_alter_table("unmatched_deposits", schema=None) as batch_op:
        batch_op.alter_column("amount", existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column("detail")
        batch_op.drop_column("reason")
