"""/i/[number]: the invoice's direct link. One screen: what is asked, and one button that pays it from
the balance in a single part. The wizard (/pay/[number]) is the helper link for anything more."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.skeleton import page_skeleton
from krypton_app.components.ui import card
from krypton_app.pages.pay.card import (
    amount_input,
    invoice_card,
    rate_updated_note,
    refusal,
    shows_route,
    sign_in_card,
)
from krypton_app.pages.pay.state import PayState
from krypton_app.state.i18n import I18n, in_language


def direct_content() -> rx.Component:
    return rx.vstack(
        invoice_card(),
        rx.cond(
            PayState.unavailable != "",
            refusal(),
            rx.cond(
                ~PayState.signed_in,
                sign_in_card(),
                card(
                    rx.vstack(
                        rate_updated_note(),
                        rx.cond(PayState.floating, amount_input()),
                        rx.cond(
                            ~PayState.floating & PayState.field_errors.contains("amount"),
                            rx.text(in_language(PayState.field_errors["amount"]), color_scheme="red", size="2"),
                        ),
                        rx.button(
                            rx.icon("wallet", size=16),
                            I18n.t["direct.pay"],
                            on_click=PayState.pay_now,
                            size="3",
                            width="100%",
                            data_testid="direct-pay",
                        ),
                        rx.link(
                            I18n.t["direct.more_options"],
                            href=PayState.invoice.wizard_path,
                            size="2",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                ),
            ),
        ),
        spacing="4",
        width="100%",
        max_width="520px",
        margin_x="auto",
    )


# Public: anyone with the link sees the invoice, as a shop's checkout page is; paying needs a session.
@template(route=routes.DIRECT, title="Pay", on_load=[PayState.load], protected=False)
def direct() -> rx.Component:
    return rx.cond(
        PayState.error != "",
        rx.vstack(
            refusal(),
            rx.cond(~PayState.signed_in, sign_in_card(private_hint=True)),
            spacing="3",
            max_width="520px",
            margin_x="auto",
            width="100%",
        ),
        rx.cond(shows_route(), direct_content(), page_skeleton(I18n.t["pay.loading"])),
    )
