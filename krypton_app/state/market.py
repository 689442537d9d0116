"""State the market pages share: the ad's typed row, MarketState (the market's filters and "Open
deal", also used by an ad's own page), and as mixins (each page state gets its own copy of the vars)
the country choice of the filters and the ad form, and the ad form of /market/new and the edit page.

Country, currency and method are bound to vars: choosing a country preselects its currency and
narrows the methods to its own. The other fields are uncontrolled inputs that take `values` when the
form mounts (the edit page mounts it only once seeded). services.ads validates everything again.
Floating ads are shown and sorted at the current reference rate (`app_deps().rates`): the price a
deal would take.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.ads import BUY, FIXED, SELL
from krypton_app.domain.catalog_data import (
    ASSET_CODES,
    COUNTRY_CODES,
    FIAT_CODES,
    METHOD_CODES,
    country_fiat,
    country_methods,
    method_names,
)
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import duration_text, error_key
from krypton_app.models.common import utcnow
from krypton_app.services.ads import AdDraft, AdView
from krypton_app.services.deals import open_deal
from krypton_app.services.market import AdListing, browse
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.once_form import OnceForm
from krypton_app.wakeups import WAKEUPS, deals_topic

TEXT_FIELDS = (
    "price",
    "total_volume",
    "min_amount",
    "max_amount",
    "payment_window_min",
    "min_completed_deals",
    "terms",
    "payment_details",
)
# The fields the service names that the form shows under another name.
FORM_FIELD = {"margin_percent": "price"}
ANY = "any"
DEFAULTS = {"side": "sell", "asset": ASSET_CODES[0], "country": "RU", "method": "sbp", "price_kind": FIXED}
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
    rate: str = ""
    release: str = ""
    positive: int = 0
    negative: int = 0
    own: bool = False  # the viewer's own ad: marked "Yours", no "Open deal"


def fiat_text(minor: int, decimals: int, fiat: str) -> str:
    return f"{format_amount(minor, decimals, trim=False)} {fiat}"


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
        price=fiat_text(ad.price, ad.fiat_decimals, ad.fiat),
        limits=f"{format_amount(ad.min_amount, ad.decimals)} – {format_amount(ad.max_amount, ad.decimals)} {ad.asset}",
        remaining=f"{format_amount(ad.remaining, ad.decimals)} {ad.asset}",
        methods=method_names(ad.methods, lang),
        method_codes=ad.methods,
        window=duration_text(lang, ad.payment_window_min * 60),
        min_deals=ad.min_completed_deals,
        terms=ad.terms,
        completed=trader.completed_deals,
        rate="—" if rate is None else f"{rate * 100:.0f}%",
        release=duration_text(lang, trader.avg_release_s),
        positive=trader.positive,
        negative=trader.negative,
        own=viewer is not None and ad.owner_id == viewer,
    )


def form_values(ad: AdView) -> dict[str, str]:
    """An ad as the text its form fields show: what the service would parse back to the same ad."""
    price = format_amount(ad.price, ad.fiat_decimals, trim=False) if ad.price_kind == FIXED else None
    return {
        "price": price if price is not None else format_amount(ad.margin_bp or 0, 2),
        "total_volume": format_amount(ad.total_volume, ad.decimals),
        "min_amount": format_amount(ad.min_amount, ad.decimals),
        "max_amount": format_amount(ad.max_amount, ad.decimals),
        "payment_window_min": str(ad.payment_window_min),
        "min_completed_deals": str(ad.min_completed_deals),
        "terms": ad.terms,
        # Private, not in AdView: the edit page adds it from services.ads.payment_details_of.
        "payment_details": "",
    }


def form_text(form_data: dict, name: str) -> str:
    return str(form_data.get(name) or "").strip()


class CountryChoiceMixin(rx.State, mixin=True):
    """A country select that narrows the method select and picks its currency; `ANY` is no country."""

    country: str = DEFAULTS["country"]
    fiat: str = country_fiat(DEFAULTS["country"]) or FIAT_CODES[0]
    method: str = DEFAULTS["method"]

    @rx.var
    def method_choices(self) -> list[str]:
        return country_methods(self.country)

    def _no_method(self) -> str:
        """What the method select falls back to when the country does not use the chosen one."""
        return self.method_choices[0]

    def _country_changed(self) -> None:
        """Keep the method choice within the new country's methods."""
        if self.method not in self.method_choices:
            self.method = self._no_method()

    def _set_country(self, country: str) -> None:
        self.country = country if country in COUNTRY_CODES else ANY
        self.fiat = country_fiat(self.country) or self.fiat
        self._country_changed()

    def _set_fiat(self, fiat: str) -> None:
        if fiat in FIAT_CODES:
            self.fiat = fiat

    def _set_method(self, method: str) -> None:
        self.method = method if method in METHOD_CODES else self._no_method()

    @rx.event
    async def choose_country(self, country: str):
        self._set_country(country)
        await self._choice_made()

    @rx.event
    async def choose_fiat(self, fiat: str):
        self._set_fiat(fiat)
        await self._choice_made()

    @rx.event
    async def choose_method(self, method: str):
        self._set_method(method)
        await self._choice_made()

    async def _choice_made(self) -> None:
        """After a select changed: the market's filters search again; the ad form does nothing more."""


