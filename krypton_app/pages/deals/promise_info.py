"""The deal sells a promise (SPEC F6): its escrow is the promise, not the seller's balance. The buyer reads
what a release gives them, the seller that the promise is locked until the deal ends and comes back
unchanged on a cancel or expiry, an operator what each decision does with it."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import card, card_title
from krypton_app.domain import deals as machine
from krypton_app.pages.deals.state import DealState
from krypton_app.state.i18n import I18n


def promise_info() -> rx.Component:
    t = I18n.t
    return card(
        card_title("ticket", t["psale.deal.title"]),
        rx.vstack(
            rx.text(DealState.deal.amount_full, size="5", weight="bold", data_testid="deal-promise-amount"),
            rx.text(
                rx.match(
                    DealState.role,
                    (machine.SELLER, t["psale.deal.seller"]),
                    (machine.BUYER, t["psale.deal.buyer"]),
                    t["psale.deal.operator"],
                ),
                size="2",
                data_testid="deal-promise-text",
            ),
            spacing="2",
            width="100%",
        ),
        data_testid="deal-promise-card",
    )
