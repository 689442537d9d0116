"""Telegram login (SPEC F1): users.telegram_id (unique) and telegram_username, users.phone_verified, and
users.wallet_address nullable, since a user who came through the Mini App has no wallet

Revision ID: 0029_telegram
Revises: 0031_user_blocks
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0029_telegram"
down_revision: str | None = "0031_user_blocks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _nullable_wallet(nullable: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("users", "wallet_address", existing_type=sa.String(length=80), nullable=nullable)
        return
    # SQLite drops a NOT NULL only by copying the table, and `users` is every table's parent: the copy's
    # DROP TABLE would break their foreign keys. SQLite's documented way to remove a NOT NULL (which changes
    # nothing stored) is to edit the table's schema text (sqlite.org/lang_altertable.html, section 7).
    bind = op.get_bind()
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'")).scalar_one()
    required, optional = "wallet_address VARCHAR(80) NOT NULL", "wallet_address VARCHAR(80)"
    before, after = (required, optional) if nullable else (optional + ",", required + ",")
    if before not in sql:
        raise RuntimeError(f"users.wallet_address is not declared as expected: {sql}")
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'users'"),
        {"sql": sql.replace(before, after, 1)},
    )
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))


def upgrade() -> None:
    op.add_column("users", sa.Column("telegram_id", sa.BigInteger(), nullable=True))
    op.add_column("users", sa.Column("telegram_username", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    op.add_column("users", sa.Column("phone_verified", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ux_users_telegram_id", "users", ["telegram_id"], unique=True)
    _nullable_wallet(True)


def downgrade() -> None:
    # A user without a wallet cannot exist before 0029: such users (Telegram-only) are refused, not dropped.
    orphans = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE wallet_address IS NULL")).scalar()
    if orphans:
        raise RuntimeError(f"{orphans} users have no wallet (Telegram only): 0029 cannot be undone")
    _nullable_wallet(False)
    op.drop_index("ux_users_telegram_id", table_name="users")
    op.drop_column("users", "phone_verified")
    op.drop_column("users", "telegram_username")
    op.drop_column("users", "telegram_id")
