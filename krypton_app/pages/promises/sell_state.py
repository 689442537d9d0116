"""The /promises/sell page's state (SPEC F6): the holder enters a promise's code and sees what it holds,
then sells it for fiat (country -> currency -> method -> the BUY ads that take it whole -> a deal whose
escrow is the promise), cashes it out to Bitcoin or Lightning (destination -> quote with the rate and
fee -> confirm -> the queued payout), or goes to its redeem page to put it on the balance.

`?to=fiat|bitcoin|lightning` picks the way at once; `?ad=<id>` (a BUY ad's page links here) picks that
ad's country, currency and method once the code is in. Every handler takes what the browser sends as
untrusted: only catalog codes and the ads this page listed are acted on, and the services check the
holder again. The code stays in the server-side state only; each check of it goes through the guess
limits (services/promises.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.catalog_data import (
    COUNTRY_CODES,
    COUNTRY_NAMES,
    FIAT_CODES,
    FIAT_CURRENCIES,
    country_fiat,
    country_methods,
    method_name,
)
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.domain.promises import normalise_code
from krypton_app.i18n import error_texts
from krypton_app.i18n.formatting import amount_with_asset, format_fiat, format_full
from krypton_app.pages.promises.state import STATUS_COLORS
from krypton_app.services.ad_views import get_ad
from krypton_app.services.market import Offer
from krypton_app.services.promise_sales import (
    DESTINATIONS,
    cash_out_promise,
    open_promise_sale,
    quote_cash_out,
    sale_ads,
)
from krypton_app.services.promises import preview_by_code
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop

FIAT = "fiat"
WAYS = (FIAT, *DESTINATIONS)
FIAT_NAMES = {code: {"en": en, "ru": ru} for code, en, ru in FIAT_CURRENCIES}
DESTINATION_MAX = 2000  # a Lightning invoice is long; an address is short


@dataclass(frozen=True)
class Option:
    code: str = ""
    name: str = ""


@dataclass(frozen=True)
class OfferRow:
    """A BUY ad that takes the whole promise, as the page lists it."""

    ad_id: int = 0
    trader: str = ""
    price: str = ""  # fiat per whole asset unit
    total: str = ""  # the fiat the holder gets for the promise
    limits: str = ""
    trades: int = 0
    completion: str = ""  # "96%", "—" before the trader's first ended deal
    linked: bool = False  # the ad the page was opened from


def offer_row(offer: Offer, lang: str, linked_ad: int) -> OfferRow:
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
        completion="—" if rate is None else f"{rate * 100:.0f}%",
        linked=ad.id == linked_ad,
    )


@dataclass(frozen=True)
class QuoteRow:
    """A cash out before it is confirmed: what leaves the promise, what arrives, at what rate."""

    send: str = ""  # the payout's amount, "1.9 TON"
    fee: str = ""
    arrives: str = ""  # "0.0000988 BTC (9 880 sat)"
    rate: str = ""  # "1 TON = 0.0000520 BTC"
    rest: str = ""  # "" when nothing stays on the balance
    destination: str = ""


def view_code(typed: str) -> str:
    """The bare code in what was typed (a pasted link too), for the redeem page's link."""
    return normalise_code(typed) or ""


def _now() -> datetime:
    return datetime.now(UTC)


