"""/buy: four cards, each a step: what and how you pay (crypto, country, currency, method), how much (in
crypto or in fiat, the other at the reference rate), where the crypto goes (balance, Bitcoin, Lightning,
a promise), then the traders whose SELL ads fit, best price first, each with "Buy"."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.fiat_market import OfferLook, market_select, market_selects, offer_list
from krypton_app.components.layout import template
from krypton_app.components.ui import card, card_title, form_error, page_heading
from krypton_app.domain.catalog_data import ASSET_CODES
from krypton_app.pages.buy.state import BuyState
from krypton_app.services.buy_purpose import DESTINATIONS
from krypton_app.state.auth import AuthState
from krypton_app.state.fiat_market import Option
from krypton_app.state.i18n import I18n, in_language

ICONS = {"balance": "wallet", "bitcoin": "bitcoin", "lightning": "zap", "promise": "ticket"}


def _market() -> rx.Component:
    assets = [Option(code, code) for code in ASSET_CODES]
    return card(
        card_title("globe", I18n.t["buy.step.market"]),
        rx.grid(
            market_select(
                "buy", "asset", assets, BuyState.asset, BuyState.choose_asset, "buy-asset", width="100%", min_width="0"
            ),
            *market_selects(BuyState, "buy", "buy", width="100%", min_width="0"),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
    )


def _amount() -> rx.Component:
    return card(
        card_title("calculator", I18n.t["buy.step.amount"]),
        rx.cond(
            BuyState.to == "lightning",
            rx.text(I18n.t["buy.to_hint.lightning"], size="2", color_scheme="gray"),
            rx.vstack(
                rx.hstack(
                    rx.input(
                        value=BuyState.amount,
                        on_change=BuyState.type_amount.debounce(300),
                        on_blur=BuyState.type_amount,
                        placeholder=I18n.t["buy.amount"],
                        input_mode="decimal",
                        size="3",
                        flex="1",
                        min_width="0",
                        data_testid="buy-amount",
                    ),
                    rx.segmented_control.root(
                        rx.segmented_control.item(BuyState.asset, value="crypto"),
                        rx.segmented_control.item(BuyState.fiat_currency, value="fiat"),
                        value=BuyState.unit,
                        on_change=BuyState.choose_unit,
                        size="3",
                        data_testid="buy-unit",
                    ),
                    width="100%",
                    align="center",
                ),
                rx.cond(
                    BuyState.converted.length() > 0,
                    rx.text(
                        in_language(BuyState.converted), size="2", color_scheme="gray", data_testid="buy-converted"
                    ),
                ),
                rx.cond(BuyState.no_rate, rx.text(I18n.t["buy.no_rate"], size="2", color_scheme="amber")),
                spacing="2",
                width="100%",
            ),
        ),
    )


def _destination() -> rx.Component:
    t = I18n.t
    return card(
        card_title("send", t["buy.step.destination"]),
        rx.radio_cards.root(
            *(
                rx.radio_cards.item(
                    rx.hstack(rx.icon(ICONS[kind], size=16), rx.text(t[f"buy.to.{kind}"], size="2"), align="center"),
                    value=kind,
                    data_testid=f"buy-to-{kind}",
                )
                for kind in DESTINATIONS
            ),
            value=BuyState.to,
            on_value_change=BuyState.choose_to,
            columns=rx.breakpoints(initial="2", sm="4"),
            size="1",
            width="100%",
        ),
        rx.text(t[f"buy.to_hint.{BuyState.to}"], size="1", color_scheme="gray", margin_top="8px"),
        rx.cond(
            BuyState.to == "bitcoin",
            rx.input(
                value=BuyState.target,
                on_change=BuyState.type_target.debounce(300),
                on_blur=BuyState.type_target,
                placeholder=t["buy.address"],
                size="3",
                width="100%",
                margin_top="8px",
                data_testid="buy-address",
            ),
        ),
        rx.cond(
            BuyState.to == "lightning",
            rx.text_area(
                value=BuyState.target,
                on_change=BuyState.type_target.debounce(300),
                on_blur=BuyState.type_target,
                placeholder=t["buy.invoice"],
                rows="3",
                width="100%",
                margin_top="8px",
                style={"word_break": "break-all"},
                data_testid="buy-invoice",
            ),
        ),
        rx.button(
            rx.icon("search", size=16),
            t["buy.find"],
            on_click=BuyState.find,
            size="3",
            width=rx.breakpoints(initial="100%", sm="auto"),
            margin_top="12px",
            data_testid="buy-find",
        ),
    )


LOOK = OfferLook(
    texts="buy", total_key="buy.you_pay", linked_key="buy.from_ad", button_key="buy.open_deal", empty_key="buy.empty",
    test_ids=("buy-offer", "buy-offer-trader", "buy-offer-total", "buy-open-deal", "buy-empty"),
)  # fmt: skip


def _offers() -> rx.Component:
    t = I18n.t
    return card(
        card_title("users", t["buy.step.offers"]),
        rx.vstack(
            rx.foreach(in_language(BuyState.summary), lambda line: rx.text(line, size="2", weight="medium")),
            spacing="1",
            width="100%",
            data_testid="buy-summary",
        ),
        rx.cond(~AuthState.signed_in, rx.text(t["buy.login_hint"], size="2", color_scheme="gray", margin_top="8px")),
        offer_list(BuyState.offers, LOOK, BuyState.open_deal, BuyState.submitting, True, margin_top="8px"),
    )


@template(route=routes.BUY, title="Buy", on_load=[BuyState.load], protected=False)
def buy() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["buy.title"], I18n.t["buy.intro"]),
        _market(),
        _amount(),
        _destination(),
        rx.cond(BuyState.error.length() > 0, form_error(in_language(BuyState.error), data_testid="buy-error")),
        rx.cond(BuyState.searched, _offers()),
        spacing="4",
        width="100%",
    )
