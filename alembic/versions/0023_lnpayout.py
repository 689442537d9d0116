"""payouts: a Lightning payout paid by the platform's node (claimed_at, routing_fee_msat)

Revision ID: 0023_lnpayout
Revises: 0022_lightning
Create Date: 2026-12-03 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_lnpayout"
down_revision: str | None = "0022_lightning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("routing_fee_msat", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.drop_column("routing_fee_msat")
        batch_op.drop_column("claimed_at")
