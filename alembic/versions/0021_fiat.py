"""deals may pay an invoice part (SPEC F10, fiat -> crypto): deals.part_id names the part a release
funds, and a partial unique index lets one part have at most one live deal at a time

Revision ID: 0021_fiat
Revises: 0020_wizard
Create Date: 2026-12-03 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_fiat"
down_revision: str | None = "0020_wizard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The statuses in which a deal still holds the trader's crypto for the part (domain.deals: requested
# and ESCROWED); the same text is in models/market.py.
LIVE = "status IN ('requested', 'escrow_locked', 'fiat_sent', 'disputed')"


def upgrade() -> None:
    with op.batch_alter_table("deals") as batch_op:
        batch_op.add_column(sa.Column("part_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_deals_part_id", "payment_parts", ["part_id"], ["id"])
        batch_op.create_index("ix_deals_part", ["part_id"], unique=False)
    op.create_index(
        "ux_deals_live_part",
        "deals",
        ["part_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_index("ux_deals_live_part", table_name="deals")
    with op.batch_alter_table("deals") as batch_op:
        batch_op.drop_index("ix_deals_part")
        batch_op.drop_constraint("fk_deals_part_id", type_="foreignkey")
        batch_op.drop_column("part_id")
