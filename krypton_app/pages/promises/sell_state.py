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
from krypton_app.domain.catalog_data import COUNTRY_CODES, FIAT_CODES, country_methods
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.fees import TAKER
from krypton_app.domain.money import format_amount
from krypton_app.domain.promises import normalise_code
from krypton_app.i18n import error_texts, translate
from krypton_app.i18n.formatting import amount_with_asset
from krypton_app.pages.promises.state import STATUS_COLORS
from krypton_app.services.ad_views import get_ad
from krypton_app.services.deal_fee_quotes import deal_fee_terms
from krypton_app.services.promise_sales import (
    DESTINATIONS,
    cash_out_promise,
    open_promise_sale,
    quote_cash_out,
    sale_ads,
)
from krypton_app.services.promises import preview_by_code
from krypton_app.state.auth import AuthState
from krypton_app.state.fiat_market import FiatMarket, OfferRow, offer_row
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop

FIAT = "fiat"
WAYS = (FIAT, *DESTINATIONS)
DESTINATION_MAX = 2000  # a Lightning invoice is long; an address is short


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


class SellPromiseState(FiatMarket, AuthState):
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
    # Sell for fiat (the market: FiatMarket)
    offers: list[OfferRow] = []
    searched: bool = False
    fee_note: str = ""  # the deal fee of selling this promise and who pays it, before "Sell"
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
    _cash_fee: int = 0  # the payout fee quoted: the request is refused if it changed (fee_changed)
    _asset: str = ""  # the promise's, checked by code
    _minor: int = 0
    _fee_terms: str = ""  # the deal fee terms the note showed: a sale under other terms is refused

    def _client(self) -> str:
        return self.router.session.client_ip or self.router.session.client_token

    def _set_error(self, field: str, error: KryptonError | None) -> None:
        rest = {k: v for k, v in self.errors.items() if k != field}
        self.errors = rest if error is None else {**rest, field: error_texts(error)}

    def _reset_ways(self) -> None:
        self._clear_fiat_market()
        self.offers, self.searched = [], False
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
        self._list_fiat_countries((await self.get_state(I18n)).lang)
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
        self._asset, self._minor = view.asset, view.amount
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
        self._set_fiat_country(ad.country, lang)
        self.fiat_currency = ad.fiat
        offered = [m for m in ad.methods if m in country_methods(ad.country)]
        if offered:
            self.fiat_method = offered[0]
        await self._search()

    async def _fiat_market_open(self) -> bool:
        return self.usable

    async def _fiat_market_changed(self, field: str) -> None:
        await self._search()

    async def _search(self) -> None:
        user_id = await self._user_id()
        if user_id is None or not self.usable or not self.fiat_method:
            return
        deps = app_deps()
        try:
            offers = await off_loop(
                sale_ads,
                deps.uow,
                user_id,
                self._code,
                country=self.fiat_country,
                fiat=self.fiat_currency,
                method=self.fiat_method,
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
        await self._note_fee(lang)
        self.offers = [offer_row(offer, lang, self._linked_ad) for offer in offers]
        self._ads = [offer.ad.id for offer in offers]
        self._deal_key = f"ui-psale-{uuid.uuid4().hex}"
        self.searched = True
        self._set_error("fiat", None)

    async def _note_fee(self, lang: str) -> None:
        """The deal fee a sale of the promise opens with now: the buy ad's owner's (out of what they
        get) or the holder's (held from their balance while the deal runs), as the rule says."""
        try:
            terms = await off_loop(deal_fee_terms, app_deps().uow, self._asset)
        except KryptonError:
            self.fee_note, self._fee_terms = "", ""
            return
        self._fee_terms = terms.fingerprint
        fee = terms.fee_on(self._minor)
        if not fee:
            self.fee_note = translate(lang, "fee.deal.none")
            return
        decimals = terms.decimals
        if terms.payer == TAKER:
            money = amount_with_asset(fee, decimals, self._asset, lang, display=False)
            self.fee_note = translate(lang, "fee.psale.by_you", fee=money)
        else:
            money = amount_with_asset(min(fee, self._minor), decimals, self._asset, lang, display=False)
            self.fee_note = translate(lang, "fee.psale.by_trader", fee=money)

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
                method=self.fiat_method,
                idempotency_key=f"{self._deal_key}-{ad_id}",
                settings=deps.settings,
                rates=deps.rates,
                now=_now(),
                client=self._client(),
                fee_terms=self._fee_terms or None,
            )
        except KryptonError as error:
            if error.code == "fee_changed":
                await self._note_fee((await self.get_state(I18n)).lang)  # the new fee, to review
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
        self._cash_fee = payout.fee
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
                quoted_fee=self._cash_fee,
            )
        except KryptonError as error:
            self._set_error("cash", error)
            return
        finally:
            self.busy = False
        self.payout_id, self.payout_status = payout.id, payout.status
        self.status, self.color, self.usable = "redeemed", STATUS_COLORS["redeemed"], False
