"""Funding a part and completing a payment, inside the caller's transaction (SPEC F5).

Funding the last part completes the payment in the same transaction: the invoice takes it (a
conditional UPDATE of its counters that closes it at a limit), every part is captured to the
merchant, the receipt is signed and the webhook event queued (`settle`). When the invoice cannot take it
(another payer took the last slot), every funded part goes back instead. A fiat-payout invoice's payment
stops short of `settle`: it waits, awaiting_fiat, for its merchant's fiat (services/fiat_payouts.py).

The steps here do not raise the refusals that must outlive the transaction (a payment that lost the
last slot is refunded, a new quote is kept): they return them, and the use case raises them after its
commit. Lock order: invoice row, payment row, ledger accounts in ascending id.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from sqlalchemy import Row, select, update
from sqlmodel import Session

from krypton_app.domain.errors import InvalidState, InvoiceUnavailable, KryptonError, NotFound
from krypton_app.domain.fees import INVOICE_PAYMENT as INVOICE_PAYMENT_FEE
from krypton_app.domain.invoices import AWAITING_FIAT, CLOSED, COMPLETED, FUNDED, PENDING, PRIVATE, REFUNDED
from krypton_app.domain.money import format_amount
from krypton_app.models import Invoice, User
from krypton_app.models.common import as_utc
from krypton_app.services import compat_events, fees, notifications, webhooks
from krypton_app.services.funding import (
    TEST,
    ArrivingSource,
    FundingSource,
    PartFunding,
    accounts_of,
    capture_funded_parts,
    funded_parts,
    lock_accounts,
    return_funded_parts,
)
from krypton_app.services.invoice_rows import (
    invoice_by_id,
    invoice_event_data,
    lock_invoice,
    queue_invoice_event,
    refund_pending_payments,
    require_open,
    take_slot,
    unavailable,
)
from krypton_app.services.payment_quotes import quote_expired, renewed, requote
from krypton_app.services.payment_rows import (
    PAYMENT_COMPLETED,
    parts_table,
    payment_of,
    payment_row,
    payment_status,
    payments_table,
)
from krypton_app.services.rates import RateProvider
from krypton_app.services.receipts import VERSION as RECEIPT_VERSION
from krypton_app.services.receipts import issue_receipt
from krypton_app.settings import Settings
from krypton_app.wakeups import announce, invoice_pages

_payments, _parts = payments_table, parts_table
_users = User.__table__
_invoices = Invoice.__table__


def fund_part(
    s: Session,
    payer_id: int,
    payment_id: int,
    part_id: int,
    source: FundingSource,
    *,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
    expected_amount: int | None,
) -> KryptonError | None:
    """Fund the payer's part from `source` at the amount they confirmed (`expected_amount`; without
    one, what the part asked so far); funding the last part completes the payment. A part funded
    already is left as it is (a double click). Returns the refusal to raise after the commit: a new
    quote (nothing funded), or the invoice that could not take the completed payment (refunded)."""
    payment = payment_of(s, payer_id, payment_id)
    invoice = lock_invoice(s, payment.invoice_id)
    payment = payment_row(s, payment_id, lock=True)
    announce(s, *invoice_pages(invoice.id, payment_id))
    part = s.execute(select(_parts).where(_parts.c.id == part_id, _parts.c.payment_id == payment_id)).one_or_none()
    if part is None:
        raise NotFound(f"part {part_id} of payment {payment_id}")
    if part.status != PENDING:
        return None  # funded already: a repeated click
    if payment.status == REFUNDED:
        # The invoice ended under the payment (closed, expired, or its last slot went to another payer).
        raise unavailable(invoice, now) or InvoiceUnavailable(f"invoice {invoice.number} closed", code="invoice_closed")
    if payment.status != PENDING:
        raise InvalidState(f"payment {payment_id} is {payment.status}", status=payment.status)
    if invoice.is_test and source is not TEST:
        raise InvoiceUnavailable(code="invoice_is_test")
    require_open(invoice, now)
    confirmed = part.amount if expected_amount is None else expected_amount
    if quote_expired(payment, now):
        new_quote = requote(s, invoice, payment, settings=settings, rates=rates, now=now)
        part = s.execute(select(_parts).where(_parts.c.id == part_id)).one()
        if part.amount != confirmed:
            return new_quote  # the new quote is committed, nothing is funded
        # else the rate gives the same amount: funded under the new quote, nothing to confirm
    elif part.amount != confirmed:
        raise renewed(s, invoice, payment_id, payment.fiat_rate)
    others_pending = s.execute(
        select(_parts.c.id).where(_parts.c.payment_id == payment_id, _parts.c.status == PENDING, _parts.c.id != part_id)
    ).first()
    if others_pending is not None:
        fund_one(s, source, payment, part.id, payer_id, now)
        return None
    return complete(s, invoice, payment_id, part.id, source, payer_id, settings=settings, now=now)


def fund_on_arrival(
    s: Session,
    payment_id: int,
    part_id: int,
    source: ArrivingSource,
    *,
    amount: int,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> bool:
    """Money for a part arrived (a Lightning invoice settled, a deal released to the part): fund the
    part with it, which completes the payment when it was the last one. The part takes it only while
    it is pending, its payment pending, its invoice open and it asks exactly `amount`; otherwise the
    money goes to the payer's available balance, since the payer paid it. Returns whether the part
    took it (a payment refunded right after, because the invoice could not take it, still counts: the
    refund brought it to the payer)."""
    payer_id = s.execute(select(_payments.c.payer_id).where(_payments.c.id == payment_id)).scalar_one()
    # fund_part refuses before it writes anything, so the caller's transaction (the release, the
    # settlement) goes on with the money sent to the balance instead.
    with suppress(KryptonError):
        fund_part(
            s,
            payer_id,
            payment_id,
            part_id,
            source,
            settings=settings,
            rates=rates,
            now=now,
            expected_amount=amount,
        )
    reference = s.execute(select(_parts.c.funding_ref).where(_parts.c.id == part_id)).scalar_one()
    if reference == source.reference:
        return True
    source.to_balance(s, payer_id, amount)
    return False


def fund_one(
    s: Session, source: FundingSource, payment: Row, part_id: int, payer_id: int | None, now: datetime
) -> None:
    """One part funded from `source`, at the amount it asks right now."""
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


def complete(
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
    payment = payment_row(s, payment_id)
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

    fund_one(s, source, payment, last_part_id, payer_id, now)
    if invoice.payout_method is not None and source is not TEST:
        # "Pay me in fiat" (services/fiat_payouts.py): the payer has paid and the invoice counts it, but
        # the crypto stays held until the merchant is paid in fiat (or takes the crypto after all).
        s.execute(
            update(_payments)
            .where(_payments.c.id == payment_id, _payments.c.status == PENDING)
            .values(status=AWAITING_FIAT)
        )
        notifications.notify(
            s,
            invoice.merchant_id,
            kind=notifications.DEAL_REQUESTED,
            deal_id=None,
            text_key="notify.fiat_payout_waiting",
            params={
                "invoice": invoice.number,
                "amount": format_amount(payment.amount, invoice.decimals),
                "asset": invoice.asset,
            },
        )
    else:
        settle(s, invoice, payment_id, from_status=PENDING, settings=settings, now=now)
    if closed_now:
        # The limit is reached: nobody else can complete, so their funded parts go back now.
        refund_pending_payments(s, invoice.id)
        queue_invoice_event(s, invoice, "invoice.closed", now)
    return None


def settle(s: Session, invoice: Row, payment_id: int, *, from_status: str, settings: Settings, now: datetime) -> None:
    """The payment's funded parts go to the merchant less the invoice-payment fee, which goes to the fee
    account (SPEC F12: the rule in force is read here, in this transaction), and it completes: fee kept on
    the payment and counted on the invoice, receipt (public invoices) and the payment.completed webhook, in
    the caller's transaction. Every way a payment completes comes here, so each pays its fee once.
    `from_status`: pending (its last part was just funded) or awaiting_fiat (its merchant was paid in
    fiat, services/fiat_payouts.py). A test-mode payment moves nothing but keeps the fee it would pay."""
    rule = fees.rule_in(s, INVOICE_PAYMENT_FEE, invoice.asset, settings)
    split = capture_funded_parts(s, payment_id, invoice.merchant_id, rule)
    moved = s.execute(
        update(_payments)
        .where(_payments.c.id == payment_id, _payments.c.status == from_status)
        .values(status=COMPLETED, completed_at=now, fee=split.fee)
    ).rowcount
    if moved != 1:
        raise InvalidState(f"payment {payment_id} is not {from_status}", status=payment_status(s, payment_id))
    s.execute(
        update(_invoices)
        .where(_invoices.c.id == invoice.id)
        .values(fees_collected=_invoices.c.fees_collected + split.fee)
    )
    invoice = invoice_by_id(s, invoice.id)
    payment = payment_row(s, payment_id)
    receipt = issue_payment_receipt(s, invoice, payment_id, settings) if invoice.kind != PRIVATE else None
    payer = s.execute(select(_users.c.wallet_address).where(_users.c.id == payment.payer_id)).scalar_one_or_none()
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
            "fee": format_amount(payment.fee, invoice.decimals),
            "net": format_amount(payment.amount - payment.fee, invoice.decimals),
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
    compat_events.invoice_changed(s, invoice_id=invoice.id, type=PAYMENT_COMPLETED, payment_id=payment_id, now=now)


def issue_payment_receipt(s: Session, invoice: Row, payment_id: int, settings: Settings) -> str:
    """Sign the completed payment's receipt and keep it on the payment (the first one stays)."""
    payment = payment_row(s, payment_id)
    payer = s.execute(select(_users.c.wallet_address).where(_users.c.id == payment.payer_id)).scalar_one_or_none()
    parts = s.execute(
        select(_parts.c.method, _parts.c.amount).where(_parts.c.payment_id == payment_id).order_by(_parts.c.position)
    ).all()
    token = issue_receipt(
        settings,
        {
            "v": RECEIPT_VERSION,
            "invoice": invoice.number,
            "payment": payment_id,
            "payer": payer,
            "amount": format_amount(payment.amount, invoice.decimals),
            "fee": format_amount(payment.fee, invoice.decimals),
            "net": format_amount(payment.amount - payment.fee, invoice.decimals),
            "asset": payment.asset,
            "parts": [{"method": p.method, "amount": format_amount(p.amount, invoice.decimals)} for p in parts],
            "time": int(as_utc(payment.completed_at).timestamp()),
            "merchant": invoice.merchant_address,
            "test": invoice.is_test,
        },
    )
    s.execute(
        update(_payments).where(_payments.c.id == payment_id, _payments.c.receipt.is_(None)).values(receipt=token)
    )
    return token
