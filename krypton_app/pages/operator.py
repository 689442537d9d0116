"""/operator: the operator's console: Bitcoin / Lightning payout queue, deposits that matched no
user, open deal disputes (each opens the deal page, where the operator reads and decides), and
the ledger invariants. The page shows nothing to other users; the services refuse them
too (every call names the operator, and a non-operator gets Forbidden)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.ui import (
    card,
    card_title,
    copy_value,
    empty_note,
    field_error,
    loading_note,
    page_heading,
    status_chip,
)
from krypton_app.db import default_uow
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_key, translate
from krypton_app.services.disputes import DisputeView, list_open_disputes
from krypton_app.services.ledger import check_invariants
from krypton_app.services.operator import (
    credit_unmatched_deposit,
    list_unmatched_deposits,
    mark_unmatched_returned,
)
from krypton_app.services.payouts import list_payout_queue, mark_payout_paid, reject_payout
from krypton_app.services.users import get_user
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.views import amount_text, payout_row, unmatched_row, when

TABS = ("payouts", "deposits", "disputes", "invariants")


def dispute_item_row(d: DisputeView) -> dict[str, str]:
    deal = d.deal
    return {
        "id": str(deal.id),
        "href": routes.deal_detail(deal.id),
        "amount": amount_text(deal.amount, deal.decimals, deal.asset),
        "fiat": f"{format_amount(deal.fiat_amount, 2, trim=False)} {deal.fiat}",
        "opened_by_key": f"dispute.opened_by.{d.opener}",
        "when": when(d.created_at),
        "statements": f"{int(d.seller_wrote) + int(d.buyer_wrote)}/2",
    }


def _form_id(form_data: dict, name: str) -> int | None:
    try:
        return int(str(form_data.get(name) or ""))
    except ValueError:
        return None


class OperatorState(AuthState):
    loaded: bool = False
    allowed: bool = False
    tab: str = "payouts"
    payouts: list[dict[str, str]] = []
    deposits: list[dict[str, str]] = []
    disputes: list[dict[str, str]] = []
    # row key (`payout-3`, `deposit-5`) -> catalog key of the error of its last action
    row_errors: dict[str, str] = {}
    invariants_ok: bool = False
    invariants_checked: bool = False
    invariant_counts: dict[str, str] = {}
    violations: list[str] = []
    checked_at: str = ""

    def _operator_id(self) -> int | None:
        """The verified user, if (still) an operator; the services check the role again."""
        user_id = self._verified_user_id()
        user = get_user(default_uow(), user_id) if user_id is not None else None
        return user.id if user is not None and user.is_operator else None

    def _load_queues(self, operator_id: int) -> None:
        uow = default_uow()
        self.payouts = [payout_row(p) for p in list_payout_queue(uow, operator_id)]
        self.deposits = [unmatched_row(d) for d in list_unmatched_deposits(uow, operator_id)]
        self.disputes = [dispute_item_row(d) for d in list_open_disputes(uow, operator_id)]

    async def _check(self) -> None:
        report = await asyncio.to_thread(check_invariants, default_uow())
        self.invariants_ok = report.ok
        self.invariants_checked = True
        self.violations = list(report.violations)
        self.invariant_counts = {
            "transactions": f"{report.transactions:,}",
            "postings": f"{report.postings:,}",
            "accounts": f"{report.accounts:,}",
        }
        self.checked_at = when(datetime.now(UTC))

    def _failed(self, row_key: str, error: KryptonError) -> None:
        self.row_errors = {row_key: error_key(error.code)}

    async def _done(self, operator_id: int, message_key: str):
        self.row_errors = {}
        self._load_queues(operator_id)
        await self._check()
        i18n = await self.get_state(I18n)
        return rx.toast.success(translate(i18n.lang, message_key))

    @rx.event
    async def load(self):
        operator_id = self._operator_id()
        self.allowed = operator_id is not None
        self.row_errors = {}
        if operator_id is not None:
            self._load_queues(operator_id)
            await self._check()
        self.loaded = True

    @rx.event
    def choose_tab(self, tab: str):
        self.tab = tab if tab in TABS else TABS[0]

    @rx.event
    async def refresh(self):
        operator_id = self._operator_id()
        if operator_id is None:
            self.allowed = False
            return
        self._load_queues(operator_id)
        await self._check()

    @rx.event
    async def mark_paid(self, form_data: dict):
        operator_id, payout_id = self._operator_id(), _form_id(form_data, "payout_id")
        if operator_id is None or payout_id is None:
            return None
        try:
            mark_payout_paid(
                default_uow(), operator_id, payout_id, reference=str(form_data.get("reference") or "").strip()
            )
        except KryptonError as error:
            self._failed(f"payout-{payout_id}", error)
            return None
        return await self._done(operator_id, "operator.payout_paid")

    @rx.event
    async def reject(self, form_data: dict):
        operator_id, payout_id = self._operator_id(), _form_id(form_data, "payout_id")
        if operator_id is None or payout_id is None:
            return None
        try:
            reject_payout(default_uow(), operator_id, payout_id, reason=str(form_data.get("reason") or "").strip())
        except KryptonError as error:
            self._failed(f"payout-{payout_id}", error)
            return None
        return await self._done(operator_id, "operator.payout_rejected")

    @rx.event
    async def credit(self, form_data: dict):
        operator_id, deposit_id = self._operator_id(), _form_id(form_data, "deposit_id")
        if operator_id is None or deposit_id is None:
            return None
        try:
            credit_unmatched_deposit(
                default_uow(),
                operator_id,
                deposit_id,
                user_ref=str(form_data.get("user_ref") or "").strip(),
            )
        except KryptonError as error:
            self._failed(f"deposit-{deposit_id}", error)
            return None
        return await self._done(operator_id, "operator.deposit_credited")

    @rx.event
    async def mark_returned(self, deposit_id: str):
        operator_id = self._operator_id()
        if operator_id is None or not deposit_id.isdigit():
            return None
        try:
            mark_unmatched_returned(default_uow(), operator_id, int(deposit_id))
        except KryptonError as error:
            self._failed(f"deposit-{deposit_id}", error)
            return None
        return await self._done(operator_id, "operator.deposit_returned")


def _row_error(row_key: rx.Var) -> rx.Component:
    return rx.cond(
        OperatorState.row_errors.contains(row_key),
        field_error(I18n.t[OperatorState.row_errors[row_key]]),
        rx.fragment(),
    )


def _inline_form(on_submit, hidden: dict[str, rx.Var], field: str, placeholder: rx.Var, button: rx.Component):
    return rx.form(
        rx.hstack(
            *(rx.el.input(type="hidden", name=name, value=value) for name, value in hidden.items()),
            rx.input(name=field, placeholder=placeholder, size="2", flex="1", min_width="0"),
            button,
            spacing="2",
            width="100%",
        ),
        on_submit=on_submit,
        # A refused reference stays for correcting; a decided row leaves the list.
        reset_on_submit=False,
        width="100%",
    )


def payout_item(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(I18n.t[row["method_key"]], color_scheme="violet", variant="soft", radius="full"),
            rx.text("#", row["id"], size="2", color_scheme="gray"),
            rx.spacer(),
            rx.text(row["detail"], size="4", weight="bold", style={"font_variant_numeric": "tabular-nums"}),
            spacing="2",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        copy_value(
            I18n.t["operator.destination"],
            row["destination"],
            copied=I18n.t["common.copied"],
            copy_label=I18n.t["common.copy"],
            test_id="payout-destination",
        ),
        rx.text(
            I18n.t["operator.charged"],
            ": ",
            row["amount"],
            " + ",
            row["fee"],
            " · ",
            row["when"],
            size="1",
            color_scheme="gray",
        ),
        rx.grid(
            _inline_form(
                OperatorState.mark_paid,
                {"payout_id": row["id"]},
                "reference",
                I18n.t["operator.reference_placeholder"],
                rx.button(
                    rx.icon("check", size=15),
                    I18n.t["operator.mark_paid"],
                    color_scheme="green",
                    type="submit",
                    data_testid="payout-mark-paid",
                ),
            ),
            _inline_form(
                OperatorState.reject,
                {"payout_id": row["id"]},
                "reason",
                I18n.t["operator.reason_placeholder"],
                rx.button(
                    rx.icon("x", size=15),
                    I18n.t["operator.reject"],
                    color_scheme="red",
                    variant="soft",
                    type="submit",
                    data_testid="payout-reject",
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="2",
            width="100%",
        ),
        _row_error(row["key"]),
        spacing="3",
        width="100%",
        padding_y="16px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="payout-item",
        # Keyed by payout, so text typed for one payout never stays on the next after it leaves.
        key=row["key"],
    )


def deposit_item(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row["amount"], size="4", weight="bold"),
            status_chip(I18n.t[row["status_key"]], row["status_color"]),
            rx.spacer(),
            rx.text(row["when"], size="1", color_scheme="gray"),
            spacing="2",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.text(I18n.t["operator.sender"], ": ", rx.code(row["sender_short"], variant="ghost"), size="2"),
        rx.text(
            I18n.t["operator.comment"],
            ": ",
            rx.cond(row["comment"] != "", rx.code(row["comment"], variant="ghost"), "—"),
            size="2",
            style={"word_break": "break-all"},
        ),
        rx.text(I18n.t["operator.tx"], ": ", rx.code(row["tx_hash"], variant="ghost"), size="1", color_scheme="gray"),
        rx.grid(
            _inline_form(
                OperatorState.credit,
                {"deposit_id": row["id"]},
                "user_ref",
                I18n.t["operator.user_ref_placeholder"],
                rx.button(
                    rx.icon("user-check", size=15),
                    I18n.t["operator.credit"],
                    type="submit",
                    data_testid="deposit-credit",
                ),
            ),
            rx.button(
                rx.icon("undo-2", size=15),
                I18n.t["operator.mark_returned"],
                on_click=OperatorState.mark_returned(row["id"]),
                variant="soft",
                color_scheme="gray",
                data_testid="deposit-returned",
            ),
            columns=rx.breakpoints(initial="1", md="1fr auto"),
            spacing="2",
            width="100%",
        ),
        _row_error(row["key"]),
        spacing="2",
        width="100%",
        padding_y="16px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="deposit-item",
        key=row["key"],
    )


def count_tile(key: str) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[f"operator.count.{key}"], size="1", color_scheme="gray"),
        rx.text(OperatorState.invariant_counts[key], size="5", weight="bold", data_testid=f"count-{key}"),
        spacing="0",
        padding="12px 16px",
        border_radius="14px",
        background=rx.color("gray", 3),
        min_width="120px",
    )


def invariants_panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.cond(
                OperatorState.invariants_ok,
                rx.badge(
                    rx.icon("shield-check", size=16),
                    I18n.t["operator.invariants_ok"],
                    color_scheme="green",
                    size="3",
                    radius="full",
                    data_testid="invariants-status",
                ),
                rx.badge(
                    rx.icon("shield-alert", size=16),
                    I18n.t["operator.invariants_broken"],
                    color_scheme="red",
                    size="3",
                    radius="full",
                    data_testid="invariants-status",
                ),
            ),
            rx.text(I18n.t["operator.checked_at"], " ", OperatorState.checked_at, size="1", color_scheme="gray"),
            rx.spacer(),
            rx.button(
                rx.icon("refresh-cw", size=15),
                I18n.t["operator.refresh"],
                on_click=OperatorState.refresh,
                variant="soft",
                data_testid="invariants-refresh",
            ),
            spacing="3",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.hstack(*(count_tile(k) for k in ("transactions", "postings", "accounts")), spacing="3", wrap="wrap"),
        rx.text(I18n.t["operator.invariants_hint"], size="2", color_scheme="gray"),
        rx.cond(
            OperatorState.violations.length() > 0,
            rx.vstack(
                rx.foreach(
                    OperatorState.violations,
                    lambda v: rx.callout(v, icon="triangle-alert", color_scheme="red", size="1", width="100%"),
                ),
                spacing="2",
                width="100%",
            ),
            rx.fragment(),
        ),
        spacing="4",
        width="100%",
        padding_top="16px",
    )


def dispute_item(row: rx.Var) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.code("#", row["id"], size="2", variant="soft"),
                    rx.badge(I18n.t[row["opened_by_key"]], variant="soft", color_scheme="red", size="1"),
                    spacing="2",
                ),
                rx.text(
                    row["when"],
                    " · ",
                    I18n.t["operator.statements"],
                    " ",
                    row["statements"],
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.vstack(
                rx.text(row["amount"], size="3", weight="bold"),
                rx.text(row["fiat"], size="1", color_scheme="gray"),
                spacing="0",
                align="end",
            ),
            rx.icon("chevron-right", size=16),
            align="center",
            width="100%",
        ),
        href=row["href"],
        underline="none",
        color=rx.color("gray", 12),
        width="100%",
        padding_y="12px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="dispute-item",
    )


def console() -> rx.Component:
    def trigger(tab: str, count: rx.Var | None = None) -> rx.Component:
        label = [I18n.t[f"operator.tab.{tab}"]]
        if count is not None:
            label.append(
                rx.badge(
                    count,
                    variant="solid",
                    color_scheme=rx.cond(count > 0, "blue", "gray"),
                    radius="full",
                    size="1",
                    margin_left="6px",
                )
            )
        return rx.tabs.trigger(*label, value=tab, data_testid=f"operator-tab-{tab}")

    return card(
        rx.tabs.root(
            rx.tabs.list(
                trigger("payouts", OperatorState.payouts.length()),
                trigger("deposits", OperatorState.deposits.length()),
                trigger("disputes", OperatorState.disputes.length()),
                trigger("invariants"),
                # Three labels do not fit a phone's width: they wrap rather than scroll out of sight.
                flex_wrap="wrap",
            ),
            rx.tabs.content(
                rx.cond(
                    OperatorState.payouts.length() > 0,
                    rx.vstack(rx.foreach(OperatorState.payouts, payout_item), spacing="0", width="100%"),
                    empty_note(I18n.t["operator.no_payouts"], "circle-check"),
                ),
                value="payouts",
            ),
            rx.tabs.content(
                rx.cond(
                    OperatorState.deposits.length() > 0,
                    rx.vstack(rx.foreach(OperatorState.deposits, deposit_item), spacing="0", width="100%"),
                    empty_note(I18n.t["operator.no_deposits"], "circle-check"),
                ),
                value="deposits",
            ),
            rx.tabs.content(
                rx.cond(
                    OperatorState.disputes.length() > 0,
                    rx.vstack(rx.foreach(OperatorState.disputes, dispute_item), spacing="0", width="100%"),
                    empty_note(I18n.t["operator.no_disputes"], "circle-check"),
                ),
                value="disputes",
            ),
            rx.tabs.content(invariants_panel(), value="invariants"),
            value=OperatorState.tab,
            on_change=OperatorState.choose_tab,
            width="100%",
        ),
        data_testid="operator-console",
    )


def refused() -> rx.Component:
    return card(
        card_title("shield-x", I18n.t["operator.refused_title"], color="red"),
        rx.text(I18n.t["operator.refused"], size="2", color_scheme="gray"),
        data_testid="operator-refused",
        max_width="640px",
    )


@template(route=routes.OPERATOR, title="Operator", on_load=[OperatorState.load])
def operator() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["operator.title"], I18n.t["operator.subtitle"]),
        rx.cond(
            OperatorState.loaded,
            rx.cond(OperatorState.allowed, console(), refused()),
            loading_note(I18n.t["operator.loading"]),
        ),
        width="100%",
    )
