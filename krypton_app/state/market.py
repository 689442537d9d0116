"""State the market pages share: the ad's typed row and MarketState (the market's filters and "Open
deal", also used by an ad's own page). The filters' country choice and the ad form are mixins in
state/ad_form.py.

Floating ads are shown and sorted at the current reference rate (`app_deps().rates`): the price a
deal would take.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain import deals as machine
from krypton_app.domain.ads import BUY, SELL
from krypton_app.domain.catalog_data import ASSET_CODES, method_names
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.fees import TAKER
from krypton_app.i18n import LANGUAGES, duration_text, error_key, error_texts, translate
from krypton_app.i18n.formatting import amount_with_asset, format_fiat, format_full, format_number, plural
from krypton_app.models.common import utcnow
from krypton_app.services.deal_fee_quotes import DealFeeQuote, DealFeeTerms, deal_fee_terms, quote_deal_fee
from krypton_app.services.deals import open_deal
from krypton_app.services.market import AdListing, browse
from krypton_app.state.ad_form import ANY, CountryChoiceMixin, form_text
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.once_form import OnceForm

PAGE_SIZE = 10
# The taker's side ("buy": the taker buys crypto) -> the side of the ads that serve it.
AD_SIDE = {"buy": SELL, "sell": BUY}


@dataclass(frozen=True)
class AdRow:
    """An ad with its trader's card, as an ad card (and the ad's page) shows it."""

    id: int = 0  # 0: no ad shown
    href: str = ""
    edit_href: str = ""
    owner: str = ""
    side: str = ""
    asset: str = ""
    country: str = ""
    status: str = ""
    open_for_deals: bool = False
    price: str = ""
    limits: str = ""
    remaining: str = ""
    methods: str = ""  # names in the reader's language
    method_codes: tuple[str, ...] = ()  # the choice of "Open deal"
    window: str = ""
    min_deals: int = 0
    terms: str = ""
    completed: int = 0
    completed_text: str = ""  # "1 deal", "5 сделок"
    rate: str = ""
    release: str = ""
    positive: int = 0
    negative: int = 0
    # fiat payouts the trader, as a merchant, left unconfirmed until a dispute (services/reputation.py)
    lapsed: int = 0
    own: bool = False  # the viewer's own ad: marked "Yours", no "Open deal"


def fiat_text(minor: int, decimals: int, fiat: str, lang: str) -> str:
    return format_fiat(minor, fiat, lang, decimals)


def _asset_text(minor: int, decimals: int, lang: str) -> str:
    """An ad's volumes and limits are what the trader typed and what a deal may ask: every digit."""
    return format_full(minor, decimals, lang)


def ad_row(item: AdListing, lang: str, viewer: int | None = None) -> AdRow:
    ad, trader = item.ad, item.trader
    rate = trader.completion_rate_30d
    return AdRow(
        id=ad.id,
        href=routes.market_ad(ad.id),
        edit_href=routes.market_ad_edit(ad.id),
        owner=ad.owner_name,
        side=ad.side,
        asset=ad.asset,
        country=ad.country,
        status=ad.status,
        open_for_deals=ad.open_for_deals,
        price=fiat_text(ad.price, ad.fiat_decimals, ad.fiat, lang),
        limits=f"{_asset_text(ad.min_amount, ad.decimals, lang)} – {_asset_text(ad.max_amount, ad.decimals, lang)}"
        f" {ad.asset}",
        remaining=f"{_asset_text(ad.remaining, ad.decimals, lang)} {ad.asset}",
        methods=method_names(ad.methods, lang),
        method_codes=ad.methods,
        window=duration_text(lang, ad.payment_window_min * 60),
        min_deals=ad.min_completed_deals,
        terms=ad.terms,
        completed=trader.completed_deals,
        completed_text=plural(lang, trader.completed_deals, "count.deals"),
        rate="—" if rate is None else f"{rate * 100:.0f}%",
        release=duration_text(lang, trader.avg_release_s),
        positive=trader.positive,
        negative=trader.negative,
        lapsed=trader.lapsed,
        own=viewer is not None and ad.owner_id == viewer,
    )


