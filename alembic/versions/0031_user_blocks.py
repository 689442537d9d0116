"""users.blocked_at / blocked_reason / blocked_by: an operator's block of a user (SPEC F13), and
disputes.reason: why a dispute was opened when no side opened it (`user_blocked`)

Revision ID: 0031_user_blocks
Revises: 0030_fee_sweeps
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_user_blocks"
down_revision: str | None = "0030_fee_sweeps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE … ADD / DROP COLUMN (SQLite 3.35+ drops too): no batch copy of `users`, which every
# other table references. `blocked_by` names the operator's user id without a constraint for the same
# reason (SQLite cannot add one to an existing table); the audit log keeps who blocked, with a real key.
_USER_COLUMNS = (
    sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("blocked_reason", sa.String(length=500), nullable=True),
    sa.Column("blocked_by", sa.Integer(), nullable=True),
)


def upgrade() -> None:
    for column in _USER_COLUMNS:
        op.add_column("users", column)
    op.add_column("disputes", sa.Column("reason", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("disputes", "reason")
    for column in reversed(_USER_COLUMNS):
        op.drop_column("users", column.name)
