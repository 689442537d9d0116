from datetime import datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from krypton_app.models.common import money_column, timestamp_column, utcnow


class Withdrawal(SQLModel, table=True):
    """An on-chain TON or USDT transfer from the hot wallet; `amount + fee` is held until it settles."""

    __tablename__ = "withdrawals"
    __table_args__ = (Index("ix_withdrawals_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    asset: str = Field(foreign_key="assets.code", max_length=8)
    destination: str = Field(max_length=80)  # raw `wc:hex`
    destination_friendly: str = Field(max_length=64)  # as the user gave it, normalised
    amount: int = Field(sa_column=money_column())
    fee: int = Field(sa_column=money_column())
    # The user's memo (an exchange's deposit comment), sent instead of our "Withdrawal #id" text.
    comment: str | None = Field(default=None, max_length=120)
    # requested -> sent -> confirmed | (expired -> requested again) | refunded
    status: str = Field(default="requested", max_length=16, index=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    attempts: int = Field(default=0)
    seqno: int | None = Field(default=None)
    valid_until: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    message_hash: str | None = Field(default=None, max_length=64, index=True)  # normalised ext-in hash
    chain_tx_hash: str | None = Field(default=None, max_length=64)
    failure: str | None = Field(default=None, max_length=200)
    next_attempt_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class Payout(SQLModel, table=True):
    """A Bitcoin or Lightning payout, paid by a `PayoutProvider` (the operator's queue by default)."""

    __tablename__ = "payouts"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    network: str = Field(max_length=16)  # bitcoin | lightning
    destination: str = Field(max_length=2000)  # address or BOLT11 invoice
    asset: str = Field(foreign_key="assets.code", max_length=8)  # what the user pays with
    amount: int = Field(sa_column=money_column())  # minor units of `asset`, held until paid
    fee: int = Field(sa_column=money_column())
    amount_sat: int = Field(sa_column=money_column())
    rate: str = Field(max_length=40)  # Decimal as text: satoshi per minor unit of `asset`
    provider: str = Field(default="operator_queue", max_length=32)
    # queued (the operator's) | sending (the Lightning node's) -> paid | rejected | failed | cancelled
    status: str = Field(default="queued", max_length=16, index=True)
    reference: str | None = Field(default=None, max_length=200)  # txid or preimage
    # A node payout: when a worker took it to the node (set once by a conditional UPDATE: one sender),
    # and the routing fee the node paid.
    claimed_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    routing_fee_msat: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    reject_reason: str | None = Field(default=None, max_length=500)
    resolved_by: int | None = Field(default=None, foreign_key="users.id")
    idempotency_key: str = Field(unique=True, max_length=200)
    expires_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
