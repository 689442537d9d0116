"""The Heleket compatibility API's own rows (issue 15): what a Heleket payment adds to the Krypton invoice
behind it (its UUID, the merchant's order_id, the callback and return URLs, the price as asked). The money,
status and payments stay the invoice's."""

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from krypton_app.models.common import timestamp_column, utcnow


class HeleketPayment(SQLModel, table=True):
    """A payment (Heleket's invoice) created through /heleket/v1/payment: one Krypton invoice."""

    __tablename__ = "heleket_payments"
    __table_args__ = (
        # Heleket's rule: an order_id is unique among a merchant's payments; a repeat returns the first.
        UniqueConstraint("key_id", "order_id", name="uq_heleket_payments_key_order"),
        Index("ix_heleket_payments_key_created", "key_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoices.id", unique=True)
    key_id: int = Field(foreign_key="api_keys.id")  # the Heleket merchant (an api_keys row)
    uuid: str = Field(unique=True, max_length=36)
    order_id: str = Field(max_length=128)
    amount: str = Field(max_length=40)  # as asked, in `currency`
    currency: str = Field(max_length=8)  # as asked: the invoice's asset, or a price currency converted
    # Price of one unit of the invoice's asset in `currency` when converted; None when the same.
    rate: str | None = Field(default=None, max_length=40)
    url_callback: str | None = Field(default=None, max_length=2000)
    url_return: str | None = Field(default=None, max_length=255)
    url_success: str | None = Field(default=None, max_length=255)
    additional_data: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    lifetime: int
    # /v1/payment/refund: the withdrawal that sends the paid amount back (one per payment), once asked.
    refund_withdrawal_id: int | None = Field(default=None, foreign_key="withdrawals.id", unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class HeleketPayout(SQLModel, table=True):
    """A payout created through /heleket/v1/payout: one Krypton TON / USDT withdrawal of the merchant."""

    __tablename__ = "heleket_payouts"
    __table_args__ = (
        # Heleket's rule: an order_id is unique among a merchant's payouts; a repeat returns the first.
        UniqueConstraint("key_id", "order_id", name="uq_heleket_payouts_key_order"),
        Index("ix_heleket_payouts_key_created", "key_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    withdrawal_id: int = Field(foreign_key="withdrawals.id", unique=True)
    key_id: int = Field(foreign_key="api_keys.id")
    uuid: str = Field(unique=True, max_length=36)
    order_id: str = Field(max_length=128)
    amount: str = Field(max_length=40)  # as asked
    is_subtract: bool  # True: the fee on top, from the balance; False: taken out of `amount`
    url_callback: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
