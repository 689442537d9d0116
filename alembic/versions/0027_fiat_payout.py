"""three-party crypto -> fiat (SPEC F10): an invoice may be paid out to its merchant in fiat
(invoices.payout_country / payout_fiat / payout_method, all three or none); each of its payments holds
the merchant's deposit (invoice_payments.deposit_held); a deal may pay a payment out in fiat
(deals.payment_id), at most one live deal per payment

Revision ID: 0027_fiat_payout
Revises: 0024_deal_purpose
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_fiat_payout"
down_revision: str | None = "0025_buy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A deal still holding its escrow (domain.deals: requested and ESCROWED); the same text is in models/market.py.
LIVE = "status IN ('requested', 'escrow_locked', 'fiat_sent', 'disputed')"


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch_op:
        batch_op.add_column(sa.Column("payout_country", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("payout_fiat", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("payout_method", sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(
            "ck_invoices_payout_all_or_none",
            "(payout_country IS NULL) = (payout_fiat IS NULL) AND (payout_fiat IS NULL) = (payout_method IS NULL)",
        )
    with op.batch_alter_table("invoice_payments") as batch_op:
        batch_op.add_column(sa.Column("deposit_held", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("deals") as batch_op:
        batch_op.add_column(sa.Column("payment_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_deals_payment_id", "invoice_payments", ["payment_id"], ["id"])
        batch_op.create_index("ix_deals_payment", ["payment_id"], unique=False)
    op.create_index(
        "ux_deals_live_payment",
        "deals",
        ["payment_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_index("ux_deals_live_payment", table_name="deals")
    with op.batch_alter_table("deals") as batch_op:
        batch_op.drop_index("ix_deals_payment")
        batch_op.drop_constraint("fk_deals_payment_id", type_="foreignkey")
        batch_op.drop_column("payment_id")
    with op.batch_alter_table("invoice_payments") as batch_op:
        batch_op.drop_column("deposit_held")
    with op.batch_alter_table("invoices") as batch_op:
        batch_op.drop_constraint("ck_invoices_payout_all_or_none", type_="check")
        batch_op.drop_column("payout_method")
        batch_op.drop_column("payout_fiat")
        batch_op.drop_column("payout_country")
