"""The Crypto Pay compatibility API (issue 15): cryptopay_invoices, one row per invoice made through it,
with the app (api_keys row) that made it and the Crypto Pay fields Krypton's invoice has no column for;
cryptopay_checks (a check is a promise; its code sealed, to give its link again); cryptopay_transfers
(one per app and spend_id: the unique constraint makes a repeat find the first).

Revision ID: 0036_cryptopay
Revises: 0035_compat_foundation
Create Date: 2026-12-03 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036_cryptopay"
down_revision: str | None = "0035_compat_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cryptopay_invoices",
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoices.id"), primary_key=True),
        sa.Column("key_id", sa.Integer(), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("currency_type", sa.String(length=8), nullable=False),
        sa.Column("accepted_assets", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("hidden_message", sa.Text(), nullable=True),
        sa.Column("paid_btn_name", sa.String(length=16), nullable=True),
        sa.Column("paid_btn_url", sa.String(length=2000), nullable=True),
        sa.Column("allow_comments", sa.Boolean(), nullable=False),
        sa.Column("allow_anonymous", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_cryptopay_invoices_key", "cryptopay_invoices", ["key_id", "invoice_id"])
    op.create_table(
        "cryptopay_checks",
        sa.Column("promise_id", sa.Integer(), sa.ForeignKey("promises.id"), primary_key=True),
        sa.Column("key_id", sa.Integer(), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("code_sealed", sa.Text(), nullable=False),
    )
    op.create_index("ix_cryptopay_checks_key", "cryptopay_checks", ["key_id", "promise_id"])
    op.create_table(
        "cryptopay_transfers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key_id", sa.Integer(), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("spend_id", sa.String(length=64), nullable=False),
        sa.Column("recipient_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("asset", sa.String(length=8), sa.ForeignKey("assets.code"), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("comment", sa.String(length=1024), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("key_id", "spend_id", name="uq_cryptopay_transfers_spend"),
    )


def downgrade() -> None:
    op.drop_table("cryptopay_transfers")
    op.drop_index("ix_cryptopay_checks_key", table_name="cryptopay_checks")
    op.drop_table("cryptopay_checks")
    op.drop_index("ix_cryptopay_invoices_key", table_name="cryptopay_invoices")
    op.drop_table("cryptopay_invoices")
