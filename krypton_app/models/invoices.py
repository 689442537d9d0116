from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from krypton_app.models.common import money_column, timestamp_column, utcnow


class Invoice(SQLModel, table=True):
    """A merchant's request for money (SPEC F3). Counters change only with the payment that moves them."""

    __tablename__ = "invoices"
    __table_args__ = (
        # An order_id is the merchant's per mode: a sandbox invoice never answers for a live order.
        UniqueConstraint("merchant_id", "is_test", "order_id", name="uq_invoices_merchant_mode_order"),
        Index("ix_invoices_merchant_created", "merchant_id", "created_at"),
        Index("ix_invoices_status_expires", "status", "expires_at"),
        # The "New invoice" form's key (state/once_form.py): a double submit finds the first invoice.
        UniqueConstraint("merchant_id", "idempotency_key", name="uq_invoices_merchant_key"),
        CheckConstraint(
            "(payout_country IS NULL) = (payout_fiat IS NULL) AND (payout_fiat IS NULL) = (payout_method IS NULL)",
            name="ck_invoices_payout_all_or_none",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=16)  # short, typeable, unambiguous alphabet
    merchant_id: int = Field(foreign_key="users.id")
    kind: str = Field(max_length=16)  # fixed | floating | private
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    asset: str = Field(foreign_key="assets.code", max_length=8)
    amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))  # fixed / private
    # Optional fiat denomination: the asset amount is computed at payment time.
    fiat_currency: str | None = Field(default=None, foreign_key="fiat_currencies.code", max_length=3)
    fiat_amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))  # fiat minor units
    min_payment: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))  # floating
    max_payments: int | None = Field(default=None)  # limit on the number of completed payments
    max_total: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))  # floating
    max_parts: int = Field(default=1)
    payer_contact: str | None = Field(default=None, max_length=254)  # private: as the merchant typed it
    payer_user_id: int | None = Field(default=None, foreign_key="users.id")  # private: who alone may pay
    order_id: str | None = Field(default=None, max_length=100)
    idempotency_key: str | None = Field(default=None, max_length=64)  # the form's; None from the API
    webhook_url: str | None = Field(default=None, max_length=2000)
    redirect_url: str | None = Field(default=None, max_length=2000)
    # Origins that may frame the widget, space-separated; empty: not frameable.
    allowed_origins: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    is_test: bool = Field(default=False)
    # "Pay me in fiat" (SPEC F10, services/fiat_payouts.py): where and how the merchant takes fiat from an
    # intermediary for each payment; all three or none.
    payout_country: str | None = Field(default=None, max_length=2)
    payout_fiat: str | None = Field(default=None, max_length=3)
    payout_method: str | None = Field(default=None, max_length=32)
    status: str = Field(default="open", max_length=16)  # open | closed | expired
    close_reason: str | None = Field(default=None, max_length=32)  # limit_reached | merchant | expired
    payments_count: int = Field(default=0)
    collected: int = Field(default=0, sa_column=money_column(server_default="0"))
    # The fees its completed payments paid (SPEC F12, services/fees.py): the merchant got collected - fees
    # of the completed ones.
    fees_collected: int = Field(default=0, sa_column=money_column(server_default="0"))
    expires_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class InvoicePayment(SQLModel, table=True):
    """One payer's payment of an invoice, made of 1..max_parts parts."""

    __tablename__ = "invoice_payments"
    __table_args__ = (
        Index("ix_invoice_payments_invoice_status", "invoice_id", "status"),
        # The housekeeping step's lookup of pending payments past their time (services/payer_payments.py).
        Index("ix_invoice_payments_status_created", "status", "created_at"),
        CheckConstraint("fee >= 0 AND fee <= amount", name="ck_invoice_payments_fee"),
    )

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoices.id")
    payer_id: int | None = Field(default=None, foreign_key="users.id", index=True)  # None: test-mode simulation
    asset: str = Field(foreign_key="assets.code", max_length=8)
    amount: int = Field(sa_column=money_column())
    # The invoice-payment fee its merchant paid, taken out of `amount` when it completed (the merchant got
    # amount - fee); 0 until then.
    fee: int = Field(default=0, sa_column=money_column(server_default="0"))
    fiat_rate: str | None = Field(default=None, max_length=40)  # Decimal text, when fiat-denominated
    # Fiat-denominated: until when the parts' amounts at fiat_rate hold (domain/invoices.py, quotes).
    quote_expires_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    parts_count: int
    # pending | awaiting_fiat (a fiat-payout payment, paid, waiting for its intermediary) | completed |
    # cancelled | refunded
    status: str = Field(default="pending", max_length=16)
    # A fiat-payout invoice's payment: the merchant's deposit held for it (services/fiat_deposits.py), until
    # the payment completes or ends; None once released or paid out, and for every other payment.
    deposit_held: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    idempotency_key: str = Field(unique=True, max_length=200)
    receipt: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # signed token
    secrets_encrypted: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    secrets_delivered_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    completed_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))


class PaymentPart(SQLModel, table=True):
    """One funding of a payment. `method` names the funding source; each source is one more kind."""

    __tablename__ = "payment_parts"
    __table_args__ = (UniqueConstraint("payment_id", "position", name="uq_payment_parts_position"),)

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="invoice_payments.id", index=True)
    position: int  # 1..parts_count
    amount: int = Field(sa_column=money_column())
    # Fiat-denominated: the part's share of the fiat price (fiat minor units); a re-quote keeps it.
    fiat_amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    method: str | None = Field(default=None, max_length=16)  # balance | test | promise (later: lightning, fiat_deal)
    status: str = Field(default="pending", max_length=16)  # pending | funded | captured | returned
    funded_by: int | None = Field(default=None, foreign_key="users.id")
    funding_ref: str | None = Field(default=None, max_length=200)  # e.g. ledger idempotency key of the hold
    funded_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    # Codes of the promises this part gave its payer (change, refund), sealed (services/crypto.py) until
    # the payer's page has shown them once; then None.
    promise_codes_sealed: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
