"""The /invoices/[number] page: the invoice's heading, counters and actions, then its sections."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.invoices import test_mark
from krypton_app.components.layout import template
from krypton_app.components.skeleton import page_skeleton
from krypton_app.components.ui import form_error, page_heading, status_chip
from krypton_app.pages.invoice_detail.activity import chart_card, deliveries_card, payments_card
from krypton_app.pages.invoice_detail.links import embed_card, links_card
from krypton_app.pages.invoice_detail.payout import payout_card
from krypton_app.pages.invoice_detail.settings import settings_card
from krypton_app.pages.invoice_detail.state import InvoiceDetailState
from krypton_app.state.i18n import I18n, in_language


def counter(label_key: str, value: rx.Var, test_id: str, *, moment: bool = False) -> rx.Component:
    """A figure in the row under the title. A moment (`2026-12-02 20:32 UTC`) never wraps inside itself:
    it takes the whole row while the counters are two to a row (phones) and one line always."""
    return rx.vstack(
        rx.text(I18n.t[label_key], size="2", color_scheme="gray"),
        rx.text(
            value,
            # A moment is twice as long as a figure: a step smaller on a phone, so it fits 320 px on one line.
            size={"initial": "5", "sm": "6"} if moment else "6",
            weight="bold",
            white_space="nowrap" if moment else None,
            data_testid=test_id,
        ),
        grid_column=rx.breakpoints(initial="span 2", md="auto") if moment else None,
        spacing="1",
        padding="14px",
        border_radius="14px",
        background=rx.color("gray", 2),
        border=f"1px solid {rx.color('gray', 4)}",
        width="100%",
    )


def actions() -> rx.Component:
    inv = InvoiceDetailState.invoice
    return rx.hstack(
        rx.cond(
            inv.can_simulate,
            rx.button(
                rx.icon("flask-conical", size=15),
                I18n.t["detail.simulate"],
                on_click=InvoiceDetailState.simulate,
                loading=InvoiceDetailState.submitting,
                disabled=InvoiceDetailState.submitting,
                color_scheme="amber",
                data_testid="simulate-payment",
            ),
        ),
        rx.cond(
            inv.can_close,
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(
                    rx.button(
                        rx.icon("circle-x", size=15),
                        I18n.t["detail.close"],
                        color_scheme="red",
                        variant="soft",
                        data_testid="invoice-close",
                    )
                ),
                rx.alert_dialog.content(
                    rx.alert_dialog.title(I18n.t["detail.close"]),
                    rx.alert_dialog.description(I18n.t["detail.close_warning"]),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button(I18n.t["common.cancel"], variant="soft", color_scheme="gray")),
                        rx.alert_dialog.action(
                            rx.button(
                                I18n.t["detail.close"],
                                color_scheme="red",
                                on_click=InvoiceDetailState.close,
                                data_testid="invoice-close-confirm",
                            )
                        ),
                        spacing="3",
                        justify="end",
                        margin_top="16px",
                    ),
                ),
            ),
        ),
        spacing="2",
        wrap="wrap",
    )


def detail() -> rx.Component:
    inv = InvoiceDetailState.invoice
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=15), rx.text(I18n.t["detail.back"], size="2"), spacing="1"),
            href=routes.INVOICES,
            underline="none",
        ),
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.code(inv.number, size="3", variant="soft", data_testid="detail-number"),
                    status_chip(I18n.t[inv.status_key], inv.status_color, data_testid="detail-status"),
                    test_mark(inv.test),
                    rx.badge(I18n.t[inv.kind_key], variant="outline", radius="full"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                page_heading(inv.title, inv.description, margin_bottom="0"),
                rx.cond(
                    inv.close_reason_key != "",
                    rx.text(I18n.t[inv.close_reason_key], size="2", color_scheme="gray", data_testid="close-reason"),
                ),
                spacing="2",
                min_width="0",
            ),
            rx.spacer(),
            actions(),
            width="100%",
            wrap="wrap",
            align="end",
            spacing="3",
        ),
        rx.cond(InvoiceDetailState.action_error.length() > 0, form_error(in_language(InvoiceDetailState.action_error))),
        rx.grid(
            counter(
                "detail.amount",
                rx.cond(inv.amount != "", inv.amount_full, I18n.t["invoice.any_amount"]),
                "detail-amount",
            ),
            counter(
                "invoice.payments",
                rx.cond(
                    inv.max_payments > 0,
                    inv.payments_count.to_string() + " / " + inv.max_payments.to_string(),
                    inv.payments_count.to_string(),
                ),
                "detail-payments",
            ),
            counter("invoice.collected", inv.collected_full, "detail-collected"),
            # SPEC F12: what payers paid (collected, gross) less the fees is what the merchant received
            counter("detail.fees", inv.fees_full, "detail-fees"),
            counter("detail.net", inv.net_full, "detail-net"),
            counter("detail.expires", rx.cond(inv.expires != "", inv.expires, "—"), "detail-expires", moment=True),
            columns=rx.breakpoints(initial="2", md="3"),
            spacing="3",
            width="100%",
        ),
        payout_card(),
        settings_card(),
        links_card(),
        rx.grid(chart_card(), payments_card(), columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%"),
        deliveries_card(),
        embed_card(),
        spacing="4",
        width="100%",
    )


@template(route=routes.INVOICE_DETAIL, title="Invoice", on_load=[InvoiceDetailState.load])
def invoice_detail() -> rx.Component:
    return rx.cond(
        InvoiceDetailState.error != "",
        rx.vstack(
            page_heading(I18n.t["invoices.title"]),
            form_error(I18n.t[InvoiceDetailState.error], data_testid="detail-error"),
            width="100%",
        ),
        # The previous invoice stays in the tab's state until on_load has run: show only the URL's.
        rx.cond(
            InvoiceDetailState.invoice.number == rx.State.number.upper(),
            detail(),
            page_skeleton(I18n.t["invoices.loading"], cards=3),
        ),
    )
