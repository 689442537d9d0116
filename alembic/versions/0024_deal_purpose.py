"""deals: what a deal is for (purpose: plain | part | buy | promise_sale | fiat_payout)

Revision ID: 0024_deal_purpose
Revises: 0023_lnpayout
Create Date: 2026-12-03 07:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_deal_purpose"
down_revision: str | None = "0023_lnpayout"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=16), nullable=False, server_default="plain"))
    # Deals that pay an invoice part existed before the column (0021_fiat).
    op.execute("UPDATE deals SET purpose = 'part' WHERE part_id IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_column("purpose")
