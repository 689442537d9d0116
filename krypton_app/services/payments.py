"""Paying an invoice in parts (SPEC F5): start a payment, fund each part, pay in one press from the
balance, cancel, show, receipts, and the merchant's sandbox simulation. A payment of a fiat-payout
invoice holds its merchant's deposit when it starts (services/fiat_deposits.py) and, once paid, waits
for the merchant's fiat (services/fiat_payouts.py).

A payment is started with the amount of each part; each part is then funded by a source
(services/funding.py), and funding the last part completes the payment
(services/payment_completion.py). A fiat-priced payment holds a rate quote
(services/payment_quotes.py): a part funded after it expired is not funded, its payment is re-quoted
and the payer is told (QuoteRenewed) to confirm the new amount.

Each use case is one transaction. Lock order (services/invoice_rows.py): invoice row, payment row,
ledger accounts in ascending id.
"""

from __future__ import annotations

import secrets as token_source
from datetime import datetime

from sqlalchemy import Row, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import (
    Forbidden,
    IdempotencyConflict,
    InvalidAmount,
    InvalidState,
    InvoiceUnavailable,
    NotFound,
)
from krypton_app.domain.invoices import (
    CANCELLED,
    COMPLETED,
    FLOATING,
    PENDING,
    PRIVATE,
    check_parts,
    split_in_proportion,
)
from krypton_app.domain.money import to_minor
from krypton_app.services.fiat_deposits import hold_deposit
from krypton_app.services.funding import BALANCE, TEST, return_funded_parts
from krypton_app.services.invoice_rows import (
    find_invoice,
    invoice_by_id,
    lock_invoice,
    may_see,
    own_invoice_row,
    require_open,
    to_utc,
)
from krypton_app.services.payment_completion import complete, fund_part, issue_payment_receipt
from krypton_app.services.payment_quotes import check_total, fiat_shares, quote_expiry
from krypton_app.services.payment_rows import (
    PaymentView,
    insert_parts,
    part_amounts,
    parts_table,
    payment_of,
    payment_status,
    payment_view,
    payments_table,
)
from krypton_app.services.rates import RateProvider
from krypton_app.settings import Settings

_payments, _parts = payments_table, parts_table


