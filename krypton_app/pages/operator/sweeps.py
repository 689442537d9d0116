"""The console's fees and sweeps tab: per asset, the fee balance against its threshold, fees collected and
swept in total, the last sweep and the recent ones, a chart of fees collected and swept per day; the
operator changes the threshold or sweeps now (services/fee_sweeps.py). Loaded when the tab opens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import reflex as rx
from babel.dates import format_skeleton

from krypton_app.bootstrap import app_deps
from krypton_app.components.ui import copy_value, empty_note, field_error
from krypton_app.domain.errors import Forbidden, KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_key, translate
from krypton_app.services.fee_sweeps import SWEEP_ASSETS, AssetSweeps, SweepStats, SweepView, force_sweep, set_threshold
from krypton_app.services.fee_sweeps import sweep_stats as read_sweep_stats
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.views import amount_text, when

STATUS_COLORS = {"pending": "amber", "sent": "blue", "confirmed": "green", "returned": "red"}


@dataclass(frozen=True)
class SweepTile:
    key: str  # sweeps.tile.<key>
    value: str


@dataclass(frozen=True)
class SweepRow:
    id: int = 0
    amount: str = ""
    status: str = ""  # sweeps.status.<status>
    color: str = "gray"
    when: str = ""
    tx_hash: str = ""
    forced: bool = False
    failure: str = ""


def _row(view: SweepView, decimals: int, lang: str) -> SweepRow:
    return SweepRow(
        id=view.id,
        amount=amount_text(view.amount, decimals, view.asset, lang, full=True),
        status=view.status,
        color=STATUS_COLORS.get(view.status, "gray"),
        when=when(view.created_at, lang),
        tx_hash=view.chain_tx_hash or "",
        forced=view.forced,
        failure=view.failure or "",
    )


def _day(day: date, lang: str) -> str:
    return format_skeleton("MMMd", day, locale="ru_RU" if lang == "ru" else "en_US")


class SweepsState(AuthState):
    owner_wallet: str = ""  # empty: sweeps are off
    asset: str = SWEEP_ASSETS[0]
    threshold: str = ""  # in the asset's units, as the input shows it
    tiles: list[SweepTile] = []
    last: SweepRow = SweepRow()
    has_last: bool = False
    recent: list[SweepRow] = []
    # recharts takes plain objects: day, collected, swept (floats of whole units: a picture)
    chart: list[dict[str, str | float]] = []
    error: str = ""  # catalog key of the last refusal

    def _show(self, stats: SweepStats | None, lang: str) -> None:
        if stats is None:  # not, or no longer, an operator: nothing stays on screen
            self.owner_wallet, self.tiles, self.recent, self.chart, self.has_last = "", [], [], [], False
            return
        self.owner_wallet = stats.owner_wallet or ""
        found: AssetSweeps = next(a for a in stats.assets if a.asset == self.asset)
        d, asset = found.decimals, found.asset
        self.threshold = format_amount(found.threshold, d)
        self.tiles = [
            SweepTile(key, amount_text(minor, d, asset, lang, full=True))
            for key, minor in (
                ("balance", found.balance),
                ("threshold", found.threshold),
                ("collected", found.collected),
                ("swept", found.swept),
                ("in_flight", found.in_flight),
            )
        ]
        self.has_last = found.last is not None
        self.last = _row(found.last, d, lang) if found.last else SweepRow()
        self.recent = [_row(v, d, lang) for v in found.recent]
        self.chart = [
            {
                "day": _day(day.day, lang),
                "collected": float(Decimal(day.collected).scaleb(-d)),
                "swept": float(Decimal(day.swept).scaleb(-d)),
            }
            for day in found.chart
        ]

    async def _reload(self) -> None:
        user_id = await self._user_id()
        deps = app_deps()
        try:
            stats = (
                None if user_id is None else await off_loop(read_sweep_stats, deps.uow, user_id, settings=deps.settings)
            )
        except Forbidden:
            stats = None
        self._show(stats, (await self.get_state(I18n)).lang)

    async def _act(self, done_key: str, action, *args, **kwargs):
        user_id = await self._user_id()
        if user_id is None:
            return None
        try:
            await off_loop(action, app_deps().uow, user_id, *args, **kwargs)
        except KryptonError as error:
            self.error = error_key(error.code, error.details)
            return None
        self.error = ""
        await self._reload()
        return rx.toast.success(translate((await self.get_state(I18n)).lang, done_key))

    @rx.event
    async def load(self):
        self.error = ""
        await self._reload()

    @rx.event
    async def choose_asset(self, asset: str | list[str]):
        self.asset = asset if isinstance(asset, str) and asset in SWEEP_ASSETS else SWEEP_ASSETS[0]
        self.error = ""
        await self._reload()

    @rx.event
    async def save_threshold(self, form_data: dict):
        text = str(form_data.get("threshold") or "")[:40]
        return await self._act("sweeps.threshold_saved", set_threshold, self.asset, text)

    @rx.event
    async def sweep_now(self):
        return await self._act("sweeps.forced", force_sweep, self.asset, settings=app_deps().settings)


# --- the tab -----------------------------------------------------------------------------------


def tile(item: rx.Var[SweepTile]) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t["sweeps.tile." + item.key], size="1", color_scheme="gray"),
        rx.text(item.value, size="3", weight="bold", data_testid="sweeps-tile-" + item.key),
        spacing="0",
        padding="10px 14px",
        border_radius="14px",
        background=rx.color("gray", 3),
        min_width="0",
    )


def status_badge(row: rx.Var[SweepRow]) -> rx.Component:
    return rx.badge(
        I18n.t["sweeps.status." + row.status], color_scheme=row.color, variant="soft", radius="full", size="1"
    )


def last_sweep() -> rx.Component:
    row = SweepsState.last
    return rx.vstack(
        rx.heading(I18n.t["sweeps.last"], size="3"),
        rx.cond(
            SweepsState.has_last,
            rx.vstack(
                rx.hstack(
                    rx.text("#", row.id, size="2", color_scheme="gray"),
                    status_badge(row),
                    rx.spacer(),
                    rx.text(row.amount, size="4", weight="bold", data_testid="sweeps-last-amount"),
                    wrap="wrap",
                    align="center",
                    width="100%",
                ),
                rx.text(row.when, size="1", color_scheme="gray", data_testid="sweeps-last-when"),
                rx.cond(
                    row.tx_hash != "",
                    copy_value(
                        I18n.t["sweeps.tx_hash"],
                        row.tx_hash,
                        copied=I18n.t["common.copied"],
                        copy_label=I18n.t["common.copy"],
                        test_id="sweeps-last-tx",
                    ),
                ),
                rx.cond(row.failure != "", rx.text(row.failure, size="1", color_scheme="red")),
                spacing="2",
                width="100%",
                data_testid="sweeps-last",
            ),
            rx.text(I18n.t["sweeps.none_yet"], size="2", color_scheme="gray", data_testid="sweeps-last-none"),
        ),
        spacing="2",
        width="100%",
    )


def chart() -> rx.Component:
    return rx.vstack(
        rx.heading(I18n.t["sweeps.chart"], size="3"),
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
            rx.recharts.x_axis(data_key="day"),
            rx.recharts.y_axis(width=48),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            # No grow-in animation: the bars are there the moment the tab (or a screenshot) shows it.
            rx.recharts.bar(
                data_key="collected",
                name=I18n.t["sweeps.chart_collected"],
                fill="var(--accent-9)",
                radius=[4, 4, 0, 0],
                is_animation_active=False,
            ),
            rx.recharts.bar(
                data_key="swept",
                name=I18n.t["sweeps.chart_swept"],
                fill="var(--green-9)",
                radius=[4, 4, 0, 0],
                is_animation_active=False,
            ),
            data=SweepsState.chart,
            width="100%",
            height=240,
        ),
        spacing="2",
        width="100%",
        data_testid="sweeps-chart",
    )


def recent_row(row: rx.Var[SweepRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("#", row.id, size="2", color_scheme="gray"),
            status_badge(row),
            rx.cond(row.forced, rx.badge(I18n.t["sweeps.forced_badge"], variant="outline", size="1")),
            rx.spacer(),
            rx.text(row.amount, size="2", weight="bold"),
            wrap="wrap",
            align="center",
            width="100%",
        ),
        rx.text(row.when, " ", row.tx_hash, size="1", color_scheme="gray", style={"word_break": "break-all"}),
        spacing="1",
        width="100%",
        padding_y="8px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="sweeps-recent-row",
    )


def controls() -> rx.Component:
    """The threshold form and Sweep now side by side on a desktop, one under the other on a phone."""
    return rx.vstack(
        rx.flex(
            rx.form(
                rx.hstack(
                    rx.input(
                        name="threshold",
                        default_value=SweepsState.threshold,
                        key=SweepsState.asset + SweepsState.threshold,
                        placeholder=I18n.t["sweeps.threshold"],
                        flex="1",
                        min_width="0",
                        data_testid="sweeps-threshold-input",
                    ),
                    rx.text(SweepsState.asset, size="2", color_scheme="gray"),
                    rx.button(I18n.t["sweeps.save_threshold"], type="submit", data_testid="sweeps-threshold-save"),
                    spacing="2",
                    align="center",
                    width="100%",
                ),
                on_submit=SweepsState.save_threshold,
                reset_on_submit=False,
                flex="1 1 320px",
                max_width="480px",
            ),
            rx.button(
                rx.icon("send", size=15),
                I18n.t["sweeps.sweep_now"],
                on_click=SweepsState.sweep_now,
                color_scheme="green",
                variant="soft",
                disabled=SweepsState.owner_wallet == "",
                data_testid="sweeps-force",
            ),
            gap="8px 16px",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        rx.cond(SweepsState.error != "", field_error(I18n.t[SweepsState.error])),
        spacing="2",
        width="100%",
    )


def sweeps_panel() -> rx.Component:
    return rx.vstack(
        rx.cond(
            SweepsState.owner_wallet != "",
            copy_value(
                I18n.t["sweeps.owner"],
                SweepsState.owner_wallet,
                copied=I18n.t["common.copied"],
                copy_label=I18n.t["common.copy"],
                test_id="sweeps-owner",
            ),
            rx.callout(
                I18n.t["sweeps.off"], icon="circle-off", color_scheme="amber", width="100%", data_testid="sweeps-off"
            ),
        ),
        rx.segmented_control.root(
            *(rx.segmented_control.item(asset, value=asset) for asset in SWEEP_ASSETS),
            value=SweepsState.asset,
            on_change=SweepsState.choose_asset,
            data_testid="sweeps-asset",
        ),
        rx.grid(
            rx.foreach(SweepsState.tiles, tile),
            columns=rx.breakpoints(initial="2", md="5"),
            spacing="2",
            width="100%",
        ),
        rx.text(I18n.t["sweeps.hint"], size="2", color_scheme="gray"),
        controls(),
        last_sweep(),
        chart(),
        rx.vstack(
            rx.heading(I18n.t["sweeps.recent"], size="3"),
            rx.cond(
                SweepsState.recent.length() > 0,
                rx.vstack(rx.foreach(SweepsState.recent, recent_row), spacing="0", width="100%"),
                empty_note(I18n.t["sweeps.none_yet"], "inbox"),
            ),
            spacing="2",
            width="100%",
        ),
        spacing="4",
        width="100%",
        padding_top="16px",
        on_mount=SweepsState.load,
        data_testid="sweeps-panel",
    )
