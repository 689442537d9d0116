from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from krypton_app.models.common import money_column, timestamp_column, utcnow


class Asset(SQLModel, table=True):
    __tablename__ = "assets"

    code: str = Field(primary_key=True, max_length=8)
    name: str
    decimals: int


class Account(SQLModel, table=True):
    """A ledger account. `balance` is a cache of the sum of its postings, kept in the same transaction."""

    __tablename__ = "ledger_accounts"
    # Mirrors migration 0002: a bug or a hand-written UPDATE fails instead of corrupting money.
    __table_args__ = (
        CheckConstraint("may_go_negative OR balance >= 0", name="ck_ledger_accounts_balance_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Stable natural key, e.g. `user:7:TON:available` or `system:fees:USDT`.
    key: str = Field(unique=True, max_length=80)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    asset: str = Field(foreign_key="assets.code", max_length=8)
    kind: str = Field(max_length=32)
    balance: int = Field(default=0, sa_column=money_column(server_default="0"))
    # Only the external-world account may go below zero: it mirrors money outside the system.
    may_go_negative: bool = Field(default=False)


class LedgerTransaction(SQLModel, table=True):
    __tablename__ = "ledger_transactions"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=40)
    memo: str = Field(default="", max_length=500)
    # Fingerprint of the request; a retry with the same key and other content is a conflict.
    request_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class Posting(SQLModel, table=True):
    __tablename__ = "ledger_postings"
    __table_args__ = (
        Index("ix_ledger_postings_account_tx", "account_id", "transaction_id"),
        CheckConstraint("amount <> 0", name="ck_ledger_postings_amount_not_zero"),
    )

    id: int | None = Field(default=None, primary_key=True)
    transaction_id: int = Field(foreign_key="ledger_transactions.id", index=True)
    account_id: int = Field(foreign_key="ledger_accounts.id")
    asset: str = Field(max_length=8)
    amount: int = Field(sa_column=money_column())
