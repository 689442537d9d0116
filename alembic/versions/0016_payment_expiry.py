"""unfinished payments expire: the housekeeping step looks up pending payments by when they started,
every round, so it gets an index instead of scanning every payment ever made

Revision ID: 0016_payment_expiry
Revises: 0012
Create Date: 2026-12-02 18:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016_payment_expiry"
down_revision: str | None = "0014_deal_paid_window"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_invoice_payments_status_created", "invoice_payments", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_invoice_payments_status_created", table_name="invoice_payments")
