"""The deal buys crypto for a destination (SPEC F7): both sides read where the crypto goes once released
(the buyer the whole address or invoice, the seller its ends); after the release, what it made: the
payout and its status, the promise (its code shown to the buyer once, here), or the balance and why."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.qr import qr_code
from krypton_app.components.ui import card, card_title, copy_value
from krypton_app.domain import deals as machine
from krypton_app.pages.deals.state import DealState
from krypton_app.state.i18n import I18n


def _line(label: str, value, test_id: str) -> rx.Component:
    return rx.hstack(
        rx.text(I18n.t[label], size="2", color_scheme="gray", min_width="120px"),
        rx.text(value, size="2", weight="medium", overflow_wrap="anywhere", data_testid=test_id),
        spacing="2",
        width="100%",
        wrap="wrap",
    )


def _code() -> rx.Component:
    t = I18n.t
    return rx.vstack(
        rx.callout(t["buy.deal.code_once"], icon="eye", color_scheme="amber", size="1", width="100%"),
        rx.grid(
            qr_code(
                DealState.buy_code_qr, alt=t["paywiz.promise_link"], test_id="buy-code-qr", size="160px", padding="8px"
            ),  # fmt: skip
            rx.vstack(
                rx.text(DealState.buy_code_worth, size="4", weight="bold", data_testid="buy-code-amount"),
                copy_value(
                    t["buy.deal.code"],
                    DealState.buy_code,
                    copied=t["common.copied"],
                    copy_label=t["common.copy"],
                    test_id="buy-code",
                ),  # fmt: skip
                copy_value(
                    t["paywiz.promise_link"],
                    DealState.buy_code_link,
                    copied=t["common.copied"],
                    copy_label=t["common.copy"],
                    test_id="buy-code-link",
                    link=True,
                ),  # fmt: skip
                spacing="2",
                width="100%",
                min_width="0",
            ),
            columns=rx.breakpoints(initial="1", sm="auto 1fr"),
            spacing="4",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _outcome() -> rx.Component:
    t = I18n.t
    return rx.cond(
        DealState.buy_outcome == "to_balance",
        rx.callout(
            rx.text(t["buy.deal.to_balance"], " ", t[DealState.buy_reason]),
            icon="wallet",
            color_scheme="amber",
            size="1",
            width="100%",
            data_testid="buy-to-balance",
        ),
        rx.cond(
            DealState.buy_outcome == "delivered",
            rx.text(t["buy.deal.delivered"], size="2", color_scheme="green", data_testid="buy-delivered"),
            rx.text(t["buy.deal.waiting"], size="2", color_scheme="gray"),
        ),
    )


def buy_info() -> rx.Component:
    t = I18n.t
    buyer = DealState.role == machine.BUYER
    return card(
        card_title("send", t["buy.deal.title"]),
        rx.vstack(
            rx.text(t[f"buy.deal.kind.{DealState.buy_kind}"], size="3", weight="medium", data_testid="buy-kind"),
            rx.cond(
                DealState.buy_target != "",
                rx.code(
                    DealState.buy_target,
                    size="2",
                    variant="ghost",
                    style={"word_break": "break-all"},
                    data_testid="buy-target",
                ),  # fmt: skip
            ),
            rx.cond(DealState.buy_payout != "", _line("buy.deal.payout_amount", DealState.buy_payout, "buy-payout")),
            rx.cond(
                DealState.buy_payout_status != "",
                rx.hstack(
                    _line("buy.deal.payout_status", t[f"status.{DealState.buy_payout_status}"], "buy-payout-status"),
                    rx.cond(buyer, rx.link(t["buy.deal.open_payouts"], href=routes.WALLET, size="2")),
                    width="100%",
                    wrap="wrap",
                ),
            ),
            rx.cond(
                DealState.buy_promise_status != "",
                rx.hstack(
                    _line(
                        "buy.deal.promise_status",
                        t[f"promise.status.{DealState.buy_promise_status}"],
                        "buy-promise-status",
                    ),  # fmt: skip
                    rx.cond(buyer, rx.link(t["buy.deal.open_promises"], href=routes.PROMISES, size="2")),
                    width="100%",
                    wrap="wrap",
                ),
            ),
            _outcome(),
            rx.cond(DealState.buy_code != "", _code()),
            spacing="2",
            width="100%",
        ),
        data_testid="deal-buy-card",
    )
