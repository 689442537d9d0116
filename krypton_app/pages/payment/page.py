"""The /payment/[payment_id] page: the result card with its parts, the merchant's secrets, the receipt."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.promise_codes import promise_codes_card
from krypton_app.components.skeleton import page_skeleton
from krypton_app.components.ui import card, card_title, copy_value, form_error, page_heading, status_chip
from krypton_app.pages.payment.state import PaymentState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import PartRow


def secrets_card() -> rx.Component:
    return card(
        card_title("key-round", I18n.t["result.secrets"], color="green"),
        rx.cond(
            PaymentState.secrets.length() > 0,
            rx.vstack(
                rx.foreach(
                    PaymentState.secrets,
                    lambda secret: copy_value(
                        "",
                        secret,
                        copied=I18n.t["common.copied"],
                        copy_label=I18n.t["common.copy"],
                        test_id="result-secret",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            rx.hstack(
                rx.spinner(),
                rx.text(I18n.t["result.waiting"], size="2", color_scheme="gray"),
                spacing="2",
                align="center",
                data_testid="result-waiting",
            ),
        ),
        data_testid="result-secrets",
    )


def receipt_card() -> rx.Component:
    return card(
        card_title("receipt-text", I18n.t["result.receipt"]),
        rx.cond(
            PaymentState.payment.receipt != "",
            rx.vstack(
                copy_value(
                    I18n.t["result.receipt_token"],
                    PaymentState.payment.receipt,
                    copied=I18n.t["common.copied"],
                    copy_label=I18n.t["common.copy"],
                    test_id="result-receipt",
                ),
                rx.link(
                    rx.button(rx.icon("shield-check", size=15), I18n.t["result.verify"], variant="soft"),
                    href=PaymentState.verify_url,
                    data_testid="result-verify",
                ),
                spacing="3",
                width="100%",
            ),
            rx.vstack(
                rx.text(I18n.t["result.no_receipt"], size="2", color_scheme="gray"),
                rx.cond(
                    PaymentState.payment.can_ask_receipt,
                    rx.button(I18n.t["result.ask_receipt"], on_click=PaymentState.ask_receipt, variant="soft"),
                ),
                spacing="2",
            ),
        ),
        data_testid="result-receipt-card",
    )


def contact_card() -> rx.Component:
    """SPEC F5 step 5: the payer may write to the seller about this payment (the merchant sees the same
    chat from here and from the invoice page)."""
    return card(
        rx.hstack(
            rx.vstack(
                rx.text(
                    rx.cond(PaymentState.is_payer, I18n.t["paychat.contact_seller"], I18n.t["paychat.title"]),
                    size="3",
                    weight="bold",
                ),
                rx.cond(
                    PaymentState.is_payer,
                    rx.text(I18n.t["paychat.contact_seller_hint"], size="2", color_scheme="gray"),
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.link(
                rx.button(rx.icon("message-circle", size=15), I18n.t["paychat.open"], variant="soft"),
                href=PaymentState.chat_href,
                data_testid="result-contact-seller",
            ),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        data_testid="result-contact-card",
    )


def part_line(row: rx.Var[PartRow]) -> rx.Component:
    return rx.hstack(
        rx.text(I18n.t["pay.part"], " ", row.position, size="2", weight="medium"),
        rx.text(row.amount, size="2"),
        rx.cond(
            row.method_key != "",
            rx.text(I18n.t[row.method_key], size="1", color_scheme="gray", data_testid="part-method"),
        ),
        rx.spacer(),
        # A part paid in fiat through a trader (SPEC F10): its deal while it runs, and the way to its chat.
        rx.cond(
            row.deal_live,
            rx.link(
                I18n.t[row.deal_key],
                href=routes.deal_detail("") + row.deal_id.to_string(),
                size="2",
                data_testid="part-deal",
            ),
        ),
        status_chip(I18n.t[row.status_key], row.status_color, data_testid="part-status"),
        width="100%",
        padding_y="6px",
        border_top=f"1px solid {rx.color('gray', 4)}",
    )


def result() -> rx.Component:
    p = PaymentState.payment
    completed = p.is_completed
    return rx.vstack(
        card(
            rx.vstack(
                rx.hstack(
                    # Two fixed icons, not one named by a Var: that would load lucide's map of every icon.
                    rx.cond(
                        completed,
                        rx.icon("circle-check", size=28, color=rx.color("green", 10)),
                        rx.icon("circle-dashed", size=28, color=rx.color("amber", 10)),
                    ),
                    rx.heading(
                        rx.cond(completed, I18n.t["result.paid"], I18n.t[p.status_key]),
                        size="6",
                        data_testid="result-status",
                    ),
                    rx.spacer(),
                    rx.cond(
                        p.test,
                        rx.badge("TEST", color_scheme="amber", variant="solid", data_testid="test-mark"),
                    ),
                    align="center",
                    width="100%",
                ),
                rx.text(p.invoice_title, " · ", p.merchant, size="3", color_scheme="gray"),
                rx.text(p.amount_full, size="8", weight="bold", data_testid="result-amount"),
                rx.cond(
                    p.awaiting_fiat,
                    rx.callout(
                        I18n.t["pay.awaiting_fiat"],
                        icon="hourglass",
                        color_scheme="blue",
                        width="100%",
                        data_testid="result-awaiting-fiat",
                    ),
                ),
                rx.cond(p.fiat_rate != "", rx.text(p.fiat_rate, size="1", color_scheme="gray")),
                rx.vstack(rx.foreach(PaymentState.parts, part_line), spacing="0", width="100%"),
                rx.hstack(
                    rx.cond(
                        p.redirect_url != "",
                        rx.link(
                            rx.button(I18n.t["result.back_to_shop"], rx.icon("external-link", size=15)),
                            href=p.redirect_url,
                            data_testid="result-redirect",
                        ),
                    ),
                    rx.cond(
                        p.can_cancel,
                        rx.button(
                            I18n.t["pay.cancel"],
                            on_click=PaymentState.cancel,
                            color_scheme="red",
                            variant="soft",
                            data_testid="result-cancel",
                        ),
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                spacing="3",
                width="100%",
            ),
            data_testid="result-card",
        ),
        rx.cond(PaymentState.action_error != "", form_error(I18n.t[PaymentState.action_error])),
        promise_codes_card(PaymentState.promise_codes),
        rx.cond(completed & (PaymentState.waiting | (PaymentState.secrets.length() > 0)), secrets_card()),
        rx.cond(completed, receipt_card()),
        rx.cond(PaymentState.chat_href != "", contact_card()),
        spacing="4",
        width="100%",
        max_width="720px",
    )


@template(route=routes.PAYMENT, title="Payment", on_load=[PaymentState.load])
def payment() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["result.title"]),
        rx.cond(
            PaymentState.error != "",
            form_error(I18n.t[PaymentState.error], data_testid="result-error"),
            rx.cond(
                # The previous payment stays in the tab's state until on_load has run.
                PaymentState.payment.id.to_string() == rx.State.payment_id,
                result(),
                page_skeleton(I18n.t["pay.loading"]),
            ),
        ),
        width="100%",
    )
