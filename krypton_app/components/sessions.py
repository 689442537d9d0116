"""The profile's "signed-in devices" card: log out everywhere (AuthState.logout_everywhere)."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import card, card_title
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n


def sessions_card() -> rx.Component:
    return card(
        rx.vstack(
            card_title("monitor-smartphone", I18n.t["sessions.title"]),
            rx.text(I18n.t["sessions.body"], size="2", color_scheme="gray"),
            rx.button(
                rx.icon("log-out", size=16),
                I18n.t["sessions.logout_everywhere"],
                on_click=AuthState.logout_everywhere,
                color_scheme="red",
                variant="soft",
                size="2",
                data_testid="logout-everywhere",
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        max_width="760px",
        data_testid="sessions-card",
    )
