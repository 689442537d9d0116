"""The app shell: header (logo, navigation, language, theme, account), content column, footer.

`template` is the page decorator, as in reflex-dev's dashboard template: each page module writes
`@template(route=..., title=..., on_load=...)` over a function returning the page content, and
krypton_app.py adds the resulting `Page`s to the app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.components.tonconnect import ton_proof_bridge, tonconnect_provider
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.notifications import NotificationsState

# (route, catalog key, lucide icon): one list feeds the desktop bar and the phone menu.
NAV_ITEMS: tuple[tuple[str, str, str], ...] = (
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
    routes.PAY_INVOICE: routes.PAY,
    routes.DIRECT: routes.PAY,
    routes.PAYMENT: routes.PAY,
    routes.VERIFY: routes.PAY,
    routes.INVOICE_DETAIL: routes.INVOICES,
    routes.MARKET_NEW: routes.MARKET,
    routes.MARKET_AD: routes.MARKET,
    routes.MARKET_AD_EDIT: routes.MARKET,
    routes.DEAL_DETAIL: routes.DEALS,
}

CONTENT_MAX_WIDTH = "1120px"
PAGE_PADDING_X = ["16px", "20px", "24px"]
# The full navigation needs ~1150 px; below Radix's `lg` breakpoint it folds into the menu.
WIDE = rx.breakpoints(initial="none", lg="flex")
NARROW = rx.breakpoints(initial="flex", lg="none")
# The account chip fits beside the menu button from tablets up; on phones it moves into the menu.
TABLET_UP = rx.breakpoints(initial="none", sm="flex")


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


def nav_link(route: str, key: str, icon: str, *, active: bool) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), rx.text(I18n.t[key], size="2", weight="medium"), spacing="2"),
        href=route,
        underline="none",
        # Tight enough that the Russian labels, the longest, fit a 1280 px window in one row.
        padding_x="10px",
        padding_y="8px",
        border_radius="999px",
        white_space="nowrap",
        color=rx.color("accent", 11) if active else rx.color("gray", 11),
        background=rx.color("accent", 3) if active else "transparent",
        _hover={"background": rx.color("accent", 3) if active else rx.color("gray", 3)},
        aria_current="page" if active else None,
    )


def desktop_nav(active: str) -> rx.Component:
    return rx.hstack(
        *(nav_link(route, key, icon, active=route == active) for route, key, icon in NAV_ITEMS),
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


def notification_item(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon(row["icon"], size=15),
            width="28px",
            height="28px",
            min_width="28px",
            border_radius="9px",
            background=rx.color("accent", 3),
            color=rx.color("accent", 11),
        ),
        rx.vstack(
            rx.text(row["text"], size="2", weight=rx.cond(row["unread"] != "", "bold", "regular")),
            rx.text(row["time"], size="1", color_scheme="gray"),
            spacing="0",
        ),
        on_click=NotificationsState.follow(row["id"], row["href"]),
        cursor="pointer",
        padding="8px",
        border_radius="10px",
        width="100%",
        background=rx.cond(row["unread"] != "", rx.color("accent", 2), "transparent"),
        _hover={"background": rx.color("gray", 3)},
        data_testid="notification",
    )


def notification_bell() -> rx.Component:
    """Unread count on a bell; the popover lists the latest notifications, each opening its deal."""
    return rx.cond(
        AuthState.signed_in,
        rx.popover.root(
            rx.popover.trigger(
                rx.box(
                    rx.icon_button(
                        rx.icon("bell", size=18),
                        variant="ghost",
                        color_scheme="gray",
                        radius="full",
                        aria_label=I18n.t["notifications.title"],
                        data_testid="bell",
                    ),
                    rx.cond(
                        NotificationsState.unread > 0,
                        rx.badge(
                            NotificationsState.badge,
                            variant="solid",
                            color_scheme="red",
                            radius="full",
                            size="1",
                            position="absolute",
                            top="-6px",
                            right="-8px",
                            pointer_events="none",
                            data_testid="bell-count",
                        ),
                    ),
                    position="relative",
                ),
            ),
            rx.popover.content(
                rx.hstack(
                    rx.text(I18n.t["notifications.title"], size="3", weight="bold"),
                    rx.spacer(),
                    rx.cond(
                        NotificationsState.unread > 0,
                        rx.button(
                            I18n.t["notifications.read_all"],
                            on_click=NotificationsState.read_all,
                            variant="ghost",
                            size="1",
                            data_testid="notifications-read-all",
                        ),
                    ),
                    width="100%",
                    align="center",
                    margin_bottom="8px",
                ),
                rx.cond(
                    NotificationsState.items.length() > 0,
                    rx.vstack(
                        rx.foreach(NotificationsState.items, notification_item),
                        spacing="1",
                        width="100%",
                        max_height="420px",
                        overflow_y="auto",
                    ),
                    rx.text(I18n.t["notifications.empty"], size="2", color_scheme="gray"),
                ),
                width="min(360px, calc(100vw - 24px))",
                align="end",
                data_testid="notifications",
            ),
            on_open_change=NotificationsState.opened,
        ),
        rx.fragment(),
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
    return rx.color_mode.button(
        variant="ghost",
        color_scheme="gray",
        size="2",
        radius="full",
        aria_label=I18n.t["header.theme"],
    )


def account_chip() -> rx.Component:
    """Short address and logout for a signed-in user; a sign-in button for everyone else."""
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
                    rx.text(
                        AuthState.short_address,
                        size="2",
                        weight="medium",
                        font_family="var(--code-font-family)",
                        white_space="nowrap",
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


def mobile_menu(active: str) -> rx.Component:
    def item(route: str, key: str, icon: str) -> rx.Component:
        return rx.menu.item(
            rx.hstack(rx.icon(icon, size=16), rx.text(I18n.t[key]), spacing="3", align="center"),
            on_click=rx.redirect(route),
            color=rx.color("accent", 11) if route == active else None,
        )

    items = [
        *(item(*nav_item) for nav_item in NAV_ITEMS),
        rx.cond(AuthState.is_operator, item(*OPERATOR_ITEM), rx.fragment()),
    ]
    account = rx.cond(
        AuthState.signed_in,
        rx.fragment(
            rx.menu.separator(),
            rx.text(
                AuthState.short_address,
                size="1",
                color_scheme="gray",
                font_family="var(--code-font-family)",
                padding_x="12px",
                padding_y="6px",
            ),
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
                    rx.icon("menu", size=18),
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
            spacing="3",
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


def footer() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text("© Krypton", size="1", color_scheme="gray"),
            rx.text(I18n.t["footer.note"], size="1", color_scheme="gray"),
            spacing="3",
            wrap="wrap",
            max_width=CONTENT_MAX_WIDTH,
            margin_x="auto",
            padding_x=PAGE_PADDING_X,
        ),
        padding_y="24px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        width="100%",
    )


def shell(content: rx.Component, *, active: str = "") -> rx.Component:
    # TON Connect wraps every page: logout anywhere can disconnect the wallet, and the bridge
    # hands a wallet's ton_proof to the server whichever page the user connects from.
    return tonconnect_provider(
        ton_proof_bridge(AuthState.proof_payload, AuthState.login_with_wallet),
        rx.flex(
            header(active),
            rx.box(
                content,
                flex="1",
                width="100%",
                max_width=CONTENT_MAX_WIDTH,
                margin_x="auto",
                padding_x=PAGE_PADDING_X,
                padding_y=["20px", "24px", "36px"],
            ),
            footer(),
            direction="column",
            min_height="100vh",
            width="100%",
            background=rx.color("gray", 2),
        ),
    )


@dataclass(frozen=True)
class Page:
    """A page in the shell, ready for `app.add_page` (krypton_app.py lists them all)."""

    component: Callable[[], rx.Component]
    route: str
    title: str
    on_load: list


def template(
    *,
    route: str,
    title: str,
    on_load: Sequence[rx.event.EventType] | None = None,
    protected: bool = True,
) -> Callable[[Callable[[], rx.Component]], Page]:
    """Put a page inside the shell. A protected page first checks the session and sends a
    visitor without one to the landing page; every page restores the session on load."""
    guard = AuthState.require_login if protected else AuthState.restore_session

    def decorator(content: Callable[[], rx.Component]) -> Page:
        def page() -> rx.Component:
            return shell(content(), active=NAV_PARENT.get(route, route))

        page.__name__ = content.__name__
        return Page(
            component=page,
            route=route,
            title=f"{title} · Krypton" if title else "Krypton",
            # The bell's count follows every page, so its watcher starts wherever the user lands.
            on_load=[guard, NotificationsState.start, *(on_load or [])],
        )

    return decorator
