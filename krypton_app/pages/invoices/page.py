"""The /invoices page: the merchant's invoices (status, payments, collected, TEST mark), the "New invoice" form
and the Developers card."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.developers import developers_card
from krypton_app.components.layout import template
from krypton_app.components.ui import loading_note, page_heading
from krypton_app.pages.invoices.form import new_invoice_form
from krypton_app.pages.invoices.list import invoices_list
from krypton_app.pages.invoices.state import InvoicesState
from krypton_app.state.compat_keys import CompatKeysState
from krypton_app.state.developers import DevelopersState
from krypton_app.state.i18n import I18n


@template(
    route=routes.INVOICES, title="Invoices", on_load=[InvoicesState.load, DevelopersState.load, CompatKeysState.load]
)
def invoices() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            page_heading(I18n.t["invoices.title"], I18n.t["invoices.subtitle"], margin_bottom="0"),
            rx.spacer(),
            rx.cond(
                ~InvoicesState.show_form,
                rx.button(
                    rx.icon("plus", size=16),
                    I18n.t["invoices.new"],
                    size="3",
                    on_click=InvoicesState.toggle_form,
                    data_testid="invoice-new",
                ),
            ),
            width="100%",
            align="end",
            wrap="wrap",
            spacing="3",
        ),
        rx.cond(InvoicesState.show_form, new_invoice_form()),
        rx.cond(InvoicesState.loaded, invoices_list(), loading_note(I18n.t["invoices.loading"])),
        developers_card(),
        spacing="4",
        width="100%",
    )
