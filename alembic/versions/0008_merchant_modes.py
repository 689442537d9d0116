"""sandbox and live apart: order_id and API idempotency keys are unique per (merchant, mode), and each
merchant has one webhook signing secret per mode (the existing secret stays the live one)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _rebuild_sqlite_secrets(*, with_mode: bool) -> None:
    """SQLite cannot alter a primary key: a new table, the rows copied (as live ones), the old one dropped."""
    mode = [sa.Column("is_test", sa.Boolean(), nullable=False, server_default=sa.false())] if with_mode else []
    op.create_table(
        "_webhook_secrets_new",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        *mode,
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", *(["is_test"] if with_mode else [])),
    )
    op.execute(
        "INSERT INTO _webhook_secrets_new (user_id, secret_encrypted, created_at) "
        "SELECT user_id, secret_encrypted, created_at FROM webhook_secrets"
    )
    op.drop_table("webhook_secrets")
    op.rename_table("_webhook_secrets_new", "webhook_secrets")


def upgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_constraint("uq_invoices_merchant_order", type_="unique")
        batch_op.create_unique_constraint("uq_invoices_merchant_mode_order", ["merchant_id", "is_test", "order_id"])

    with op.batch_alter_table("api_idempotency", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_test", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_constraint("uq_api_idempotency_user_key", type_="unique")
        batch_op.create_unique_constraint("uq_api_idempotency_user_mode_key", ["user_id", "is_test", "key"])

    # The primary key grows from (user_id) to (user_id, is_test); existing secrets become the live ones.
    if _sqlite():
        _rebuild_sqlite_secrets(with_mode=True)
    else:
        op.add_column("webhook_secrets", sa.Column("is_test", sa.Boolean(), nullable=False, server_default=sa.false()))
        op.drop_constraint("webhook_secrets_pkey", "webhook_secrets", type_="primary")
        op.create_primary_key("webhook_secrets_pkey", "webhook_secrets", ["user_id", "is_test"])


def downgrade() -> None:
    # One secret per merchant again (the live one); the test secrets are forgotten.
    op.execute("DELETE FROM webhook_secrets WHERE is_test = true")
    if _sqlite():
        _rebuild_sqlite_secrets(with_mode=False)
    else:
        op.drop_constraint("webhook_secrets_pkey", "webhook_secrets", type_="primary")
        op.create_primary_key("webhook_secrets_pkey", "webhook_secrets", ["user_id"])
        op.drop_column("webhook_secrets", "is_test")

    # Sandbox keys that a live request also used cannot both stay: the sandbox record (a 24-hour cache) goes.
    op.execute(
        "DELETE FROM api_idempotency WHERE is_test = true AND EXISTS ("
        "SELECT 1 FROM api_idempotency live WHERE live.user_id = api_idempotency.user_id "
        "AND live.key = api_idempotency.key AND live.is_test = false)"
    )
    with op.batch_alter_table("api_idempotency", schema=None) as batch_op:
        batch_op.drop_constraint("uq_api_idempotency_user_mode_key", type_="unique")
        batch_op.create_unique_constraint("uq_api_idempotency_user_key", ["user_id", "key"])
        batch_op.drop_column("is_test")

    # A test invoice whose order_id a live invoice also has loses the order_id (the live one keeps it).
    op.execute(
        "UPDATE invoices SET order_id = NULL WHERE is_test = true AND order_id IS NOT NULL AND EXISTS ("
        "SELECT 1 FROM invoices live WHERE live.merchant_id = invoices.merchant_id "
        "AND live.order_id = invoices.order_id AND live.is_test = false)"
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_constraint("uq_invoices_merchant_mode_order", type_="unique")
        batch_op.create_unique_constraint("uq_invoices_merchant_order", ["merchant_id", "order_id"])
