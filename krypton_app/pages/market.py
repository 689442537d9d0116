"""/market: browse P2P ads with filters and open a deal on one; /market/new: post an ad.

Side is the taker's view: "buy" lists sell ads (the taker buys crypto), "sell" lists buy ads.
Amounts are formatted on the server; every refusal shows its catalog message `error.<code>`.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.market import (
    ad_form,
    country_options,
    labelled_select,
    method_label,
    method_options,
    options,
    trader_line,
)
from krypton_app.components.ui import card, card_title, empty_note, field_error, page_heading, status_chip
from krypton_app.db import default_uow
from krypton_app.domain.catalog_data import (
    ASSET_CODES,
    FIAT_CODES,
    method_names,
)
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import duration_text, error_key
from krypton_app.services.ads import close_ad, create_ad, list_my_ads, pause_ad, resume_ad
from krypton_app.services.deals import open_deal
from krypton_app.services.market import browse
from krypton_app.services.rates import rate_provider_from_settings
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.market import ANY, AdFormMixin, CountryChoiceMixin, form_text

PAGE_SIZE = 10
# Floating ads are shown and sorted at the current reference rate: the price a deal would take.
RATES = rate_provider_from_settings(app_deps().settings)
# taker's side -> the ads' side
AD_SIDE = {"buy": "sell", "sell": "buy"}


def _fiat_text(minor: int, decimals: int, fiat: str) -> str:
    return f"{format_amount(minor, decimals, trim=False)} {fiat}"


def listing_row(item, lang: str = "en") -> dict[str, str]:
    """An ad with its trader's card as the texts an ad card (and the ad page) shows."""
    ad, trader = item.ad, item.trader
    rate = trader.completion_rate_30d
    return {
        "id": str(ad.id),
        "owner": ad.owner_name,
        "side": ad.side,
        "asset": ad.asset,
        "country": ad.country,
        "status": ad.status,
        "price": _fiat_text(ad.price, ad.fiat_decimals, ad.fiat),
        "limits": f"{format_amount(ad.min_amount, ad.decimals)} – {format_amount(ad.max_amount, ad.decimals)}"
        f" {ad.asset}",
        "remaining": f"{format_amount(ad.remaining, ad.decimals)} {ad.asset}",
        "methods": method_names(ad.methods, lang),
        # "|"-joined, split in the browser for the method choice of "Open deal"
        "method_codes": "|".join(ad.methods),
        "window": duration_text(lang, ad.payment_window_min * 60),
        "min_deals": str(ad.min_completed_deals),
        "terms": ad.terms,
        "completed": str(trader.completed_deals),
        "rate": "—" if rate is None else f"{rate * 100:.0f}%",
        "release": duration_text(lang, trader.avg_release_s),
        "positive": str(trader.positive),
        "negative": str(trader.negative),
    }


class MarketState(CountryChoiceMixin, AuthState):
    side: str = "buy"
    asset: str = ASSET_CODES[0]
    fiat: str = "RUB"
    country: str = ANY
    method: str = ANY
    amount: str = ""
    page: int = 1
    pages: int = 1
    total: int = 0
    rows: list[dict[str, str]] = []
    filter_error: str = ""
    # ad id -> catalog key of the refusal of "Open deal"
    deal_errors: dict[str, str] = {}
    loaded: bool = False

    def _load(self, lang: str = "en") -> None:
        try:
            result = browse(
                default_uow(),
                side=AD_SIDE[self.side],
                asset=self.asset,
                fiat=self.fiat,
                country=None if self.country == ANY else self.country,
                method=None if self.method == ANY else self.method,
                amount=self.amount or None,
                page=self.page,
                page_size=PAGE_SIZE,
                rates=RATES,
            )
        except KryptonError as error:
            self.filter_error = error_key(error.code)
            self.rows, self.total, self.pages = [], 0, 1
            return
        self.filter_error = ""
        self.rows = [listing_row(item, lang) for item in result.items]
        self.total = result.total
        self.pages = max(result.pages, 1)
        self.loaded = True

    async def _lang(self) -> str:
        return (await self.get_state(I18n)).lang

    def _no_method(self) -> str:
        return ANY

    @rx.event
    async def load(self):
        self.deal_errors = {}
        self._load(await self._lang())

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
        self.deal_errors = {}
        self._load(await self._lang())

    @rx.event
    async def go_page(self, delta: int):
        self.page = min(max(self.page + delta, 1), self.pages)
        self._load(await self._lang())

    @rx.event
    def take(self, form_data: dict):
        user_id = self._verified_user_id()
        if user_id is None:
            return AuthState.require_login
        ad_id = form_text(form_data, "ad_id")
        if not ad_id.isdigit():
            return None
        try:
            view = open_deal(
                default_uow(),
                user_id,
                int(ad_id),
                amount=form_text(form_data, "amount"),
                method=form_text(form_data, "method"),
                idempotency_key=secrets.token_hex(12),
                settings=app_deps().settings,
                now=datetime.now(UTC),
            )
        except KryptonError as error:
            self.deal_errors = {ad_id: error_key(error.code)}
            return None
        self.deal_errors = {}
        return rx.redirect(routes.deal_detail(view.id))


