"""a fiat-priced payment's rate is a quote with a lifetime; each part keeps its share of the fiat price

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Payments started before have no quote: the next part funded re-quotes them (payments.py).
    op.add_column("invoice_payments", sa.Column("quote_expires_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("payment_parts", sa.Column("fiat_amount", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payment_parts") as batch:
        batch.drop_column("fiat_amount")
    with op.batch_alter_table("invoice_payments") as batch:
        batch.drop_column("quote_expires_at")
