from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from krypton_app.models.common import money_column, timestamp_column, utcnow


class Promise(SQLModel, table=True):
    """A bearer voucher (SPEC F6): whoever holds the code may redeem it. Only a keyed hash of the code
    is stored; its money sits in the system PROMISE_BACKING account of its asset while it is active."""

    __tablename__ = "promises"
    __table_args__ = (
        Index("ix_promises_issuer_created", "issuer_id", "created_at"),
        Index("ix_promises_redeemed_by", "redeemed_by"),
        # The expiry worker's lookup of active promises past their time.
        Index("ix_promises_status_expires", "status", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(unique=True, max_length=64)  # HMAC-SHA256 hex of the code (services/promises.py)
    code_hint: str = Field(max_length=8)  # the code's first characters, to tell promises apart in a list
    issuer_id: int = Field(foreign_key="users.id")  # cancelling gives the money back to them
    origin: str = Field(default="created", max_length=16)  # created | change | refund
    asset: str = Field(foreign_key="assets.code", max_length=8)
    amount: int = Field(sa_column=money_column())
    pinned_user_id: int | None = Field(default=None, foreign_key="users.id")  # only they may redeem
    note: str = Field(default="", max_length=500)
    status: str = Field(default="active", max_length=16)  # active | redeemed | cancelled | expired
    expires_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    redeemed_by: int | None = Field(default=None, foreign_key="users.id")
    redeemed_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    ended_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    # "<issuer>:<key>": a retried create (form double submit, API Idempotency-Key) finds the first promise.
    idempotency_key: str = Field(unique=True, max_length=240)
    webhook_url: str | None = Field(default=None, max_length=2000)  # promise.redeemed goes here (API)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class PromiseGuess(SQLModel, table=True):
    """A wrong code typed by someone: counted per user and per client address to rate-limit guessing."""

    __tablename__ = "promise_guesses"
    __table_args__ = (Index("ix_promise_guesses_actor_created", "actor", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=120)  # "user:<id>" or "client:<address or session>"
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
