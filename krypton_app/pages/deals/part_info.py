"""The deal pays an invoice part (SPEC F10): both sides read which part of which invoice for which
merchant, that the release goes to the invoice and not to the buyer's balance, and what a split or a
cancelled payment does; the payer gets a link to the payment."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import card, card_title
from krypton_app.domain import deals as machine
from krypton_app.pages.deals.state import DealState
from krypton_app.state.i18n import I18n


def part_info() -> rx.Component:
    t = I18n.t
    return card(
        card_title("receipt", t["payfiat.deal.title"]),
        rx.vstack(
            rx.text(
                t["payfiat.deal.part"],
                " ",
                DealState.part_position,
                "/",
                DealState.part_count,
                " · ",
                t["payfiat.deal.invoice"],
                " ",
                rx.code(DealState.part_invoice),
                " · ",
                DealState.part_merchant,
                size="3",
                weight="medium",
                data_testid="deal-part",
            ),
            rx.text(
                rx.match(
                    DealState.role,
                    (machine.SELLER, t["payfiat.deal.to_invoice_seller"]),
                    (machine.BUYER, t["payfiat.deal.to_invoice_buyer"]),
                    t["payfiat.deal.to_invoice_operator"],
                ),
                size="2",
            ),
            rx.text(t["payfiat.deal.outcomes"], size="2", color_scheme="gray"),
            rx.cond(
                DealState.part_payment_href != "",
                rx.link(
                    t["payfiat.deal.open_payment"],
                    href=DealState.part_payment_href,
                    size="2",
                    data_testid="deal-part-payment",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        data_testid="deal-part-card",
    )
