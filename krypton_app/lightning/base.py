"""What the app needs from a Lightning node: invoices to be paid (a payment part funded from a
Lightning wallet) and, later, invoices to pay (Lightning payouts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from krypton_app.domain.errors import KryptonError

InvoiceStateName = Literal["open", "settled", "expired", "cancelled"]
OPEN: InvoiceStateName = "open"
SETTLED: InvoiceStateName = "settled"
EXPIRED: InvoiceStateName = "expired"
CANCELLED: InvoiceStateName = "cancelled"

PaymentStatusName = Literal["in_flight", "succeeded", "failed"]
IN_FLIGHT: PaymentStatusName = "in_flight"
SUCCEEDED: PaymentStatusName = "succeeded"
FAILED: PaymentStatusName = "failed"


class LightningError(KryptonError):
    """The node could not be reached or refused the request; nothing is known to have happened."""

    code = "lightning_unavailable"


class LightningInvoiceNotFound(LightningError):
    code = "lightning_invoice_unknown"


class LightningPaymentFailed(LightningError):
    """The node tried to pay and gave up (no route, timeout, ...): no money left it."""

    code = "lightning_payment_failed"


class LightningPaymentPending(LightningError):
    """The node took the payment and has no final answer yet: it may still succeed."""

    code = "lightning_payment_pending"


class LightningPaymentNotFound(LightningError):
    """The node never started a payment to this hash: no money can have left for it."""

    code = "lightning_payment_unknown"


@dataclass(frozen=True)
class LnInvoice:
    bolt11: str
    payment_hash: str  # hex
    expires_at: datetime


@dataclass(frozen=True)
class LnInvoiceState:
    state: InvoiceStateName
    amount_paid_msat: int
    settled_at: datetime | None


@dataclass(frozen=True)
class LnPayment:
    preimage: str  # hex
    fee_msat: int


@dataclass(frozen=True)
class LnPaymentState:
    """What the node knows of an outgoing payment: `preimage` and `fee_msat` once it succeeded."""

    status: PaymentStatusName
    preimage: str | None = None
    fee_msat: int = 0
    failure: str | None = None


class LightningProvider(Protocol):
    def create_invoice(self, amount_msat: int, memo: str, expiry_s: int) -> LnInvoice: ...

    def lookup_invoice(self, payment_hash: str) -> LnInvoiceState:
        """Raises LightningInvoiceNotFound for a hash the node never issued."""
        ...

    def pay_invoice(self, bolt11: str, *, fee_limit_msat: int) -> LnPayment:
        """LightningPaymentFailed: the node gave up; LightningPaymentPending or any other LightningError:
        the outcome is unknown (ask `lookup_payment`)."""
        ...

    def lookup_payment(self, payment_hash: str) -> LnPaymentState:
        """Raises LightningPaymentNotFound for a hash the node never tried to pay."""
        ...


@runtime_checkable
class DemoWallet(Protocol):
    """Only the fake node: a wallet outside the platform paying one of the node's invoices."""

    def demo_pay(self, bolt11: str) -> None: ...
