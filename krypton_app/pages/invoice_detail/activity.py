"""What happened to the invoice: payments over time, the payments, the webhook deliveries."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.invoices import test_mark
from krypton_app.components.ui import card, card_title, empty_note, status_chip
from krypton_app.pages.invoice_detail.state import InvoiceDetailState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import DeliveryRow, PaymentRow


def chart_card() -> rx.Component:
    return card(
        card_title("chart-column", I18n.t["detail.chart"]),
        rx.cond(
            InvoiceDetailState.chart.length() > 0,
            rx.recharts.bar_chart(
                rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                rx.recharts.x_axis(data_key="day"),
                rx.recharts.y_axis(allow_decimals=False, width=32),
                rx.recharts.graphing_tooltip(),
                # No grow-in animation: the bar is there the moment the page (or a screenshot) shows it.
                rx.recharts.bar(
                    data_key="payments",
                    fill="var(--accent-9)",
                    radius=[6, 6, 0, 0],
                    name="#",
                    is_animation_active=False,
                ),
                data=InvoiceDetailState.chart,
                width="100%",
                height=220,
            ),
            empty_note(I18n.t["detail.no_payments"], "chart-column"),
        ),
        data_testid="chart-card",
    )


def messages_link(row: rx.Var[PaymentRow]) -> rx.Component:
    """The payment's chat with its payer, with how many of the payer's messages are unread."""
    return rx.link(
        rx.hstack(
            rx.icon("message-circle", size=14),
            rx.text(I18n.t["paychat.open"], size="1"),
            rx.cond(
                row.chat_unread > 0,
                rx.badge(
                    row.chat_unread, color_scheme="red", variant="solid", radius="full", data_testid="chat-unread"
                ),
            ),
            spacing="1",
            align="center",
        ),
        href=row.chat_href,
        data_testid="payment-messages",
    )


def payment_item(row: rx.Var[PaymentRow]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text("#", row.id, size="2", weight="bold"),
                status_chip(I18n.t[row.status_key], row.status_color),
                test_mark(row.test),
                spacing="2",
                align="center",
            ),
            rx.text(row.created, size="1", color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        rx.vstack(
            rx.text(row.amount, size="3", weight="bold", title=row.amount_full),
            rx.text(I18n.t["pay.parts_funded"], ": ", row.funded, size="1", color_scheme="gray"),
            rx.cond(
                row.fee != "",
                rx.text(
                    I18n.t["detail.payment_fee"],
                    ": ",
                    row.fee,
                    " · ",
                    I18n.t["detail.payment_net"],
                    ": ",
                    row.net,
                    size="1",
                    color_scheme="gray",
                    data_testid="payment-fee",
                ),
            ),
            rx.cond(row.chat_href != "", messages_link(row)),
            spacing="0",
            align="end",
        ),
        width="100%",
        padding_y="10px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="payment-row",
    )


def payments_card() -> rx.Component:
    return card(
        card_title("list-checks", I18n.t["detail.payments"]),
        rx.cond(
            InvoiceDetailState.payments.length() > 0,
            rx.vstack(rx.foreach(InvoiceDetailState.payments, payment_item), spacing="0", width="100%"),
            empty_note(I18n.t["detail.no_payments"]),
        ),
        data_testid="payments-card",
    )


def delivery_item(row: rx.Var[DeliveryRow]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.code(row.type, size="1", variant="soft"),
                status_chip(I18n.t[row.status_key], row.status_color, data_testid="delivery-status"),
                test_mark(row.test),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(
                I18n.t["detail.attempts"],
                ": ",
                row.attempts,
                " · HTTP ",
                row.last_code,
                rx.cond(row.last_ms != "", rx.text.span(" · ", row.last_ms)),
                size="1",
                color_scheme="gray",
            ),
            rx.cond(row.last_error != "", rx.text(row.last_error, size="1", color_scheme="red")),
            rx.text(row.event_short, " · ", row.last_when, size="1", color_scheme="gray"),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        rx.button(
            rx.icon("rotate-cw", size=14),
            I18n.t["detail.redeliver"],
            on_click=InvoiceDetailState.redeliver(row.id),
            loading=InvoiceDetailState.busy == "redeliver-" + row.id.to_string(),
            variant="soft",
            size="1",
            data_testid="delivery-redeliver",
        ),
        width="100%",
        wrap="wrap",
        padding_y="10px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="delivery-row",
    )


def deliveries_card() -> rx.Component:
    return card(
        card_title(
            "webhook",
            I18n.t["detail.deliveries"],
            rx.button(
                rx.icon("refresh-cw", size=14),
                I18n.t["detail.refresh"],
                on_click=InvoiceDetailState.refresh,
                variant="ghost",
                size="1",
                data_testid="deliveries-refresh",
            ),
            rx.cond(
                InvoiceDetailState.invoice.webhook_url != "",
                rx.button(
                    rx.icon("send", size=14),
                    I18n.t["detail.send_test"],
                    on_click=InvoiceDetailState.test_event,
                    loading=InvoiceDetailState.busy == "test_event",
                    variant="soft",
                    size="1",
                    data_testid="send-test-event",
                ),
            ),
        ),
        rx.cond(
            InvoiceDetailState.invoice.webhook_url != "",
            rx.text(
                InvoiceDetailState.invoice.webhook_url,
                size="1",
                color_scheme="gray",
                style={"word_break": "break-all"},
            ),
            rx.text(I18n.t["detail.no_webhook"], size="2", color_scheme="gray"),
        ),
        rx.cond(
            InvoiceDetailState.deliveries.length() > 0,
            rx.vstack(rx.foreach(InvoiceDetailState.deliveries, delivery_item), spacing="0", width="100%"),
            empty_note(I18n.t["detail.no_deliveries"], "webhook"),
        ),
        data_testid="deliveries-card",
    )