def my_ad_row(ad, lang: str) -> dict[str, str]:
    return {
        "id": str(ad.id),
        "side_key": f"ad.side.{ad.side}",
        "status": ad.status,
        "status_key": f"ad.status.{ad.status}",
        "price": _fiat_text(ad.price, ad.fiat_decimals, ad.fiat),
        "remaining": f"{format_amount(ad.remaining, ad.decimals)} / {format_amount(ad.total_volume, ad.decimals)}"
        f" {ad.asset}",
        "methods": method_names(ad.methods, lang),
    }


class NewAdState(AdFormMixin, AuthState):
    my_ads: list[dict[str, str]] = []
    ad_error: str = ""
    _key: str = ""

    async def _load_mine(self, user_id: int) -> None:
        lang = (await self.get_state(I18n)).lang
        self.my_ads = [my_ad_row(ad, lang) for ad in list_my_ads(default_uow(), user_id, rates=RATES)]

    @rx.event
    async def load(self):
        self._seed()
        self.ad_error = ""
        self._key = secrets.token_hex(12)
        user_id = self._verified_user_id()
        if user_id is not None:
            await self._load_mine(user_id)

    async def _set(self, action, ad_id: str) -> None:
        user_id = self._verified_user_id()
        if user_id is None or not ad_id.isdigit():
            return
        try:
            action(default_uow(), user_id, int(ad_id))
            self.ad_error = ""
        except KryptonError as error:
            self.ad_error = error_key(error.code)
        await self._load_mine(user_id)

    @rx.event
    async def pause(self, ad_id: str):
        await self._set(pause_ad, ad_id)

    @rx.event
    async def resume(self, ad_id: str):
        await self._set(resume_ad, ad_id)

    @rx.event
    async def close(self, ad_id: str):
        await self._set(close_ad, ad_id)

    @rx.event
    def create(self, form_data: dict):
        user_id = self._verified_user_id()
        if user_id is None:
            return AuthState.require_login
        side = form_text(form_data, "side") or "sell"
        draft = self._draft(form_data, side=side, asset=form_text(form_data, "asset") or ASSET_CODES[0])
        if draft is None:
            return None
        try:
            create_ad(default_uow(), user_id, draft, settings=app_deps().settings, idempotency_key=self._key)
        except KryptonError as error:
            self._refused(error)
            return None
        self.field_errors = {}
        self._key = secrets.token_hex(12)
        return rx.redirect(routes.MARKET)


# -- components -----------------------------------------------------------------------------------


