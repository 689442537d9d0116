"""Lightning invoices a payer pays to fund a payment part from a Lightning wallet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from krypton_app.models.common import money_column, timestamp_column, utcnow


class LightningInvoice(SQLModel, table=True):
    """One BOLT11 invoice issued by the platform's node for one part. `amount` is what the part gets
    (minor units of the payment's asset) once the node reports it settled; the invoice asks
    `amount_msat`, bought at `rate`. Settled exactly once (a conditional UPDATE from open)."""

    __tablename__ = "lightning_invoices"

    id: int | None = Field(default=None, primary_key=True)
    part_id: int = Field(foreign_key="payment_parts.id", index=True)
    payment_id: int = Field(foreign_key="invoice_payments.id", index=True)
    payer_id: int = Field(foreign_key="users.id", index=True)
    payment_hash: str = Field(unique=True, max_length=64)  # hex
    bolt11: str
    amount_msat: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount: int = Field(sa_column=money_column())
    rate: str = Field(max_length=64)  # price of one whole asset unit in BTC, decimal text
    status: str = Field(default="open", max_length=16, index=True)  # open | settled | expired
    expires_at: datetime = Field(sa_column=timestamp_column())
    settled_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
