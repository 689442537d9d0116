"""The bell: the unread count, and a popover with the latest notifications, each opening its deal."""

from __future__ import annotations

import reflex as rx

from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.notifications import KIND_ICONS, NotificationRow, NotificationsState


def kind_icon(name: rx.Var[str]) -> rx.Component:
    """The notification kind's icon. A match over the known names, not `rx.icon(name)`: an icon named by a
    Var makes the page load lucide's map of every icon (~650 KB) on every page the bell is on."""
    return rx.match(
        name, *((icon, rx.icon(icon, size=15)) for icon in sorted(set(KIND_ICONS.values()))), rx.icon("clock", size=15)
    )


def notification_item(row: rx.Var[NotificationRow]) -> rx.Component:
    return rx.hstack(
        rx.center(
            kind_icon(row.icon),
            width="28px",
            height="28px",
            min_width="28px",
            border_radius="9px",
            background=rx.color("accent", 3),
            color=rx.color("accent", 11),
        ),
        rx.vstack(
            rx.text(row.text, size="2", weight=rx.cond(row.unread, "bold", "regular")),
            rx.text(row.time, size="1", color_scheme="gray"),
            spacing="0",
        ),
        on_click=NotificationsState.follow(row.id),
        cursor="pointer",
        padding="8px",
        border_radius="10px",
        width="100%",
        background=rx.cond(row.unread, rx.color("accent", 2), "transparent"),
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
                        # A small pill over the glyph's top-right corner, mostly above it: a ghost button's
                        # negative margins make this box the 18 px glyph, and the old offset sat on the
                        # bell itself. Only the empty corner of the glyph's square is under the pill.
                        rx.badge(
                            NotificationsState.badge,
                            variant="solid",
                            color_scheme="red",
                            radius="full",
                            position="absolute",
                            top="0",
                            right="0",
                            transform="translate(55%, -80%)",
                            min_width="16px",
                            height="16px",
                            padding_x="4px",
                            justify_content="center",
                            font_size="10px",
                            line_height="16px",
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
