"""deal_destinations: where a buy deal's crypto goes on release (balance | bitcoin | lightning | promise)

Revision ID: 0025_buy
Revises: 0024_deal_purpose
Create Date: 2026-12-03 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_buy"
down_revision: str | None = "0026_promise_sale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deal_destinations",
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deals.id"), primary_key=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False, server_default=""),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("payout_amount", sa.BigInteger(), nullable=True),
        sa.Column("payout_id", sa.Integer(), sa.ForeignKey("payouts.id"), nullable=True),
        sa.Column("promise_id", sa.Integer(), sa.ForeignKey("promises.id"), nullable=True),
        sa.Column("code_sealed", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("deal_destinations")
