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
from krypton_app.domain.ads import BUY, SELL
from krypton_app.domain.catalog_data import ASSET_CODES, method_names
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import duration_text, error_key, error_texts
from krypton_app.i18n.formatting import format_fiat, format_full, plural
from krypton_app.models.common import utcnow
from krypton_app.services.deals import open_deal
from krypton_app.services.market import AdListing, browse
from krypton_app.state.ad_form import ANY, CountryChoiceMixin, form_text
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.once_form import OnceForm
from krypton_app.wakeups import WAKEUPS, deals_topic

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

    def _no_method(self) -> str:
        return ANY

    def _deal_form_shown(self) -> None:
        """The market or an ad's page shows "Open deal" afresh: no old error, a new form key."""
        self._clear_deal_error()
        self._fresh_form_key()

    def _clear_deal_error(self) -> None:
        self.deal_error_ad, self.deal_error = 0, {}

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
            )
        except KryptonError as error:
            self.deal_error_ad, self.deal_error = int(ad_id), error_texts(error)
            return
        finally:
            self.submitting = False
        self._clear_deal_error()
        # The seller's list of deals (the other side's open tab) shows the new deal now.
        WAKEUPS.wake(deals_topic(view.seller_id), deals_topic(view.buyer_id))
        yield rx.redirect(routes.deal_detail(view.id))
