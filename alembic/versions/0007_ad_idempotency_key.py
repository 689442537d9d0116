"""an idempotency key on ads, so a retried create of a buy ad (no reserve posting) makes no second ad

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A sell ad's create reserve is keyed "ad_reserve:<owner_id>:<client key>" (later reserves by resume or
# edit are "ad_reserve:ad<id>:<random>"), so existing sell ads get back the key they were created with.
_BACKFILL = """
UPDATE ads SET idempotency_key = (
    SELECT min(substr(t.idempotency_key, length('ad_reserve:') + 1))
    FROM ledger_transactions t
    WHERE t.kind = 'ad_reserve'
      AND t.memo = 'ad:' || ads.id
      AND t.idempotency_key NOT LIKE 'ad_reserve:ad%'
)
WHERE side = 'sell'
"""


def upgrade() -> None:
    with op.batch_alter_table("ads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_ads_idempotency_key"), ["idempotency_key"], unique=True)
    op.execute(_BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("ads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ads_idempotency_key"))
        batch_op.drop_column("idempotency_key")
