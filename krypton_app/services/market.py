"""The P2P marketplace (SPEC F8): active ads that can take a deal, best for the taker first.

Filters: side, asset, fiat (the ix_ads_market index), then country, payment method and amount (the
ad's min..max must contain it and its remaining volume cover it; without an amount, the ad must still
have at least its minimum left). Order: price (cheapest sell ads, highest buy ads; a floating ad at
the current reference rate when `rates` is given), then the owner's completed deals, then oldest first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Table, case, func, literal, select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.ads import ACTIVE, BUY, FLOATING, SELL, AdInvalid, fiat_for
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount, to_minor
from krypton_app.models import Ad, Asset, Country, FiatCurrency
from krypton_app.models.common import utcnow
from krypton_app.services.ad_views import AdView, ad_view, select_ads
from krypton_app.services.rates import RateProvider, RateUnavailable
from krypton_app.services.reputation import TraderCard, completed_deals, completed_deals_expr, trader_cards_in

MAX_PAGE_SIZE = 100

_ads: Table = Ad.__table__


@dataclass(frozen=True)
class AdListing:
    ad: AdView
    trader: TraderCard


@dataclass(frozen=True)
class MarketPage:
    items: list[AdListing]
    page: int
    page_size: int
    total: int
    pages: int


def browse(
    uow: UnitOfWork,
    *,
    side: str,
    asset: str,
    fiat: str,
    country: str | None = None,
    method: str | None = None,
    amount: str | None = None,
    page: int = 1,
    page_size: int = 20,
    rates: RateProvider | None = None,
    now: datetime | None = None,
) -> MarketPage:
    """One page of matching ads with their owners' trader cards. `amount` is asset text ("1.5")."""
    if side not in (SELL, BUY):
        raise AdInvalid("ad_side_invalid", "side")
    page, page_size = max(1, page), min(max(1, page_size), MAX_PAGE_SIZE)
    if rates is not None and not _has_rate(rates, asset, fiat):
        # No current reference rate for this currency (none configured, or the source is down): the ads
        # by their stored prices; opening a deal on a floating one prices it again, or refuses.
        rates = None
    with uow.read() as s:
        where = _filters(s, side=side, asset=asset, fiat=fiat, country=country, method=method, amount=amount)
        total = s.execute(select(func.count()).select_from(_ads).where(*where)).scalar_one()
        price = _current_price(s, asset, fiat, rates)
        rows = s.execute(
            select_ads()
            .where(*where)
            .order_by(
                price.asc() if side == SELL else price.desc(),
                completed_deals_expr(_ads.c.owner_id).desc(),
                _ads.c.id,
            )
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        cards = trader_cards_in(s, [row.owner_id for row in rows], now=now or utcnow())
        items = [AdListing(ad=ad_view(row, rates), trader=cards[row.owner_id]) for row in rows]
    return MarketPage(items=items, page=page, page_size=page_size, total=total, pages=math.ceil(total / page_size))


@dataclass(frozen=True)
class Offer:
    """An ad a taker can open a deal on for a given amount, its trader, and the fiat that amount costs."""

    ad: AdView
    trader: TraderCard
    fiat_total: int  # fiat minor units (ad.fiat_decimals), at the ad's current price


def offers_for(
    uow: UnitOfWork,
    taker_id: int | None,
    *,
    side: str,
    asset: str,
    amount: int,
    country: str,
    fiat: str,
    method: str,
    rates: RateProvider,
    now: datetime,
) -> list[Offer]:
    """The ads a taker can open a deal on for `amount` (minor units) in a catalog `country`/`fiat` by
    `method`: active, per-deal limits and remaining volume fitting, best price first (browse's order),
    not the taker's own and not asking more completed deals than the taker has. An invoice part paid
    in fiat and a purchase (services/part_deals.py, services/buy_deals.py) list their ads with it;
    `taker_id` None (a visitor not logged in yet) sees every fitting ad."""
    with uow.read() as s:
        if s.get(Country, country) is None or s.get(FiatCurrency, fiat) is None:
            raise KryptonError(f"no market {country}/{fiat}", code="ad_market_invalid")
        decimals = s.execute(select(Asset.decimals).where(Asset.code == asset)).scalar_one_or_none()
        if decimals is None:
            raise KryptonError(f"no market for {asset}", code="ad_market_invalid")
        done = completed_deals(s, taker_id) if taker_id is not None else None
    page = browse(
        uow,
        side=side,
        asset=asset,
        fiat=fiat,
        country=country,
        method=method.strip() or None,
        amount=format_amount(amount, decimals),
        page_size=MAX_PAGE_SIZE,
        rates=rates,
        now=now,
    )
    return [
        Offer(listing.ad, listing.trader, fiat_for(amount, decimals, listing.ad.price))
        for listing in page.items
        if taker_id is None or (listing.ad.owner_id != taker_id and listing.ad.min_completed_deals <= done)
    ]


def _filters(
    s: Session, *, side: str, asset: str, fiat: str, country: str | None, method: str | None, amount: str | None
) -> list:
    where = [_ads.c.status == ACTIVE, _ads.c.side == side, _ads.c.asset == asset, _ads.c.fiat == fiat]
    if country:
        where.append(_ads.c.country == country)
    if method:
        # Methods are stored space-separated: pad both sides so "card" does not match "uzcard".
        padded = literal(" ") + _ads.c.methods + literal(" ")
        where.append(padded.contains(f" {method.strip()} ", autoescape=True))
    if amount:
        decimals = s.execute(select(Asset.decimals).where(Asset.code == asset)).scalar_one_or_none()
        minor = to_minor(amount, decimals if decimals is not None else 0)
        where += [_ads.c.min_amount <= minor, _ads.c.max_amount >= minor, _ads.c.remaining >= minor]
    else:
        where.append(_ads.c.remaining >= _ads.c.min_amount)
    return where


def _has_rate(rates: RateProvider, asset: str, fiat: str) -> bool:
    try:
        rates.rate(asset, fiat)
    except RateUnavailable:
        return False
    return True


def _current_price(s: Session, asset: str, fiat: str, rates: RateProvider | None):
    """A sort key comparable across fixed and floating ads: fiat minor units x 10000.

    A floating ad's price is the reference rate (to one minor unit) x (10000 + margin bp), so ties with
    the displayed price (domain.ads.floating_price) differ by less than one minor unit at most."""
    if rates is None:
        return _ads.c.price
    decimals = s.execute(select(FiatCurrency.decimals).where(FiatCurrency.code == fiat)).scalar_one_or_none() or 0
    reference = int((rates.rate(asset, fiat).scaleb(decimals)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return case(
        (_ads.c.price_kind == FLOATING, literal(reference) * (10000 + _ads.c.margin_bp)),
        else_=_ads.c.price * 10000,
    )
