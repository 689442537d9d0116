"""What a payment asks, and a fiat price's rate quote (domain/invoices.py).

A fixed invoice asks its amount; one priced in fiat asks the asset amount at the current rate, which
the payment then holds for settings.quote_ttl_min minutes. A part funded after that is re-quoted
first: every pending part at the current rate from its share of the fiat price. A re-quote replaces
only an expired quote and only pending parts, each checked in its UPDATE, so a re-quote and a fund
racing each other cannot both win. The rate comes from the RateProvider the caller hands in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Row, func, or_, select, update
from sqlmodel import Session

from krypton_app.domain.errors import InvalidState, InvoiceUnavailable
from krypton_app.domain.invoices import (
    FLOATING,
    PENDING,
    QuoteRenewed,
    asset_for_fiat,
    check_floating_total,
    quote_parts,
    rate_text,
    split_in_proportion,
)
from krypton_app.models.common import as_utc
from krypton_app.services.invoice_rows import InvoiceView, PayerInvoiceView
from krypton_app.services.payment_rows import parts_table, payments_table
from krypton_app.services.rates import RateProvider
from krypton_app.settings import Settings

_payments, _parts = payments_table, parts_table


def amount_due(invoice: InvoiceView | PayerInvoiceView, *, rates: RateProvider) -> tuple[int | None, str | None]:
    """What a fixed or private invoice costs now, in asset minor units, and the fiat rate used
    (None for an asset-denominated one); (None, None) for a floating invoice, where the payer chooses."""
    if invoice.kind == FLOATING:
        return None, None
    if invoice.fiat_amount is None:
        return invoice.amount, None
    amount, rate = _convert(invoice, rates)
    return amount, rate_text(rate)


def check_total(invoice: Row, total: int | None, rates: RateProvider) -> tuple[int, str | None]:
    """The payment's amount and fiat rate text; `total` None means "what the invoice asks"."""
    if invoice.kind == FLOATING:
        if total is None:
            raise InvoiceUnavailable(code="payment_amount_invalid")
        left = None if invoice.max_total is None else invoice.max_total - invoice.collected
        limits = {"minimum": invoice.min_payment, "left": left}
        check_floating_total(total, **limits, decimals=invoice.decimals, asset=invoice.asset)
        return total, None
    rate = None
    due = invoice.amount
    if invoice.fiat_amount is not None:
        due, exact = _convert(invoice, rates)
        rate = rate_text(exact)
    if total is not None and total != due:
        raise InvoiceUnavailable(f"the parts add up to {total}, the invoice asks {due}", code="payment_amount_invalid")
    return due, rate


def _convert(invoice: Row | InvoiceView | PayerInvoiceView, rates: RateProvider) -> tuple[int, Decimal]:
    """The invoice's fiat price in asset minor units at the current rate, and that rate."""
    rate = rates.rate(invoice.asset, invoice.fiat_currency)
    return asset_for_fiat(invoice.fiat_amount, invoice.fiat_decimals, invoice.decimals, rate), rate


def quote_expiry(rate: str | None, settings: Settings, now: datetime) -> datetime | None:
    return None if rate is None else now + timedelta(minutes=settings.quote_ttl_min)


def fiat_shares(invoice: Row, amounts: list[int], rate: str | None) -> list[int | None]:
    """Each part's share of a fiat price, in proportion to the asset amounts the payer chose."""
    if rate is None:
        return [None] * len(amounts)
    return list(split_in_proportion(invoice.fiat_amount, amounts))


def quote_expired(payment: Row, now: datetime) -> bool:
    """A fiat-priced payment past its quote (one started before quotes existed has none: expired)."""
    if payment.fiat_rate is None:
        return False
    return payment.quote_expires_at is None or as_utc(payment.quote_expires_at) <= now


def requote(
    s: Session, invoice: Row, payment: Row, *, settings: Settings, rates: RateProvider, now: datetime
) -> QuoteRenewed:
    """Every pending part of the payment at the current rate, from its share of the fiat price, and a
    new quote lifetime; funded parts keep what they were funded with. The caller commits, then raises
    the returned QuoteRenewed so the payer confirms the new amount."""
    rate = rates.rate(invoice.asset, invoice.fiat_currency)
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
    return renewed(s, invoice, payment.id, rate_text(rate))


def renewed(s: Session, invoice: Row, payment_id: int, rate: str | None) -> QuoteRenewed:
    """What the payer is told when the payment's amounts are not the ones they confirmed."""
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
