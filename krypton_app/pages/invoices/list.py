"""The merchant's invoices, a page at a time: number, status, TEST mark, kind, amount, payments, collected."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.invoices import test_mark
from krypton_app.components.pager import pager
from krypton_app.components.ui import card, card_title, empty_note, status_chip
from krypton_app.pages.invoices.state import InvoicesState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import InvoiceRow


def invoice_item(row: rx.Var[InvoiceRow]) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.code(row.number, size="2", variant="soft", data_testid="invoice-number"),
                    status_chip(I18n.t[row.status_key], row.status_color, data_testid="invoice-status"),
                    test_mark(row.test),
                    rx.badge(I18n.t[row.kind_key], variant="outline", radius="full", size="1"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(row.title, size="3", weight="bold"),
                rx.text(row.created, size="1", color_scheme="gray"),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            rx.vstack(
                rx.text(
                    rx.cond(row.amount != "", row.amount, I18n.t["invoice.any_amount"]),
                    size="3",
                    weight="bold",
                    title=row.amount_full,
                ),
                rx.text(
                    row.payments_text,
                    rx.cond(row.max_payments > 0, rx.text.span(" / ", row.max_payments)),
                    size="1",
                    color_scheme="gray",
                    data_testid="invoice-payments",
                ),
                rx.text(
                    I18n.t["invoice.collected"],
                    ": ",
                    row.collected,
                    size="1",
                    color_scheme="gray",
                    title=row.collected_full,
                    data_testid="invoice-collected",
                ),
                spacing="0",
                align="end",
            ),
            width="100%",
            align="start",
            wrap="wrap",
            spacing="3",
        ),
        href=row.detail_path,
        underline="none",
        color=rx.color("gray", 12),
        width="100%",
        padding_y="12px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="invoice-row",
    )


def invoices_list() -> rx.Component:
    return card(
        card_title(
            "receipt",
            I18n.t["invoices.list_title"],
            rx.text(InvoicesState.total_text, size="2", color_scheme="gray", data_testid="invoices-total"),
        ),
        rx.cond(
            InvoicesState.rows.length() > 0,
            rx.vstack(rx.foreach(InvoicesState.rows, invoice_item), spacing="0", width="100%"),
            empty_note(I18n.t["invoices.empty"]),
        ),
        rx.cond(
            InvoicesState.pages > 1,
            pager(
                InvoicesState.page,
                InvoicesState.pages,
                InvoicesState.go_page(-1),
                InvoicesState.go_page(1),
                test_id="invoices",
                justify="center",
                width="100%",
                margin_top="12px",
            ),
        ),
        data_testid="invoices-list",
    )
