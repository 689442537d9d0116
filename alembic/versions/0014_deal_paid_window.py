"""a deal keeps its original payment deadline (undoing "I have paid" returns to it instead of starting the
window again) and when a side may first open a dispute after "I have paid"

Revision ID: 0014_deal_paid_window
Revises: 0012
Create Date: 2026-12-02 18:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0014_deal_paid_window"
# The head when this was written; the lead re-links it after 0013_form_keys at merge.
down_revision: str | None = "0013_form_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_deals = sa.table(
    "deals",
    sa.column("id", sa.Integer),
    sa.column("ad_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("payment_deadline_at", sa.DateTime(timezone=True)),
)
_ads = sa.table("ads", sa.column("id", sa.Integer), sa.column("payment_window_min", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_deadline_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("dispute_opens_at", sa.DateTime(timezone=True), nullable=True))
    # A deal's original payment deadline: opened plus its ad's payment window (the window an edit of the
    # ad may have changed since is the best we know). Computed here, not in SQL: interval arithmetic
    # differs between SQLite and PostgreSQL. Deals already marked paid may be disputed at once, as before.
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_deals.c.id, _deals.c.created_at, _ads.c.payment_window_min).join(_ads, _ads.c.id == _deals.c.ad_id)
    ).all()
    for deal_id, created_at, window in rows:
        # SQLite may hand back the text it stored (a row written outside SQLAlchemy); UTC either way.
        opened = datetime.fromisoformat(created_at) if isinstance(created_at, str) else created_at
        opened = opened if opened.tzinfo else opened.replace(tzinfo=UTC)
        deadline = opened + timedelta(minutes=window)
        bind.execute(sa.update(_deals).where(_deals.c.id == deal_id).values(payment_deadline_at=deadline))
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.alter_column("payment_deadline_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_column("dispute_opens_at")
        batch_op.drop_column("payment_deadline_at")
