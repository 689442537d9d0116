"""The fiat market chooser the P2P pages share (the pay wizard's fiat panel, the buy wizard, selling a
promise): country (its own currency first, then the others), currency, payment method of that country,
and the row a matching ad is listed as (the merchant's intermediary picker lists its ads the same way).

`FiatMarket` is a state mixin. Its `choose_fiat_*` handlers take what the browser sends as untrusted:
catalog codes only, a method of the chosen country only. The page decides when the chooser is open
(`_fiat_market_open`, e.g. a logged-in holder with a usable promise) and what a choice sets off
(`_fiat_market_changed`: the page's own search, which reads the verified session itself before it
calls a service).
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app.domain.catalog_data import (
    COUNTRY_CODES,
    COUNTRY_NAMES,
    FIAT_CODES,
    FIAT_CURRENCIES,
    country_fiat,
    country_methods,
    method_name,
)
from krypton_app.i18n.formatting import format_fiat, format_full, plural
from krypton_app.services.market import Offer
from krypton_app.state.i18n import I18n

FIAT_NAMES = {code: {"en": en, "ru": ru} for code, en, ru in FIAT_CURRENCIES}


@dataclass(frozen=True)
class Option:
    code: str = ""
    name: str = ""


@dataclass(frozen=True)
class OfferRow:
    """An ad that fits the chosen market, as a page lists it."""

    ad_id: int = 0
    trader: str = ""
    price: str = ""  # fiat per whole asset unit
    total: str = ""  # the fiat this page's deal hands over (or gets) at the ad's price
    limits: str = ""
    trades: int = 0
    deals: str = ""  # the trades in words, "3 deals"
    completion: str = ""  # "96%", "—" before the trader's first ended deal
    linked: bool = False  # the ad the page was opened from


def offer_row(offer: Offer, lang: str, linked_ad: int = 0) -> OfferRow:
    """`offer` is services/market.Offer or anything shaped like it (services/fiat_payouts.PayoutOffer)."""
    ad, trader = offer.ad, offer.trader
    rate = trader.completion_rate_30d
    return OfferRow(
        ad_id=ad.id,
        trader=ad.owner_name,
        price=format_fiat(ad.price, ad.fiat, lang, ad.fiat_decimals),
        total=format_fiat(offer.fiat_total, ad.fiat, lang, ad.fiat_decimals),
        limits=f"{format_full(ad.min_amount, ad.decimals, lang)} – {format_full(ad.max_amount, ad.decimals, lang)}"
        f" {ad.asset}",
        trades=trader.completed_deals,
        deals=plural(lang, trader.completed_deals, "count.deals"),
        completion="—" if rate is None else f"{rate * 100:.0f}%",
        linked=ad.id == linked_ad,
    )


class FiatMarket(rx.State, mixin=True):
    fiat_countries: list[Option] = []
    fiat_currencies: list[Option] = []
    fiat_methods: list[Option] = []
    fiat_country: str = ""
    fiat_currency: str = ""
    fiat_method: str = ""

    async def _fiat_market_open(self) -> bool:
        """Whether a country may be chosen now (the page's own condition)."""
        raise NotImplementedError

    async def _fiat_market_changed(self, field: str) -> None:
        """A choice was made: `field` is "country", "currency" or "method"."""
        raise NotImplementedError

    def _list_fiat_countries(self, lang: str) -> None:
        names = sorted((COUNTRY_NAMES[code][lang], code) for code in COUNTRY_CODES)
        self.fiat_countries = [Option(code, name) for name, code in names]

    def _clear_fiat_market(self) -> None:
        self.fiat_country, self.fiat_currency, self.fiat_method = "", "", ""
        self.fiat_currencies, self.fiat_methods = [], []

    def _set_fiat_country(self, code: str, lang: str) -> None:
        own = country_fiat(code) or FIAT_CODES[0]
        # The country's own currency first; traders there may take others too.
        currencies = [own, *(c for c in FIAT_CODES if c != own)]
        self.fiat_country, self.fiat_currency = code, own
        self.fiat_currencies = [Option(c, f"{c} · {FIAT_NAMES[c][lang]}") for c in currencies]
        methods = country_methods(code)
        self.fiat_methods = [Option(m, method_name(m, lang)) for m in methods]
        self.fiat_method = methods[0] if methods else ""

    @rx.event
    async def choose_fiat_country(self, code: str):
        if code not in COUNTRY_CODES or not await self._fiat_market_open():
            return
        self._set_fiat_country(code, (await self.get_state(I18n)).lang)
        await self._fiat_market_changed("country")

    @rx.event
    async def choose_fiat_currency(self, code: str):
        if not self.fiat_country or code not in FIAT_CODES:
            return
        self.fiat_currency = code
        await self._fiat_market_changed("currency")

    @rx.event
    async def choose_fiat_method(self, code: str):
        if not self.fiat_country or code not in country_methods(self.fiat_country):
            return
        self.fiat_method = code
        await self._fiat_market_changed("method")