def filters() -> rx.Component:
    return card(
        rx.form(
            rx.grid(
                labelled_select(
                    "side",
                    "market.filter.side",
                    options([("buy", I18n.t["market.side.buy"]), ("sell", I18n.t["market.side.sell"])]),
                    default_value=MarketState.side,
                ),
                labelled_select(
                    "asset",
                    "market.filter.asset",
                    options((c, c) for c in ASSET_CODES),
                    default_value=MarketState.asset,
                ),
                labelled_select(
                    "fiat",
                    "market.filter.fiat",
                    options((c, c) for c in FIAT_CODES),
                    value=MarketState.fiat,
                    on_change=MarketState.choose_fiat,
                ),
                labelled_select(
                    "country",
                    "market.filter.country",
                    country_options((ANY, I18n.t["market.any"])),
                    value=MarketState.country,
                    on_change=MarketState.choose_country,
                ),
                labelled_select(
                    "method",
                    "market.filter.method",
                    method_options(MarketState.method_choices, (ANY, I18n.t["market.any"])),
                    value=MarketState.method,
                    on_change=MarketState.choose_method,
                ),
                rx.vstack(
                    rx.text(I18n.t["market.filter.amount"], size="2", weight="medium"),
                    rx.input(
                        name="amount",
                        default_value=MarketState.amount,
                        placeholder="0.0",
                        input_mode="decimal",
                        size="2",
                        width="100%",
                    ),
                    spacing="1",
                    width="100%",
                ),
                columns=rx.breakpoints(initial="2", md="6"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("search", size=15), I18n.t["market.search"], type="submit", data_testid="market-search"
                ),
                rx.cond(MarketState.filter_error != "", field_error(I18n.t[MarketState.filter_error])),
                margin_top="12px",
                align="center",
                wrap="wrap",
            ),
            on_submit=MarketState.apply_filters,
        ),
    )


def stat(label_key: str, value: rx.Var, **props) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[label_key], size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="medium", **props),
        spacing="0",
    )


def open_deal_form(row: rx.Var) -> rx.Component:
    """Method and amount for MarketState.take, which opens the deal and goes to its page."""
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.el.input(type="hidden", name="ad_id", value=row["id"]),
                rx.el.select(
                    rx.foreach(
                        row["method_codes"].split("|"), lambda code: rx.el.option(method_label(code), value=code)
                    ),
                    name="method",
                    aria_label=I18n.t["market.filter.method"],
                    style={
                        "height": "32px",
                        "padding": "0 8px",
                        "border_radius": "var(--radius-2)",
                        "border": "1px solid var(--gray-a7)",
                        "background": "var(--color-surface)",
                        "color": "var(--gray-12)",
                        "max_width": "220px",
                    },
                    data_testid="deal-method",
                ),
                rx.input(
                    name="amount",
                    placeholder=I18n.t["market.deal_amount"],
                    input_mode="decimal",
                    size="2",
                    data_testid="deal-amount",
                ),
                rx.button(I18n.t["market.open_deal"], type="submit", data_testid="open-deal"),
                spacing="2",
                wrap="wrap",
            ),
            on_submit=MarketState.take,
            reset_on_submit=False,
        ),
        rx.cond(
            MarketState.deal_errors.contains(row["id"]),
            field_error(I18n.t[MarketState.deal_errors[row["id"]]]),
        ),
        spacing="2",
        width="100%",
    )


def ad_card(row: rx.Var) -> rx.Component:
    return card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.link(
                        row["owner"],
                        href=routes.MARKET_ADS_PREFIX + row["id"],
                        size="3",
                        weight="bold",
                        color_scheme="gray",
                        high_contrast=True,
                        data_testid="ad-owner",
                    ),
                    trader_line(row),
                    spacing="0",
                ),
                rx.spacer(),
                rx.text(row["price"], size="5", weight="bold", data_testid="ad-price"),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.grid(
                stat("market.limits", row["limits"]),
                stat("market.remaining", row["remaining"]),
                stat("market.methods", row["methods"]),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="3",
                width="100%",
            ),
            rx.cond(row["terms"] != "", rx.text(row["terms"], size="1", color_scheme="gray")),
            rx.hstack(
                open_deal_form(row),
                rx.link(
                    I18n.t["market.details"],
                    rx.icon("chevron-right", size=14),
                    href=routes.MARKET_ADS_PREFIX + row["id"],
                    size="2",
                    display="inline-flex",
                    align_items="center",
                    white_space="nowrap",
                    data_testid="ad-details",
                ),
                width="100%",
                align="start",
                justify="between",
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        data_testid="ad-card",
    )


