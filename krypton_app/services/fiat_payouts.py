"""Three-party crypto -> fiat (SPEC F10): a merchant paid in fiat for their invoice's crypto.

1. The merchant marks an invoice "pay me in fiat" with a country, its currency and a payment method
   (invoices.payout_*). They must keep a deposit in the invoice's asset: at creation their available
   balance must cover one payment (services/invoices.create_invoice: a fixed or private invoice's
   amount; a floating one's minimum payment, the least a payment can be, or one minor unit without a
   minimum: every payment is checked again when it starts). Fiat-priced invoices are not offered: a
   re-quote would change the payment's amount under a deposit held at the old one.
2. Each payment holds the merchant's deposit for its amount when it starts (services/fiat_deposits.py;
   two payers racing for a deposit that covers one payment: one starts, the other is refused with
   fiat_deposit_short and holds nothing). The payer pays in crypto only (balance, Lightning, promise:
   the wizard hides fiat, and services/part_deals.open_part_deal refuses it). When every part is funded
   the payment does not complete: it waits, `awaiting_fiat`, with the payer's crypto held; the invoice
   counts it already (its limits cannot be reached under it); payment timers leave it alone; the
   merchant is notified.
3. The merchant picks an intermediary among BUY ads of the invoice's asset in its payout country,
   currency and method whose limits fit the payment (`payout_ads`, services/market.browse) and opens a
   deal (`open_payout_deal`): seller the merchant, buyer the ad's owner, amount the payment's, escrow
   the deposit (services/fiat_payout_purpose.py says where the money goes on each ending). Chat,
   timers, disputes and reviews are any deal's: the intermediary marks the fiat sent, the merchant
   releases; an unconfirmed "fiat sent" goes to a dispute, never to a release.
4. Instead, while no deal is live, the merchant may take the payment in crypto (`take_in_crypto`): it
   completes to them as any payment and the deposit goes back, so a payer's crypto is never stuck. A
   merchant who does neither for KRYPTON_FIAT_PAYOUT_WAIT_H (since the payment was paid, or since its
   last payout deal ended) gets it in crypto by the housekeeping worker (`end_waiting_payouts`).

A merchant who lets a fiat-payout deal lapse (the release window passes without their confirmation) is
counted on their trader card (services/reputation.py, `lapsed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.domain.ads import BUY, fiat_for
from krypton_app.domain.errors import AdUnavailable, IdempotencyConflict, InvalidState, NotFound
from krypton_app.domain.invoices import AWAITING_FIAT
from krypton_app.domain.ledger import HELD
from krypton_app.domain.money import format_amount
from krypton_app.models import Deal
from krypton_app.models.common import as_utc
from krypton_app.models.ledger import Asset
from krypton_app.models.users import User
from krypton_app.services.ad_views import AdView
from krypton_app.services.deal_rows import DealView, deal_view
from krypton_app.services.deals import offering_ad, start_deal
from krypton_app.services.fiat_deposits import available_balance, deposit_needed, release_deposits
from krypton_app.services.funding import accounts_of, funded_parts, lock_accounts
from krypton_app.services.invoice_rows import invoice_by_id, lock_invoice, own_invoice_row
from krypton_app.services.ledger import user_account
from krypton_app.services.market import MAX_PAGE_SIZE, browse
from krypton_app.services.payment_completion import settle
from krypton_app.services.payment_rows import PaymentView, parts_table, payment_row, payment_view, payments_table
from krypton_app.services.rates import RateProvider
from krypton_app.services.reputation import TraderCard, completed_deals
from krypton_app.services.users import public_name
from krypton_app.settings import Settings

_payments = payments_table
_parts = parts_table
_deals = Deal.__table__
_users = User.__table__
LIVE = sorted(machine.LIVE)  # the index ux_deals_live_payment says the same


@dataclass(frozen=True)
class PayoutOffer:
    """A BUY ad that can pay the merchant: its trader, and the fiat they send for the payment."""

    ad: AdView
    trader: TraderCard
    fiat_total: int  # fiat minor units at the ad's current price


@dataclass(frozen=True)
class WaitingPayment:
    """A payment of the invoice waiting for its fiat payout, with its latest deal, if any."""

    payment_id: int
    amount: int
    payer_name: str
    created_at: datetime
    deal_id: int | None
    deal_status: str  # "" without a deal; a live one is in progress, an ended one left it waiting


@dataclass(frozen=True)
class PayoutPanel:
    """What the merchant's invoice page shows of the fiat payout (amounts in the asset's minor units)."""

    country: str
    fiat: str
    method: str
    held: int  # deposit held for the invoice's payments now
    needed: int  # what one more payment needs (the creation rule: services/invoices)
    available: int  # the merchant's available balance in the asset
    waiting: tuple[WaitingPayment, ...]


def payout_panel(uow: UnitOfWork, merchant_id: int, number: str) -> PayoutPanel | None:
    """The fiat payout of the merchant's invoice; None when it is paid out in crypto."""
    with uow.read() as s:
        invoice = own_invoice_row(s, merchant_id, number)
        if invoice.payout_method is None:
            return None
        held = s.execute(
            select(func.coalesce(func.sum(_payments.c.deposit_held), 0)).where(_payments.c.invoice_id == invoice.id)
        ).scalar_one()
        rows = s.execute(
            select(
                _payments.c.id,
                _payments.c.amount,
                _payments.c.created_at,
                _users.c.display_name,
                _users.c.username,
                _users.c.wallet_address,
            )
            .join(_users, _users.c.id == _payments.c.payer_id)
            .where(_payments.c.invoice_id == invoice.id, _payments.c.status == AWAITING_FIAT)
            .order_by(_payments.c.id)
        ).all()
        deals = _latest_deals(s, [row.id for row in rows])
        return PayoutPanel(
            country=invoice.payout_country,
            fiat=invoice.payout_fiat,
            method=invoice.payout_method,
            held=held,
            needed=deposit_needed(invoice.amount, invoice.min_payment),
            available=available_balance(s, merchant_id, invoice.asset),
            waiting=tuple(
                WaitingPayment(
                    payment_id=row.id,
                    amount=row.amount,
                    payer_name=public_name(row.display_name, row.username, row.wallet_address),
                    created_at=as_utc(row.created_at),
                    deal_id=deals.get(row.id, (None, ""))[0],
                    deal_status=deals.get(row.id, (None, ""))[1],
                )
                for row in rows
            ),
        )


