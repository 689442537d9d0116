"""The navigation: the desktop bar, the operator's icon and the menu (tablets and phones), all from one
list. On a phone with a session the main sections are in the bottom tab bar (tab_bar.py), so the menu
there keeps only the rest and its button shows the account."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout.measures import NARROW, PHONE_ONLY, TABLET_UP, WIDE
from krypton_app.components.layout.tab_bar import TAB_ROUTES
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n

# (route, catalog key, lucide icon): one list feeds the desktop bar and the phone menu.
NAV_ITEMS: tuple[tuple[str, str, str], ...] = (
    (routes.START, "nav.start", "compass"),
    (routes.WALLET, "nav.wallet", "wallet"),
    (routes.PAY, "nav.pay", "send"),
    (routes.BUY, "nav.buy", "banknote"),
    (routes.MARKET, "nav.market", "store"),
    (routes.INVOICES, "nav.invoices", "receipt"),
    (routes.DEALS, "nav.deals", "handshake"),
    (routes.PROFILE, "nav.profile", "circle-user"),
)
# Shown only to operators (the page itself refuses everyone else).
OPERATOR_ITEM = (routes.OPERATOR, "nav.operator", "shield-check")
# Pages reached through another page's tabs light up that page in the navigation.
NAV_PARENT = {
    routes.HISTORY: routes.WALLET,
    routes.PAYMENTS: routes.WALLET,
    routes.PAY_INVOICE: routes.PAY,
    routes.DIRECT: routes.PAY,
    routes.PAYMENT: routes.PAY,
    routes.VERIFY: routes.PAY,
    routes.INVOICE_DETAIL: routes.INVOICES,
    routes.MARKET_NEW: routes.MARKET,
    routes.MARKET_AD: routes.MARKET,
    routes.MARKET_AD_EDIT: routes.MARKET,
    routes.DEAL_DETAIL: routes.DEALS,
    routes.PROMISES: routes.WALLET,
    routes.PROMISE_SELL: routes.WALLET,
}


def nav_link(route: str, key: str, icon: str, *, active: bool) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), rx.text(I18n.t[key], size="2", weight="medium"), spacing="2"),
        href=route,
        underline="none",
        # Tight enough that the Russian labels, the longest, fit a 1280 px window in one row (with the
        # start page's icon before them).
        padding_x="7px",
        padding_y="8px",
        border_radius="999px",
        white_space="nowrap",
        color=rx.color("accent", 11) if active else rx.color("gray", 11),
        background=rx.color("accent", 3) if active else "transparent",
        _hover={"background": rx.color("accent", 3) if active else rx.color("gray", 3)},
        aria_current="page" if active else None,
    )


def start_link(active: bool) -> rx.Component:
    """The start page as an icon (the menu gives it its label): the bar has no room for a ninth label."""
    route, key, icon = NAV_ITEMS[0]
    return rx.tooltip(
        rx.link(
            rx.center(rx.icon(icon, size=18), width="32px", height="32px"),
            href=route,
            border_radius="999px",
            color=rx.color("accent", 11),
            background=rx.color("accent", 4) if active else rx.color("accent", 2),
            _hover={"background": rx.color("accent", 4)},
            aria_label=I18n.t[key],
            aria_current="page" if active else None,
            data_testid="nav-start",
        ),
        content=I18n.t["start.title"],
    )


def desktop_nav(active: str) -> rx.Component:
    start, *sections = NAV_ITEMS
    return rx.hstack(
        start_link(start[0] == active),
        *(nav_link(route, key, icon, active=route == active) for route, key, icon in sections),
        spacing="1",
        display=WIDE,
        align="center",
        data_testid="desktop-nav",
    )


def operator_link(active: str) -> rx.Component:
    """An icon beside the account: the full navigation has no room for a ninth label."""
    route, key, icon = OPERATOR_ITEM
    current = route == active
    return rx.cond(
        AuthState.is_operator,
        rx.tooltip(
            rx.link(
                rx.center(rx.icon(icon, size=18), width="32px", height="32px"),
                href=route,
                border_radius="999px",
                color=rx.color("accent", 11) if current else rx.color("gray", 11),
                background=rx.color("accent", 3) if current else "transparent",
                _hover={"background": rx.color("accent", 3) if current else rx.color("gray", 3)},
                aria_label=I18n.t[key],
                aria_current="page" if current else None,
                display=WIDE,
                data_testid="nav-operator",
            ),
            content=I18n.t[key],
        ),
        rx.fragment(),
    )


def mobile_menu(active: str) -> rx.Component:
    def item(route: str, key: str, icon: str, **props) -> rx.Component:
        return rx.menu.item(
            rx.hstack(rx.icon(icon, size=16), rx.text(I18n.t[key]), spacing="3", align="center"),
            on_click=rx.redirect(route),
            color=rx.color("accent", 11) if route == active else None,
            **props,
        )

    def nav_item(route: str, key: str, icon: str) -> rx.Component:
        if route not in TAB_ROUTES:
            return item(route, key, icon)
        # Not twice on a phone: with a session the tab bar has it.
        return rx.cond(AuthState.signed_in, item(route, key, icon, display=TABLET_UP), item(route, key, icon))

    items = [
        *(nav_item(*nav) for nav in NAV_ITEMS),
        rx.cond(AuthState.is_operator, item(*OPERATOR_ITEM), rx.fragment()),
        # The header's theme button does not fit a phone's header: it moves in here.
        rx.menu.item(
            rx.hstack(rx.icon("sun-moon", size=16), rx.text(I18n.t["nav.theme"]), spacing="3", align="center"),
            on_click=rx.toggle_color_mode,
            display=PHONE_ONLY,
            data_testid="menu-theme",
        ),
    ]
    account = rx.cond(
        AuthState.signed_in,
        rx.fragment(
            rx.menu.separator(),
            rx.text(
                rx.cond(AuthState.display_name != "", AuthState.display_name, AuthState.short_address),
                size="1",
                color_scheme="gray",
                font_family=rx.cond(AuthState.display_name != "", "inherit", "var(--code-font-family)"),
                padding_x="12px",
                padding_y="6px",
            ),
            item(routes.PROMISES, "nav.promises", "ticket", data_testid="menu-promises"),
            rx.menu.item(
                rx.hstack(rx.icon("log-out", size=16), rx.text(I18n.t["header.logout"]), spacing="3"),
                on_click=AuthState.logout,
                color="red",
                data_testid="menu-logout",
            ),
        ),
        rx.fragment(
            rx.menu.separator(),
            rx.menu.item(
                rx.hstack(rx.icon("log-in", size=16), rx.text(I18n.t["header.login"]), spacing="3"),
                on_click=rx.redirect(routes.LANDING),
            ),
        ),
    )
    return rx.box(
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(
                    # On a phone with a session this is the account's menu (the sections are in the tab bar).
                    rx.cond(
                        AuthState.signed_in,
                        rx.fragment(
                            rx.icon("menu", size=18, display=TABLET_UP),
                            rx.icon("user-round", size=18, display=PHONE_ONLY),
                        ),
                        rx.icon("menu", size=18),
                    ),
                    variant="soft",
                    color_scheme="gray",
                    radius="full",
                    size="2",
                    aria_label=I18n.t["nav.menu"],
                    data_testid="menu-button",
                ),
            ),
            rx.menu.content(*items, account, size="2", min_width="220px", align="end"),
        ),
        display=NARROW,
    )
