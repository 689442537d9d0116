"""fee_sweeps and sweep_settings: the threshold sweep of the fee account to the owner's wallet (SPEC F12)

Revision ID: 0030_fee_sweeps
Revises: 0032_fee_rules
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_fee_sweeps"
down_revision: str | None = "0032_fee_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fee_sweeps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("destination", sa.String(length=80), nullable=False),
        sa.Column("destination_friendly", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("forced_by", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("seqno", sa.Integer(), nullable=True),
        sa.Column("valid_until", sa.BigInteger(), nullable=True),
        sa.Column("message_hash", sa.String(length=64), nullable=True),
        sa.Column("chain_tx_hash", sa.String(length=64), nullable=True),
        sa.Column("failure", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asset"], ["assets.code"]),
        sa.ForeignKeyConstraint(["forced_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fee_sweeps_asset", "fee_sweeps", ["asset"])
    op.create_index("ix_fee_sweeps_status", "fee_sweeps", ["status"])
    op.create_index("ix_fee_sweeps_message_hash", "fee_sweeps", ["message_hash"])
    op.create_table(
        "sweep_settings",
        sa.Column("asset", sa.String(length=8), nullable=False),
        sa.Column("threshold", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asset"], ["assets.code"]),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("asset"),
    )


def downgrade() -> None:
    op.drop_table("sweep_settings")
    op.drop_index("ix_fee_sweeps_message_hash", table_name="fee_sweeps")
    op.drop_index("ix_fee_sweeps_status", table_name="fee_sweeps")
    op.drop_index("ix_fee_sweeps_asset", table_name="fee_sweeps")
    op.drop_table("fee_sweeps")
