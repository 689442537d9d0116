"""The footer under every page."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout.measures import CONTENT_MAX_WIDTH, PAGE_PADDING_X
from krypton_app.state.i18n import I18n


def footer() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text("© Krypton", size="1", color_scheme="gray"),
            rx.text(I18n.t["footer.note"], size="1", color_scheme="gray"),
            rx.link(I18n.t["price_list.title"], href=routes.PRICE_LIST, size="1", data_testid="footer-fees"),
            spacing="3",
            wrap="wrap",
            max_width=CONTENT_MAX_WIDTH,
            margin_x="auto",
            padding_x=PAGE_PADDING_X,
        ),
        padding_y="24px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        data_testid="footer",
    )
