"""Who the viewer trades with and on what terms: the other side's name and reputation, the seller's
payment details (the deal room sends them to the two sides only) and the ad's terms."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import card, card_title
from krypton_app.domain import deals as machine
from krypton_app.pages.deals.state import DealState
from krypton_app.state.i18n import I18n


def _counterparty() -> rx.Component:
    t = I18n.t
    return rx.vstack(
        rx.text(t["deal.counterparty"], size="1", color_scheme="gray"),
        rx.text(DealState.other_name, size="3", weight="medium", data_testid="deal-counterparty"),
        rx.text(
            t["deal.completed_deals"],
            ": ",
            DealState.other_deals,
            " · ",
            t["deal.completion_rate"],
            ": ",
            rx.cond(DealState.other_rate != "", DealState.other_rate, "—"),
            size="2",
            color_scheme="gray",
            data_testid="deal-counterparty-reputation",
        ),
        spacing="1",
    )


def _payment_details() -> rx.Component:
    return rx.vstack(
        rx.text(
            rx.cond(DealState.role == machine.SELLER, I18n.t["deal.my_payment_details"], I18n.t["deal.pay_to"]),
            size="1",
            color_scheme="gray",
        ),
        rx.text(
            DealState.payment_details,
            size="3",
            weight="medium",
            white_space="pre-wrap",
            overflow_wrap="anywhere",
            data_testid="deal-payment-details",
        ),
        spacing="1",
        width="100%",
    )


def _terms() -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t["ad.field.terms"], size="1", color_scheme="gray"),
        rx.text(
            DealState.ad_terms, size="2", white_space="pre-wrap", overflow_wrap="anywhere", data_testid="deal-terms"
        ),
        spacing="1",
        width="100%",
    )


def trade_info() -> rx.Component:
    return card(
        card_title("user-round", I18n.t["deal.trade_info"]),
        rx.vstack(
            rx.cond(DealState.other_name != "", _counterparty()),
            rx.cond(DealState.payment_details != "", _payment_details()),
            rx.cond(DealState.ad_terms != "", _terms()),
            spacing="4",
            width="100%",
        ),
        data_testid="deal-trade-info",
    )
