"""deals may sell a promise for fiat (SPEC F6): deals.promise_id names the promise a promise-sale deal
holds as its escrow, and a partial unique index lets one promise be in at most one live deal

Revision ID: 0026_promise_sale
Revises: 0024_deal_purpose
Create Date: 2026-12-03 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_promise_sale"
down_revision: str | None = "0024_deal_purpose"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The statuses in which a deal still holds its escrow (domain.deals: requested and ESCROWED); the same
# text is in models/market.py.
LIVE = "status IN ('requested', 'escrow_locked', 'fiat_sent', 'disputed')"


def upgrade() -> None:
    with op.batch_alter_table("deals") as batch_op:
        batch_op.add_column(sa.Column("promise_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_deals_promise_id", "promises", ["promise_id"], ["id"])
    op.create_index(
        "ux_deals_live_promise",
        "deals",
        ["promise_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_index("ux_deals_live_promise", table_name="deals")
    with op.batch_alter_table("deals") as batch_op:
        batch_op.drop_constraint("fk_deals_promise_id", type_="foreignkey")
        batch_op.drop_column("promise_id")
