"""operator_actions: the operators' audit log (SPEC F13), one line per action, written in the action's
own transaction

Revision ID: 0028_operator_audit
Revises: 0027_fiat_payout
Create Date: 2026-12-03 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_operator_audit"
down_revision: str | None = "0027_fiat_payout"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "operator_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_operator_actions_operator_id", "operator_actions", ["operator_id"])
    op.create_index("ix_operator_actions_action", "operator_actions", ["action"])
    op.create_index("ix_operator_actions_created_at", "operator_actions", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_operator_actions_created_at", table_name="operator_actions")
    op.drop_index("ix_operator_actions_action", table_name="operator_actions")
    op.drop_index("ix_operator_actions_operator_id", table_name="operator_actions")
    op.drop_table("operator_actions")
