"""deals.fee and deals.fee_payer (SPEC F12): the deal's fee and who pays it (maker | taker), fixed when
the deal opens, so a fee rule changed while the deal runs changes nothing for it; deals opened before
this migration have no fee

Revision ID: 0034_deal_fee
Revises: 0033_payment_fee
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034_deal_fee"
down_revision: str | None = "0033_payment_fee"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deals") as batch_op:
        batch_op.add_column(sa.Column("fee", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("fee_payer", sa.String(length=10), nullable=False, server_default="maker"))


def downgrade() -> None:
    with op.batch_alter_table("deals") as batch_op:
        batch_op.drop_column("fee_payer")
        batch_op.drop_column("fee")
