"""Paying an invoice in parts (SPEC F5): start a payment, fund each part, complete, cancel, receipts.

A payment is started with the amount of each part; each part is then funded by a source
(services/funding.py). Funding the last part completes the payment in the same transaction: the
invoice takes it (a conditional UPDATE of its counters that closes it at a limit), every part is
captured to the merchant, the receipt is signed and the webhook event queued. When the invoice cannot
take it (another payer took the last slot), every funded part goes back instead.

A fiat-priced payment holds a rate quote for settings.quote_ttl_min minutes (domain/invoices.py): a
part funded after it expired is not funded; its payment is re-quoted at the current rate in that
transaction and the payer is told (QuoteRenewed) to confirm the new amount. A re-quote replaces only an
expired quote and only pending parts, and a part is funded only at the amount it was held for, each
checked in its UPDATE, so a re-quote and a fund racing each other cannot both win.

Lock order (see services/invoices.py): invoice row, payment row, ledger accounts in ascending id.
"""

from __future__ import annotations

import secrets as token_source
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Row, Table, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import (
    Forbidden,
    IdempotencyConflict,
    InvalidAmount,
    InvalidState,
    InvoiceUnavailable,
    KryptonError,
    NotFound,
)
from krypton_app.domain.invoices import (
    CANCELLED,
    CLOSED,
    COMPLETED,
    EXPIRED,
    FLOATING,
    FUNDED,
    LIMIT_REACHED,
    OPEN,
    PENDING,
    PRIVATE,
    REFUNDED,
    QuoteRenewed,
    asset_for_fiat,
    check_parts,
    quote_parts,
    rate_text,
    split_in_proportion,
)
from krypton_app.domain.money import format_amount, to_minor
from krypton_app.models import User
from krypton_app.models.common import as_utc
from krypton_app.models.invoices import InvoicePayment, PaymentPart
from krypton_app.models.merchant import WebhookEvent
from krypton_app.services import webhooks
from krypton_app.services.crypto import unseal
from krypton_app.services.funding import (
    BALANCE,
    TEST,
    FundingSource,
    PartFunding,
    accounts_of,
    capture_funded_parts,
    funded_parts,
    lock_accounts,
    return_funded_parts,
)
from krypton_app.services.invoices import (
    InvoiceView,
    PayerInvoiceView,
    find_invoice,
    invoice_by_id,
    invoice_event_data,
    lock_invoice,
    may_see,
    merchant_name,
    own_invoice_row,
    queue_invoice_event,
    refund_pending_payments,
    take_slot,
    to_utc,
)
from krypton_app.services.rates import rate_provider_from_settings
from krypton_app.services.receipts import issue_receipt
from krypton_app.settings import Settings

_payments: Table = InvoicePayment.__table__
_parts: Table = PaymentPart.__table__
_users: Table = User.__table__
_events: Table = WebhookEvent.__table__

PAYMENT_COMPLETED = "invoice.payment_completed"


@dataclass(frozen=True)
class PartView:
    id: int
    position: int
    amount: int
    method: str | None
    status: str
    funded_at: datetime | None


@dataclass(frozen=True)
class PaymentView:
    id: int
    invoice_number: str
    invoice_title: str
    merchant_name: str
    payer_id: int | None
    asset: str
    decimals: int
    amount: int
    fiat_currency: str | None
    fiat_rate: str | None
    parts: tuple[PartView, ...]
    status: str
    is_test: bool
    receipt: str | None
    secrets: tuple[str, ...] | None  # delivered by the merchant's webhook, decrypted
    waiting_for_secrets: bool
    redirect_url: str | None
    created_at: datetime
    completed_at: datetime | None
    # fiat-priced: until when the parts' amounts at fiat_rate hold
    quote_expires_at: datetime | None = None


