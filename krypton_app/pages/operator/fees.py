"""The console's fees tab (SPEC F12): the fee schedule, every operation in every asset (percent, flat,
minimum, who pays a deal's fee; set by an operator or still the settings' starting value), a form per
rule, and the history of changes (who, when, old, new). The service decides who may read or change it
(services/fees.py: operators only); a refused change shows under its rule."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.components.rows import ROW_RULE
from krypton_app.components.ui import empty_note, field_error
from krypton_app.domain.errors import Forbidden, KryptonError
from krypton_app.domain.fees import DEAL, MAKER, OPERATIONS, PAYERS, PERCENT_OPERATIONS, percent_text
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_key, translate
from krypton_app.services.fees import FeeChange, FeeRuleView, fee_changes, fee_schedule, set_fee_rule
from krypton_app.state.auth import AuthState
from krypton_app.state.fee_views import fee_rule_text
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.views import when


@dataclass(frozen=True)
class FeeRuleRow:
    key: str = ""  # `invoice_payment-TON`: the row, its form and its error
    operation: str = ""
    operation_key: str = ""  # catalog key of the operation's name
    asset: str = ""
    summary: str = ""  # "1 % + 0.01 TON, at least 0.02 TON", in the reader's language
    # the form's starting values, as an operator types them (a dot, every digit)
    percent: str = ""
    flat: str = ""
    minimum: str = ""
    payer: str = ""
    payer_key: str = ""  # catalog key of who pays a deal's fee
    has_percent: bool = False
    is_deal: bool = False
    set_by_operator: bool = False
    updated_at: str = ""


@dataclass(frozen=True)
class FeeChangeRow:
    id: int = 0
    when: str = ""
    who: str = ""
    operation_key: str = ""
    asset: str = ""
    old: str = ""
    new: str = ""


def rule_row(view: FeeRuleView, lang: str) -> FeeRuleRow:
    rule = view.rule
    return FeeRuleRow(
        key=f"{rule.operation}-{rule.asset}",
        operation=rule.operation,
        operation_key=f"fee_schedule.operation.{rule.operation}",
        asset=rule.asset,
        summary=fee_rule_text(rule, view.decimals, lang),
        percent=percent_text(rule.percent) if rule.operation in PERCENT_OPERATIONS else "",
        flat=format_amount(rule.flat, view.decimals),
        minimum=format_amount(rule.minimum, view.decimals),
        payer=rule.payer or "",
        payer_key=f"fee_schedule.payer.{rule.payer}" if rule.payer else "",
        has_percent=rule.operation in PERCENT_OPERATIONS,
        is_deal=rule.operation == DEAL,
        set_by_operator=view.set_by_operator,
        updated_at=when(view.updated_at, lang) if view.updated_at is not None else "",
    )


def change_row(change: FeeChange, lang: str) -> FeeChangeRow:
    return FeeChangeRow(
        id=change.id,
        when=when(change.created_at, lang),
        who=change.operator_name or f"#{change.operator_id}",
        operation_key=f"fee_schedule.operation.{change.operation}",
        asset=change.asset,
        old=fee_rule_text(change.old, change.decimals, lang),
        new=fee_rule_text(change.new, change.decimals, lang),
    )


def _text(form_data: dict, name: str, limit: int = 40) -> str:
    """A form field as typed, bounded: the service parses and refuses it with a code."""
    value = form_data.get(name)
    return str(value).strip()[:limit] if isinstance(value, str | int) and not isinstance(value, bool) else ""


class FeesState(AuthState):
    """The fees tab. Nothing is read until the tab is opened (its panel's on_mount)."""

    fees_loaded: bool = False
    fees_allowed: bool = False
    rules: list[FeeRuleRow] = []
    changes: list[FeeChangeRow] = []
    # row key -> catalog key of the error of its last change
    rule_errors: dict[str, str] = {}

    async def _reload(self) -> None:
        user_id = await self._user_id()
        lang = (await self.get_state(I18n)).lang
        uow = app_deps().uow
        try:
            if user_id is None:
                raise Forbidden("no session")
            # The history first: it is what refuses a non-operator (the schedule itself is public).
            changes = await off_loop(fee_changes, uow, user_id)
            schedule = await off_loop(fee_schedule, uow, app_deps().settings)
        except Forbidden:
            self.fees_allowed, self.rules, self.changes = False, [], []
            return
        self.fees_allowed = True
        self.rules = [rule_row(view, lang) for view in schedule]
        self.changes = [change_row(change, lang) for change in changes]

    @rx.event
    async def load_fees(self):
        self.rule_errors = {}
        await self._reload()
        self.fees_loaded = True

    @rx.event
    async def save_rule(self, form_data: dict):
        """One rule from its form; the service checks the role and every field."""
        user_id = await self._user_id()
        operation, asset = _text(form_data, "operation"), _text(form_data, "asset", 8)
        if user_id is None or operation not in OPERATIONS:
            return None
        key = f"{operation}-{asset}"
        try:
            await off_loop(
                set_fee_rule,
                app_deps().uow,
                user_id,
                operation,
                asset,
                percent=_text(form_data, "percent"),
                flat=_text(form_data, "flat"),
                minimum=_text(form_data, "minimum"),
                payer=_text(form_data, "payer") or None,
                settings=app_deps().settings,
            )
        except KryptonError as error:
            self.rule_errors = {key: error_key(error.code, error.details)}
            return None
        self.rule_errors = {}
        await self._reload()
        return rx.toast.success(translate((await self.get_state(I18n)).lang, "fee_schedule.saved"))


def _field(name: str, label: rx.Var, value: rx.Var, suffix: rx.Var | str, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.input(
            rx.input.slot(rx.text(suffix, size="1", color_scheme="gray"), side="right"),
            name=name,
            default_value=value,
            size="2",
            input_mode="decimal",
            width="100%",
            data_testid=test_id,
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )


def rule_item(row: rx.Var[FeeRuleRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(I18n.t[row.operation_key], weight="bold", size="3"),
            rx.badge(row.asset, variant="soft", radius="full"),
            rx.spacer(),
            rx.cond(
                row.set_by_operator,
                rx.badge(
                    I18n.t["fee_schedule.set_by_operator"], " · ", row.updated_at, color_scheme="blue", variant="soft"
                ),
                rx.badge(I18n.t["fee_schedule.starting_value"], color_scheme="gray", variant="soft"),
            ),
            spacing="2",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.text(row.summary, size="2", data_testid="fee-rule-summary"),
        rx.form(
            rx.el.input(type="hidden", name="operation", value=row.operation),
            rx.el.input(type="hidden", name="asset", value=row.asset),
            rx.grid(
                rx.cond(
                    row.has_percent,
                    _field("percent", I18n.t["fee_schedule.percent"], row.percent, "%", "fee-percent"),
                    rx.fragment(),
                ),
                _field("flat", I18n.t["fee_schedule.flat"], row.flat, row.asset, "fee-flat"),
                _field("minimum", I18n.t["fee_schedule.minimum"], row.minimum, row.asset, "fee-minimum"),
                rx.cond(
                    row.is_deal,
                    rx.vstack(
                        rx.text(I18n.t["fee_schedule.payer"], size="1", color_scheme="gray"),
                        rx.select.root(
                            rx.select.trigger(data_testid="fee-payer"),
                            rx.select.content(
                                *(
                                    rx.select.item(I18n.t[f"fee_schedule.payer.{payer}"], value=payer)
                                    for payer in PAYERS
                                )
                            ),
                            name="payer",
                            default_value=rx.cond(row.payer != "", row.payer, MAKER),
                        ),
                        spacing="1",
                    ),
                    rx.fragment(),
                ),
                rx.button(
                    rx.icon("save", size=15),
                    I18n.t["fee_schedule.save"],
                    type="submit",
                    data_testid="fee-save",
                    align_self="end",
                ),
                columns=rx.breakpoints(initial="1", sm="2", md="5"),
                spacing="2",
                width="100%",
                align_items="end",
            ),
            on_submit=FeesState.save_rule,
            reset_on_submit=False,
            width="100%",
        ),
        rx.cond(
            FeesState.rule_errors.contains(row.key),
            field_error(I18n.t[FeesState.rule_errors[row.key]]),
            rx.fragment(),
        ),
        spacing="2",
        width="100%",
        padding_y="14px",
        border_top=ROW_RULE,
        data_testid="fee-rule",
        data_rule=row.key,
        key=row.key,
    )


def change_item(row: rx.Var[FeeChangeRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(I18n.t[row.operation_key], " · ", row.asset, weight="medium", size="2"),
            rx.spacer(),
            rx.text(row.when, " · ", row.who, size="1", color_scheme="gray"),
            width="100%",
            wrap="wrap",
        ),
        rx.text(row.old, " → ", row.new, size="2", data_testid="fee-change-values"),
        spacing="1",
        width="100%",
        padding_y="10px",
        border_top=ROW_RULE,
        data_testid="fee-change",
        key=row.id,
    )


def fees_panel() -> rx.Component:
    """The tab's content; mounted when the tab opens, which loads it."""
    return rx.vstack(
        rx.cond(
            FeesState.fees_allowed,
            rx.vstack(
                rx.text(I18n.t["fee_schedule.schedule_note"], size="2", color_scheme="gray"),
                rx.vstack(rx.foreach(FeesState.rules, rule_item), spacing="0", width="100%"),
                rx.heading(I18n.t["fee_schedule.history"], size="4", margin_top="12px"),
                rx.cond(
                    FeesState.changes.length() > 0,
                    rx.vstack(rx.foreach(FeesState.changes, change_item), spacing="0", width="100%"),
                    empty_note(I18n.t["fee_schedule.no_changes"], "history"),
                ),
                width="100%",
                spacing="2",
            ),
            rx.cond(FeesState.fees_loaded, rx.text(I18n.t["operator.refused"], size="2"), rx.fragment()),
        ),
        on_mount=FeesState.load_fees,
        width="100%",
        padding_top="12px",
        data_testid="operator-fees",
    )
