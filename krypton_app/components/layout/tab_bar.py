"""The phone's bottom tab bar: the main sections under the thumb, as in Telegram Wallet (the Mini App
lives there). Only on a phone and only with a session: a visitor's sections would all send them to
sign in. The desktop and tablet keep the header's navigation; on a phone the header's menu keeps only
what is not here (profile, buy, operator, theme, logout)."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout.measures import PHONE_ONLY, SAFE_BOTTOM, TAB_BAR_HEIGHT
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n

# (route, catalog key, lucide icon, test id suffix): the five sections a phone user moves between.
TAB_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    (routes.WALLET, "nav.wallet", "wallet", "wallet"),
    (routes.PAY, "nav.pay", "send", "pay"),
    (routes.MARKET, "nav.market", "store", "market"),
    (routes.DEALS, "nav.deals", "handshake", "deals"),
    (routes.INVOICES, "nav.invoices", "receipt", "invoices"),
)
TAB_ROUTES = frozenset(route for route, *_ in TAB_ITEMS)


def _tab(route: str, key: str, icon: str, name: str, *, active: bool) -> rx.Component:
    return rx.link(
        rx.icon(icon, size=22, stroke_width=2.2 if active else 1.8),
        rx.text(I18n.t[key], size="1", weight="medium", white_space="nowrap"),
        href=route,
        underline="none",
        display="flex",
        flex_direction="column",
        align_items="center",
        justify_content="center",
        gap="2px",
        # Equal shares of the width, whatever the label's length in either language.
        flex="1 1 0",
        min_width="0",
        height=TAB_BAR_HEIGHT,
        color=rx.color("accent", 11) if active else rx.color("gray", 10),
        aria_current="page" if active else None,
        data_testid=f"tab-{name}",
    )


def tab_bar(active: str) -> rx.Component:
    """The bar, fixed to the bottom edge above the home indicator, and a spacer of its height at the end
    of the page's column, so scrolling to the bottom always brings the last control above the bar."""
    return rx.cond(
        AuthState.signed_in,
        rx.fragment(
            rx.box(
                height=f"calc({TAB_BAR_HEIGHT} + {SAFE_BOTTOM})",
                flex_shrink="0",
                display=PHONE_ONLY,
                data_testid="tab-bar-spacer",
            ),
            rx.el.nav(
                *(_tab(*item, active=item[0] == active) for item in TAB_ITEMS),
                display=PHONE_ONLY,
                position="fixed",
                left="0",
                right="0",
                bottom="0",
                z_index="20",
                padding_bottom=SAFE_BOTTOM,
                background="color-mix(in srgb, var(--color-background) 90%, transparent)",
                border_top=f"1px solid {rx.color('gray', 4)}",
                style={"backdrop_filter": "saturate(180%) blur(12px)"},
                aria_label=I18n.t["tabbar.label"],
                data_testid="tab-bar",
            ),
        ),
    )
