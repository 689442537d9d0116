"""The buy wizard's state (SPEC F7): crypto and country -> currency -> payment method -> amount (in crypto or
in fiat, the other converted at the reference rate) -> destination -> matching SELL ads -> "Buy" opens
the deal (services/buy_deals.py) and goes to its page.

Public until the deal opens: a visitor browses the ads; "Buy" asks them to log in and brings them back
here with the query they came with. Every handler takes what the browser sends as untrusted: catalog
codes only, the listed ads only, and the services check the destination and the buyer again.

Query parameters (links from the start page and from an ad): to, ad, country, fiat, method, amount, asset.
"""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.ads import SELL
from krypton_app.domain.catalog_data import ASSET_CODES, ASSETS, COUNTRY_CODES, FIAT_CODES, country_methods
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import LANGUAGES, error_texts, translate
from krypton_app.i18n.formatting import format_fiat, format_full, format_number
from krypton_app.models.common import utcnow
from krypton_app.pages.buy.rows import purchase_summary
from krypton_app.services.ad_views import get_ad
from krypton_app.services.buy_deals import buy_amount, buy_offers, open_buy_deal, quote_buy
from krypton_app.services.buy_purpose import DESTINATIONS
from krypton_app.services.deal_fee_quotes import deal_fee_terms
from krypton_app.state.auth import AuthState
from krypton_app.state.fiat_market import FiatMarket, OfferRow, offer_row
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.once_form import OnceForm

UNITS = ("crypto", "fiat")
DECIMALS = {code: places for code, _name, places in ASSETS}
TARGET_MAX = 2000  # a BOLT11 invoice is long; an address far shorter


