"""chat messages belong to a deal or to a payment (the payer's "contact the seller" chat, issue 12):
deal_id becomes nullable, payment_id is added, a check keeps exactly one of them; payment_chats holds
each payment chat's read marks and operator call

Revision ID: 0018_chat
Revises: 0017_ad_payment_details
Create Date: 2026-12-03 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_chat"
down_revision: str | None = "0017_ad_payment_details"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch: SQLite rebuilds the table to change a column's nullability and add a check.
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.alter_column("deal_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("payment_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_chat_messages_payment", "invoice_payments", ["payment_id"], ["id"])
        batch_op.create_check_constraint("ck_chat_messages_one_room", "(deal_id IS NULL) <> (payment_id IS NULL)")
        batch_op.create_index("ix_chat_messages_payment", ["payment_id", "id"], unique=False)
    op.create_table(
        "payment_chats",
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("payer_read_id", sa.Integer(), nullable=False),
        sa.Column("merchant_read_id", sa.Integer(), nullable=False),
        sa.Column("operator_called_by", sa.Integer(), nullable=True),
        sa.Column("operator_called_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["payment_id"], ["invoice_payments.id"]),
        sa.ForeignKeyConstraint(["operator_called_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("payment_id"),
    )


def downgrade() -> None:
    op.drop_table("payment_chats")
    # Payment chats have no deal to belong to: they go with the feature.
    op.execute("DELETE FROM chat_messages WHERE payment_id IS NOT NULL")
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_chat_messages_payment")
        batch_op.drop_constraint("ck_chat_messages_one_room", type_="check")
        batch_op.drop_constraint("fk_chat_messages_payment", type_="foreignkey")
        batch_op.drop_column("payment_id")
        batch_op.alter_column("deal_id", existing_type=sa.Integer(), nullable=False)
