"""The invoice's links (direct with its QR, helper, Telegram) and the widget's embed snippet."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.qr import qr_code
from krypton_app.components.ui import card, card_title, code_snippet, copy_value
from krypton_app.pages.invoice_detail.state import InvoiceDetailState
from krypton_app.state.i18n import I18n


def links_card() -> rx.Component:
    inv = InvoiceDetailState.invoice
    return card(
        card_title("link", I18n.t["detail.links"]),
        rx.grid(
            qr_code(
                InvoiceDetailState.qr, alt=I18n.t["detail.qr_alt"], test_id="direct-qr", size="168px", padding="8px"
            ),
            rx.vstack(
                copy_value(
                    I18n.t["detail.direct_link"],
                    inv.direct_url,
                    copied=I18n.t["common.copied"],
                    copy_label=I18n.t["common.copy"],
                    test_id="link-direct",
                    link=True,
                ),
                copy_value(
                    I18n.t["detail.helper_link"],
                    inv.helper_url,
                    copied=I18n.t["common.copied"],
                    copy_label=I18n.t["common.copy"],
                    test_id="link-helper",
                    link=True,
                ),
                rx.cond(
                    inv.telegram_start_url != "",
                    rx.vstack(
                        copy_value(
                            I18n.t["detail.telegram_link"],
                            inv.telegram_start_url,
                            copied=I18n.t["common.copied"],
                            copy_label=I18n.t["common.copy"],
                            test_id="link-telegram",
                            link=True,
                        ),
                        copy_value(
                            I18n.t["detail.telegram_app_link"],
                            inv.telegram_app_url,
                            copied=I18n.t["common.copied"],
                            copy_label=I18n.t["common.copy"],
                            test_id="link-telegram-app",
                            link=True,
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    rx.text(I18n.t["detail.telegram_off"], size="1", color_scheme="gray"),
                ),
                spacing="3",
                width="100%",
                min_width="0",
            ),
            columns=rx.breakpoints(initial="1", sm="auto 1fr"),
            spacing="5",
            width="100%",
        ),
        data_testid="links-card",
    )


def embed_card() -> rx.Component:
    return card(
        card_title("app-window", I18n.t["detail.embed"]),
        rx.text(I18n.t["detail.embed_intro"], size="2", color_scheme="gray"),
        code_snippet(
            InvoiceDetailState.embed,
            copied=I18n.t["common.copied"],
            copy_label=I18n.t["common.copy"],
            test_id="embed-snippet",
        ),
        rx.text(
            I18n.t["detail.origins"],
            ": ",
            rx.cond(
                InvoiceDetailState.invoice.allowed_origins != "",
                InvoiceDetailState.invoice.allowed_origins,
                I18n.t["detail.no_origins"],
            ),
            size="1",
            color_scheme="gray",
            margin_top="8px",
        ),
        data_testid="embed-card",
    )
