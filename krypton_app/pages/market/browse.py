"""/market: browse P2P ads with filters and open a deal on one (MarketState, state/market.py).

Side is the taker's view: "buy" lists sell ads (the taker buys crypto), "sell" lists buy ads.
Amounts are formatted on the server; every refusal shows its catalog message `error.<code>`.
"""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.market import (
    country_options,
    labelled_select,
    method_options,
    open_deal_form,
    options,
    stat,
    trader_line,
)
from krypton_app.components.pager import pager
from krypton_app.components.ui import WRAP_ANYWHERE, card, empty_note, field_error, page_heading
from krypton_app.domain.catalog_data import ASSET_CODES, FIAT_CODES
from krypton_app.state.ad_form import ANY
from krypton_app.state.i18n import I18n
from krypton_app.state.market import AdRow, MarketState


def filters() -> rx.Component:
    return card(
        rx.form(
            rx.grid(
                labelled_select(
                    "side",
                    "market.filter.side",
                    options([("buy", I18n.t["market.side.buy"]), ("sell", I18n.t["market.side.sell"])]),
                    value=MarketState.side,
                    on_change=MarketState.choose_side,
                ),
                labelled_select(
                    "asset",
                    "market.filter.asset",
                    options((c, c) for c in ASSET_CODES),
                    value=MarketState.asset,
                    on_change=MarketState.choose_asset,
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
                    # Searched after a pause in typing, not at every key.
                    rx.input(
                        name="amount",
                        value=MarketState.amount,
                        on_change=MarketState.set_amount_filter,
                        debounce_timeout=500,
                        placeholder="0.0",
                        input_mode="decimal",
                        size="2",
                        width="100%",
                        data_testid="market-amount",
                    ),
                    spacing="1",
                    width="100%",
                ),
                columns=rx.breakpoints(initial="2", md="6"),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                MarketState.filter_error != "",
                rx.box(field_error(I18n.t[MarketState.filter_error]), margin_top="12px"),
            ),
            # Every filter applies as it changes; Enter in the amount applies it at once.
            on_submit=MarketState.apply_filters,
        ),
        data_testid="market-filters",
    )


def published_note() -> rx.Component:
    return rx.cond(
        MarketState.published_ad != 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-check")),
            rx.callout.text(
                I18n.t["market.published"],
                " ",
                rx.link(
                    I18n.t["market.published_view"],
                    href=routes.MARKET_ADS_PREFIX + MarketState.published_ad.to_string(),
                ),
            ),
            color_scheme="green",
            width="100%",
            data_testid="market-published",
        ),
    )


def own_mark() -> rx.Component:
    return rx.badge(
        rx.icon("user-round", size=12),
        I18n.t["market.yours"],
        color_scheme="blue",
        variant="soft",
        size="2",
        data_testid="ad-yours",
    )


def ad_card(row: AdRow) -> rx.Component:
    return card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.link(
                        row.owner,
                        href=row.href,
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
                rx.text(row.price, size="5", weight="bold", data_testid="ad-price"),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.grid(
                stat("market.limits", row.limits),
                stat("market.remaining", row.remaining),
                stat("market.methods", row.methods),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="3",
                width="100%",
            ),
            rx.cond(row.terms != "", rx.text(row.terms, size="1", color_scheme="gray")),
            rx.hstack(
                rx.cond(row.own, own_mark(), open_deal_form(row)),
                rx.link(
                    I18n.t["market.details"],
                    rx.icon("chevron-right", size=14),
                    href=row.href,
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
        **WRAP_ANYWHERE,
        # The ad just published stands out among the others.
        outline=rx.cond(row.id == MarketState.published_ad, f"2px solid {rx.color('green', 8)}", "none"),
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
        published_note(),
        filters(),
        rx.text(MarketState.total_text, size="2", color_scheme="gray", data_testid="market-found"),
        rx.cond(
            MarketState.rows.length() > 0,
            rx.vstack(rx.foreach(MarketState.rows, ad_card), spacing="3", width="100%"),
            card(empty_note(I18n.t["market.empty"])),
        ),
        rx.cond(
            MarketState.pages > 1,
            pager(
                MarketState.page,
                MarketState.pages,
                MarketState.go_page(-1),
                MarketState.go_page(1),
                test_id="market",
                justify="center",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )
