from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, func
from sqlmodel import Field, SQLModel

from krypton_app.models.common import timestamp_column, utcnow


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    # Raw form `0:<64 hex>`: one user per wallet whatever the friendly encoding. None for a user who came
    # through Telegram and never connected a wallet (migration 0029).
    wallet_address: str | None = Field(default=None, unique=True, index=True, max_length=80)
    # The Telegram account this user logs in with (services/telegram_login.py): one user per account.
    telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    telegram_username: str | None = Field(default=None, max_length=32)  # as Telegram last told us, no "@"
    display_name: str = Field(default="", max_length=64)
    # An address for private invoices: one owner whatever the case (stored lower-case; see the index below).
    username: str | None = Field(default=None, unique=True, max_length=32)
    # Typed in the profile, or shared through Telegram (requestContact), whose signed contact makes it
    # verified: only a verified phone addresses a private invoice, and it wins over an unverified copy.
    phone: str | None = Field(default=None, unique=True, max_length=20)
    phone_verified: bool = Field(default=False)
    # The VERIFIED email only: an address for private invoices. What the user typed and has not yet
    # confirmed with the emailed code waits in `pending_email`, which addresses nothing and is not unique.
    # At most one of the two is set.
    email: str | None = Field(default=None, unique=True, max_length=254)
    pending_email: str | None = Field(default=None, max_length=254)
    language: str = Field(default="en", max_length=2)
    # Created by the built-in demo wallet (local runs): with KRYPTON_DEMO_OPERATORS such users are
    # operators. Who is an operator is decided at every check from the settings (services/roles.py).
    is_demo: bool = Field(default=False)
    # An operator's block (services/user_blocks.py): set, the user cannot log in or move money.
    blocked_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    blocked_reason: str | None = Field(default=None, max_length=500)
    blocked_by: int | None = Field(default=None)  # the operator's user id (no constraint: migration 0031)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


# Declared after the class so the expression can name the column (migration 0009).
Index("ux_users_username_lower", func.lower(User.__table__.c.username), unique=True)
Index("ux_users_telegram_id", User.__table__.c.telegram_id, unique=True)  # migration 0029


class EmailCode(SQLModel, table=True):
    """A one-time code sent to `email` to prove it belongs to `user_id`. Only an HMAC of the code is kept
    (keyed with the secret key, bound to the user and the address); the newest unused row of a user counts."""

    __tablename__ = "email_codes"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    email: str = Field(max_length=254, index=True)
    code_hash: str = Field(max_length=64)
    attempts: int = Field(default=0)  # wrong codes typed against this row
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    expires_at: datetime = Field(sa_column=timestamp_column())
    used_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
