"""The operator console's state. Who is an operator is the services' answer (services/roles.py, at
every call): the console view is Forbidden to anyone else, and so is every action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import Forbidden, KryptonError
from krypton_app.i18n import error_key, translate
from krypton_app.i18n.formatting import amount_with_asset, format_number
from krypton_app.services.operator import credit_unmatched_deposit, dismiss_unmatched_deposit, mark_unmatched_returned
from krypton_app.services.operator_console import OperatorConsole, operator_console
from krypton_app.services.payout_queue import mark_payout_paid, reject_payout
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.views import (
    DisputeQueueRow,
    UnmatchedDepositRow,
    WithdrawalRow,
    dispute_queue_row,
    payout_row,
    unmatched_row,
    when,
)

TABS = (
    "payouts",
    "deposits",
    "disputes",
    "chats",
    "invariants",
    "fees",
    "sweeps",
    "users",
    "reconciliation",
    "audit",
)


@dataclass(frozen=True)
class CalledChatRow:
    """A payment chat a side called an operator to: it opens the chat, where the operator reads and writes."""

    payment_id: int
    invoice: str
    when: str
    href: str


@dataclass(frozen=True)
class InvariantCounts:
    transactions: str = ""
    postings: str = ""
    accounts: str = ""


@dataclass(frozen=True)
class LiquidityRow:
    asset: str = ""
    amount: str = ""  # signed, formatted with its asset


def _row_id(value: object) -> int | None:
    """A row id as the browser sends it (a number, or digits in a form field); None for anything else."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _form_id(form_data: dict, name: str) -> int | None:
    return _row_id(form_data.get(name))


def _form_text(form_data: dict, name: str) -> str:
    return str(form_data.get(name) or "").strip()


class OperatorState(AuthState):
    loaded: bool = False
    allowed: bool = False
    tab: str = "payouts"
    payouts: list[WithdrawalRow] = []
    deposits: list[UnmatchedDepositRow] = []
    disputes: list[DisputeQueueRow] = []
    chats: list[CalledChatRow] = []
    # row key (`payout-3`, `deposit-5`) -> catalog key of the error of its last action
    row_errors: dict[str, str] = {}
    invariants_ok: bool = False
    invariants_checked: bool = False
    invariant_counts: InvariantCounts = InvariantCounts()
    violations: list[str] = []
    checked_at: str = ""
    lightning_liquidity: list[LiquidityRow] = []
    node_payouts: list[WithdrawalRow] = []

    def _show(self, console: OperatorConsole | None, lang: str) -> None:
        """The console as the service returned it; None (not, or no longer, an operator) keeps nothing."""
        self.allowed = console is not None
        if console is None:
            self.payouts, self.deposits, self.disputes, self.chats, self.violations = [], [], [], [], []
            self.invariants_ok, self.invariants_checked = False, False
            self.invariant_counts, self.checked_at = InvariantCounts(), ""
            self.lightning_liquidity, self.node_payouts = [], []
            return
        self.payouts = [payout_row(p, lang) for p in console.payouts]
        self.deposits = [unmatched_row(d, lang) for d in console.deposits]
        self.disputes = [dispute_queue_row(d, lang) for d in console.disputes]
        self.chats = [
            CalledChatRow(c.payment_id, c.invoice_number, when(c.called_at, lang), routes.payment_chat(c.payment_id))
            for c in console.payment_chats
        ]
        report = console.invariants
        self.invariants_ok = report.ok
        self.invariants_checked = True
        self.violations = list(report.violations)
        self.invariant_counts = InvariantCounts(
            transactions=format_number(report.transactions, lang),
            postings=format_number(report.postings, lang),
            accounts=format_number(report.accounts, lang),
        )
        self.checked_at = when(console.checked_at, lang)
        self.lightning_liquidity = [
            LiquidityRow(row.asset, amount_with_asset(row.balance, row.decimals, row.asset, lang, display=False))
            for row in console.lightning_liquidity
        ]
        self.node_payouts = [payout_row(p, lang) for p in console.node_payouts]

    async def _reload(self) -> None:
        user_id = await self._user_id()
        try:
            console = None if user_id is None else await off_loop(operator_console, app_deps().uow, user_id)
        except Forbidden:
            console = None
        self._show(console, (await self.get_state(I18n)).lang)

    async def _act(self, row_key: str, done_key: str, action: Callable, *args, **kwargs):
        """One decision on one row (the service checks the role and the row's state); then the console
        again, fresh, with a toast; or the refusal under that row."""
        user_id = await self._user_id()
        if user_id is None:
            return None
        try:
            await off_loop(action, app_deps().uow, user_id, *args, **kwargs)
        except KryptonError as error:
            self.row_errors = {row_key: error_key(error.code, error.details)}
            return None
        self.row_errors = {}
        await self._reload()
        return rx.toast.success(await self._text(done_key))

    async def _text(self, key: str) -> str:
        return translate((await self.get_state(I18n)).lang, key)

    @rx.event
    async def load(self):
        self.row_errors = {}
        await self._reload()
        self.loaded = True

    @rx.event
    def choose_tab(self, tab: str):
        self.tab = tab if tab in TABS else TABS[0]

    @rx.event
    async def refresh(self):
        await self._reload()

    @rx.event
    async def mark_paid(self, form_data: dict):
        payout_id = _form_id(form_data, "payout_id")
        if payout_id is None:
            return None
        reference = _form_text(form_data, "reference")
        return await self._act(
            f"payout-{payout_id}", "operator.payout_paid", mark_payout_paid, payout_id, reference=reference
        )

    @rx.event
    async def reject(self, form_data: dict):
        payout_id = _form_id(form_data, "payout_id")
        if payout_id is None:
            return None
        reason = _form_text(form_data, "reason")
        return await self._act(
            f"payout-{payout_id}", "operator.payout_rejected", reject_payout, payout_id, reason=reason
        )

    @rx.event
    async def credit(self, form_data: dict):
        deposit_id = _form_id(form_data, "deposit_id")
        if deposit_id is None:
            return None
        user_ref = _form_text(form_data, "user_ref")
        return await self._act(
            f"deposit-{deposit_id}",
            "operator.deposit_credited",
            credit_unmatched_deposit,
            deposit_id,
            user_ref=user_ref,
        )

    @rx.event
    async def mark_returned(self, deposit_id: int | str):
        row_id = _row_id(deposit_id)
        if row_id is None:
            return None
        return await self._act(f"deposit-{row_id}", "operator.deposit_returned", mark_unmatched_returned, row_id)

    @rx.event
    async def dismiss(self, deposit_id: int | str):
        row_id = _row_id(deposit_id)
        if row_id is None:
            return None
        return await self._act(f"deposit-{row_id}", "operator.deposit_dismissed", dismiss_unmatched_deposit, row_id)
