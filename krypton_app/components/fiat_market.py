"""The fiat market chooser's pieces (state/fiat_market.py): the country, currency and method selects and
an ad's row (trader, record, price, limits, what the deal hands over or gets, the page's button).

Each page keeps its own i18n keys and test ids: `texts` is the key prefix of the labels (its `.country`,
`.currency`, `.method`, `.choose`, `.trades`, `.completion`, `.price`, `.limits`), and every test id is
passed in as the page has it.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from reflex.event import EventHandler

from krypton_app.state.fiat_market import OfferRow
from krypton_app.state.i18n import I18n


def market_select(texts: str, label: str, options, value, on_change, test_id: str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[f"{texts}.{label}"], size="1", color_scheme="gray"),
        rx.select.root(
            rx.select.trigger(placeholder=I18n.t[f"{texts}.choose"], width="100%", data_testid=test_id),
            rx.select.content(rx.foreach(options, lambda o: rx.select.item(o.name, value=o.code))),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
        **props,
    )


def market_selects(state, texts: str, test_prefix: str, **props) -> list[rx.Component]:
    """Country, currency, method of a `FiatMarket` state; test ids `<test_prefix>-country` and so on."""
    selects = [
        market_select(
            texts, "country", state.fiat_countries, state.fiat_country, state.choose_fiat_country,
            f"{test_prefix}-country", **props,
        ),
        market_select(
            texts, "currency", state.fiat_currencies, state.fiat_currency, state.choose_fiat_currency,
            f"{test_prefix}-currency", **props,
        ),
        market_select(
            texts, "method", state.fiat_methods, state.fiat_method, state.choose_fiat_method,
            f"{test_prefix}-method", **props,
        ),
    ]  # fmt: skip
    return selects


def market_row(state, texts: str, test_prefix: str) -> rx.Component:
    """The three selects side by side, wrapping on a phone."""
    return rx.flex(
        *market_selects(state, texts, test_prefix, min_width="150px", flex="1"), width="100%", wrap="wrap", gap="8px"
    )


@dataclass(frozen=True)
class OfferLook:
    """What differs between the pages' rows: label keys and test ids."""

    texts: str  # the key prefix of trades / completion / price / limits
    total_key: str  # "you pay" / "you get"
    linked_key: str  # the badge of the ad the page was opened from ("": a page opened from no ad)
    button_key: str  # the row's action: "Buy", "Sell", "Open deal"
    empty_key: str  # no ad fits
    test_ids: tuple[str, str, str, str, str]  # the row, its trader, its total, its button, the empty note


def offer_list(rows, look: OfferLook, act: EventHandler, busy, searched, **props) -> rx.Component:
    """The listed ads (`act` is the page's handler, called with a row's ad id; `busy`: the page is acting
    and the buttons wait), or, once `searched`, that none fits."""
    return rx.cond(
        rows.length() == 0,
        rx.cond(
            searched,
            rx.text(I18n.t[look.empty_key], size="2", color_scheme="gray", data_testid=look.test_ids[4], **props),
        ),
        rx.vstack(rx.foreach(rows, lambda row: _offer_line(row, look, act, busy)), spacing="0", width="100%", **props),
    )


def _offer_line(row: rx.Var[OfferRow], look: OfferLook, act: EventHandler, busy) -> rx.Component:
    t = I18n.t
    row_id, trader_id, total_id, button_id, _empty_id = look.test_ids
    return rx.flex(
        rx.vstack(
            rx.hstack(
                rx.text(row.trader, size="2", weight="bold", data_testid=trader_id),
                *(
                    [rx.cond(row.linked, rx.badge(t[look.linked_key], color_scheme="violet", size="1"))]
                    if look.linked_key
                    else []
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            _facts(look.texts, "trades", row.trades, "completion", row.completion),
            _facts(look.texts, "price", row.price, "limits", row.limits),
            spacing="1",
            flex="1",
            min_width="200px",
        ),
        rx.hstack(
            rx.vstack(
                rx.text(t[look.total_key], size="1", color_scheme="gray"),
                rx.text(row.total, size="3", weight="bold", data_testid=total_id),
                spacing="0",
                align="end",
            ),
            rx.button(t[look.button_key], on_click=act(row.ad_id), loading=busy, disabled=busy, data_testid=button_id),
            align="center",
            spacing="3",
            margin_left="auto",
        ),
        width="100%",
        align="center",
        wrap="wrap",
        gap="8px",
        padding_y="10px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid=row_id,
    )


def _facts(texts: str, first: str, first_value, second: str, second_value) -> rx.Component:
    """A grey line of two labelled figures: "Price: 410 RUB · Limits: 1 – 5 TON"."""
    t = I18n.t
    return rx.text(
        t[f"{texts}.{first}"], ": ", first_value, " · ", t[f"{texts}.{second}"], ": ", second_value,
        size="1", color_scheme="gray",
    )  # fmt: skip
