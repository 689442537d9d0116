"""/pay/[number]: the step-by-step wizard (the invoice's helper link): how many parts, the amount of
each, then fund each part by the method the payer picks for it (pages/pay/part_picker.py). A completed
payment goes to its result page."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.promise_codes import promise_codes_card
from krypton_app.components.skeleton import page_skeleton
from krypton_app.components.ui import card, card_title, form_error, page_heading, status_chip
from krypton_app.pages.pay.card import (
    amount_input,
    available_note,
    invoice_card,
    quote_countdown,
    rate_updated_note,
    refusal,
    shows_route,
    sign_in_card,
)
from krypton_app.pages.pay.part_picker import cancel_rules_note, part_progress
from krypton_app.pages.pay.state import STEPS, PayState
from krypton_app.state.i18n import I18n, in_language


def stepper() -> rx.Component:
    def dot(index: int, step: str) -> rx.Component:
        reached = (True, PayState.step != "parts", PayState.step == "fund")[index]
        return rx.hstack(
            rx.center(
                rx.text(str(index + 1), size="1", weight="bold"),
                width="24px",
                height="24px",
                border_radius="999px",
                background=rx.cond(reached, rx.color("accent", 9), rx.color("gray", 4)),
                color=rx.cond(reached, "white", rx.color("gray", 11)),
            ),
            rx.text(I18n.t[f"pay.step.{step}"], size="2", weight="medium"),
            spacing="2",
            align="center",
        )

    return rx.hstack(*(dot(i, s) for i, s in enumerate(STEPS)), spacing="4", wrap="wrap", data_testid="pay-steps")


def parts_step() -> rx.Component:
    return card(
        card_title("split", I18n.t["pay.choose_parts"]),
        rx.vstack(
            rx.cond(PayState.floating, amount_input()),
            rx.text(I18n.t["pay.parts_hint"], size="2", color_scheme="gray"),
            # Cards in rows of five: up to ten parts still fit a phone's width.
            rx.radio_cards.root(
                rx.foreach(
                    PayState.part_choices,
                    lambda n: rx.radio_cards.item(rx.text(n, size="3", weight="bold"), value=n),
                ),
                value=PayState.parts.to_string(),
                on_value_change=PayState.set_parts,
                columns="5",
                size="1",
                width="100%",
                data_testid="pay-parts",
            ),
            rx.button(
                I18n.t["pay.next"],
                rx.icon("arrow-right", size=16),
                on_click=PayState.to_amounts,
                size="3",
                width="100%",
                data_testid="pay-next",
            ),
            spacing="4",
            width="100%",
        ),
    )


def part_amount_input(value: rx.Var, index: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(I18n.t["pay.part"], " ", index + 1, size="2", weight="medium", min_width="64px"),
        rx.input(
            value=value,
            on_change=lambda v: PayState.set_part_amount(index, v),
            input_mode="decimal",
            size="3",
            flex="1",
            data_testid="pay-part-amount",
        ),
        rx.text(PayState.invoice.asset, size="2", color_scheme="gray"),
        align="center",
        width="100%",
    )


def amounts_step() -> rx.Component:
    return card(
        card_title("list-ordered", I18n.t["pay.amounts"]),
        rx.vstack(
            rx.text(
                I18n.t["pay.amounts_hint"],
                " ",
                PayState.amount,
                " ",
                PayState.invoice.asset,
                size="2",
                color_scheme="gray",
            ),
            available_note(),
            rx.foreach(PayState.amounts, part_amount_input),
            rx.cond(
                PayState.field_errors.contains("parts"),
                form_error(in_language(PayState.field_errors["parts"]), data_testid="pay-parts-error"),
            ),
            rx.hstack(
                rx.button(
                    rx.icon("arrow-left", size=16), I18n.t["pay.back"], on_click=PayState.back, variant="soft", size="3"
                ),
                rx.button(
                    I18n.t["pay.start"],
                    rx.icon("arrow-right", size=16),
                    on_click=PayState.start,
                    size="3",
                    flex="1",
                    data_testid="pay-start",
                ),
                width="100%",
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
    )


def unfinished_note() -> rx.Component:
    """Until when the parts stay held: an unfinished payment is cancelled by itself (their money back)."""
    return rx.cond(
        PayState.cancels_at != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("history", size=16)),
            rx.callout.text(
                rx.cond(PayState.resumed, I18n.t["pay.resumed"] + " ", ""),
                I18n.t["pay.cancels_at"],
                " ",
                PayState.cancels_at,
                ".",
            ),
            color_scheme="blue",
            size="1",
            width="100%",
            margin_top="8px",
            data_testid="pay-unfinished",
        ),
    )


def fund_step() -> rx.Component:
    return card(
        card_title(
            "wallet",
            I18n.t["pay.fund_title"],
            status_chip(I18n.t[PayState.payment.status_key], PayState.payment.status_color),
        ),
        rx.text(I18n.t["paywiz.fund_hint"], size="2", color_scheme="gray"),
        unfinished_note(),
        cancel_rules_note(),
        rx.box(quote_countdown(), width="100%", margin_top="8px"),
        rx.vstack(rx.foreach(PayState.payment_parts, part_progress), spacing="0", width="100%", margin_top="8px"),
        rx.cond(
            PayState.field_errors.contains("fund"),
            form_error(in_language(PayState.field_errors["fund"]), data_testid="pay-fund-error"),
        ),
        rx.cond(
            PayState.payment.can_cancel,
            rx.button(
                I18n.t["pay.cancel"],
                on_click=PayState.cancel,
                variant="soft",
                color_scheme="red",
                margin_top="12px",
                data_testid="pay-cancel",
            ),
        ),
        data_testid="pay-fund-card",
    )


def wizard() -> rx.Component:
    return rx.vstack(
        invoice_card(),
        rx.cond(
            PayState.unavailable != "",
            refusal(),
            rx.cond(
                ~PayState.signed_in,
                sign_in_card(),
                rx.vstack(
                    stepper(),
                    rate_updated_note(),
                    promise_codes_card(PayState.promise_codes),
                    rx.match(
                        PayState.step,
                        ("parts", parts_step()),
                        ("amounts", amounts_step()),
                        fund_step(),
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
        spacing="4",
        width="100%",
        max_width="640px",
    )


# Public: anyone with the link sees the invoice, as a shop's checkout page is; paying needs a session.
@template(route=routes.PAY_INVOICE, title="Pay an invoice", on_load=[PayState.load], protected=False)
def pay_invoice() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["pay.title"]),
        rx.cond(
            PayState.error != "",
            rx.vstack(
                refusal(),
                rx.cond(~PayState.signed_in, sign_in_card(private_hint=True)),
                rx.link(I18n.t["pay.try_another"], href=routes.PAY),
                spacing="3",
                max_width="640px",
            ),
            rx.cond(shows_route(), wizard(), page_skeleton(I18n.t["pay.loading"])),
        ),
        width="100%",
    )
