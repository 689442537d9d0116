"""users.blocked_at / blocked_reason / blocked_by: an operator's block of a user (SPEC F13), and
disputes.reason: why a dispute was opened when no side opened it (`user_blocked`)

Revision ID: 0031_user_blocks
Revises: 0028_operator_audit
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_user_blocks"
down_revision: str | None = "0028_operator_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("blocked_reason", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("blocked_by", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_users_blocked_by", "users", ["blocked_by"], ["id"])
    with op.batch_alter_table("disputes") as batch:
        batch.add_column(sa.Column("reason", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("disputes") as batch:
        batch.drop_column("reason")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("fk_users_blocked_by", type_="foreignkey")
        batch.drop_column("blocked_by")
        batch.drop_column("blocked_reason")
        batch.drop_column("blocked_at")
