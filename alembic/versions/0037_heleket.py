"""The Heleket compatibility API (issue 15): heleket_payments, what a payment created through
/heleket/v1/payment adds to its Krypton invoice (UUID, the merchant's order_id unique per Heleket merchant,
callback / return / success URLs, the price as asked, additional_data, lifetime, the refund's withdrawal); heleket_payouts, what a
payout created through /heleket/v1/payout adds to its Krypton withdrawal (UUID, order_id, is_subtract).

Revision ID: 0037_heleket
Revises: 0036_cryptopay
Create Date: 2026-12-03 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037_heleket"
down_revision: str | None = "0036_cryptopay"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "heleket_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=128), nullable=False),
        sa.Column("amount", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=True),
        sa.Column("url_callback", sa.String(length=2000), nullable=True),
        sa.Column("url_return", sa.String(length=255), nullable=True),
        sa.Column("url_success", sa.String(length=255), nullable=True),
        sa.Column("additional_data", sa.Text(), nullable=True),
        sa.Column("lifetime", sa.Integer(), nullable=False),
        sa.Column("refund_withdrawal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"]),
        sa.ForeignKeyConstraint(["key_id"], ["api_keys.id"]),
        sa.ForeignKeyConstraint(["refund_withdrawal_id"], ["withdrawals.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("invoice_id"),
        sa.UniqueConstraint("refund_withdrawal_id"),
        sa.UniqueConstraint("uuid"),
        sa.UniqueConstraint("key_id", "order_id", name="uq_heleket_payments_key_order"),
    )
    op.create_index("ix_heleket_payments_key_created", "heleket_payments", ["key_id", "created_at"])
    op.create_table(
        "heleket_payouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("withdrawal_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=128), nullable=False),
        sa.Column("amount", sa.String(length=40), nullable=False),
        sa.Column("is_subtract", sa.Boolean(), nullable=False),
        sa.Column("url_callback", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["withdrawal_id"], ["withdrawals.id"]),
        sa.ForeignKeyConstraint(["key_id"], ["api_keys.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("withdrawal_id"),
        sa.UniqueConstraint("uuid"),
        sa.UniqueConstraint("key_id", "order_id", name="uq_heleket_payouts_key_order"),
    )
    op.create_index("ix_heleket_payouts_key_created", "heleket_payouts", ["key_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_heleket_payouts_key_created", table_name="heleket_payouts")
    op.drop_table("heleket_payouts")
    op.drop_index("ix_heleket_payments_key_created", table_name="heleket_payments")
    op.drop_table("heleket_payments")