def fee_note(terms: DealFeeTerms, ad_side: str, lang: str) -> str:
    """The deal rule as the taker of an ad on `ad_side` reads it beside "Open deal" (SPEC F12)."""
    if not terms.percent and not terms.minimum:
        return translate(lang, "fee.deal.none")
    minimum = ""
    if terms.minimum:
        at_least = amount_with_asset(terms.minimum, terms.decimals, terms.asset, lang, display=False)
        minimum = translate(lang, "fee.deal.minimum", minimum=at_least)
    who = "by_trader" if terms.payer != TAKER else ("by_you_buying" if ad_side == SELL else "by_you_selling")
    percent = format_number(terms.percent.normalize(), lang)
    return translate(lang, f"fee.deal.{who}", percent=percent, minimum=minimum, asset=terms.asset)


def fee_preview(quote: DealFeeQuote, lang: str) -> str:
    """The fee of the typed amount and what it changes for the taker (SPEC F12)."""

    def money(minor: int) -> str:
        return amount_with_asset(minor, quote.decimals, quote.asset, lang, display=False)

    if not quote.fee:
        return translate(lang, "fee.deal.none")
    if quote.payer != TAKER:
        return translate(lang, "fee.deal.preview.trader", fee=money(quote.fee))
    if quote.side == machine.BUYER:  # the taker buys: the fee comes out of what they receive
        return translate(lang, "fee.deal.preview.you_receive", fee=money(quote.fee), net=money(quote.buyer_gets))
    return translate(lang, "fee.deal.preview.you_escrow", fee=money(quote.fee), total=money(quote.seller_gives))


