from datetime import datetime

from sqlmodel import Field, SQLModel

from krypton_app.models.common import timestamp_column, utcnow


class UsedProofPayload(SQLModel, table=True):
    """A ton_proof payload that has been spent; the primary key makes a second use fail."""

    __tablename__ = "used_proof_payloads"

    nonce: str = Field(primary_key=True, max_length=64)
    used_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class LoginToken(SQLModel, table=True):
    """A verified login waiting for the browser to fetch its cookie: single use, short-lived.

    Only the SHA-256 of the token is stored; the token itself travels once, in the URL of the
    exchange route (api/auth.py), which turns it into a session. The binding is a second secret that
    the login's own browser holds in a short-lived cookie: a token sent to another browser (a
    "sign in as me" link, login CSRF) is refused there."""

    __tablename__ = "login_tokens"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    binding_hash: str = Field(max_length=64)
    next_path: str = Field(max_length=500)  # the app page to land on; a local path, checked on issue
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    expires_at: datetime = Field(sa_column=timestamp_column(index=True))
    used_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))


class UserSession(SQLModel, table=True):
    """One signed-in browser. The cookie holds a random secret; only its SHA-256 is stored, so
    the table cannot be replayed into cookies. Revoked by logout or "log out everywhere"."""

    __tablename__ = "user_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    revoked_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