def amount_due(invoice: InvoiceView | PayerInvoiceView, *, settings: Settings) -> tuple[int | None, str | None]:
    """What a fixed or private invoice costs now, in asset minor units, and the fiat rate used
    (None for an asset-denominated one); (None, None) for a floating invoice, where the payer chooses."""
    if invoice.kind == FLOATING:
        return None, None
    if invoice.fiat_amount is None:
        return invoice.amount, None
    amount, rate = _convert(
        invoice.fiat_amount, invoice.fiat_decimals, invoice.decimals, invoice.asset, invoice.fiat_currency, settings
    )
    return amount, rate_text(rate)


def start_payment(
    uow: UnitOfWork,
    payer_id: int,
    number: str,
    *,
    parts: list[str],
    idempotency_key: str,
    settings: Settings,
    now: datetime,
) -> PaymentView:
    """Start paying `number` in parts of these amounts (decimal text). A fixed invoice's parts add up
    to its amount (converted from fiat at today's rate); a floating invoice's to at least its minimum
    and at most what its total limit leaves. The same key returns the first payment."""
    if not idempotency_key or len(idempotency_key) > 150:
        raise ValueError("idempotency_key must be 1-150 characters")
    key = f"user:{payer_id}:{idempotency_key}"
    now = to_utc(now)
    with uow.transaction() as s:
        invoice = find_invoice(s, number)
        if invoice is None or not may_see(invoice, payer_id):
            raise NotFound(f"invoice {number!r}")
        amounts = _part_amounts(parts, invoice.decimals)
        existing = s.execute(select(_payments).where(_payments.c.idempotency_key == key)).one_or_none()
        if existing is not None:
            return _replay(s, existing, invoice, amounts, settings)
        if invoice.kind == PRIVATE and payer_id != invoice.payer_user_id:
            raise Forbidden("only the addressee pays a private invoice")
        if invoice.is_test:
            raise InvoiceUnavailable(code="invoice_is_test")
        _require_open(invoice, now)
        check_parts(amounts, invoice.max_parts)
        total, rate = _check_total(invoice, sum(amounts), settings)
        dialect = postgresql if uow.is_postgres else sqlite
        payment_id = s.execute(
            dialect.insert(_payments)
            .values(
                invoice_id=invoice.id,
                payer_id=payer_id,
                asset=invoice.asset,
                amount=total,
                fiat_rate=rate,
                quote_expires_at=_quote_expiry(rate, settings, now),
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
            twin = s.execute(select(_payments).where(_payments.c.idempotency_key == key)).one()
            return _replay(s, twin, invoice, amounts, settings)
        _insert_parts(s, payment_id, amounts, _fiat_shares(invoice, amounts, rate))
        return _view(s, payment_id, settings)


def fund_part_from_balance(
    uow: UnitOfWork,
    payer_id: int,
    payment_id: int,
    part_id: int,
    *,
    settings: Settings,
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
    return _fund(
        uow, payer_id, payment_id, part_id, BALANCE, settings=settings, now=to_utc(now), expected_amount=expected_amount
    )


def cancel_payment(uow: UnitOfWork, payer_id: int, payment_id: int, *, now: datetime) -> PaymentView:
    """The payer gives up an incomplete payment: every funded part goes back. Cancelling twice is a no-op."""
    with uow.transaction() as s:
        payment = _payment_of(s, payer_id, payment_id)
        lock_invoice(s, payment.invoice_id)
        moved = s.execute(
            update(_payments)
            .where(_payments.c.id == payment_id, _payments.c.status == PENDING)
            .values(status=CANCELLED)
        ).rowcount
        if moved == 1:
            return_funded_parts(s, [payment_id])
        else:
            status = _status(s, payment_id)
            if status != CANCELLED:
                raise InvalidState(f"payment {payment_id} is {status}", status=status)
        return _view(s, payment_id, None)


def get_payment(uow: UnitOfWork, viewer_id: int | None, payment_id: int, *, settings: Settings) -> PaymentView:
    """For its payer or the invoice's merchant; NotFound for anyone else."""
    with uow.read() as s:
        payment = s.execute(select(_payments).where(_payments.c.id == payment_id)).one_or_none()
        merchant_id = None if payment is None else invoice_by_id(s, payment.invoice_id).merchant_id
        if payment is None or viewer_id is None or viewer_id not in (payment.payer_id, merchant_id):
            raise NotFound(f"payment {payment_id}")
        return _view(s, payment_id, settings)


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
        return [_view(s, payment_id, settings) for payment_id in ids]


def request_receipt(uow: UnitOfWork, payer_id: int, payment_id: int, *, settings: Settings) -> PaymentView:
    """A private invoice's payer asks for a receipt of a completed payment (public ones have one)."""
    with uow.transaction() as s:
        payment = _payment_of(s, payer_id, payment_id)
        if payment.status != COMPLETED:
            raise InvalidState(f"payment {payment_id} is {payment.status}", status=payment.status)
        if payment.receipt is None:
            invoice = invoice_by_id(s, payment.invoice_id)
            _issue(s, invoice, payment_id, settings)
        return _view(s, payment_id, settings)


def simulate_test_payment(
    uow: UnitOfWork, merchant_id: int, number: str, *, amount: str | None, settings: Settings, now: datetime
) -> PaymentView:
    """Pay the merchant's own test-mode invoice with sandbox funds: no balance moves, the payer is
    nobody, and its webhooks say "test": true. `amount` is for floating invoices."""
    now = to_utc(now)
    with uow.transaction() as s:
        invoice = own_invoice_row(s, merchant_id, number)
        if not invoice.is_test:
            raise InvalidState("only test-mode invoices take simulated payments", code="invalid_state")
        invoice = lock_invoice(s, invoice.id)
        _require_open(invoice, now)
        if invoice.kind == FLOATING:
            total, rate = _check_total(invoice, _amount(amount, invoice.decimals), settings)
        else:
            total, rate = _check_total(invoice, None, settings)
        payment_id = s.execute(
            _payments.insert()
            .values(
                invoice_id=invoice.id,
                payer_id=None,
                asset=invoice.asset,
                amount=total,
                fiat_rate=rate,
                quote_expires_at=_quote_expiry(rate, settings, now),
                parts_count=1,
                status=PENDING,
                idempotency_key=f"test:{invoice.id}:{token_source.token_hex(12)}",
                created_at=now,
            )
            .returning(_payments.c.id)
        ).scalar_one()
        (part_id,) = _insert_parts(s, payment_id, [total], _fiat_shares(invoice, [total], rate))
        lost = _complete(s, invoice, payment_id, part_id, TEST, None, settings=settings, now=now)
        view = _view(s, payment_id, settings)
    if lost is not None:
        raise lost
    return view


# --- helpers -------------------------------------------------------------------------------------


def _fund(
    uow: UnitOfWork,
    payer_id: int,
    payment_id: int,
    part_id: int,
    source: FundingSource,
    *,
    settings: Settings,
    now: datetime,
    expected_amount: int | None = None,
) -> PaymentView:
    with uow.transaction() as s:
        payment = _payment_of(s, payer_id, payment_id)
        invoice = lock_invoice(s, payment.invoice_id)
        payment = s.execute(select(_payments).where(_payments.c.id == payment_id).with_for_update(key_share=True)).one()
        part = s.execute(select(_parts).where(_parts.c.id == part_id, _parts.c.payment_id == payment_id)).one_or_none()
        if part is None:
            raise NotFound(f"part {part_id} of payment {payment_id}")
        if part.status != PENDING:
            return _view(s, payment_id, settings)  # funded already: a repeated click
        if payment.status == REFUNDED:
            raise _unavailable(invoice, now)  # the invoice closed or expired under it
        if payment.status != PENDING:
            raise InvalidState(f"payment {payment_id} is {payment.status}", status=payment.status)
        if invoice.is_test and source is not TEST:
            raise InvoiceUnavailable(code="invoice_is_test")
        _require_open(invoice, now)
        # The part is funded only at the amount the payer confirmed (without one: what it asked so far).
        confirmed = part.amount if expected_amount is None else expected_amount
        lost: KryptonError | None = None
        if _quote_expired(payment, now):
            renewed = _requote(s, invoice, payment, settings=settings, now=now)
            part = s.execute(select(_parts).where(_parts.c.id == part_id)).one()
            if part.amount != confirmed:
                lost = renewed  # the new quote is committed, nothing is funded
            # else the rate gives the same amount: funded under the new quote, nothing to confirm
        elif part.amount != confirmed:
            raise _renewed(s, invoice, payment_id, payment.fiat_rate)
        if lost is None:
            others_pending = s.execute(
                select(_parts.c.id).where(
                    _parts.c.payment_id == payment_id, _parts.c.status == PENDING, _parts.c.id != part_id
                )
            ).first()
            if others_pending is not None:
                _fund_part(s, source, payment, part.id, payer_id, now)
            else:
                lost = _complete(s, invoice, payment_id, part.id, source, payer_id, settings=settings, now=now)
        view = _view(s, payment_id, settings)
    # Raised after the commit: the refund of a payment that lost the last slot, and a new quote, must stay.
    if lost is not None:
        raise lost
    return view


def _fund_part(
    s: Session, source: FundingSource, payment: Row, part_id: int, payer_id: int | None, now: datetime
) -> None:
    amount = s.execute(select(_parts.c.amount).where(_parts.c.id == part_id)).scalar_one()
    part = PartFunding(part_id, payment.id, payment.asset, amount, payer_id)
    reference = source.fund(s, part, payer_id)
    # Funded at the amount just held, or not at all (the transaction rolls back with the hold).
    moved = s.execute(
        update(_parts)
        .where(_parts.c.id == part_id, _parts.c.status == PENDING, _parts.c.amount == amount)
        .values(status=FUNDED, method=source.method, funded_by=payer_id, funding_ref=reference, funded_at=now)
    ).rowcount
    if moved != 1:
        raise InvalidState(f"part {part_id} changed while it was funded")


def _complete(
    s: Session,
    invoice: Row,
    payment_id: int,
    last_part_id: int,
    source: FundingSource,
    payer_id: int | None,
    *,
    settings: Settings,
    now: datetime,
) -> InvoiceUnavailable | None:
    """Fund the last part and complete the payment, or, when the invoice cannot take it, return every
    funded part and give back the reason (the caller raises it after the commit)."""
    payment = s.execute(select(_payments).where(_payments.c.id == payment_id)).one()
    if not take_slot(s, invoice.id, payment.amount, now):
        s.execute(update(_payments).where(_payments.c.id == payment_id).values(status=REFUNDED))
        return_funded_parts(s, [payment_id])
        return InvoiceUnavailable(
            f"invoice {invoice.number} cannot take {payment.amount}", code="invoice_limit_reached"
        )
    invoice = invoice_by_id(s, invoice.id)
    closed_now = invoice.status == CLOSED
    others = []
    if closed_now:
        others = (
            s.execute(
                select(_payments.c.id).where(
                    _payments.c.invoice_id == invoice.id, _payments.c.status == PENDING, _payments.c.id != payment_id
                )
            )
            .scalars()
            .all()
        )
    # Every account this transaction posts to, locked once in ascending id before the first posting.
    amount = s.execute(select(_parts.c.amount).where(_parts.c.id == last_part_id)).scalar_one()
    last = PartFunding(last_part_id, payment_id, payment.asset, amount, payer_id)
    accounts = source.accounts(s, last, invoice.merchant_id)
    accounts += accounts_of(s, funded_parts(s, [payment_id]), invoice.merchant_id)
    accounts += accounts_of(s, funded_parts(s, others), None)
    lock_accounts(s, accounts)

    _fund_part(s, source, payment, last_part_id, payer_id, now)
    capture_funded_parts(s, payment_id, invoice.merchant_id)
    s.execute(
        update(_payments)
        .where(_payments.c.id == payment_id, _payments.c.status == PENDING)
        .values(status=COMPLETED, completed_at=now)
    )
    if closed_now:
        # The limit is reached: nobody else can complete, so their funded parts go back now.
        refund_pending_payments(s, invoice.id)
    receipt = _issue(s, invoice, payment_id, settings) if invoice.kind != PRIVATE else None
    payer = s.execute(select(_users.c.wallet_address).where(_users.c.id == payer_id)).scalar_one_or_none()
    webhooks.enqueue_event(
        s,
        merchant_id=invoice.merchant_id,
        invoice_id=invoice.id,
        payment_id=payment_id,
        type=PAYMENT_COMPLETED,
        data={
            **invoice_event_data(invoice),
            "payment": payment_id,
            "amount": format_amount(payment.amount, invoice.decimals),
            "fiat_currency": invoice.fiat_currency if payment.fiat_rate else None,
            "fiat_rate": payment.fiat_rate,
            "parts": payment.parts_count,
            "payer": payer,
            "receipt": receipt,
            "completed": int(now.timestamp()),
        },
        url=invoice.webhook_url,
        is_test=invoice.is_test,
        now=now,
    )
    if closed_now:
        queue_invoice_event(s, invoice, "invoice.closed", now)
    return None


def _issue(s: Session, invoice: Row, payment_id: int, settings: Settings) -> str:
    payment = s.execute(select(_payments).where(_payments.c.id == payment_id)).one()
    payer = s.execute(select(_users.c.wallet_address).where(_users.c.id == payment.payer_id)).scalar_one_or_none()
    token = issue_receipt(
        settings,
        {
            "v": 1,
            "invoice": invoice.number,
            "payment": payment_id,
            "payer": payer,
            "amount": format_amount(payment.amount, invoice.decimals),
            "asset": payment.asset,
            "parts": payment.parts_count,
            "time": int(as_utc(payment.completed_at).timestamp()),
            "merchant": invoice.merchant_address,
            "test": invoice.is_test,
        },
    )
    s.execute(
        update(_payments).where(_payments.c.id == payment_id, _payments.c.receipt.is_(None)).values(receipt=token)
    )
    return token


def _require_open(invoice: Row, now: datetime) -> None:
    if invoice.status != OPEN or (invoice.expires_at is not None and as_utc(invoice.expires_at) <= now):
        raise _unavailable(invoice, now)


def _unavailable(invoice: Row, now: datetime) -> InvoiceUnavailable:
    if invoice.status == EXPIRED or (invoice.expires_at is not None and as_utc(invoice.expires_at) <= now):
        return InvoiceUnavailable(f"invoice {invoice.number} expired", code="invoice_expired")
    if invoice.close_reason == LIMIT_REACHED:
        return InvoiceUnavailable(f"invoice {invoice.number} reached its limit", code="invoice_limit_reached")
    return InvoiceUnavailable(f"invoice {invoice.number} is closed", code="invoice_closed")


def _check_total(invoice: Row, total: int | None, settings: Settings) -> tuple[int, str | None]:
    """The payment's amount and fiat rate text; `total` None means "what the invoice asks"."""
    if invoice.kind == FLOATING:
        if total is None:
            raise InvoiceUnavailable(code="payment_amount_invalid")
        if invoice.min_payment is not None and total < invoice.min_payment:
            raise InvoiceUnavailable(f"below the minimum {invoice.min_payment}", code="payment_amount_invalid")
        if invoice.max_total is not None and invoice.collected + total > invoice.max_total:
            raise InvoiceUnavailable("more than the invoice's total allows", code="payment_amount_invalid")
        return total, None
    rate = None
    due = invoice.amount
    if invoice.fiat_amount is not None:
        due, exact = _convert(
            invoice.fiat_amount, invoice.fiat_decimals, invoice.decimals, invoice.asset, invoice.fiat_currency, settings
        )
        rate = rate_text(exact)
    if total is not None and total != due:
        raise InvoiceUnavailable(f"the parts add up to {total}, the invoice asks {due}", code="payment_amount_invalid")
    return due, rate


def _convert(
    fiat_amount: int, fiat_decimals: int, decimals: int, asset: str, fiat: str, settings: Settings
) -> tuple[int, Decimal]:
    rate = rate_provider_from_settings(settings).rate(asset, fiat)
    return asset_for_fiat(fiat_amount, fiat_decimals, decimals, rate), rate


def _part_amounts(parts: list[str], decimals: int) -> list[int]:
    try:
        return [to_minor(str(part), decimals) for part in parts]
    except InvalidAmount as error:
        raise InvoiceUnavailable(f"a part is not an amount: {error}", code="parts_invalid") from None


def _amount(text: str | None, decimals: int) -> int:
    try:
        return to_minor(text or "", decimals)
    except InvalidAmount:
        raise InvoiceUnavailable("not an amount", code="payment_amount_invalid") from None


def _replay(s: Session, existing: Row, invoice: Row, amounts: list[int], settings: Settings) -> PaymentView:
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
    return _view(s, existing.id, settings)


def _quote_expiry(rate: str | None, settings: Settings, now: datetime) -> datetime | None:
    return None if rate is None else now + timedelta(minutes=settings.quote_ttl_min)


def _fiat_shares(invoice: Row, amounts: list[int], rate: str | None) -> list[int | None]:
    """Each part's share of a fiat price, in proportion to the asset amounts the payer chose."""
    if rate is None:
        return [None] * len(amounts)
    return list(split_in_proportion(invoice.fiat_amount, amounts))


def _insert_parts(s: Session, payment_id: int, amounts: list[int], shares: list[int | None]) -> list[int]:
    return list(
        s.execute(
            _parts.insert().returning(_parts.c.id, sort_by_parameter_order=True),
            [
                {"payment_id": payment_id, "position": i, "amount": amount, "fiat_amount": share, "status": PENDING}
                for i, (amount, share) in enumerate(zip(amounts, shares, strict=True), start=1)
            ],
        ).scalars()
    )


def _quote_expired(payment: Row, now: datetime) -> bool:
    """A fiat-priced payment past its quote (one started before quotes existed has none: expired)."""
    if payment.fiat_rate is None:
        return False
    return payment.quote_expires_at is None or as_utc(payment.quote_expires_at) <= now


def _requote(s: Session, invoice: Row, payment: Row, *, settings: Settings, now: datetime) -> QuoteRenewed:
    """Every pending part of the payment at the current rate, from its share of the fiat price, and a
    new quote lifetime; funded parts keep what they were funded with. The caller commits, then raises
    the returned QuoteRenewed so the payer confirms the new amount."""
    rate = rate_provider_from_settings(settings).rate(invoice.asset, invoice.fiat_currency)
    parts = s.execute(select(_parts).where(_parts.c.payment_id == payment.id).order_by(_parts.c.position)).all()
    shares = [p.fiat_amount for p in parts]
    if None in shares:  # started before parts kept their shares: in proportion to their amounts
        shares = split_in_proportion(invoice.fiat_amount, [p.amount for p in parts])
    pending = [(p, share) for p, share in zip(parts, shares, strict=True) if p.status == PENDING]
    amounts = quote_parts([share for _, share in pending], invoice.fiat_decimals, invoice.decimals, rate)
    c = _payments.c
    # Only an expired quote is replaced: of two racing re-quotes, the second finds the first's and stops.
    moved = s.execute(
        update(_payments)
        .where(
            c.id == payment.id,
            c.status == PENDING,
            or_(c.quote_expires_at.is_(None), c.quote_expires_at <= now),
        )
        .values(fiat_rate=rate_text(rate), quote_expires_at=now + timedelta(minutes=settings.quote_ttl_min))
    ).rowcount
    if moved != 1:
        raise InvalidState(f"payment {payment.id} was re-quoted meanwhile")
    for part, share in zip(parts, shares, strict=True):
        if part.fiat_amount is None:
            s.execute(update(_parts).where(_parts.c.id == part.id).values(fiat_amount=share))
    for (part, _share), amount in zip(pending, amounts, strict=True):
        moved = s.execute(
            update(_parts).where(_parts.c.id == part.id, _parts.c.status == PENDING).values(amount=amount)
        ).rowcount
        if moved != 1:
            raise InvalidState(f"part {part.id} was funded meanwhile")
    total = s.execute(select(func.sum(_parts.c.amount)).where(_parts.c.payment_id == payment.id)).scalar_one()
    s.execute(update(_payments).where(c.id == payment.id).values(amount=total))
    return _renewed(s, invoice, payment.id, rate_text(rate))


def _renewed(s: Session, invoice: Row, payment_id: int, rate: str | None) -> QuoteRenewed:
    remaining = s.execute(
        select(func.coalesce(func.sum(_parts.c.amount), 0)).where(
            _parts.c.payment_id == payment_id, _parts.c.status == PENDING
        )
    ).scalar_one()
    return QuoteRenewed(
        f"payment {payment_id}: the rate is now {rate}, {remaining} left to fund",
        remaining=remaining,
        asset=invoice.asset,
        decimals=invoice.decimals,
        rate=rate,
        fiat_currency=invoice.fiat_currency,
    )


def _payment_of(s: Session, payer_id: int, payment_id: int) -> Row:
    payment = s.execute(select(_payments).where(_payments.c.id == payment_id)).one_or_none()
    if payment is None or payment.payer_id is None or payment.payer_id != payer_id:
        raise NotFound(f"payment {payment_id}")
    return payment


def _status(s: Session, payment_id: int) -> str:
    return s.execute(select(_payments.c.status).where(_payments.c.id == payment_id)).scalar_one()


def _view(s: Session, payment_id: int, settings: Settings | None) -> PaymentView:
    payment = s.execute(select(_payments).where(_payments.c.id == payment_id)).one()
    invoice = invoice_by_id(s, payment.invoice_id)
    parts = s.execute(select(_parts).where(_parts.c.payment_id == payment_id).order_by(_parts.c.position)).all()
    secrets = None
    if payment.secrets_encrypted and settings is not None:
        secrets = tuple(str(item) for item in unseal(settings, payment.secrets_encrypted))
    waiting = False
    if payment.status == COMPLETED and secrets is None and invoice.webhook_url:
        waiting = (
            s.execute(
                select(_events.c.id).where(
                    _events.c.payment_id == payment_id,
                    _events.c.type == PAYMENT_COMPLETED,
                    _events.c.status == "pending",
                )
            ).first()
            is not None
        )
    return PaymentView(
        id=payment.id,
        invoice_number=invoice.number,
        invoice_title=invoice.title,
        merchant_name=merchant_name(invoice),
        payer_id=payment.payer_id,
        asset=payment.asset,
        decimals=invoice.decimals,
        amount=payment.amount,
        fiat_currency=invoice.fiat_currency if payment.fiat_rate else None,
        fiat_rate=payment.fiat_rate,
        parts=tuple(PartView(p.id, p.position, p.amount, p.method, p.status, as_utc(p.funded_at)) for p in parts),
        status=payment.status,
        is_test=invoice.is_test,
        receipt=payment.receipt,
        secrets=secrets,
        waiting_for_secrets=waiting,
        redirect_url=invoice.redirect_url,
        created_at=as_utc(payment.created_at),
        completed_at=as_utc(payment.completed_at),
        quote_expires_at=as_utc(payment.quote_expires_at),
    )
