"""A payment part paid in fiat through a P2P trader (SPEC F10, fiat -> crypto).

The payer picks a SELL ad of the invoice's asset whose per-deal limits fit the part, and opens a deal
on it as its buyer for exactly the part's amount. The trader's crypto sits in the deal's escrow as in
any deal (services/deals.py: chat, timers, disputes, reviews); the deal's release goes to the part
(`release_to = "part:<id>"`, deals.part_id) instead of the payer's balance, in the release's own
transaction (services/deal_rows.pay_out -> payment_completion.fund_on_arrival with a DealSource).

Where the crypto ends up:
- released (by the trader, or an operator's "release"): the part, funded from the escrow; the last part
  completes the payment. If the part cannot take it any more (payment cancelled or expired meanwhile,
  part funded another way, invoice closed, part re-quoted to another amount) the crypto goes to the
  payer's available balance: the payer paid the fiat for it.
- expired or cancelled: back to the trader; the part stays pending and the payer may pick another ad.
- an operator's "refund": back to the trader, the part stays pending.
- an operator's "split": the payer's share is less than the part asks, so it cannot fund it: it goes
  to the payer's available balance and the part stays pending for the payer to complete another way.
- a payment cancelled after its part was funded by a deal: the part's crypto is in the payer's HELD
  (DealSource funds like a balance part), so the refund puts it on the payer's balance.

One live deal per part: the open checks it under the payment's row lock, and the partial unique index
ux_deals_live_part refuses a racing second one at commit. Lock order: invoice, payment, ad, accounts
(no deal row exists yet); a release takes the deal first, then invoice, payment, accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.domain.ads import SELL
from krypton_app.domain.errors import (
    AdUnavailable,
    IdempotencyConflict,
    InvalidState,
    InvoiceUnavailable,
    NotFound,
)
from krypton_app.domain.invoices import PENDING
from krypton_app.models import Deal
from krypton_app.services.deal_rows import DealView, deal_view, may_view
from krypton_app.services.deals import offering_ad, start_deal
from krypton_app.services.invoice_rows import invoice_by_id, lock_invoice, merchant_name, require_open
from krypton_app.services.market import Offer, offers_for
from krypton_app.services.payment_quotes import quote_expired, requote
from krypton_app.services.payment_rows import parts_table, payment_of, payment_row
from krypton_app.services.rates import RateProvider
from krypton_app.settings import Settings

_parts = parts_table
_deals = Deal.__table__
LIVE = sorted(machine.LIVE)  # the index ux_deals_live_part says the same


@dataclass(frozen=True)
class PartDeal:
    """What a part deal pays, for its deal page: part `position` of `parts` of invoice `invoice_number`."""

    deal_id: int
    payment_id: int
    part_id: int
    position: int
    parts: int
    invoice_number: str
    invoice_title: str
    merchant_name: str
    is_payer: bool  # the viewer is the payer (the link to the payment is theirs)


def part_ads(
    uow: UnitOfWork,
    payer_id: int,
    payment_id: int,
    part_id: int,
    *,
    country: str,
    fiat: str,
    method: str,
    rates: RateProvider,
    now: datetime,
) -> list[Offer]:
    """Active SELL ads of the invoice's asset in `country`/`fiat` offering `method`, whose per-deal
    limits and remaining volume fit the part's amount, not the payer's own and not asking more
    completed deals than the payer has; best price first (services/market.offers_for)."""
    with uow.read() as s:
        part, asset = _payer_part(s, payer_id, payment_id, part_id)
    return offers_for(
        uow,
        payer_id,
        side=SELL,
        asset=asset,
        amount=part.amount,
        country=country,
        fiat=fiat,
        method=method,
        rates=rates,
        now=now,
    )


def open_part_deal(
    uow: UnitOfWork,
    payer_id: int,
    payment_id: int,
    part_id: int,
    ad_id: int,
    *,
    method: str,
    idempotency_key: str,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> DealView:
    """Open a deal on a SELL ad with the payer as buyer for exactly the part's amount, released to the
    part. Only the payer's own pending part of a pending payment of an open invoice, with no live deal
    on it. A fiat-priced payment whose quote expired is re-quoted first; if the part now asks another
    amount, the new quote is committed, nothing is opened and QuoteRenewed is raised for the payer to
    look at the new amount (the ads' fiat totals were for the old one). The same key returns the same
    deal."""
    if not idempotency_key or len(idempotency_key) > 150:
        raise ValueError("idempotency_key must be 1-150 characters")
    key = f"{payer_id}:part:{idempotency_key}"
    try:
        with uow.transaction() as s:
            existing = _deal_of_key(s, key)
            if existing is not None:
                return _replay(s, existing, payer_id, part_id, ad_id, method)
            payment = payment_of(s, payer_id, payment_id)
            invoice = lock_invoice(s, payment.invoice_id)
            payment = payment_row(s, payment_id, lock=True)
            part = _part(s, payment_id, part_id)
            if payment.status != PENDING:
                raise InvalidState(f"payment {payment_id} is {payment.status}", status=payment.status)
            if part.status != PENDING:
                raise InvalidState(f"part {part_id} is {part.status}", code="part_not_pending", status=part.status)
            if invoice.is_test:
                raise InvoiceUnavailable(code="invoice_is_test")
            if invoice.payout_method is not None:
                # Its merchant takes fiat through an intermediary for the payer's crypto (F10, crypto -> fiat).
                raise InvoiceUnavailable(code="fiat_payout_crypto_only")
            require_open(invoice, now)
            _refuse_live_deal(s, part_id)
            renewed = None
            if quote_expired(payment, now):
                renewed = requote(s, invoice, payment, settings=settings, rates=rates, now=now)
                if _part(s, payment_id, part_id).amount == part.amount:
                    renewed = None  # the same amount at the new rate: open at once
            if renewed is None:
                ad = offering_ad(s, ad_id, method)
                if ad.side != SELL or ad.asset != payment.asset:
                    raise AdUnavailable(code="ad_not_for_part")
                deal = start_deal(
                    s,
                    payer_id,
                    ad_id,
                    part.amount,
                    method=method,
                    key=key,
                    rates=rates,
                    now=now,
                    part_id=part_id,
                    settings=settings,
                )
                return deal_view(s, deal, payer_id)
        raise renewed  # after the commit: the new quote stays for the payer to confirm
    except IntegrityError:
        # A twin with the same key, or another deal on this part, committed first.
        with uow.read() as s:
            existing = _deal_of_key(s, key)
            if existing is not None:
                return _replay(s, existing, payer_id, part_id, ad_id, method)
            _refuse_live_deal(s, part_id)
        raise


def part_deal(uow: UnitOfWork, viewer_id: int, deal_id: int) -> PartDeal | None:
    """What the deal pays when it pays an invoice part, for the deal's viewers; None for a plain deal."""
    with uow.read() as s:
        deal = s.get(Deal, deal_id)
        if deal is None or not may_view(s, deal, viewer_id):
            raise NotFound("no such deal")
        if deal.part_id is None:
            return None
        part = s.execute(select(_parts).where(_parts.c.id == deal.part_id)).one()
        payment = payment_row(s, part.payment_id)
        invoice = invoice_by_id(s, payment.invoice_id)
        return PartDeal(
            deal_id=deal.id,
            payment_id=payment.id,
            part_id=part.id,
            position=part.position,
            parts=payment.parts_count,
            invoice_number=invoice.number,
            invoice_title=invoice.title,
            merchant_name=merchant_name(invoice),
            is_payer=viewer_id == payment.payer_id,
        )


# --- helpers -------------------------------------------------------------------------------------


def _payer_part(s: Session, payer_id: int, payment_id: int, part_id: int) -> tuple[Row, str]:
    """The payer's part and its payment's asset; NotFound for anyone else's."""
    payment = payment_of(s, payer_id, payment_id)
    return _part(s, payment_id, part_id), payment.asset


def _part(s: Session, payment_id: int, part_id: int) -> Row:
    part = s.execute(select(_parts).where(_parts.c.id == part_id, _parts.c.payment_id == payment_id)).one_or_none()
    if part is None:
        raise NotFound(f"part {part_id} of payment {payment_id}")
    return part


def _refuse_live_deal(s: Session, part_id: int) -> None:
    live = s.execute(
        select(_deals.c.id).where(_deals.c.part_id == part_id, _deals.c.status.in_(LIVE)).limit(1)
    ).scalar_one_or_none()
    if live is not None:
        raise InvalidState(f"part {part_id} has deal {live} in progress", code="part_deal_live", deal_id=live)


def _deal_of_key(s: Session, key: str) -> Deal | None:
    return s.exec(select(Deal).where(Deal.idempotency_key == key)).scalars().first()


def _replay(s: Session, deal: Deal, payer_id: int, part_id: int, ad_id: int, method: str) -> DealView:
    # The same key for another part, ad or method is a different request, not a retry.
    if (deal.part_id, deal.ad_id, deal.method) != (part_id, ad_id, method):
        raise IdempotencyConflict("idempotency key already used for another deal")
    return deal_view(s, deal, payer_id)
