"""The app's own 404: in the shell (header, navigation, language switch), in the reader's language, with
the ways back. Reflex serves it for every path no page claims."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.ui import card
from krypton_app.state.i18n import I18n

NOT_FOUND_ROUTE = "404"  # Reflex's slug for the page it serves on an unknown path


def _way(icon: str, key: str, href: str, test_id: str) -> rx.Component:
    return rx.link(
        rx.button(rx.icon(icon, size=16), I18n.t[key], variant="soft", size="3"),
        href=href,
        data_testid=test_id,
    )


@template(route=NOT_FOUND_ROUTE, title="404", protected=False)
def not_found() -> rx.Component:
    return card(
        rx.vstack(
            rx.center(
                rx.icon("map-pin-off", size=28),
                width="60px",
                height="60px",
                border_radius="18px",
                background=rx.color("accent", 3),
                color=rx.color("accent", 11),
            ),
            rx.heading(I18n.t["notfound.title"], size="7", data_testid="not-found-title"),
            rx.text(I18n.t["notfound.body"], size="3", color_scheme="gray", line_height="1.5"),
            rx.flex(
                _way("house", "notfound.home", routes.LANDING, "not-found-home"),
                _way("wallet", "nav.wallet", routes.WALLET, "not-found-wallet"),
                _way("store", "nav.market", routes.MARKET, "not-found-market"),
                spacing="3",
                wrap="wrap",
            ),
            spacing="4",
            align="start",
        ),
        max_width="640px",
        data_testid="not-found",
    )
