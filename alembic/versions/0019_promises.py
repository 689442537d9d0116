"""promises (SPEC F6): bearer vouchers whose code is stored only as a keyed hash, and the wrong codes
typed, counted to rate-limit guessing

Revision ID: 0019_promises
Revises: 0018_chat
Create Date: 2026-12-03 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019_promises"
down_revision: str | None = "0018_chat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sa.types.TypeEngine:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "promises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", _text(64), nullable=False),
        sa.Column("code_hint", _text(8), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("origin", _text(16), nullable=False),
        sa.Column("asset", _text(8), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("pinned_user_id", sa.Integer(), nullable=True),
        sa.Column("note", _text(500), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("redeemed_by", sa.Integer(), nullable=True),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", _text(240), nullable=False),
        sa.Column("webhook_url", _text(2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["issuer_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["pinned_user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["redeemed_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["asset"], ["assets.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
        sa.UniqueConstraint("idempotency_key"),
    )
    op.create_index("ix_promises_issuer_created", "promises", ["issuer_id", "created_at"])
    op.create_index("ix_promises_redeemed_by", "promises", ["redeemed_by"])
    op.create_index("ix_promises_status_expires", "promises", ["status", "expires_at"])
    op.create_table(
        "promise_guesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", _text(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_promise_guesses_actor_created", "promise_guesses", ["actor", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_promise_guesses_actor_created", table_name="promise_guesses")
    op.drop_table("promise_guesses")
    op.drop_index("ix_promises_status_expires", table_name="promises")
    op.drop_index("ix_promises_redeemed_by", table_name="promises")
    op.drop_index("ix_promises_issuer_created", table_name="promises")
    op.drop_table("promises")
