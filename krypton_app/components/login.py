"""The sign-in card of the landing page: TON Connect and, on local runs, the demo wallet."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.tonconnect import tonconnect_login_button
from krypton_app.components.ui import card
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.telegram import MiniAppState

# TON Connect's button, drawn by us until the library has loaded (components/tonconnect.py).
TONCONNECT_BLUE = "#0098EA"


def tonconnect_placeholder() -> rx.Component:
    return rx.button(
        rx.icon("gem", size=16),
        I18n.t["login.tonconnect"],
        size="3",
        radius="full",
        background=TONCONNECT_BLUE,
        color="white",
        font_weight="600",
    )


def tonconnect_login() -> rx.Component:
    """TON Connect's own button opens the wallet list; the proof comes back through its bridge, which
    calls `AuthState.login_with_wallet`."""
    return rx.vstack(
        rx.box(
            tonconnect_login_button(tonconnect_placeholder(), AuthState.proof_payload, AuthState.login_with_wallet),
            data_testid="tonconnect-login",
        ),
        rx.text(I18n.t["login.tonconnect_hint"], size="1", color_scheme="gray"),
        spacing="2",
        width="100%",
    )


def demo_login() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.separator(size="4"),
            rx.text(I18n.t["login.or"], size="1", color_scheme="gray", white_space="nowrap"),
            rx.separator(size="4"),
            align="center",
            width="100%",
        ),
        rx.button(
            rx.icon("flask-conical", size=18),
            I18n.t["login.demo"],
            on_click=AuthState.login_with_demo_wallet,
            loading=AuthState.login_busy,
            # The page is prerendered: a click before the app connects would be lost.
            disabled=~rx.State.is_hydrated,
            size="3",
            width="100%",
            radius="large",
            variant="outline",
            data_testid="demo-login",
        ),
        rx.hstack(
            rx.badge(I18n.t["login.demo_badge"], color_scheme="amber", variant="soft", radius="full"),
            rx.text(I18n.t["login.demo_hint"], size="1", color_scheme="gray"),
            spacing="2",
            align="start",
        ),
        spacing="3",
        width="100%",
    )


def signed_in_card() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.center(
                rx.icon("circle-check", size=22),
                width="44px",
                height="44px",
                border_radius="14px",
                background=rx.color("green", 3),
                color=rx.color("green", 11),
            ),
            rx.vstack(
                rx.text(I18n.t["login.signed_in_title"], weight="bold", size="4"),
                rx.text(
                    I18n.t["login.signed_in_as"],
                    " ",
                    rx.code(AuthState.short_address, variant="ghost"),
                    size="2",
                    color_scheme="gray",
                ),
                spacing="0",
            ),
            spacing="3",
            align="center",
        ),
        rx.link(
            rx.button(I18n.t["login.open_wallet"], rx.icon("arrow-right", size=16), size="3", width="100%"),
            href=routes.WALLET,
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def telegram_status() -> rx.Component:
    """Inside Telegram: signing in from its launch data, or why that cannot happen (login off, a refusal)."""
    return rx.fragment(
        rx.cond(
            MiniAppState.telegram_busy,
            rx.hstack(
                rx.spinner(size="2"),
                rx.text(I18n.t["tg.login_busy"], size="2"),
                align="center",
                spacing="2",
                data_testid="telegram-login-busy",
            ),
            rx.fragment(),
        ),
        rx.cond(
            MiniAppState.telegram_error_key != "",
            rx.callout(
                I18n.t[MiniAppState.telegram_error_key],
                icon="send",
                color_scheme="amber",
                size="1",
                width="100%",
                data_testid="telegram-login-note",
            ),
            rx.fragment(),
        ),
    )


def login_card() -> rx.Component:
    return card(
        rx.cond(
            AuthState.signed_in,
            signed_in_card(),
            rx.vstack(
                rx.vstack(
                    rx.heading(I18n.t["login.title"], size="6", weight="bold"),
                    rx.text(I18n.t["login.subtitle"], size="2", color_scheme="gray"),
                    spacing="1",
                ),
                telegram_status(),
                tonconnect_login(),
                rx.cond(AuthState.demo_enabled, demo_login(), rx.fragment()),
                rx.cond(
                    AuthState.error_key != "",
                    rx.callout(
                        I18n.t[AuthState.error_key],
                        icon="triangle-alert",
                        color_scheme="red",
                        size="1",
                        width="100%",
                        data_testid="login-error",
                    ),
                    rx.fragment(),
                ),
                spacing="5",
                width="100%",
            ),
        ),
        padding=["18px", "24px", "28px"],
        data_testid="login-card",
    )