class AdFormMixin(CountryChoiceMixin, mixin=True):
    """The ad form. An ad takes one or more of its country's payment methods (`methods`); the
    single `method` of CountryChoiceMixin is the filters' choice and is not used here."""

    # form field -> catalog key of its refusal; "" is the form as a whole
    field_errors: dict[str, str] = {}
    methods: list[str] = [DEFAULTS["method"]]
    values: dict[str, str] = {}
    side: str = DEFAULTS["side"]
    asset: str = DEFAULTS["asset"]
    price_kind: str = DEFAULTS["price_kind"]

    def _seed(self, ad: AdView | None = None) -> None:
        """Fill the form with an ad's values, or with the defaults of a new ad."""
        self.field_errors = {}
        if ad is None:
            self.values = dict.fromkeys(TEXT_FIELDS, "")
            self.side, self.asset, self.price_kind = DEFAULTS["side"], DEFAULTS["asset"], DEFAULTS["price_kind"]
            self.country, self.methods = DEFAULTS["country"], [DEFAULTS["method"]]
            self.fiat = country_fiat(self.country) or self.fiat
        else:
            self.values = form_values(ad)
            self.side, self.asset, self.price_kind = ad.side, ad.asset, ad.price_kind
            self.country, self.fiat = ad.country, ad.fiat
            self.methods = list(ad.methods) or country_methods(ad.country)[:1]

    def _country_changed(self) -> None:
        # The methods the new country also uses stay chosen; with none left, its first one is.
        kept = [m for m in self.methods if m in self.method_choices]
        self.methods = kept or self.method_choices[:1]

    @rx.event
    def toggle_method(self, method: str):
        """Add or remove a method; the last one stays (an ad needs at least one)."""
        if method not in self.method_choices:
            return
        if method not in self.methods:
            self.methods = [m for m in self.method_choices if m in (*self.methods, method)]
        elif len(self.methods) > 1:
            self.methods = [m for m in self.methods if m != method]

    def _draft(self, form_data: dict, *, side: str, asset: str) -> AdDraft | None:
        """The submitted form as a draft; None when a number field is not a number (its error is set)."""
        text = {name: form_text(form_data, name) for name in TEXT_FIELDS}
        window = text["payment_window_min"] or "15"
        min_deals = text["min_completed_deals"] or "0"
        if not window.isdigit():
            self.field_errors = {"payment_window_min": "error.ad_window_invalid"}
            return None
        if not min_deals.isdigit():
            self.field_errors = {"min_completed_deals": "error.ad_requirements_invalid"}
            return None
        price_kind = form_text(form_data, "price_kind") or FIXED
        price = text["price"]
        return AdDraft(
            side=side,
            asset=asset,
            fiat=form_text(form_data, "fiat") or self.fiat,
            country=form_text(form_data, "country") or self.country,
            methods=tuple(self.methods),
            price_kind=price_kind,
            price=price if price_kind == FIXED else None,
            margin_percent=price if price_kind != FIXED else None,
            min_amount=text["min_amount"],
            max_amount=text["max_amount"],
            total_volume=text["total_volume"],
            payment_window_min=int(window),
            terms=text["terms"],
            min_completed_deals=int(min_deals),
            payment_details=text["payment_details"],
        )

    def _refused(self, error: KryptonError) -> None:
        """The service's refusal under the field it names."""
        field = str(error.details.get("field") or "")
        self.field_errors = {FORM_FIELD.get(field, field): error_key(error.code, error.details)}


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
    rows: list[AdRow] = []
    filter_error: str = ""
    # The ad its owner just published (0: none): /market says so, with a link, and marks its card.
    published_ad: int = 0
    _just_published: int = 0
    # The refusal of "Open deal" (a catalog key), under the ad it was for.
    deal_error_ad: int = 0
    deal_error: str = ""
    loaded: bool = False

    def _no_method(self) -> str:
        return ANY

    def _deal_form_shown(self) -> None:
        """The market or an ad's page shows "Open deal" afresh: no old error, a new form key."""
        self._clear_deal_error()
        self._fresh_form_key()

    def _clear_deal_error(self) -> None:
        self.deal_error_ad, self.deal_error = 0, ""

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
            return
        self.filter_error = ""
        self.rows = [ad_row(item, lang, viewer) for item in result.items]
        self.total = result.total
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
            self.deal_error_ad, self.deal_error = int(ad_id), error_key(error.code, error.details)
            return
        finally:
            self.submitting = False
        self._clear_deal_error()
        # The seller's list of deals (the other side's open tab) shows the new deal now.
        WAKEUPS.wake(deals_topic(view.seller_id), deals_topic(view.buyer_id))
        yield rx.redirect(routes.deal_detail(view.id))
