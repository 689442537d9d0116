from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from krypton_app.models.common import timestamp_column, utcnow


class ChainCursor(SQLModel, table=True):
    """Last transaction the monitor applied on one account stream (e.g. `ton:0:<hot wallet hex>`)."""

    __tablename__ = "chain_cursors"

    stream: str = Field(primary_key=True, max_length=100)
    lt: int = Field(sa_column=Column(BigInteger, nullable=False))
    hash: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class AppliedChainTransaction(SQLModel, table=True):
    """Every chain transaction the monitor applied, once: the primary key on the hash forbids a second."""

    __tablename__ = "chain_transactions"

    hash: str = Field(primary_key=True, max_length=64)
    lt: int = Field(sa_column=Column(BigInteger, nullable=False))
    stream: str = Field(max_length=100, index=True)
    # deposit | unmatched | withdrawal_confirmed | withdrawal_failed | withdrawal_bounced | sweep_confirmed |
    # sweep_failed | sweep_bounced | bounce_ignored | ignored | held (could not be applied: in the review
    # queue with its reason)
    outcome: str = Field(max_length=32)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    asset: str | None = Field(default=None, max_length=8)
    amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    applied_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class DepositMemo(SQLModel, table=True):
    """The personal comment a user puts on deposits so the monitor can credit them."""

    __tablename__ = "deposit_memos"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    memo: str = Field(unique=True, max_length=32)


class UnmatchedDeposit(SQLModel, table=True):
    """The operator's review queue: a chain transaction the monitor could not credit (a memo that matched
    no user, or another `reason`: services/deposits.py), held for the operator to credit, return or
    dismiss."""

    __tablename__ = "unmatched_deposits"

    id: int | None = Field(default=None, primary_key=True)
    chain_tx_hash: str = Field(foreign_key="chain_transactions.hash", unique=True, max_length=64)
    asset: str = Field(max_length=8)
    # None: unknown, or more than BIGINT holds (then `detail` has it)
    amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    sender: str | None = Field(default=None, max_length=80)
    comment: str | None = Field(default=None, max_length=500)
    reason: str = Field(default="unmatched", max_length=32, sa_column_kwargs={"server_default": "unmatched"})
    detail: str | None = Field(default=None, max_length=500)  # the error, or the amount too large to store
    # pending | credited | returned | dismissed
    status: str = Field(default="pending", max_length=16, index=True)
    resolved_user_id: int | None = Field(default=None, foreign_key="users.id")
    resolved_by: int | None = Field(default=None, foreign_key="users.id")
    resolved_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