@template(route=routes.MARKET, title="Market", protected=False, on_load=[MarketState.load])
def market() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            page_heading(I18n.t["market.title"], I18n.t["market.subtitle"]),
            rx.spacer(),
            rx.link(
                rx.button(rx.icon("plus", size=15), I18n.t["market.new_ad"], data_testid="new-ad"),
                href=routes.MARKET_NEW,
            ),
            width="100%",
            align="start",
            wrap="wrap",
        ),
        filters(),
        rx.text(I18n.t["market.found"], ": ", MarketState.total, size="2", color_scheme="gray"),
        rx.cond(
            MarketState.rows.length() > 0,
            rx.vstack(rx.foreach(MarketState.rows, ad_card), spacing="3", width="100%"),
            card(empty_note(I18n.t["market.empty"])),
        ),
        rx.cond(
            MarketState.pages > 1,
            rx.hstack(
                rx.button(
                    I18n.t["history.previous"],
                    on_click=MarketState.go_page(-1),
                    disabled=MarketState.page <= 1,
                    variant="soft",
                ),
                rx.text(MarketState.page, " / ", MarketState.pages, size="2"),
                rx.button(
                    I18n.t["history.next"],
                    on_click=MarketState.go_page(1),
                    disabled=MarketState.page >= MarketState.pages,
                    variant="soft",
                ),
                justify="center",
                align="center",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )


def my_ad_item(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.link(rx.code("#", row["id"], size="2", variant="soft"), href=routes.MARKET_ADS_PREFIX + row["id"]),
                rx.badge(I18n.t[row["side_key"]], variant="outline", radius="full", size="1"),
                status_chip(
                    I18n.t[row["status_key"]],
                    rx.match(row["status"], ("active", "green"), ("paused", "amber"), "gray"),
                    data_testid="my-ad-status",
                ),
                spacing="2",
                wrap="wrap",
            ),
            rx.text(row["price"], " · ", row["remaining"], size="2"),
            rx.text(row["methods"], size="1", color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        rx.hstack(
            rx.cond(
                row["status"] != "closed",
                rx.link(
                    rx.button(rx.icon("pencil", size=13), I18n.t["ad.edit"], variant="soft", size="1"),
                    href=routes.MARKET_ADS_PREFIX + row["id"] + "/edit",
                    data_testid="my-ad-edit",
                ),
            ),
            rx.cond(
                row["status"] == "active",
                rx.button(I18n.t["ad.pause"], on_click=NewAdState.pause(row["id"]), variant="soft", size="1"),
            ),
            rx.cond(
                row["status"] == "paused",
                rx.button(I18n.t["ad.resume"], on_click=NewAdState.resume(row["id"]), variant="soft", size="1"),
            ),
            rx.cond(
                row["status"] != "closed",
                rx.button(
                    I18n.t["ad.close"],
                    on_click=NewAdState.close(row["id"]),
                    variant="soft",
                    color_scheme="red",
                    size="1",
                    data_testid="my-ad-close",
                ),
            ),
            spacing="2",
        ),
        width="100%",
        wrap="wrap",
        padding_y="10px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="my-ad",
    )


def my_ads() -> rx.Component:
    return card(
        card_title("list", I18n.t["ad.mine"]),
        rx.cond(
            NewAdState.my_ads.length() > 0,
            rx.vstack(rx.foreach(NewAdState.my_ads, my_ad_item), spacing="0", width="100%"),
            empty_note(I18n.t["ad.mine_empty"]),
        ),
        rx.cond(NewAdState.ad_error != "", field_error(I18n.t[NewAdState.ad_error])),
    )


@template(route=routes.MARKET_NEW, title="New ad", on_load=[NewAdState.load])
def market_new() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["market.new_ad"]),
        card(
            card_title("megaphone", I18n.t["market.new_ad"]),
            ad_form(
                NewAdState,
                editing=False,
                submit_label=I18n.t["ad.publish"],
                on_submit=NewAdState.create,
                submit_test_id="ad-publish",
            ),
        ),
        my_ads(),
        spacing="4",
        width="100%",
    )
