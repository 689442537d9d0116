"""a form's key on invoices: the "New invoice" form passes the key it was shown with, and a double
submit finds the first invoice instead of making a second one

Revision ID: 0013_form_keys
Revises: 0012
Create Date: 2026-12-02 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013_form_keys"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        # Existing invoices have no key (NULLs never collide in a unique constraint).
        batch_op.add_column(sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_invoices_merchant_key", ["merchant_id", "idempotency_key"])


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_constraint("uq_invoices_merchant_key", type_="unique")
        batch_op.drop_column("idempotency_key")
