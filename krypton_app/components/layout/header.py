"""The header: logo, navigation, the operator's icon, the bell, language, theme and the account."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout.bell import notification_bell
from krypton_app.components.layout.measures import PAGE_PADDING_X, TABLET_UP
from krypton_app.components.layout.navigation import desktop_nav, mobile_menu, operator_link
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n


def logo() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.center(
                rx.icon("gem", size=18, color="white"),
                width="34px",
                height="34px",
                min_width="34px",
                border_radius="11px",
                background=f"linear-gradient(135deg, {rx.color('accent', 8)}, {rx.color('accent', 11)})",
                box_shadow=f"0 4px 12px {rx.color('accent', 6)}",
            ),
            rx.text("Krypton", size="5", weight="bold", letter_spacing="-0.02em"),
            spacing="2",
            align="center",
        ),
        href=routes.LANDING,
        underline="none",
        color=rx.color("gray", 12),
        aria_label="Krypton",
    )


def language_switch() -> rx.Component:
    return rx.segmented_control.root(
        rx.segmented_control.item("EN", value="en"),
        rx.segmented_control.item("RU", value="ru"),
        value=I18n.lang,
        on_change=AuthState.choose_language,
        size="1",
        radius="full",
        aria_label=I18n.t["header.language"],
        data_testid="language-switch",
    )


def theme_toggle() -> rx.Component:
    # A phone's header keeps the logo, the bell, the language and the account; the theme is in its menu.
    return rx.color_mode.button(
        variant="ghost",
        color_scheme="gray",
        size="2",
        radius="full",
        aria_label=I18n.t["header.theme"],
        display=TABLET_UP,
    )


def account_chip() -> rx.Component:
    """Display name (or short address) and logout for a signed-in user; a sign-in button for everyone else."""
    return rx.cond(
        AuthState.signed_in,
        rx.hstack(
            rx.link(
                rx.hstack(
                    rx.center(
                        rx.icon("user-round", size=14),
                        width="26px",
                        height="26px",
                        border_radius="999px",
                        background=rx.color("accent", 4),
                        color=rx.color("accent", 11),
                    ),
                    # The name the user chose; the wallet address only while there is none.
                    rx.text(
                        rx.cond(AuthState.display_name != "", AuthState.display_name, AuthState.short_address),
                        size="2",
                        weight="medium",
                        font_family=rx.cond(AuthState.display_name != "", "inherit", "var(--code-font-family)"),
                        white_space="nowrap",
                        max_width="180px",
                        overflow="hidden",
                        text_overflow="ellipsis",
                        title=AuthState.friendly_address,
                        data_testid="account-address",
                    ),
                    spacing="2",
                    align="center",
                ),
                href=routes.PROFILE,
                underline="none",
                color=rx.color("gray", 12),
                padding="4px 12px 4px 4px",
                border_radius="999px",
                background=rx.color("gray", 3),
                _hover={"background": rx.color("gray", 4)},
            ),
            rx.tooltip(
                rx.icon_button(
                    rx.icon("log-out", size=16),
                    on_click=AuthState.logout,
                    variant="ghost",
                    color_scheme="gray",
                    radius="full",
                    aria_label=I18n.t["header.logout"],
                    data_testid="logout",
                ),
                content=I18n.t["header.logout"],
            ),
            spacing="2",
            align="center",
            display=TABLET_UP,
        ),
        rx.link(
            rx.button(I18n.t["header.login"], size="2", radius="full"),
            href=routes.LANDING,
            display=TABLET_UP,
        ),
    )


def header(active: str) -> rx.Component:
    return rx.box(
        rx.hstack(
            logo(),
            rx.spacer(),
            desktop_nav(active),
            rx.spacer(),
            rx.hstack(
                operator_link(active),
                notification_bell(),
                language_switch(),
                theme_toggle(),
                account_chip(),
                mobile_menu(active),
                # Tight enough that the Russian navigation, the operator's link and the bell fit 1280 px.
                spacing="2",
                align="center",
            ),
            align="center",
            # The gaps around the (hidden) navigation's spacers are what a 320 px phone cannot spare.
            spacing={"initial": "2", "sm": "3"},
            max_width="1280px",
            margin_x="auto",
            height="64px",
            padding_x=PAGE_PADDING_X,
        ),
        position="sticky",
        top="0",
        z_index="20",
        width="100%",
        background="color-mix(in srgb, var(--color-background) 82%, transparent)",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        style={"backdrop_filter": "saturate(180%) blur(12px)"},
    )
