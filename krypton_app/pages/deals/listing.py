"""/deals: my deals with status chips. New deals on my ads and the other sides' moves show up without
a reload: a per-tab watcher (state/watchers.py) reads the list when a deal of this user was opened or
moved, in any app process (`deals_topic`, krypton_app/wakeups.py)."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.ui import card, card_title, empty_note, page_heading, status_chip
from krypton_app.domain import deals as machine
from krypton_app.pages.deals.rows import DealRow, deal_row
from krypton_app.services.deals import list_my_deals
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.watchers import TabWatcher
from krypton_app.wakeups import deals_topic


def _deal_rows(user_id: int, lang: str) -> list[DealRow]:
    return [deal_row(v, lang) for v in list_my_deals(app_deps().uow, user_id)]


class DealsState(TabWatcher, AuthState):
    rows: list[DealRow] = []
    loaded: bool = False

    @rx.event
    async def load(self):
        user_id = await self._user_id()
        if user_id is None:
            return None
        self.rows = await off_loop(_deal_rows, user_id, (await self.get_state(I18n)).lang)
        self.loaded = True
        return DealsState.watch

    async def _watch_key(self) -> tuple[int, str] | None:
        if self.router.url.path.rstrip("/") != routes.DEALS:
            return None
        user_id = await self._user_id()
        return None if user_id is None else (user_id, (await self.get_state(I18n)).lang)

    @staticmethod
    def _watch_read(key: tuple[int, str]) -> list[DealRow]:
        return _deal_rows(*key)

    def _watch_topics(self, key: tuple[int, str]) -> tuple:
        return (deals_topic(key[0]),)

    async def _watch_show(self, key: tuple[int, str], rows: list[DealRow]) -> None:
        if rows != self.rows and await self._user_id() == key[0]:
            self.rows = rows

    @rx.event(background=True)
    async def watch(self):
        async for event in self._watch_rounds():
            yield event


def purpose_badge(row: DealRow) -> rx.Component:
    """What a deal is for, unless it is a plain trade."""
    return rx.cond(
        row.purpose != machine.PLAIN,
        rx.badge(I18n.t[row.purpose_key], color_scheme="violet", radius="full", size="1", data_testid="deal-purpose"),
    )


def deal_item(row: DealRow) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.code("#", row.id, size="2", variant="soft"),
                    status_chip(I18n.t[row.status_key], row.status_color, data_testid="deal-status"),
                    rx.badge(I18n.t[row.role_key], variant="outline", radius="full", size="1"),
                    purpose_badge(row),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.text(row.created, size="1", color_scheme="gray"),
                spacing="1",
            ),
            rx.spacer(),
            rx.vstack(
                rx.text(row.amount, size="3", weight="bold", title=row.amount_full, data_testid="deal-amount"),
                rx.text(row.fiat_amount, " · ", row.method, size="1", color_scheme="gray"),
                spacing="0",
                align="end",
            ),
            width="100%",
            wrap="wrap",
        ),
        href=row.href,
        underline="none",
        color=rx.color("gray", 12),
        width="100%",
        padding_y="12px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="deal-row",
    )


@template(route=routes.DEALS, title="Deals", on_load=[DealsState.load])
def deals() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["deals.title"], I18n.t["deals.subtitle"]),
        card(
            card_title("handshake", I18n.t["deals.list_title"]),
            rx.cond(
                DealsState.rows.length() > 0,
                rx.vstack(rx.foreach(DealsState.rows, deal_item), spacing="0", width="100%"),
                empty_note(I18n.t["deals.empty"]),
            ),
        ),
        spacing="4",
        width="100%",
    )
