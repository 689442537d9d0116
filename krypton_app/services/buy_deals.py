"""Buying crypto for fiat (SPEC F7): the destination checked before anything opens, the SELL ads that
can sell the amount, the deal that buys it, and what its deal page shows about where the crypto goes.

The buyer names a destination: their balance, a Bitcoin address, a Lightning invoice or a promise.
`quote_buy` checks it first (the address for the configured network; the invoice decoded, for this
network, not expired, with an amount) and says what the purchase must be: for Lightning the amount
follows from the invoice's amount plus the payout fee at the current rate; for Bitcoin the payout is
the bought amount less the payout fee (and must not be dust). `open_buy_deal` checks it again in the
transaction that opens the deal on a SELL ad (services/deals.start_deal, purpose "buy": chat, timers,
disputes, reviews as any deal) and writes the destination beside it; the release delivers it
(services/buy_purpose.py). A refused destination leaves no deal behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.domain.ads import SELL, fiat_for
from krypton_app.domain.catalog_data import ASSETS
from krypton_app.domain.errors import AdUnavailable, IdempotencyConflict, InvalidDestination, KryptonError, NotFound
from krypton_app.domain.money import to_minor
from krypton_app.models import Deal, DealDestination, Payout, Promise
from krypton_app.payouts.validation import BITCOIN, LIGHTNING
from krypton_app.services.buy_purpose import DESTINATIONS, destination_row, invoice_in_payout, short_target
from krypton_app.services.crypto import unseal
from krypton_app.services.deal_rows import DealView, deal_view, may_view
from krypton_app.services.deals import offering_ad, start_deal
from krypton_app.services.market import Offer, offers_for
from krypton_app.services.payout_quotes import asset_decimals, price_bitcoin, price_lightning
from krypton_app.services.rates import RateProvider, RateUnavailable
from krypton_app.services.transfer_fees import payout_fee
from krypton_app.settings import Settings

FIAT_PLACES = 2  # every catalog currency has cents (i18n.formatting.FIAT_PLACES)

_dest = DealDestination.__table__
_payouts = Payout.__table__
_promises = Promise.__table__


@dataclass(frozen=True)
class BuyQuote:
    """What a purchase for a destination buys and what reaches the destination."""

    kind: str  # balance | bitcoin | lightning | promise
    asset: str
    decimals: int
    amount: int  # minor units bought: the deal's amount
    target: str  # the normalised address or invoice ("" for balance and promise)
    payout_amount: int | None  # what the payout sends, in the asset (None: no payout)
    fee: int  # the payout fee (0 without a payout)
    amount_sat: int  # what the payout sends, in satoshi at the current rate (0: no payout)
    expires_at: datetime | None  # the Lightning invoice's expiry


@dataclass(frozen=True)
class BuyDestinationView:
    """Where a buy deal's crypto goes, for the deal's viewers; the full target for the buyer only."""

    deal_id: int
    kind: str
    target: str  # the buyer sees it whole, anyone else its ends
    asset: str
    decimals: int
    amount: int
    payout_amount: int | None
    outcome: str | None  # None until released: delivered | to_balance
    reason: str | None
    payout_status: str | None  # the payout's status once queued
    promise_status: str | None
    code_waiting: bool  # the bought promise's code waits to be shown (the buyer's page takes it)
    is_buyer: bool


@dataclass(frozen=True)
class BoughtCode:
    asset: str
    amount: int
    code: str


def quote_buy(
    uow: UnitOfWork,
    *,
    asset: str,
    kind: str,
    amount: str,
    target: str,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> BuyQuote:
    """Check the destination and price the purchase. `amount` (asset text) is ignored for Lightning."""
    with uow.read() as s:
        return _quote(s, asset=asset, kind=kind, amount=amount, target=target, settings=settings, rates=rates, now=now)


@dataclass(frozen=True)
class BuyAmount:
    """A typed amount, in the asset and in fiat, one converted from the other at the reference rate."""

    amount: int  # asset minor units
    fiat: int | None  # fiat minor units (FIAT_PLACES); None: no reference rate for the pair
    rate: Decimal | None  # fiat per whole asset unit


def buy_amount(rates: RateProvider, *, asset: str, fiat: str, unit: str, text: str) -> BuyAmount:
    """What the wizard's amount means: `unit` "fiat" converts the typed fiat to the asset (rounded down:
    never more than typed), "crypto" the asset to fiat (for display). Raises the amount's refusal; a
    fiat amount without a reference rate raises RateUnavailable."""
    decimals = {code: places for code, _name, places in ASSETS}[asset]
    if unit == "fiat":
        rate = rates.rate(asset, fiat)
        fiat_minor = to_minor(text, FIAT_PLACES)
        return BuyAmount(amount_for_fiat(fiat_minor, FIAT_PLACES, decimals, rate), fiat_minor, rate)
    minor = to_minor(text, decimals)
    try:
        rate = rates.rate(asset, fiat)
    except RateUnavailable:
        return BuyAmount(minor, None, None)
    price = int(rate.scaleb(FIAT_PLACES).to_integral_value(ROUND_HALF_UP))
    return BuyAmount(minor, fiat_for(minor, decimals, price), rate)


def amount_for_fiat(fiat_minor: int, fiat_decimals: int, decimals: int, rate: Decimal) -> int:
    """Minor units of an asset that `fiat_minor` buys at `rate` fiat per whole unit, rounded down (the
    wizard's "amount in fiat": the purchase never costs more than typed at that rate)."""
    numerator, denominator = Decimal(rate).as_integer_ratio()
    if numerator <= 0:
        return 0
    return fiat_minor * denominator * 10**decimals // (numerator * 10**fiat_decimals)


def buy_offers(
    uow: UnitOfWork,
    buyer_id: int | None,
    *,
    asset: str,
    amount: int,
    country: str,
    fiat: str,
    method: str,
    rates: RateProvider,
    now: datetime,
    first_ad: int | None = None,
) -> list[Offer]:
    """The SELL ads that can sell `amount` (services/market.offers_for: best price first, limits and
    volume fit, the trader's record); `first_ad` (the ad the wizard came from) is moved to the top."""
    offers = offers_for(
        uow,
        buyer_id,
        side=SELL,
        asset=asset,
        amount=amount,
        country=country,
        fiat=fiat,
        method=method,
        rates=rates,
        now=now,
    )
    return sorted(offers, key=lambda offer: offer.ad.id != first_ad)


def open_buy_deal(
    uow: UnitOfWork,
    buyer_id: int,
    ad_id: int,
    *,
    method: str,
    kind: str,
    amount: str,
    target: str,
    idempotency_key: str,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
    fee_terms: str | None = None,
) -> DealView:
    """Open a deal on a SELL ad with the buyer as its buyer, whose release goes to the destination; FeeChanged
    if the deal fee's terms are not `fee_terms`, the ones shown (services/deal_fee_quotes.py).
    The destination is checked first, in the same transaction: a refusal opens nothing. The same key
    returns the same deal."""
    if not idempotency_key or len(idempotency_key) > 150:
        raise ValueError("idempotency_key must be 1-150 characters")
    key = f"{buyer_id}:buy:{idempotency_key}"
    try:
        with uow.transaction() as s:
            existing = _deal_of_key(s, key)
            if existing is not None:
                return _replay(s, existing, buyer_id, ad_id, method, kind)
            ad = offering_ad(s, ad_id, method)
            if ad.side != SELL:
                raise AdUnavailable(code="ad_not_for_buy")
            quote = _quote(s, asset=ad.asset, kind=kind, amount=amount, target=target, settings=settings,
                           rates=rates, now=now)  # fmt: skip
            deal = start_deal(s, buyer_id, ad_id, quote.amount, method=method, key=key, rates=rates, now=now,
                              purpose=machine.BUY, settings=settings, fee_terms=fee_terms)  # fmt: skip
            s.execute(
                _dest.insert().values(
                    deal_id=deal.id,
                    kind=quote.kind,
                    target=quote.target,
                    payout_amount=quote.payout_amount,
                    created_at=now,
                )
            )
            return deal_view(s, deal, buyer_id)
    except IntegrityError:
        # A twin with the same key committed first: answer with its deal.
        with uow.read() as s:
            existing = _deal_of_key(s, key)
            if existing is None:
                raise
            return _replay(s, existing, buyer_id, ad_id, method, kind)


def buy_destination(uow: UnitOfWork, viewer_id: int, deal_id: int) -> BuyDestinationView | None:
    """Where the deal's crypto goes, for its viewers (NotFound for anyone else); None for other deals."""
    with uow.read() as s:
        deal = s.get(Deal, deal_id)
        if deal is None or not may_view(s, deal, viewer_id):
            raise NotFound("no such deal")
        dest = destination_row(s, deal_id)
        if dest is None:
            return None
        payout_status = None
        if dest.payout_id is not None:
            payout_status = s.execute(select(_payouts.c.status).where(_payouts.c.id == dest.payout_id)).scalar_one()
        promise_status = None
        if dest.promise_id is not None:
            promise_status = s.execute(select(_promises.c.status).where(_promises.c.id == dest.promise_id)).scalar_one()
        is_buyer = viewer_id == deal.buyer_id
        target = dest.target if is_buyer else short_target(dest.target)
        return BuyDestinationView(
            deal_id=deal.id,
            kind=dest.kind,
            target=target,
            asset=deal.asset,
            decimals=asset_decimals(s, deal.asset),
            amount=deal.amount,
            payout_amount=dest.payout_amount,
            outcome=dest.outcome,
            reason=dest.reason,
            payout_status=payout_status,
            promise_status=promise_status,
            code_waiting=is_buyer and dest.code_sealed is not None,
            is_buyer=is_buyer,
        )


def take_bought_code(uow: UnitOfWork, buyer_id: int, deal_id: int, *, settings: Settings) -> BoughtCode | None:
    """The bought promise's code, once: taking it forgets it (None when there is none, or it was taken).
    Only the deal's buyer; anyone else: NotFound. A code never shown is not lost: the promise is the
    buyer's own, and cancelling it from "My promises" brings the money to their balance."""
    with uow.transaction() as s:
        deal = s.get(Deal, deal_id)
        if deal is None or deal.buyer_id != buyer_id:
            raise NotFound("no such deal")
        dest = destination_row(s, deal_id)
        if dest is None or dest.code_sealed is None:
            return None
        # The UPDATE that clears exactly what was read: of two tabs, one shows the code.
        cleared = s.execute(
            update(_dest)
            .where(_dest.c.deal_id == deal_id, _dest.c.code_sealed == dest.code_sealed)
            .values(code_sealed=None)
        ).rowcount
        if cleared != 1:
            return None
        return BoughtCode(deal.asset, deal.amount, str(unseal(settings, dest.code_sealed)))


# --- helpers -------------------------------------------------------------------------------------


def _quote(
    s: Session,
    *,
    asset: str,
    kind: str,
    amount: str,
    target: str,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> BuyQuote:
    if kind not in DESTINATIONS:
        raise InvalidDestination(f"unknown destination {kind!r}", code="buy_destination_invalid")
    decimals = asset_decimals(s, asset)
    if kind == LIGHTNING:
        fee = payout_fee(s, asset, settings)
        quote = price_lightning(target, asset, decimals, rates=rates, settings=settings, now=int(now.timestamp()),
                                fee=fee)  # fmt: skip
        if invoice_in_payout(s, quote.destination) or _invoice_in_live_deal(s, quote.destination):
            raise InvalidDestination("this invoice is already being paid", code="lightning_invoice_already_used")
        return BuyQuote(kind, asset, decimals, quote.total, quote.destination, quote.amount, quote.fee,
                        quote.amount_sat, quote.expires_at)  # fmt: skip
    minor = to_minor(amount, decimals)
    if minor <= 0:
        raise KryptonError("amount must be positive", code="deal_amount_invalid")
    if kind == BITCOIN:
        fee = payout_fee(s, asset, settings)
        quote = price_bitcoin(target, asset, decimals, max(minor - fee, 0), rates=rates, settings=settings, fee=fee)
        return BuyQuote(kind, asset, decimals, minor, quote.destination, quote.amount, fee, quote.amount_sat, None)
    return BuyQuote(kind, asset, decimals, minor, "", None, 0, 0, None)


def _invoice_in_live_deal(s: Session, invoice: str) -> bool:
    """Another purchase still in progress will pay this invoice."""
    live = s.execute(
        select(_dest.c.deal_id)
        .join(Deal, Deal.id == _dest.c.deal_id)
        .where(_dest.c.kind == LIGHTNING, _dest.c.target == invoice, Deal.status.in_(sorted(machine.LIVE)))
        .limit(1)
    ).first()
    return live is not None


def _deal_of_key(s: Session, key: str) -> Deal | None:
    return s.exec(select(Deal).where(Deal.idempotency_key == key)).scalars().first()


def _replay(s: Session, deal: Deal, buyer_id: int, ad_id: int, method: str, kind: str) -> DealView:
    # The same key for another ad, method or destination is a different request, not a retry.
    dest = destination_row(s, deal.id)
    if (deal.ad_id, deal.method, dest.kind if dest else None) != (ad_id, method, kind):
        raise IdempotencyConflict("idempotency key already used for another deal")
    return deal_view(s, deal, buyer_id)
