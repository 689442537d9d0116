"""The codes of promises a payment gave its payer (change of a bigger promise, a refunded part), shown
once on the wizard and on the payment's result page: the code and its link, each with a copy button."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.qr import qr_code
from krypton_app.components.ui import card, card_title, copy_value
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import PromiseCodeRow


def promise_code(row: rx.Var[PromiseCodeRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(I18n.t[row.origin_key], color_scheme="green", variant="soft"),
            rx.text(I18n.t["pay.part"], " ", row.position, size="2", color_scheme="gray"),
            rx.spacer(),
            rx.text(row.amount, size="4", weight="bold", data_testid="new-promise-amount"),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.grid(
            qr_code(row.qr, alt=I18n.t["paywiz.promise_link"], test_id="new-promise-qr", size="160px", padding="8px"),
            rx.vstack(
                copy_value(
                    I18n.t["paywiz.promise_code"],
                    row.code,
                    copied=I18n.t["common.copied"],
                    copy_label=I18n.t["common.copy"],
                    test_id="new-promise-code",
                ),
                copy_value(
                    I18n.t["paywiz.promise_link"],
                    row.link,
                    copied=I18n.t["common.copied"],
                    copy_label=I18n.t["common.copy"],
                    test_id="new-promise-link",
                    link=True,
                ),
                spacing="2",
                width="100%",
                min_width="0",
            ),
            columns=rx.breakpoints(initial="1", sm="auto 1fr"),
            spacing="4",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def promise_codes_card(codes: rx.Var[list[PromiseCodeRow]]) -> rx.Component:
    return rx.cond(
        codes.length() > 0,
        card(
            card_title("ticket", I18n.t["paywiz.promise_codes"], color="green"),
            rx.callout(
                I18n.t["paywiz.promise_codes_once"],
                icon="eye",
                color_scheme="amber",
                size="1",
                width="100%",
            ),
            rx.vstack(rx.foreach(codes, promise_code), spacing="4", width="100%", margin_top="12px"),
            data_testid="new-promises",
        ),
    )
