"""verified contacts: an email addresses invoices only once a code proves it; usernames unique in any case

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 10:00:00

- `users.email` now holds only a verified address (still unique); every existing email was typed but never
  proven, so it moves to the new `pending_email` (not unique, addresses nothing) until its owner confirms it.
- Private invoices that an email or a phone bound to a user, and that nobody has paid yet, lose that binding:
  whoever typed the address first may not be its owner. Nobody can pay them; the merchant closes and reissues.
  (A downgrade cannot give those bindings back.)
- Usernames: one owner whatever the case. Of names equal but for case the earliest claim (created_at, then
  id) keeps it, the others are cleared; the rest are stored lower-case, and a unique index on lower(username)
  holds the rule.
- `email_codes`: the one-time codes (HMAC only), with attempts and expiry.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same split as services/users.py contact_kind: an "@" after the first character is an email; a leading
# "+" or digit is a phone; anything else a username.
_UNBIND_INVOICES = """
UPDATE invoices SET payer_user_id = NULL
WHERE kind = 'private' AND payments_count = 0 AND payer_user_id IS NOT NULL
  AND (payer_contact LIKE '_%@%' OR payer_contact LIKE '+%' OR substr(payer_contact, 1, 1) IN
       ('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'))
"""

_CLEAR_LATER_USERNAMES = """
UPDATE users SET username = NULL
WHERE username IS NOT NULL AND EXISTS (
    SELECT 1 FROM users AS earlier
    WHERE lower(earlier.username) = lower(users.username)
      AND (earlier.created_at < users.created_at OR (earlier.created_at = users.created_at AND earlier.id < users.id))
)
"""

# Downgrade: a pending email becomes the email again unless a verified one (or an earlier pending one) has it.
_RESTORE_PENDING = """
UPDATE users SET email = pending_email
WHERE email IS NULL AND pending_email IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM users AS other
    WHERE other.email = users.pending_email OR (other.pending_email = users.pending_email AND other.id < users.id)
)
"""


def upgrade() -> None:
    op.add_column("users", sa.Column("pending_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True))
    op.execute("UPDATE users SET pending_email = email, email = NULL WHERE email IS NOT NULL")
    op.execute(_UNBIND_INVOICES)
    op.execute(_CLEAR_LATER_USERNAMES)
    op.execute("UPDATE users SET username = lower(username) WHERE username <> lower(username)")
    op.create_index("ux_users_username_lower", "users", [sa.text("lower(username)")], unique=True)
    op.create_table(
        "email_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_email_codes_user_id", "email_codes", ["user_id"])
    op.create_index("ix_email_codes_email", "email_codes", ["email"])


def downgrade() -> None:
    op.drop_index("ix_email_codes_email", table_name="email_codes")
    op.drop_index("ix_email_codes_user_id", table_name="email_codes")
    op.drop_table("email_codes")
    op.drop_index("ux_users_username_lower", table_name="users")
    op.execute(_RESTORE_PENDING)
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ has it): no batch copy of a table others reference.
    op.drop_column("users", "pending_email")
