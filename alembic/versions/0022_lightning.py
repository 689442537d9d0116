"""lightning_invoices: BOLT11 invoices a payer pays to fund a payment part from a Lightning wallet

Revision ID: 0022_lightning
Revises: 0021_fiat
Create Date: 2026-12-03 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0022_lightning"
down_revision: str | None = "0021_fiat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lightning_invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("payment_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("bolt11", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("amount_msat", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("rate", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["part_id"], ["payment_parts.id"]),
        sa.ForeignKeyConstraint(["payment_id"], ["invoice_payments.id"]),
        sa.ForeignKeyConstraint(["payer_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payment_hash"),
    )
    op.create_index("ix_lightning_invoices_part_id", "lightning_invoices", ["part_id"])
    op.create_index("ix_lightning_invoices_payment_id", "lightning_invoices", ["payment_id"])
    op.create_index("ix_lightning_invoices_payer_id", "lightning_invoices", ["payer_id"])
    op.create_index("ix_lightning_invoices_status", "lightning_invoices", ["status"])


def downgrade() -> None:
    op.drop_index("ix_lightning_invoices_status", table_name="lightning_invoices")
    op.drop_index("ix_lightning_invoices_payer_id", table_name="lightning_invoices")
    op.drop_index("ix_lightning_invoices_payment_id", table_name="lightning_invoices")
    op.drop_index("ix_lightning_invoices_part_id", table_name="lightning_invoices")
    op.drop_table("lightning_invoices")
