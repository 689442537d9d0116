"""The merchant's deposit behind a fiat-payout invoice (SPEC F10, crypto -> fiat), inside the caller's
transaction: held per payment, released when the payment ends without being paid out.

Each payment of an invoice marked "pay me in fiat" holds the merchant's deposit for its amount when it
starts (merchant AVAILABLE -> HELD, one ledger key per payment), so that an intermediary who sends the
merchant fiat is sure to be paid even if the merchant never confirms: the operator pays them from it.
The ledger's posting locks the merchant's accounts and refuses a shortfall under that lock, so two payers
racing for a deposit that covers one payment cannot both start: the second one's start is refused with
`fiat_deposit_short` and rolls back whole (no payment, nothing held).

`invoice_payments.deposit_held` says how much is held for a payment; it is cleared by one conditional
UPDATE before the money moves, so a deposit is released or paid out once (services/fiat_payout_purpose.py
pays it out to an intermediary). The ledger keys are per payment, so even past that check nothing moves twice.
"""

from __future__ import annotations

from sqlalchemy import Table, select, update
from sqlmodel import Session

from krypton_app.domain.errors import InsufficientFunds, InvoiceUnavailable
from krypton_app.domain.invoices import InvoiceInvalid
from krypton_app.domain.ledger import AVAILABLE, HELD, Leg, user_account_key
from krypton_app.models.invoices import Invoice, InvoicePayment
from krypton_app.models.ledger import Account
from krypton_app.services.ledger import post, user_account

FIAT_DEPOSIT_HOLD = "fiat_deposit_hold"
FIAT_DEPOSIT_RELEASE = "fiat_deposit_release"

_payments: Table = InvoicePayment.__table__
_invoices: Table = Invoice.__table__
_accounts: Table = Account.__table__


def available_balance(s: Session, user_id: int, asset: str) -> int:
    """The user's available balance in `asset` (0 before their first posting)."""
    key = user_account_key(user_id, asset, AVAILABLE)
    return s.execute(select(_accounts.c.balance).where(_accounts.c.key == key)).scalar_one_or_none() or 0


def deposit_needed(amount: int | None, min_payment: int | None) -> int:
    """What one payment of an invoice needs at least: a fixed or private invoice's amount, a floating one's
    minimum payment (the least a payment can be; one minor unit without a minimum). Every payment is held
    at its own amount when it starts, so a bigger floating payment is checked then."""
    return amount or min_payment or 1


def require_deposit(s: Session, merchant_id: int, asset: str, needed: int) -> None:
    """At an invoice's creation: the merchant's available balance covers one payment, `needed`."""
    if available_balance(s, merchant_id, asset) < needed:
        raise InvoiceInvalid("invoice_deposit_short", "payout_method")


def hold_deposit(s: Session, merchant_id: int, asset: str, payment_id: int, amount: int) -> None:
    """Hold `amount` of the merchant's balance for this payment, or refuse with fiat_deposit_short."""
    key = f"fiat_deposit:{payment_id}:hold"
    leg = Leg(user_account(s, merchant_id, asset, AVAILABLE), user_account(s, merchant_id, asset, HELD), amount)
    try:
        post(s, idempotency_key=key, kind=FIAT_DEPOSIT_HOLD, legs=[leg], memo=f"invoice payment {payment_id}")
    except InsufficientFunds:
        # Raised before anything was written: the caller's transaction rolls back its payment with it.
        raise InvoiceUnavailable(f"no deposit for payment {payment_id}", code="fiat_deposit_short") from None
    s.execute(update(_payments).where(_payments.c.id == payment_id).values(deposit_held=amount))


def take_deposit(s: Session, payment_id: int) -> int:
    """Clear the payment's deposit for the caller to pay it out; returns the amount (0: none held). The
    UPDATE checks the amount read, so of two callers one takes it."""
    held = s.execute(select(_payments.c.deposit_held).where(_payments.c.id == payment_id)).scalar_one_or_none()
    if not held:
        return 0
    taken = s.execute(
        update(_payments)
        .where(_payments.c.id == payment_id, _payments.c.deposit_held == held)
        .values(deposit_held=None)
    ).rowcount
    return held if taken == 1 else 0


def release_deposits(s: Session, payment_ids: list[int]) -> None:
    """These payments ended (cancelled, expired, refunded) or were paid another way: each deposit still
    held for one goes back to its merchant's available balance, once."""
    for payment_id in sorted(payment_ids):
        release_remainder(s, payment_id, take_deposit(s, payment_id))


def release_remainder(s: Session, payment_id: int, amount: int) -> None:
    """`amount` of the payment's deposit (taken already) back to its merchant's available balance."""
    if amount <= 0:
        return
    merchant_id, asset = s.execute(
        select(_invoices.c.merchant_id, _invoices.c.asset)
        .join(_payments, _payments.c.invoice_id == _invoices.c.id)
        .where(_payments.c.id == payment_id)
    ).one()
    leg = Leg(user_account(s, merchant_id, asset, HELD), user_account(s, merchant_id, asset, AVAILABLE), amount)
    post(
        s,
        idempotency_key=f"fiat_deposit:{payment_id}:release",
        kind=FIAT_DEPOSIT_RELEASE,
        legs=[leg],
        memo=f"invoice payment {payment_id}",
    )