def payout_ads(
    uow: UnitOfWork, merchant_id: int, payment_id: int, *, rates: RateProvider, now: datetime
) -> list[PayoutOffer]:
    """Active BUY ads of the invoice's asset in its payout country, currency and method whose limits and
    remaining volume fit the payment, not the merchant's own and not asking more completed deals than the
    merchant has; best price first (services/market.browse's order: highest buy price)."""
    with uow.read() as s:
        invoice, payment = _merchant_payment(s, merchant_id, payment_id)
        decimals = s.execute(select(Asset.decimals).where(Asset.code == invoice.asset)).scalar_one()
        done = completed_deals(s, merchant_id)
    page = browse(
        uow,
        side=BUY,
        asset=invoice.asset,
        fiat=invoice.payout_fiat,
        country=invoice.payout_country,
        method=invoice.payout_method,
        amount=format_amount(payment.amount, decimals),
        page_size=MAX_PAGE_SIZE,
        rates=rates,
        now=now,
    )
    return [
        PayoutOffer(listing.ad, listing.trader, fiat_for(payment.amount, decimals, listing.ad.price))
        for listing in page.items
        if listing.ad.owner_id != merchant_id and listing.ad.min_completed_deals <= done
    ]


def open_payout_deal(
    uow: UnitOfWork,
    merchant_id: int,
    payment_id: int,
    ad_id: int,
    *,
    idempotency_key: str,
    rates: RateProvider,
    now: datetime,
    fee_terms: str | None = None,
) -> DealView:
    """Open the fiat payout of the merchant's waiting payment on a BUY ad of its country, currency and
    method: the ad's owner buys the payment's amount from the merchant, escrow the merchant's deposit.
    One live deal per payment (checked under the payment's lock; the index ux_deals_live_payment refuses
    a racing second at commit). The same key returns the same deal. The deal fee is the rule's now:
    FeeChanged if its terms are not `fee_terms`, the ones shown (services/deal_fee_quotes.py)."""
    if not idempotency_key or len(idempotency_key) > 150:
        raise ValueError("idempotency_key must be 1-150 characters")
    key = f"{merchant_id}:payout:{idempotency_key}"
    try:
        with uow.transaction() as s:
            existing = _deal_of_key(s, key)
            if existing is not None:
                return _replay(s, existing, merchant_id, payment_id, ad_id)
            invoice, payment = _merchant_payment(s, merchant_id, payment_id)
            lock_invoice(s, invoice.id)
            payment = payment_row(s, payment_id, lock=True)
            if payment.status != AWAITING_FIAT:
                raise InvalidState(f"payment {payment_id} is {payment.status}", status=payment.status)
            _refuse_live_deal(s, payment_id)
            ad = offering_ad(s, ad_id, invoice.payout_method)
            market = (BUY, invoice.asset, invoice.payout_fiat, invoice.payout_country)
            if (ad.side, ad.asset, ad.fiat, ad.country) != market:
                raise AdUnavailable(code="ad_not_for_payout")
            deal = start_deal(
                s,
                merchant_id,
                ad_id,
                payment.amount,
                method=invoice.payout_method,
                key=key,
                rates=rates,
                now=now,
                purpose=machine.FIAT_PAYOUT,
                seller_id=merchant_id,
                payment_id=payment_id,
                fee_terms=fee_terms,
            )
            return deal_view(s, deal, merchant_id)
    except IntegrityError:
        # A twin with the same key, or another deal on this payment, committed first.
        with uow.read() as s:
            existing = _deal_of_key(s, key)
            if existing is not None:
                return _replay(s, existing, merchant_id, payment_id, ad_id)
            _refuse_live_deal(s, payment_id)
        raise


