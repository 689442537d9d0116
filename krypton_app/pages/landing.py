"""/: what Krypton is, and the way in."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.login import login_card
from krypton_app.components.ui import card, icon_badge
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n

# (catalog prefix, lucide icon, colour)
FEATURES: tuple[tuple[str, str, str], ...] = (
    ("feature.wallet", "wallet", "blue"),
    ("feature.invoices", "split", "violet"),
    ("feature.p2p", "shield-check", "green"),
    ("feature.receipts", "receipt-text", "amber"),
    ("feature.promises", "ticket", "pink"),
    ("feature.merchant_api", "code-xml", "cyan"),
)


def notice() -> rx.Component:
    return rx.cond(
        AuthState.notice_key != "",
        rx.callout(
            I18n.t[AuthState.notice_key],
            icon="info",
            color_scheme="blue",
            width="100%",
            data_testid="notice",
        ),
        rx.fragment(),
    )


def hero() -> rx.Component:
    return rx.grid(
        rx.vstack(
            rx.badge(
                rx.icon("sparkles", size=14),
                I18n.t["landing.badge"],
                size="2",
                radius="full",
                variant="soft",
            ),
            rx.heading(
                I18n.t["landing.title"],
                as_="h1",
                size=rx.breakpoints(initial="8", md="9"),
                weight="bold",
                letter_spacing="-0.03em",
                line_height="1.05",
            ),
            rx.text(I18n.t["landing.subtitle"], size=rx.breakpoints(initial="3", md="4"), color_scheme="gray"),
            rx.link(
                rx.button(
                    rx.icon("compass", size=18),
                    I18n.t["landing.start"],
                    rx.icon("arrow-right", size=16),
                    # One line on a phone too: a size smaller there.
                    size={"initial": "3", "md": "4"},
                    radius="full",
                    white_space="nowrap",
                ),
                href=routes.START,
                underline="none",
                data_testid="landing-start",
            ),
            rx.hstack(
                *(
                    rx.hstack(rx.icon(icon, size=16), rx.text(label, size="2", weight="medium"), spacing="1")
                    for icon, label in (("gem", "TON"), ("dollar-sign", "USDT"), ("zap", "Lightning"))
                ),
                spacing="4",
                color=rx.color("accent", 11),
                wrap="wrap",
            ),
            spacing="4",
            justify="center",
        ),
        login_card(),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing=rx.breakpoints(initial="6", md="8"),
        align_items="center",
        width="100%",
        padding=rx.breakpoints(initial="14px", sm="32px", md="48px"),
        border_radius="28px",
        background=(
            f"radial-gradient(120% 120% at 0% 0%, {rx.color('accent', 4)} 0%, transparent 55%),"
            f" radial-gradient(100% 100% at 100% 100%, {rx.color('violet', 3)} 0%, transparent 60%),"
            f" {rx.color('gray', 1)}"
        ),
        border=f"1px solid {rx.color('gray', 4)}",
    )


def feature_card(prefix: str, icon: str, color: str) -> rx.Component:
    return card(
        rx.vstack(
            icon_badge(icon, color=color),
            rx.text(I18n.t[f"{prefix}.title"], size="4", weight="bold"),
            rx.text(I18n.t[f"{prefix}.body"], size="2", color_scheme="gray", line_height="1.55"),
            spacing="3",
        ),
    )


def features() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.heading(I18n.t["landing.features_title"], size="7", weight="bold", letter_spacing="-0.02em"),
            rx.text(I18n.t["landing.features_subtitle"], size="3", color_scheme="gray"),
            spacing="1",
        ),
        rx.grid(
            *(feature_card(*feature) for feature in FEATURES),
            columns=rx.breakpoints(initial="1", sm="2", md="3"),
            spacing="4",
            width="100%",
        ),
        spacing="5",
        width="100%",
        margin_top=rx.breakpoints(initial="32px", md="56px"),
    )


@template(route=routes.LANDING, title="", protected=False, on_load=[AuthState.prepare_login])
def landing() -> rx.Component:
    return rx.vstack(notice(), hero(), features(), spacing="5", width="100%")
