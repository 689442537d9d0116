"""The honest placeholder for a feature that is not built yet: what it will do, in both languages."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.ui import card, page_heading
from krypton_app.state.i18n import I18n


def coming_soon(feature: str, icon: str) -> rx.Component:
    """`feature` names the catalog keys `<feature>.title` and `<feature>.body`."""
    return rx.vstack(
        page_heading(I18n.t[f"{feature}.title"]),
        card(
            rx.vstack(
                rx.hstack(
                    rx.center(
                        rx.icon(icon, size=26),
                        width="56px",
                        height="56px",
                        border_radius="18px",
                        background=rx.color("accent", 3),
                        color=rx.color("accent", 11),
                    ),
                    rx.badge(
                        rx.icon("construction", size=14),
                        I18n.t["soon.badge"],
                        color_scheme="amber",
                        variant="soft",
                        size="2",
                        radius="full",
                        data_testid="not-built-badge",
                    ),
                    justify="between",
                    align="center",
                    width="100%",
                ),
                rx.text(I18n.t["soon.intro"], size="3", color_scheme="gray"),
                rx.text(I18n.t[f"{feature}.body"], size="4", line_height="1.5"),
                rx.link(
                    rx.button(rx.icon("arrow-left", size=16), I18n.t["soon.back"], variant="soft", size="2"),
                    href=routes.WALLET,
                ),
                spacing="4",
                align="start",
            ),
            max_width="720px",
        ),
        width="100%",
    )