def take_in_crypto(
    uow: UnitOfWork, merchant_id: int, payment_id: int, *, settings: Settings, now: datetime
) -> PaymentView:
    """The merchant takes the waiting payment in crypto after all: it completes to them as any payment
    (receipt, webhook) and its deposit goes back to their balance. Not while a deal pays it out."""
    with uow.transaction() as s:
        invoice, _payment = _merchant_payment(s, merchant_id, payment_id)
        _complete_in_crypto(s, invoice.id, payment_id, settings=settings, now=now)
        return payment_view(s, payment_id, settings)


def end_waiting_payouts(uow: UnitOfWork, *, settings: Settings, now: datetime, batch: int = 100) -> int:
    """Complete in crypto every waiting payment whose merchant has had no payout deal running for
    `settings.fiat_payout_wait_h`, counted from when it was paid or when its last deal ended. Each in its
    own transaction, re-checked under the payment's lock (a deal opened a moment earlier wins). Returns
    how many completed."""
    since = now - timedelta(hours=settings.fiat_payout_wait_h)
    paid = select(func.max(_parts.c.funded_at)).where(_parts.c.payment_id == _payments.c.id).scalar_subquery()
    dealt = select(func.max(_deals.c.updated_at)).where(_deals.c.payment_id == _payments.c.id).scalar_subquery()
    with uow.read() as s:
        due = s.execute(
            select(_payments.c.id, _payments.c.invoice_id)
            .where(_payments.c.status == AWAITING_FIAT, paid <= since, func.coalesce(dealt, paid) <= since)
            .order_by(_payments.c.id)
            .limit(batch)
        ).all()
    done = 0
    for payment_id, invoice_id in due:
        try:
            with uow.transaction() as s:
                _complete_in_crypto(s, invoice_id, payment_id, settings=settings, now=now)
            done += 1
        except InvalidState:
            continue  # completed, or a deal opened, meanwhile
    return done


# --- helpers -------------------------------------------------------------------------------------


def _complete_in_crypto(s: Session, invoice_id: int, payment_id: int, *, settings: Settings, now: datetime) -> None:
    """The waiting payment completes to its merchant as any payment and its deposit goes back; refused
    while a deal pays it out. Lock order: invoice, payment, accounts."""
    invoice = lock_invoice(s, invoice_id)
    payment = payment_row(s, payment_id, lock=True)
    if payment.status != AWAITING_FIAT:
        raise InvalidState(f"payment {payment_id} is {payment.status}", status=payment.status)
    _refuse_live_deal(s, payment_id)
    parts = funded_parts(s, [payment_id])
    merchant_held = user_account(s, invoice.merchant_id, invoice.asset, HELD)
    lock_accounts(s, [merchant_held, *accounts_of(s, parts, invoice.merchant_id)])
    release_deposits(s, [payment_id])
    settle(s, invoice, payment_id, from_status=AWAITING_FIAT, settings=settings, now=now)


def _merchant_payment(s: Session, merchant_id: int, payment_id: int) -> tuple[Row, Row]:
    """The payment of the merchant's fiat-payout invoice and that invoice; NotFound for anyone else."""
    payment = s.execute(select(_payments).where(_payments.c.id == payment_id)).one_or_none()
    invoice = None if payment is None else invoice_by_id(s, payment.invoice_id)
    if invoice is None or invoice.merchant_id != merchant_id or invoice.payout_method is None:
        raise NotFound(f"payment {payment_id}")
    return invoice, payment


def _latest_deals(s: Session, payment_ids: list[int]) -> dict[int, tuple[int, str]]:
    """payment id -> (id, status) of its newest payout deal."""
    if not payment_ids:
        return {}
    rows = s.execute(
        select(_deals.c.payment_id, _deals.c.id, _deals.c.status)
        .where(_deals.c.payment_id.in_(payment_ids))
        .order_by(_deals.c.id)
    ).all()
    return {row.payment_id: (row.id, row.status) for row in rows}


def _refuse_live_deal(s: Session, payment_id: int) -> None:
    live = s.execute(
        select(_deals.c.id).where(_deals.c.payment_id == payment_id, _deals.c.status.in_(LIVE)).limit(1)
    ).scalar_one_or_none()
    if live is not None:
        raise InvalidState(f"payment {payment_id} has deal {live}", code="fiat_payout_live", deal_id=live)


def _deal_of_key(s: Session, key: str) -> Deal | None:
    return s.exec(select(Deal).where(Deal.idempotency_key == key)).scalars().first()


def _replay(s: Session, deal: Deal, merchant_id: int, payment_id: int, ad_id: int) -> DealView:
    if (deal.payment_id, deal.ad_id) != (payment_id, ad_id):
        raise IdempotencyConflict("idempotency key already used for another deal")
    return deal_view(s, deal, merchant_id)
