"""What the Crypto Pay compatibility API (services/cryptopay*.py) keeps beside Krypton's own rows: per
invoice and per check (a promise) the app that made it and what Krypton has no column for; its
transfers, one per (app, spend_id)."""

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from krypton_app.models.common import money_column, timestamp_column


class CryptoPayInvoice(SQLModel, table=True):
    """One per invoice made through the Crypto Pay API; the invoice itself is the `invoices` row."""

    __tablename__ = "cryptopay_invoices"
    __table_args__ = (Index("ix_cryptopay_invoices_key", "key_id", "invoice_id"),)

    invoice_id: int = Field(primary_key=True, foreign_key="invoices.id")
    key_id: int = Field(foreign_key="api_keys.id")  # the Crypto Pay app
    currency_type: str = Field(max_length=8)  # crypto | fiat
    accepted_assets: str = Field(default="", max_length=64)  # fiat: comma-separated, as the caller gave them
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    hidden_message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    paid_btn_name: str | None = Field(default=None, max_length=16)
    paid_btn_url: str | None = Field(default=None, max_length=2000)
    allow_comments: bool = Field(default=True)
    allow_anonymous: bool = Field(default=True)


class CryptoPayCheck(SQLModel, table=True):
    """A Crypto Pay check: a Krypton promise made through the API, with its code kept sealed
    (services/crypto.py) so getChecks can give its link again."""

    __tablename__ = "cryptopay_checks"
    __table_args__ = (Index("ix_cryptopay_checks_key", "key_id", "promise_id"),)

    promise_id: int = Field(primary_key=True, foreign_key="promises.id")
    key_id: int = Field(foreign_key="api_keys.id")  # the Crypto Pay app
    code_sealed: str = Field(sa_column=Column(Text, nullable=False))


class CryptoPayTransfer(SQLModel, table=True):
    """A Crypto Pay transfer: the merchant's money moved to a Krypton user's balance (by their Telegram id),
    once per (app, spend_id)."""

    __tablename__ = "cryptopay_transfers"
    __table_args__ = (UniqueConstraint("key_id", "spend_id", name="uq_cryptopay_transfers_spend"),)

    id: int | None = Field(default=None, primary_key=True)
    key_id: int = Field(foreign_key="api_keys.id")
    spend_id: str = Field(max_length=64)
    recipient_id: int = Field(foreign_key="users.id")
    telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    asset: str = Field(foreign_key="assets.code", max_length=8)
    amount: int = Field(sa_column=money_column())
    comment: str | None = Field(default=None, max_length=1024)
    completed_at: datetime = Field(sa_column=timestamp_column())
