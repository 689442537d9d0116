"""The invoice's settings on its detail page: everything the merchant set when creating it (who a
private invoice is for, parts, order id, limits with what is left of them, description, webhook and
redirect), so none of it has to be remembered. Only what was set is listed."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import card, card_title
from krypton_app.pages.invoice_detail.state import InvoiceDetailState
from krypton_app.state.i18n import I18n


def _item(label_key: str, value: rx.Var | rx.Component, name: str, shown: rx.Var | bool = True) -> rx.Component:
    row = rx.data_list.item(
        rx.data_list.label(I18n.t[label_key], min_width="160px"),
        rx.data_list.value(value, word_break="break-word", data_testid=f"setting-{name}"),
    )
    return rx.cond(shown, row) if shown is not True else row


def _left(limit: rx.Var, left: rx.Var) -> rx.Component:
    """`5 TON · 3.5 TON left`: the limit, and what remains of it now."""
    return rx.text(limit, rx.text.span(" · ", left, " ", I18n.t["detail.left"], color_scheme="gray"))


def settings_card() -> rx.Component:
    inv = InvoiceDetailState.invoice
    return card(
        card_title("sliders-horizontal", I18n.t["detail.settings"]),
        rx.data_list.root(
            _item("invoice.field.payer_contact", inv.payer_contact, "payer", inv.payer_contact != ""),
            _item("detail.amount", rx.cond(inv.amount != "", inv.amount_full, I18n.t["invoice.any_amount"]), "amount"),
            _item("invoice.field.min_payment", inv.min_payment, "min-payment", inv.min_payment != ""),
            _item("invoice.field.max_total", _left(inv.max_total, inv.total_left), "max-total", inv.max_total != ""),
            _item(
                "invoice.field.max_payments",
                _left(inv.max_payments.to_string(), inv.payments_left),
                "max-payments",
                inv.max_payments > 0,
            ),
            _item("invoice.field.max_parts", inv.max_parts.to_string(), "max-parts"),
            _item("invoice.field.order_id", rx.code(inv.order_id, variant="ghost"), "order-id", inv.order_id != ""),
            _item("invoice.field.description", inv.description, "description", inv.description != ""),
            _item("invoice.field.webhook_url", inv.webhook_url, "webhook-url", inv.webhook_url != ""),
            _item("invoice.field.redirect_url", inv.redirect_url, "redirect-url", inv.redirect_url != ""),
            _item(
                "detail.expires",
                rx.text.span(rx.cond(inv.expires != "", inv.expires, "—"), white_space="nowrap"),
                "expires",
            ),
            orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
            size="2",
            width="100%",
        ),
        data_testid="detail-settings",
    )
