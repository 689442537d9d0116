"""/fees: the public price list (SPEC F12): what each operation costs in each asset, as the fee schedule
says now (services/fees.fee_schedule, the same rules every use case charges). Anyone may read it."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.ui import card, card_title, page_heading
from krypton_app.services.fees import FeeRuleView, fee_schedule
from krypton_app.state.auth import AuthState
from krypton_app.state.fee_views import fee_rule_text
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop


@dataclass(frozen=True)
class PriceLine:
    key: str = ""
    operation_key: str = ""
    note_key: str = ""  # who pays it and how
    asset: str = ""
    fee: str = ""


def price_line(view: FeeRuleView, lang: str) -> PriceLine:
    rule = view.rule
    return PriceLine(
        key=f"{rule.operation}-{rule.asset}",
        operation_key=f"fee_schedule.operation.{rule.operation}",
        note_key=f"price_list.note.{rule.operation}",
        asset=rule.asset,
        fee=fee_rule_text(rule, view.decimals, lang),
    )


class PriceListState(AuthState):
    lines: list[PriceLine] = []

    @rx.event
    async def load(self):
        """Public: the schedule holds no one's data. Read in the tab's language."""
        lang = (await self.get_state(I18n)).lang
        views = await off_loop(fee_schedule, app_deps().uow, app_deps().settings)
        self.lines = [price_line(view, lang) for view in views]


def line_item(line: rx.Var[PriceLine]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text(I18n.t[line.operation_key], size="3", weight="medium"),
                rx.badge(line.asset, variant="soft", radius="full"),
                spacing="2",
                align="center",
            ),
            rx.text(I18n.t[line.note_key], size="1", color_scheme="gray"),
            spacing="1",
            min_width="0",
            flex="1",
        ),
        # One line: "2 %" or "0,05 TON" never breaks inside itself; the description beside it wraps instead.
        rx.text(line.fee, size="3", weight="bold", text_align="right", white_space="nowrap", data_testid="price-fee"),
        width="100%",
        align="center",
        padding_y="12px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="price-line",
        data_rule=line.key,
        key=line.key,
    )


@template(route=routes.PRICE_LIST, title="Fees", on_load=[PriceListState.load], protected=False)
def price_list() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["price_list.title"], I18n.t["price_list.subtitle"]),
        card(
            card_title("receipt", I18n.t["price_list.card"]),
            rx.vstack(rx.foreach(PriceListState.lines, line_item), spacing="0", width="100%"),
            max_width="760px",
            data_testid="price-list",
        ),
        width="100%",
    )
