"""the invoice-payment fee (SPEC F12): each completed payment keeps the fee its merchant paid
(invoice_payments.fee, taken out of the payment: the merchant got amount - fee), and each invoice the sum
of its payments' fees (invoices.fees_collected, beside `collected`). Rows from before pay 0.

Revision ID: 0033_payment_fee
Revises: 0029_telegram
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033_payment_fee"
down_revision: str | None = "0029_telegram"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invoice_payments") as batch_op:
        batch_op.add_column(sa.Column("fee", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.create_check_constraint("ck_invoice_payments_fee", "fee >= 0 AND fee <= amount")
    with op.batch_alter_table("invoices") as batch_op:
        batch_op.add_column(sa.Column("fees_collected", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch_op:
        batch_op.drop_column("fees_collected")
    with op.batch_alter_table("invoice_payments") as batch_op:
        batch_op.drop_constraint("ck_invoice_payments_fee", type_="check")
        batch_op.drop_column("fee")
