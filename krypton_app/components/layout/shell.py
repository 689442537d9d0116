"""The page template: the shell (header, content column, footer) around a page's content, and the
`Page` record krypton_app.py adds to the app."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import reflex as rx
from reflex.style import set_color_mode

from krypton_app.components.layout.footer import footer
from krypton_app.components.layout.header import header
from krypton_app.components.layout.measures import CONTENT_MAX_WIDTH, PAGE_PADDING_X
from krypton_app.components.layout.navigation import NAV_PARENT
from krypton_app.components.layout.tab_bar import tab_bar
from krypton_app.state.auth import AuthState
from krypton_app.state.notifications import NotificationsState
from krypton_app.state.telegram import MiniAppState


def shell(content: rx.Component, *, active: str = "") -> rx.Component:
    # TON Connect is only on the landing page's sign-in card (components/login.py), loaded on demand.
    return rx.fragment(
        telegram_color_mode(),
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
            tab_bar(active),
            direction="column",
            min_height="100vh",
            width="100%",
            background=rx.color("gray", 2),
        ),
    )


def telegram_color_mode() -> rx.Component:
    """Inside Telegram the page script presses one of these to follow Telegram's light or dark theme: Reflex
    sets its colour mode only from the page (state/telegram.py)."""
    return rx.fragment(
        *(
            rx.el.button(on_click=set_color_mode(mode), id=f"kr-color-{mode}", type="button", hidden=True)
            for mode in ("light", "dark")
        )
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
    # Inside Telegram every page follows its theme and back button; a public page also logs in from it.
    mini_app = MiniAppState.dress if protected else MiniAppState.start

    def decorator(content: Callable[[], rx.Component]) -> Page:
        def page() -> rx.Component:
            return shell(content(), active=NAV_PARENT.get(route, route))

        page.__name__ = content.__name__
        # Reflex compiles a page's memoized components into one JS module named after the page function's
        # module. Named after shell.py, every page's were one module that every page loaded (charts, upload,
        # all icons); named after the page's own module, each page loads only its own.
        page.__module__ = content.__module__
        return Page(
            component=page,
            route=route,
            title=f"{title} · Krypton" if title else "Krypton",
            # The bell's count follows every page, so its watcher starts wherever the user lands.
            on_load=[guard, NotificationsState.start, mini_app, *(on_load or [])],
        )

    return decorator
