"""What the Crypto Pay compatibility API (services/cryptopay.py) keeps beside a Krypton invoice: the app
that made it and the Crypto Pay fields Krypton's invoice has no column for."""

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel


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
