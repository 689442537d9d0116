"""fee_rules: the fee schedule operators set (SPEC F12); an operation without a row uses the settings'
starting value

Revision ID: 0032_fee_rules
Revises: 0028_operator_audit
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032_fee_rules"
down_revision: str | None = "0028_operator_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fee_rules",
        sa.Column("operation", sa.String(length=20), nullable=False),
        sa.Column("asset", sa.String(length=8), nullable=False),
        sa.Column("ppm", sa.Integer(), nullable=False),
        sa.Column("flat", sa.BigInteger(), nullable=False),
        sa.Column("minimum", sa.BigInteger(), nullable=False),
        sa.Column("payer", sa.String(length=10), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asset"], ["assets.code"]),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("operation", "asset"),
        sa.CheckConstraint("ppm >= 0 AND ppm <= 500000 AND flat >= 0 AND minimum >= 0", name="ck_fee_rules_range"),
    )


def downgrade() -> None:
    op.drop_table("fee_rules")
