"""/history: every ledger movement of the user, newest first, filtered, paged, exported to CSV."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.pager import pager as page_buttons
from krypton_app.components.ui import card, empty_note, loading_note, page_heading
from krypton_app.domain.catalog_data import ASSETS
from krypton_app.i18n.formatting import plural
from krypton_app.pages.wallet.tabs import wallet_tabs
from krypton_app.services.history import MOVEMENT_KINDS, list_movements, movements_csv
from krypton_app.state.i18n import I18n
from krypton_app.state.live import LiveState
from krypton_app.state.offload import off_loop
from krypton_app.state.views import MovementRow, movement_row

ALL = "all"
ASSET_CODES = [code for code, _name, _decimals in ASSETS]
PAGE_SIZE = 20
# Wide table from tablets up; cards on phones, where six columns cannot fit.
TABLE = rx.breakpoints(initial="none", md="block")
CARDS = rx.breakpoints(initial="flex", md="none")


class HistoryState(LiveState):
    rows: list[MovementRow] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    total_text: str = ""  # "5 movements", "5 движений"
    asset: str = ALL
    kind: str = ALL
    loaded: bool = False

    def _filters(self) -> dict[str, str | None]:
        return {"asset": None if self.asset == ALL else self.asset, "kind": None if self.kind == ALL else self.kind}

    async def _load_page(self, user_id: int) -> None:
        view = await off_loop(
            list_movements, app_deps().uow, user_id, **self._filters(), page=self.page, page_size=PAGE_SIZE
        )
        lang = (await self.get_state(I18n)).lang
        self.rows = [movement_row(m, lang) for m in view.items]
        self.page = view.page
        self.pages = max(view.pages, 1)
        self.total = view.total
        self.total_text = plural(lang, view.total, "count.movements")
        self.loaded = True

    async def _reload(self) -> None:
        # The page's login guard runs first; a session that ended since then just shows nothing new.
        user_id = await self._user_id()
        if user_id is not None:
            await self._load_page(user_id)

    async def _ledger_changed(self, user_id: int) -> None:
        if self.loaded:
            await self._load_page(user_id)

    @rx.event
    async def load(self):
        self.page = 1
        await self._reload()

    @rx.event
    async def choose_asset(self, asset: str):
        self.asset = asset if asset in ASSET_CODES else ALL
        self.page = 1
        await self._reload()

    @rx.event
    async def choose_kind(self, kind: str):
        self.kind = kind if kind in MOVEMENT_KINDS else ALL
        self.page = 1
        await self._reload()

    @rx.event
    async def go_to(self, page: int):
        self.page = min(max(int(page), 1), self.pages)
        await self._reload()

    @rx.event
    async def download_csv(self):
        user_id = await self._user_id()
        if user_id is None:
            return None
        lang = (await self.get_state(I18n)).lang
        data = await off_loop(movements_csv, app_deps().uow, user_id, **self._filters(), lang=lang)
        return rx.download(data=data, filename="krypton-history.csv", mime_type="text/csv")


def filter_select(value: rx.Var, on_change, options: list[tuple[str, rx.Var | str]], test_id: str):
    return rx.select.root(
        rx.select.trigger(min_width="150px", data_testid=test_id),
        rx.select.content(*(rx.select.item(label, value=code) for code, label in options)),
        value=value,
        on_change=on_change,
        size="2",
    )


def toolbar() -> rx.Component:
    return rx.hstack(
        filter_select(
            HistoryState.asset,
            HistoryState.choose_asset,
            [(ALL, I18n.t["history.all_assets"]), *((code, code) for code in ASSET_CODES)],
            "history-asset",
        ),
        filter_select(
            HistoryState.kind,
            HistoryState.choose_kind,
            [(ALL, I18n.t["history.all_kinds"]), *((kind, I18n.t[f"history.kind.{kind}"]) for kind in MOVEMENT_KINDS)],
            "history-kind",
        ),
        rx.spacer(),
        rx.button(
            rx.icon("download", size=15),
            I18n.t["history.download_csv"],
            on_click=HistoryState.download_csv,
            variant="soft",
            size="2",
            data_testid="history-csv",
        ),
        spacing="2",
        wrap="wrap",
        width="100%",
        align="center",
    )


def change_text(value: rx.Var, color: rx.Var | str, full: rx.Var) -> rx.Component:
    """The change rounded for the table; every digit on hover."""
    return rx.text(
        rx.cond(value != "", value, "—"),
        color_scheme=rx.cond(value != "", color, "gray"),
        weight="medium",
        style={"font_variant_numeric": "tabular-nums"},
        white_space="nowrap",
        title=full,
        data_testid="history-change",
    )


def about_text(row: rx.Var[MovementRow]) -> rx.Component:
    """What the movement is about (an invoice, a deal and who with, where it went), in the reader's
    language; long titles and addresses wrap instead of widening the page."""
    return rx.text(
        row.about[I18n.lang],
        size="1",
        color_scheme="gray",
        style={"overflow_wrap": "anywhere"},
        data_testid="history-about",
    )


def table_row(row: rx.Var[MovementRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.when, size="2", white_space="nowrap", color_scheme="gray")),
        rx.table.cell(
            rx.text(I18n.t[row.kind_key], size="2", weight="medium", data_testid="history-kind-label"),
            about_text(row),
        ),
        rx.table.cell(rx.badge(row.asset, variant="soft", color_scheme="gray")),
        rx.table.cell(change_text(row.available, row.available_color, row.available_full), text_align="right"),
        rx.table.cell(change_text(row.held, "amber", row.held_full), text_align="right"),
        data_testid="history-row",
    )


def history_table() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(I18n.t["history.col.date"]),
                    rx.table.column_header_cell(I18n.t["history.col.description"]),
                    rx.table.column_header_cell(I18n.t["history.col.asset"]),
                    rx.table.column_header_cell(I18n.t["history.col.available"], text_align="right"),
                    rx.table.column_header_cell(I18n.t["history.col.held"], text_align="right"),
                )
            ),
            rx.table.body(rx.foreach(HistoryState.rows, table_row)),
            variant="ghost",
            size="2",
            width="100%",
        ),
        display=TABLE,
        width="100%",
    )


def history_card(row: rx.Var[MovementRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(I18n.t[row.kind_key], size="2", weight="bold"),
            rx.badge(row.asset, variant="soft", color_scheme="gray"),
            rx.spacer(),
            change_text(row.available, row.available_color, row.available_full),
            spacing="2",
            align="center",
            width="100%",
        ),
        about_text(row),
        rx.cond(
            row.held != "",
            rx.hstack(
                rx.text(I18n.t["history.col.held"], size="1", color_scheme="gray"),
                rx.text(row.held, size="1", color_scheme="amber", weight="medium", title=row.held_full),
                spacing="2",
            ),
            rx.fragment(),
        ),
        rx.text(row.when, size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
        padding_y="12px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="history-card",
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.text(
            HistoryState.total_text,
            size="2",
            color_scheme="gray",
            data_testid="history-total",
        ),
        rx.spacer(),
        page_buttons(
            HistoryState.page,
            HistoryState.pages,
            HistoryState.go_to(HistoryState.page - 1),
            HistoryState.go_to(HistoryState.page + 1),
            test_id="history",
        ),
        spacing="2",
        align="center",
        width="100%",
        margin_top="12px",
    )


@template(route=routes.HISTORY, title="History", on_load=[LiveState.start_live, HistoryState.load])
def history() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["history.title"], I18n.t["history.subtitle"], margin_bottom="0"),
        wallet_tabs(routes.HISTORY),
        card(
            toolbar(),
            rx.cond(
                HistoryState.loaded,
                rx.cond(
                    HistoryState.rows.length() > 0,
                    rx.fragment(
                        history_table(),
                        rx.vstack(rx.foreach(HistoryState.rows, history_card), spacing="0", display=CARDS),
                        pager(),
                    ),
                    empty_note(I18n.t["history.empty"]),
                ),
                loading_note(I18n.t["history.loading"]),
            ),
            data_testid="history",
        ),
        spacing="4",
        width="100%",
    )