def start_payment(
    uow: UnitOfWork,
    payer_id: int,
    number: str,
    *,
    parts: list[str],
    idempotency_key: str,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> PaymentView:
    """Start paying `number` in parts of these amounts (decimal text). A fixed invoice's parts add up
    to its amount (converted from fiat at today's rate); a floating invoice's to at least its minimum
    and at most what its total limit leaves. The same key returns the first payment."""
    key = _payer_key(payer_id, idempotency_key)
    now = to_utc(now)
    with uow.transaction() as s:
        invoice = _visible_invoice(s, payer_id, number)
        amounts = part_amounts(parts, invoice.decimals)
        payment_id = _start(
            s, uow.is_postgres, payer_id, invoice, amounts, key, settings=settings, rates=rates, now=now
        )
        return payment_view(s, payment_id, settings)


def fund_part_from_balance(
    uow: UnitOfWork,
    payer_id: int,
    payment_id: int,
    part_id: int,
    *,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
    expected_amount: int | None = None,
) -> PaymentView:
    """Hold the part's amount on the payer's balance; funding the last part completes the payment.
    A part already funded is not funded again (a double click returns the payment as it is).

    A part is funded only at the amount the payer confirmed, `expected_amount` (without one: the
    amount the part asked so far). A fiat-priced payment whose quote expired is re-quoted first, in
    the same transaction; if the part now asks another amount, the new quote is kept, nothing is
    funded and QuoteRenewed is raised for the payer to confirm the new amount. A part that asks another
    amount than the confirmed one already (re-quoted meanwhile, e.g. from another tab) raises
    QuoteRenewed and changes nothing."""
    now = to_utc(now)
    with uow.transaction() as s:
        lost = fund_part(
            s,
            payer_id,
            payment_id,
            part_id,
            BALANCE,
            settings=settings,
            rates=rates,
            now=now,
            expected_amount=expected_amount,
        )
        view = payment_view(s, payment_id, settings)
    # Raised after the commit: the refund of a payment that lost the last slot, and a new quote, must stay.
    if lost is not None:
        raise lost
    return view


def pay_from_balance(
    uow: UnitOfWork,
    payer_id: int,
    number: str,
    *,
    amount: str,
    idempotency_key: str,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> PaymentView:
    """The direct link's one press: start a payment of `number` in one part of `amount` (decimal text)
    and fund it from the payer's balance, in one transaction, so a refusal (not enough balance, a
    price that moved) leaves no payment behind. The same key returns the first payment, and funds its
    part if that is still pending, at the amount it asks."""
    key = _payer_key(payer_id, idempotency_key)
    now = to_utc(now)
    with uow.transaction() as s:
        invoice = _visible_invoice(s, payer_id, number)
        invoice = lock_invoice(s, invoice.id)
        amounts = [to_minor(amount, invoice.decimals)]  # InvalidAmount: the payer's input, not a part's
        payment_id = _start(
            s, uow.is_postgres, payer_id, invoice, amounts, key, settings=settings, rates=rates, now=now
        )
        part = _pending_part(s, payment_id)
        lost = None
        if part is not None:
            lost = fund_part(
                s,
                payer_id,
                payment_id,
                part.id,
                BALANCE,
                settings=settings,
                rates=rates,
                now=now,
                expected_amount=part.amount,
            )
        view = payment_view(s, payment_id, settings)
    if lost is not None:
        raise lost
    return view


def cancel_payment(uow: UnitOfWork, payer_id: int, payment_id: int, *, now: datetime) -> PaymentView:
    """The payer gives up an incomplete payment: every funded part goes back. Cancelling twice is a no-op."""
    with uow.transaction() as s:
        payment = payment_of(s, payer_id, payment_id)
        lock_invoice(s, payment.invoice_id)
        moved = s.execute(
            update(_payments)
            .where(_payments.c.id == payment_id, _payments.c.status == PENDING)
            .values(status=CANCELLED)
        ).rowcount
        if moved == 1:
            return_funded_parts(s, [payment_id])
        else:
            status = payment_status(s, payment_id)
            if status != CANCELLED:
                raise InvalidState(f"payment {payment_id} is {status}", status=status)
        return payment_view(s, payment_id, None)


def get_payment(uow: UnitOfWork, viewer_id: int | None, payment_id: int, *, settings: Settings) -> PaymentView:
    """For its payer or the invoice's merchant; NotFound for anyone else."""
    with uow.read() as s:
        payment = s.execute(select(_payments).where(_payments.c.id == payment_id)).one_or_none()
        merchant_id = None if payment is None else invoice_by_id(s, payment.invoice_id).merchant_id
        if payment is None or viewer_id is None or viewer_id not in (payment.payer_id, merchant_id):
            raise NotFound(f"payment {payment_id}")
        return payment_view(s, payment_id, settings)


def list_invoice_payments(
    uow: UnitOfWork, merchant_id: int, number: str, *, settings: Settings, only_test: bool = False
) -> list[PaymentView]:
    """Every payment of the merchant's invoice, newest first (`only_test`: a sandbox key's view)."""
    with uow.read() as s:
        invoice = own_invoice_row(s, merchant_id, number, only_test=only_test)
        ids = (
            s.execute(
                select(_payments.c.id).where(_payments.c.invoice_id == invoice.id).order_by(_payments.c.id.desc())
            )
            .scalars()
            .all()
        )
        return [payment_view(s, payment_id, settings) for payment_id in ids]


def request_receipt(uow: UnitOfWork, payer_id: int, payment_id: int, *, settings: Settings) -> PaymentView:
    """A private invoice's payer asks for a receipt of a completed payment (public ones have one)."""
    with uow.transaction() as s:
        payment = payment_of(s, payer_id, payment_id)
        if payment.status != COMPLETED:
            raise InvalidState(f"payment {payment_id} is {payment.status}", status=payment.status)
        if payment.receipt is None:
            issue_payment_receipt(s, invoice_by_id(s, payment.invoice_id), payment_id, settings)
        return payment_view(s, payment_id, settings)


def simulate_test_payment(
    uow: UnitOfWork,
    merchant_id: int,
    number: str,
    *,
    amount: str | None,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
    idempotency_key: str | None = None,
) -> PaymentView:
    """Pay the merchant's own test-mode invoice with sandbox funds: no balance moves, the payer is
    nobody, and its webhooks say "test": true. `amount` is for floating invoices.
    `idempotency_key` (the page's form key, per merchant): the same key returns the first payment, so
    a double click simulates one payment; without one every call is a new payment."""
    now = to_utc(now)
    key = f"test:{merchant_id}:{idempotency_key}" if idempotency_key else None
    if key is not None and len(idempotency_key) > 150:
        raise ValueError("idempotency_key must be 1-150 characters")
    with uow.transaction() as s:
        invoice = own_invoice_row(s, merchant_id, number)
        if not invoice.is_test:
            raise InvalidState("only test-mode invoices take simulated payments", code="invalid_state")
        # The invoice's lock orders two calls with one key: the second finds the first's payment.
        invoice = lock_invoice(s, invoice.id)
        if key is not None and (first := _payment_of_key(s, key)) is not None:
            if first.invoice_id != invoice.id:
                raise IdempotencyConflict("the idempotency key was used for another payment")
            return payment_view(s, first.id, settings)
        require_open(invoice, now)
        chosen = _floating_amount(amount, invoice.decimals) if invoice.kind == FLOATING else None
        total, rate = check_total(invoice, chosen, rates)
        payment_id = s.execute(
            _payments.insert()
            .values(
                invoice_id=invoice.id,
                payer_id=None,
                asset=invoice.asset,
                amount=total,
                fiat_rate=rate,
                quote_expires_at=quote_expiry(rate, settings, now),
                parts_count=1,
                status=PENDING,
                idempotency_key=key or f"test:{invoice.id}:{token_source.token_hex(12)}",
                created_at=now,
            )
            .returning(_payments.c.id)
        ).scalar_one()
        (part_id,) = insert_parts(s, invoice.id, payment_id, [total], fiat_shares(invoice, [total], rate))
        lost = complete(s, invoice, payment_id, part_id, TEST, None, settings=settings, now=now)
        view = payment_view(s, payment_id, settings)
    if lost is not None:
        raise lost
    return view


# --- helpers -------------------------------------------------------------------------------------


def _payer_key(payer_id: int, idempotency_key: str) -> str:
    if not idempotency_key or len(idempotency_key) > 150:
        raise ValueError("idempotency_key must be 1-150 characters")
    return f"user:{payer_id}:{idempotency_key}"


def _payment_of_key(s: Session, key: str) -> Row | None:
    return s.execute(select(_payments).where(_payments.c.idempotency_key == key)).one_or_none()


def _visible_invoice(s: Session, payer_id: int, number: str) -> Row:
    invoice = find_invoice(s, number)
    if invoice is None or not may_see(invoice, payer_id):
        raise NotFound(f"invoice {number!r}")
    return invoice


def _start(
    s: Session,
    is_postgres: bool,
    payer_id: int,
    invoice: Row,
    amounts: list[int],
    key: str,
    *,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> int:
    """The payment for this key: the first one for a retried start, else a new pending one with its parts."""
    existing = _payment_of_key(s, key)
    if existing is not None:
        return _replay(s, existing, invoice, amounts)
    if invoice.kind == PRIVATE and payer_id != invoice.payer_user_id:
        raise Forbidden("only the addressee pays a private invoice")
    if invoice.is_test:
        raise InvoiceUnavailable(code="invoice_is_test")
    require_open(invoice, now)
    check_parts(amounts, invoice.max_parts)
    total, rate = check_total(invoice, sum(amounts), rates)
    dialect = postgresql if is_postgres else sqlite
    payment_id = s.execute(
        dialect.insert(_payments)
        .values(
            invoice_id=invoice.id,
            payer_id=payer_id,
            asset=invoice.asset,
            amount=total,
            fiat_rate=rate,
            quote_expires_at=quote_expiry(rate, settings, now),
            parts_count=len(amounts),
            status=PENDING,
            idempotency_key=key,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(_payments.c.id)
    ).scalar_one_or_none()
    if payment_id is None:
        # A concurrent twin with the same key committed first.
        twin = _payment_of_key(s, key)
        return _replay(s, twin, invoice, amounts)
    insert_parts(s, invoice.id, payment_id, amounts, fiat_shares(invoice, amounts, rate))
    if invoice.payout_method is not None:
        # "Pay me in fiat": the merchant's deposit answers for this payment from its start (under the
        # ledger's lock: of two payers racing for a deposit that covers one payment, the second is
        # refused here and its whole start rolls back).
        hold_deposit(s, invoice.merchant_id, invoice.asset, payment_id, total)
    return payment_id


def _replay(s: Session, existing: Row, invoice: Row, amounts: list[int]) -> int:
    """The first payment for a retried start. A fiat-priced one is the same request when its parts
    split the fiat price the same way (a re-quote may have changed their asset amounts since)."""
    stored = s.execute(
        select(_parts.c.amount, _parts.c.fiat_amount)
        .where(_parts.c.payment_id == existing.id)
        .order_by(_parts.c.position)
    ).all()
    same = existing.invoice_id == invoice.id and len(stored) == len(amounts) and all(a > 0 for a in amounts)
    if same and all(row.fiat_amount is not None for row in stored):
        same = [row.fiat_amount for row in stored] == split_in_proportion(invoice.fiat_amount, amounts)
    elif same:
        same = [row.amount for row in stored] == amounts
    if not same:
        raise IdempotencyConflict("the idempotency key was used for another payment")
    return existing.id


def _pending_part(s: Session, payment_id: int) -> Row | None:
    """The payment's first part still to fund, or None when every part is funded already."""
    return s.execute(
        select(_parts.c.id, _parts.c.amount)
        .where(_parts.c.payment_id == payment_id, _parts.c.status == PENDING)
        .order_by(_parts.c.position)
    ).first()


def _floating_amount(text: str | None, decimals: int) -> int:
    try:
        return to_minor(text or "", decimals)
    except InvalidAmount as error:
        # The typed amount's own reason (a thousands separator, too many decimals, ...) reaches the form.
        raise InvoiceUnavailable(f"not an amount: {error}", code=error.code, **error.details) from None