class BuyState(FiatMarket, OnceForm, AuthState):
    asset: str = "TON"  # and the market: FiatMarket
    unit: str = "crypto"  # what the amount is typed in: crypto | fiat
    amount: str = ""
    converted: dict[str, str] = {}  # the other unit at the reference rate, in every language ({} none)
    no_rate: bool = False
    to: str = "balance"
    target: str = ""
    summary: dict[str, list[str]] = {}
    offers: list[OfferRow] = []
    searched: bool = False
    error: dict[str, str] = {}  # a refusal in every language (i18n.error_texts); {} none

    _amount_minor: int = 0
    _listed: list[int] = []  # the ads "Buy" may act on: the ones listed
    _from_ad: int = 0
    _fee_terms: str = ""  # the deal fee terms the summary showed: a deal under other terms is refused

    # -- loading and the pickers ----------------------------------------------------------------------

    @rx.event
    async def load(self):
        """Fill the wizard from the query (links from the start page and from an ad); a return from the
        login keeps what the tab had."""
        lang = (await self.get_state(I18n)).lang
        self._list_fiat_countries(lang)
        params = self.router.url.query_parameters
        if params.get("ad", "").isdigit():
            await self._from_ad_query(int(params["ad"]), lang)
        if params.get("asset") in ASSET_CODES:
            self.asset = params["asset"]
        if params.get("country") in COUNTRY_CODES:
            self._set_fiat_country(params["country"], lang)
        if params.get("fiat") in FIAT_CODES and self.fiat_country:
            self.fiat_currency = params["fiat"]
        if self.fiat_country and params.get("method") in country_methods(self.fiat_country):
            self.fiat_method = params["method"]
        if params.get("to") in DESTINATIONS:
            self.to = params["to"]
        if params.get("amount"):
            self.unit, self.amount = "crypto", str(params["amount"])[:40]
        if not self.fiat_country:
            self._set_fiat_country(self.fiat_countries[0].code if lang != "ru" else "RU", lang)
        self._fresh_form_key()
        await self._convert()
        if self.amount and self.to in ("balance", "promise"):
            await self._find()  # the query named all a balance or a promise needs: list the ads at once

    async def _from_ad_query(self, ad_id: int, lang: str) -> None:
        try:
            ad = await off_loop(get_ad, app_deps().uow, ad_id, rates=app_deps().rates)
        except KryptonError:
            return
        if ad.side != SELL:
            return
        self._from_ad, self.asset = ad.id, ad.asset
        self._set_fiat_country(ad.country, lang)
        self.fiat_currency = ad.fiat
        self.fiat_method = next((m for m in ad.methods if m in country_methods(ad.country)), self.fiat_method)

    def _changed(self) -> None:
        """A choice changed: the listed ads no longer answer it."""
        self.offers, self._listed, self.searched, self.summary, self.error = [], [], False, {}, {}

    @rx.event
    async def choose_asset(self, code: str):
        if code in ASSET_CODES:
            self.asset = code
            self._changed()
            await self._convert()

    async def _fiat_market_open(self) -> bool:
        return True  # the pickers are public: they list nothing before "Show offers"

    async def _fiat_market_changed(self, field: str) -> None:
        self._changed()
        if field != "method":  # the reference conversion depends on the currency, not on the method
            await self._convert()

    @rx.event
    async def choose_unit(self, unit: str | list[str]):
        unit = unit if isinstance(unit, str) else "".join(unit[:1])  # the segmented control's value
        if unit in UNITS:
            self.unit = unit
            self._changed()
            await self._convert()

    @rx.event
    async def type_amount(self, text: str):
        """The amount input, debounced, and again when it loses focus (before a click on "Show offers"
        runs): the other unit at the reference rate (a read; nothing written). The same text again
        changes nothing, so the late debounced copy keeps the offers listed meanwhile."""
        text = str(text)[:40]
        if text == self.amount:
            return
        self.amount = text
        self._changed()
        await self._convert()

    @rx.event
    def choose_to(self, kind: str):
        if kind in DESTINATIONS:
            self.to = kind
            self._changed()

    @rx.event
    def type_target(self, text: str):
        """The address / invoice input, as the amount's: debounced and on losing focus; the same text
        again changes nothing."""
        text = str(text).strip()[:TARGET_MAX]
        if text != self.target:
            self.target = text
            self._changed()

    async def _convert(self) -> None:
        self.converted, self.no_rate, self._amount_minor = {}, False, 0
        if not self.amount.strip() or not self.fiat_currency:
            return
        try:
            typed = await off_loop(
                buy_amount,
                app_deps().rates,
                asset=self.asset,
                fiat=self.fiat_currency,
                unit=self.unit,
                text=self.amount,
            )
        except KryptonError as error:
            if error.code == "rate_unavailable":
                self.no_rate = True
            else:
                self.error = error_texts(error)
            return
        self._amount_minor = typed.amount
        if typed.rate is None:
            return
        converted = {}
        for lang in LANGUAGES:
            rate = f"{format_number(typed.rate, lang)} {self.fiat_currency}/{self.asset}"
            value = (
                f"{format_full(typed.amount, DECIMALS[self.asset], lang)} {self.asset}"
                if self.unit == "fiat"
                else format_fiat(typed.fiat or 0, self.fiat_currency, lang)
            )
            converted[lang] = translate(lang, "buy.converted_reference", value=value, rate=rate)
        self.converted = converted

    # -- the ads and the deal ---------------------------------------------------------------------

    def _amount_text(self) -> str:
        return format_amount(self._amount_minor, DECIMALS[self.asset])

    @rx.event
    async def find(self):
        """ "Show offers": the destination checked and priced first, then the SELL ads that fit."""
        await self._find()

    async def _find(self) -> None:
        if not (self.fiat_country and self.fiat_currency and self.fiat_method):
            return
        user_id = await self._user_id()  # None: a visitor sees every fitting ad
        deps = app_deps()
        self._changed()
        try:
            quote = await off_loop(
                quote_buy,
                deps.uow,
                asset=self.asset,
                kind=self.to,
                amount=self._amount_text() if self._amount_minor else self.amount,
                target=self.target,
                settings=deps.settings,
                rates=deps.rates,
                now=utcnow(),
            )
            terms = await off_loop(deal_fee_terms, deps.uow, self.asset)
            offers = await off_loop(
                buy_offers,
                deps.uow,
                user_id,
                asset=self.asset,
                amount=quote.amount,
                country=self.fiat_country,
                fiat=self.fiat_currency,
                method=self.fiat_method,
                rates=deps.rates,
                now=utcnow(),
                first_ad=self._from_ad or None,
            )
        except KryptonError as error:
            self.error = error_texts(error)
            return
        lang = (await self.get_state(I18n)).lang
        self._amount_minor = quote.amount
        self.summary = purchase_summary(quote, terms)
        self._fee_terms = terms.fingerprint
        self.offers = [offer_row(offer, lang, self._from_ad) for offer in offers]
        self._listed = [offer.ad.id for offer in offers]
        self.searched = True
        # One key per listing (and ad): a double click on "Buy" opens one deal; a new search is a new form.
        self._fresh_form_key()

    @rx.event
    async def open_deal(self, ad_id: int):
        """ "Buy" on a listed ad: opens the deal for the priced amount and goes to its page."""
        user_id = await self._user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        if type(ad_id) is not int or ad_id not in self._listed or self.submitting:
            return
        self.submitting = True
        yield
        deps = app_deps()
        try:
            view = await off_loop(
                open_buy_deal,
                deps.uow,
                user_id,
                ad_id,
                method=self.fiat_method,
                kind=self.to,
                amount=self._amount_text(),
                target=self.target,
                idempotency_key=f"{self._submit_key()}-{ad_id}",
                settings=deps.settings,
                rates=deps.rates,
                now=utcnow(),
                fee_terms=self._fee_terms or None,
            )
        except KryptonError as error:
            self.error = error_texts(error)
            return
        finally:
            self.submitting = False
        yield rx.redirect(routes.deal_detail(view.id))