class MarketState(OnceForm, CountryChoiceMixin, AuthState):
    side: str = "buy"
    asset: str = ASSET_CODES[0]
    fiat: str = "RUB"
    country: str = ANY
    method: str = ANY
    amount: str = ""
    page: int = 1
    pages: int = 1
    total: int = 0
    total_text: str = ""  # "12 offers found", "Найдено 12 предложений"
    rows: list[AdRow] = []
    filter_error: str = ""
    # The ad its owner just published (0: none): /market says so, with a link, and marks its card.
    published_ad: int = 0
    _just_published: int = 0
    # The refusal of "Open deal", under the ad it was for.
    deal_error_ad: int = 0
    deal_error: dict[str, str] = {}  # in every language (i18n.error_texts)
    loaded: bool = False
    # The deal fee's terms beside "Open deal" (SPEC F12): per "<asset>:<ad side>:<language>" the sentence
    # (a language switch re-words it), per asset the terms' fingerprint the form sends back (a deal under
    # other terms is refused: fee_changed).
    fee_notes: dict[str, str] = {}
    fee_terms: dict[str, str] = {}
    # The fee of the amount typed on one ad's form (0: none shown), in every language.
    fee_preview_ad: int = 0
    fee_preview: dict[str, str] = {}

    def _no_method(self) -> str:
        return ANY

    def _deal_form_shown(self) -> None:
        """The market or an ad's page shows "Open deal" afresh: no old error, a new form key."""
        self._clear_deal_error()
        self._fresh_form_key()

    def _clear_deal_error(self) -> None:
        self.deal_error_ad, self.deal_error = 0, {}
        self.fee_preview_ad, self.fee_preview = 0, {}

    async def _load_fee_terms(self, asset: str) -> None:
        """The deal rule of `asset` as it is now, for the forms that open deals in it."""
        try:
            terms = await off_loop(deal_fee_terms, app_deps().uow, asset)
        except KryptonError:
            return
        self.fee_terms = {**self.fee_terms, asset: terms.fingerprint}
        notes = {f"{asset}:{side}:{lang}": fee_note(terms, side, lang) for side in (SELL, BUY) for lang in LANGUAGES}
        self.fee_notes = {**self.fee_notes, **notes}

    async def _load(self) -> None:
        lang = (await self.get_state(I18n)).lang
        viewer = await self._user_id()
        try:
            result = await off_loop(
                browse,
                app_deps().uow,
                side=AD_SIDE[self.side],
                asset=self.asset,
                fiat=self.fiat,
                country=None if self.country == ANY else self.country,
                method=None if self.method == ANY else self.method,
                amount=self.amount or None,
                page=self.page,
                page_size=PAGE_SIZE,
                rates=app_deps().rates,
            )
        except KryptonError as error:
            self.filter_error = error_key(error.code, error.details)
            self.rows, self.total, self.pages = [], 0, 1
            self.total_text = plural(lang, 0, "count.offers")
            return
        self.filter_error = ""
        await self._load_fee_terms(self.asset)
        self.rows = [ad_row(item, lang, viewer) for item in result.items]
        self.total = result.total
        self.total_text = plural(lang, result.total, "count.offers")
        self.pages = max(result.pages, 1)
        self.loaded = True

    async def _choice_made(self) -> None:
        # Each filter applies as it changes: a new first page, no old deal error.
        self.page = 1
        self._clear_deal_error()
        await self._load()

    def _published(self, ad_id: int) -> None:
        """NewAdState.create: the next /market load shows this ad as just published."""
        self._just_published = ad_id

    @rx.event
    async def load(self):
        self._deal_form_shown()
        # Shown on the load right after publishing, not on later visits.
        self.published_ad, self._just_published = self._just_published, 0
        await self._load()

    @rx.event
    async def choose_side(self, side: str):
        self.side = side if side in AD_SIDE else "buy"
        await self._choice_made()

    @rx.event
    async def choose_asset(self, asset: str):
        if asset in ASSET_CODES:
            self.asset = asset
        await self._choice_made()

    @rx.event
    async def set_amount_filter(self, amount: str):
        """The amount input, debounced in the browser: one search per pause in typing, not per key."""
        self.amount = amount.strip()[:40]
        await self._choice_made()

    @rx.event
    async def apply_filters(self, form_data: dict):
        side = form_text(form_data, "side")
        self.side = side if side in AD_SIDE else "buy"
        self.asset = form_text(form_data, "asset") or self.asset
        self.fiat = form_text(form_data, "fiat") or self.fiat
        self.country = form_text(form_data, "country") or ANY
        self.method = form_text(form_data, "method") or ANY
        self.amount = form_text(form_data, "amount")
        self.page = 1
        self._clear_deal_error()
        await self._load()

    @rx.event
    async def go_page(self, delta: int):
        self.page = min(max(self.page + delta, 1), self.pages)
        await self._load()

    @rx.event
    async def preview_fee(self, ad_id: int, amount: str):
        """The amount input of an ad's form, debounced: the fee of that amount. Anyone (a read of public
        terms); a bad amount or ad shows nothing."""
        if not isinstance(ad_id, int) or not isinstance(amount, str) or len(amount) > 40 or not amount.strip():
            self.fee_preview_ad, self.fee_preview = 0, {}
            return
        try:
            quote = await off_loop(quote_deal_fee, app_deps().uow, ad_id, amount.strip())
        except KryptonError:
            self.fee_preview_ad, self.fee_preview = 0, {}
            return
        self.fee_preview_ad = ad_id
        self.fee_preview = {lang: fee_preview(quote, lang) for lang in LANGUAGES}

    @rx.event
    async def take(self, form_data: dict):
        """An ad card's "Open deal": opens the deal and goes to its page. The form's key stays until
        the market or an ad's page is shown again, so a second click finds the same deal."""
        user_id = await self._user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        ad_id = form_text(form_data, "ad_id")
        if not ad_id.isdigit():
            return
        self.submitting = True
        yield
        try:
            view = await off_loop(
                open_deal,
                app_deps().uow,
                user_id,
                int(ad_id),
                amount=form_text(form_data, "amount"),
                method=form_text(form_data, "method"),
                idempotency_key=self._submit_key(),
                rates=app_deps().rates,
                now=utcnow(),
                fee_terms=form_text(form_data, "fee_terms") or None,
            )
        except KryptonError as error:
            if error.code == "fee_changed":
                await self._load_fee_terms(form_text(form_data, "asset"))  # the new terms, to review
            self.deal_error_ad, self.deal_error = int(ad_id), error_texts(error)
            return
        finally:
            self.submitting = False
        self._clear_deal_error()
        yield rx.redirect(routes.deal_detail(view.id))