class SellPromiseState(AuthState):
    loaded: bool = False
    # The promise behind the code ("" amount: none checked yet)
    amount: str = ""
    status: str = ""
    color: str = "gray"
    issuer: str = ""
    note: str = ""
    usable: bool = False  # active and not meant for someone else: the ways below are offered
    way: str = FIAT
    # field -> its error in every language: code, fiat, cash
    errors: dict[str, dict[str, str]] = {}
    busy: bool = False
    # Sell for fiat
    countries: list[Option] = []
    currencies: list[Option] = []
    methods: list[Option] = []
    country: str = ""
    currency: str = ""
    method: str = ""
    offers: list[OfferRow] = []
    searched: bool = False
    # Cash out
    quote: QuoteRow = QuoteRow()
    payout_id: int = 0
    payout_status: str = ""
    # The promise's own redeem page ("Put on my balance"): the code is the holder's own, typed in this tab.
    redeem_href: str = ""

    _code: str = ""
    _ads: list[int] = []  # the ads listed: "Sell" acts on these only
    _deal_key: str = ""  # one per listing: a double click on one ad opens one deal
    _linked_ad: int = 0
    _destination: str = ""
    _cash_key: str = ""

    def _client(self) -> str:
        return self.router.session.client_ip or self.router.session.client_token

    def _set_error(self, field: str, error: KryptonError | None) -> None:
        rest = {k: v for k, v in self.errors.items() if k != field}
        self.errors = rest if error is None else {**rest, field: error_texts(error)}

    def _reset_ways(self) -> None:
        self.country, self.currency, self.method = "", "", ""
        self.currencies, self.methods, self.offers, self.searched = [], [], [], False
        self._ads, self._deal_key = [], ""
        self.quote, self.payout_id, self.payout_status = QuoteRow(), 0, ""
        self._destination, self._cash_key = "", ""
        self.errors = {k: v for k, v in self.errors.items() if k == "code"}

    @rx.event
    async def load(self):
        self.loaded = self.usable = self.busy = False
        self.amount, self.status, self.issuer, self.note, self._code, self.redeem_href = "", "", "", "", "", ""
        self.errors = {}
        self._reset_ways()
        if await self._user_id() is None:
            return  # the page's login guard has sent the visitor to log in
        params = self.router.url.query_parameters
        way = str(params.get("to") or "")
        self.way = way if way in WAYS else FIAT
        ad = str(params.get("ad") or "")
        self._linked_ad = int(ad) if ad.isdigit() and len(ad) < 12 else 0
        lang = (await self.get_state(I18n)).lang
        names = sorted((COUNTRY_NAMES[code][lang], code) for code in COUNTRY_CODES)
        self.countries = [Option(code, name) for name, code in names]
        self.loaded = True

    @rx.event
    async def check_code(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None or self.busy:
            return
        code = str(form_data.get("code") or "").strip()[:300] if isinstance(form_data, dict) else ""
        self.busy = True
        yield
        deps = app_deps()
        try:
            view = await off_loop(
                preview_by_code, deps.uow, user_id, code, settings=deps.settings, now=_now(), client=self._client()
            )
        except KryptonError as error:
            self.amount, self.usable, self._code, self.redeem_href = "", False, "", ""
            self._set_error("code", error)
            return
        finally:
            self.busy = False
        lang = (await self.get_state(I18n)).lang
        self._code, self.redeem_href = code, routes.promise_link(view_code(code))
        self.amount = amount_with_asset(view.amount, view.decimals, view.asset, lang, display=False)
        self.status, self.issuer, self.note = view.status, view.issuer_name, view.note
        self.color = STATUS_COLORS.get(view.status, "gray")
        self.usable = view.may_redeem
        self._set_error("code", None)
        self._reset_ways()
        if self.usable and self.way == FIAT and self._linked_ad:
            await self._prefill_from_ad(lang)

    @rx.event
    def change_code(self):
        self.amount, self.usable, self._code, self.redeem_href = "", False, "", ""
        self.errors = {}
        self._reset_ways()

    @rx.event
    async def choose_way(self, way: str):
        if await self._user_id() is None or way not in WAYS:
            return
        self.way = way
        self._reset_ways()

    async def _prefill_from_ad(self, lang: str) -> None:
        """The linked BUY ad's market, so its ad is listed (if it takes the promise whole)."""
        try:
            ad = await off_loop(get_ad, app_deps().uow, self._linked_ad)
        except KryptonError:
            return  # gone: the holder picks the market themselves
        if ad.country not in COUNTRY_CODES or ad.fiat not in FIAT_CODES:
            return
        self._choose_country(ad.country, lang)
        self.currency = ad.fiat
        offered = [m for m in ad.methods if m in country_methods(ad.country)]
        if offered:
            self.method = offered[0]
        await self._search()

    def _choose_country(self, code: str, lang: str) -> None:
        own = country_fiat(code) or FIAT_CODES[0]
        # The country's own currency first; traders there may take others too.
        currencies = [own, *(c for c in FIAT_CODES if c != own)]
        self.country, self.currency = code, own
        self.currencies = [Option(c, f"{c} · {FIAT_NAMES[c][lang]}") for c in currencies]
        methods = country_methods(code)
        self.methods = [Option(m, method_name(m, lang)) for m in methods]
        self.method = methods[0] if methods else ""

    @rx.event
    async def choose_country(self, code: str):
        if not self.usable or code not in COUNTRY_CODES:
            return
        self._choose_country(code, (await self.get_state(I18n)).lang)
        await self._search()

    @rx.event
    async def choose_currency(self, code: str):
        if not self.country or code not in FIAT_CODES:
            return
        self.currency = code
        await self._search()

    @rx.event
    async def choose_method(self, code: str):
        if not self.country or code not in country_methods(self.country):
            return
        self.method = code
        await self._search()

    async def _search(self) -> None:
        user_id = await self._user_id()
        if user_id is None or not self.usable or not self.method:
            return
        deps = app_deps()
        try:
            offers = await off_loop(
                sale_ads,
                deps.uow,
                user_id,
                self._code,
                country=self.country,
                fiat=self.currency,
                method=self.method,
                settings=deps.settings,
                rates=deps.rates,
                now=_now(),
                client=self._client(),
            )
        except KryptonError as error:
            self.offers, self._ads = [], []
            self._set_error("fiat", error)
            return
        lang = (await self.get_state(I18n)).lang
        self.offers = [offer_row(offer, lang, self._linked_ad) for offer in offers]
        self._ads = [offer.ad.id for offer in offers]
        self._deal_key = f"ui-psale-{uuid.uuid4().hex}"
        self.searched = True
        self._set_error("fiat", None)

    @rx.event
    async def sell(self, ad_id: int):
        user_id = await self._user_id()
        if user_id is None or self.busy or not self.usable:
            return
        if type(ad_id) is not int or ad_id not in self._ads:
            return
        self.busy = True
        yield
        deps = app_deps()
        try:
            deal = await off_loop(
                open_promise_sale,
                deps.uow,
                user_id,
                self._code,
                ad_id,
                method=self.method,
                idempotency_key=f"{self._deal_key}-{ad_id}",
                settings=deps.settings,
                rates=deps.rates,
                now=_now(),
                client=self._client(),
            )
        except KryptonError as error:
            self._set_error("fiat", error)
            return
        finally:
            self.busy = False
        yield rx.redirect(routes.deal_detail(deal.id))

    @rx.event
    async def show_quote(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None or self.busy or not self.usable or self.way not in DESTINATIONS:
            return
        typed = str(form_data.get("destination") or "").strip() if isinstance(form_data, dict) else ""
        self.busy = True
        yield
        deps = app_deps()
        try:
            quoted = await off_loop(
                quote_cash_out,
                deps.uow,
                user_id,
                self._code,
                to=self.way,
                destination=typed[:DESTINATION_MAX],
                settings=deps.settings,
                rates=deps.rates,
                now=_now(),
                client=self._client(),
            )
        except KryptonError as error:
            self._set_error("cash", error)
            return
        finally:
            self.busy = False
        lang = (await self.get_state(I18n)).lang
        payout = quoted.payout
        asset, decimals = payout.asset, payout.decimals
        sat = f"{payout.amount_sat:,}".replace(",", "\u00a0" if lang == "ru" else ",")
        self.quote = QuoteRow(
            send=amount_with_asset(payout.amount, decimals, asset, lang, display=False),
            fee=amount_with_asset(payout.fee, decimals, asset, lang, display=False),
            arrives=f"{format_amount(payout.amount_sat, 8)} BTC ({sat} sat)",
            rate=f"1 {asset} = {payout.rate} BTC",
            rest=amount_with_asset(quoted.rest, decimals, asset, lang, display=False) if quoted.rest else "",
            destination=payout.destination,
        )
        self._destination = typed[:DESTINATION_MAX]
        self._cash_key = f"ui-cashout-{uuid.uuid4().hex}"
        self._set_error("cash", None)

    @rx.event
    def edit_cash_out(self):
        self.quote, self._cash_key = QuoteRow(), ""

    @rx.event
    async def confirm_cash_out(self):
        user_id = await self._user_id()
        if user_id is None or self.busy or not self._cash_key or self.way not in DESTINATIONS:
            return
        self.busy = True
        yield
        deps = app_deps()
        provider = deps.payouts if self.way == "bitcoin" else deps.lightning_payouts
        try:
            payout = await off_loop(
                cash_out_promise,
                deps.uow,
                user_id,
                self._code,
                to=self.way,
                destination=self._destination,
                idempotency_key=self._cash_key,
                settings=deps.settings,
                rates=deps.rates,
                now=_now(),
                client=self._client(),
                provider=provider,
            )
        except KryptonError as error:
            self._set_error("cash", error)
            return
        finally:
            self.busy = False
        self.payout_id, self.payout_status = payout.id, payout.status
        self.status, self.color, self.usable = "redeemed", STATUS_COLORS["redeemed"], False
