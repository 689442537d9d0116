"""The payer's state for /pay/[number] (the wizard) and /i/[number] (the direct page): the invoice, the
parts and their amounts, the started payment and its fiat quote.

Amounts are minor units in the services; the inputs carry decimal text, prefilled with an even split
(domain/invoices.even_split). Whether the invoice takes a payment, and whether the parts add up, is
the domain's and the services' to say; this state shows what they answer.

A fiat-priced invoice shows its price at today's rate; starting the payment fixes that rate for
KRYPTON_QUOTE_TTL_MIN minutes, counted down on the fund step. When the rate has moved (a start that no
longer adds up, a part funded after the quote) the page shows the new amount and says so; the payer
presses again to pay it, and the part is funded only at the amount the page showed.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import InsufficientFunds, KryptonError
from krypton_app.domain.invoices import (
    FLOATING,
    check_floating_total,
    check_split,
    even_split,
    normalise_number,
    payment_total,
)
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_key, error_texts
from krypton_app.i18n.formatting import amount_with_asset
from krypton_app.pages.pay import payment_step
from krypton_app.pages.pay.methods import method_from_query
from krypton_app.pages.pay.part_fiat import FiatPart
from krypton_app.pages.pay.part_lightning import LightningPart
from krypton_app.pages.pay.part_promise import PromisePart
from krypton_app.pages.pay.payment_step import PaymentStep
from krypton_app.services.invoice_rows import PayerInvoiceView
from krypton_app.services.invoices import get_payer_invoice
from krypton_app.services.ledger_reads import list_balances
from krypton_app.services.payment_quotes import amount_due
from krypton_app.services.payments import pay_from_balance, start_payment
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import PayerInvoiceRow, payer_invoice_row
from krypton_app.state.offload import off_loop

STEPS = ("parts", "amounts", "fund")


def _available_of(user_id: int, asset: str) -> int:
    """The payer's available balance in the invoice's asset: what a payment from the balance can use
    (paying an invoice has no fee)."""
    return next((b.available for b in list_balances(app_deps().uow, user_id) if b.asset == asset), 0)


def _new_key() -> str:
    return f"ui-pay-{uuid.uuid4().hex}"


class PayState(LightningPart, FiatPart, PromisePart, PaymentStep, AuthState):
    invoice: PayerInvoiceRow = PayerInvoiceRow()
    # catalog key: the invoice cannot be shown (not found) or cannot be paid (closed, expired)
    error: str = ""
    unavailable: str = ""
    step: str = "parts"
    max_parts: int = 1
    part_choices: list[str] = ["1"]
    parts: int = 1
    floating: bool = False
    # payer-chosen amount (floating) or the fixed amount in the asset, as decimal text
    amount: str = ""
    amounts: list[str] = []
    # slot (amount, parts, fund) -> its error in every language (i18n.error_texts)
    field_errors: dict[str, dict[str, str]] = {}
    # fiat-priced: the rate the price is shown at, and until when the payment's quote holds (ms, 0: none)
    rate: str = ""
    quote_minutes: str = str(app_deps().settings.quote_ttl_min)
    # the new amount to pay after the rate moved ("" when it did not)
    rate_updated: str = ""
    # the payer's available balance in the invoice's asset, "12.5 TON" ("" signed out)
    available: str = ""

    _decimals: int = 0
    # a floating invoice's minimum payment and what is left of its cap (minor units; None: none)
    _minimum: int | None = None
    _left: int | None = None
    _idempotency_key: str = ""

    # -- loading ----------------------------------------------------------------------------------

    def _reset(self) -> None:
        self.invoice = PayerInvoiceRow()
        self.error = ""
        self.unavailable = ""
        self.step = "parts"
        self.field_errors = {}
        self.payment = None
        self.payment_parts = []
        self.amounts = []
        self.rate = ""
        self.quote_deadline_ms = 0
        self.cancels_at = ""
        self.resumed = False
        self.rate_updated = ""
        self.available = ""
        self._idempotency_key = ""
        self._payment_id = 0
        self._part_amounts = {}
        self.part_methods = {}
        self.promise_codes = []
        self.balance_short = []
        self._fiat_reset()
        self.lightning_invoices = {}

    async def _read_invoice(self, user_id: int | None, number: str) -> PayerInvoiceView:
        deps = app_deps()
        return await off_loop(
            get_payer_invoice, deps.uow, user_id, number, now=payment_step.now(), settings=deps.settings
        )

    @rx.event
    async def load(self):
        self._reset()
        number = normalise_number(routes.last_segment(self.router.url.path))
        user_id = await self._user_id()
        try:
            view = await self._read_invoice(user_id, number)
        except KryptonError as error:
            # A private invoice of someone else reads exactly like a number that does not exist.
            self.error = error_key(error.code, error.details)
            return
        self.invoice = payer_invoice_row(view, (await self.get_state(I18n)).lang)
        self.unavailable = error_key(view.unavailable) if view.unavailable else ""
        self.max_parts = view.max_parts
        self.part_choices = [str(n) for n in range(1, view.max_parts + 1)]
        self.floating = view.kind == FLOATING
        self._decimals = view.decimals
        self._minimum, self._left = view.min_payment, view.cap_left
        if user_id is not None:
            await self._show_available(user_id)
        params = self.router.url.query_parameters
        self._first_method = method_from_query(params.get("method", ""))
        try:
            self.parts = min(max(int(params.get("parts", "1")), 1), view.max_parts)
        except ValueError:
            self.parts = 1
        if self.floating:
            self.amount = params.get("amount", "").strip()
        else:
            try:
                await self._price(view)
            except KryptonError as error:
                self.unavailable = error_key(error.code, error.details)
                return
        # The wizard only: the direct page's one press is a payment of its own, in one part.
        if user_id is not None and routes.is_pay_wizard(self.router.url.path):
            await self._resume(user_id, view.number)
            if self._payment_id:
                return await self._resume_arrivals(user_id)

    async def _price(self, view: PayerInvoiceView) -> bool:
        """A fixed invoice's amount in its asset, at today's rate when priced in fiat; True if it changed."""
        total, rate = await off_loop(amount_due, view, rates=app_deps().rates)
        amount = format_amount(total or 0, view.decimals)
        changed = amount != self.amount
        self.amount = amount
        self.invoice = replace(self.invoice, asset_amount=f"{amount} {view.asset}")
        self.rate = f"1 {view.asset} = {rate} {view.fiat_currency}" if rate else ""
        return changed

    async def _price_moved(self, user_id: int, error: KryptonError) -> bool:
        """After a start refused for its amount: a fiat price at today's rate, shown with the notice
        that the rate moved, and the parts split anew. False when the amount was refused for another
        reason (the error is then the payer's to see)."""
        if error.code != "payment_amount_invalid" or not self.rate:
            return False
        try:
            if not await self._price(await self._read_invoice(user_id, self.invoice.number)):
                return False
        except KryptonError:
            return False
        self.rate_updated = self.invoice.asset_amount
        self._split(payment_total(self.amount, self._decimals), max(len(self.amounts), 1))
        return True

    def _split(self, total: int, parts: int) -> None:
        """The amounts step prefilled with an even split, as a new payment (a new idempotency key)."""
        self.amounts = [format_amount(a, self._decimals) for a in even_split(total, parts)]
        self._idempotency_key = _new_key()

    async def _show_available(self, user_id: int) -> int:
        available = await off_loop(_available_of, user_id, self.invoice.asset)
        self._available_minor = available
        self._mark_short()
        # Every digit: the payer compares it with what the invoice asks.
        lang = (await self.get_state(I18n)).lang
        self.available = amount_with_asset(available, self._decimals, self.invoice.asset, lang, display=False)
        return available

    # -- step 1: parts (and the amount of a floating invoice) ---------------------------------------

    @rx.event
    async def fill_max(self):
        """A floating invoice's "Max": the whole available balance in its asset (the services still
        check the invoice's own limits when the payment starts). A read: any click count is the same."""
        user_id = await self._user_id()
        if user_id is None:
            return AuthState.require_login
        if not self.floating or not self.invoice.asset:
            return None
        available = await self._show_available(user_id)
        if available <= 0:
            refusal = InsufficientFunds(asset=self.invoice.asset, available=available, decimals=self._decimals)
            self.field_errors = {"amount": error_texts(refusal)}
            return None
        self.field_errors = {}
        self.amount = format_amount(available, self._decimals)
        return rx.set_value("pay_amount", self.amount)

    @rx.event
    def set_parts(self, value: str | list[str]):
        text = value if isinstance(value, str) else "".join(value[:1])
        if text.isdigit():
            self.parts = min(max(int(text), 1), self.max_parts)

    @rx.event
    def set_amount(self, value: str):
        self.amount = value.strip()

    @rx.event
    def to_amounts(self):
        try:
            total = payment_total(self.amount, self._decimals)
            if self.floating:
                limits = {"minimum": self._minimum, "left": self._left, "decimals": self._decimals}
                check_floating_total(total, **limits, asset=self.invoice.asset)
        except KryptonError as error:
            self.field_errors = {"amount": error_texts(error)}
            return
        self.field_errors = {}
        self._split(total, self.parts)
        self.step = "amounts"

    # -- step 2: the amount of each part ------------------------------------------------------------

    @rx.event
    def set_part_amount(self, index: int, value: str):
        if 0 <= index < len(self.amounts):
            self.amounts[index] = value.strip()
            # Other amounts make another payment: a retry of the old one must not be mistaken for it.
            self._idempotency_key = _new_key()

    @rx.event
    def back(self):
        self.field_errors = {}
        self.step = "parts"

    @rx.event
    async def start(self):
        user_id = await self._user_id()
        if user_id is None:
            return AuthState.require_login
        if not self._idempotency_key:
            return None
        try:
            check_split(self.amounts, self.amount, self._decimals)
        except KryptonError as error:
            self.field_errors = {"parts": error_texts(error)}
            return None
        deps = app_deps()
        try:
            view = await off_loop(
                start_payment,
                deps.uow,
                user_id,
                self.invoice.number,
                parts=list(self.amounts),
                idempotency_key=self._idempotency_key,
                settings=deps.settings,
                rates=deps.rates,
                now=payment_step.now(),
            )
        except KryptonError as error:
            if await self._price_moved(user_id, error):
                self.field_errors = {}
                self.step = "amounts"
                return None
            self.field_errors = {"parts": error_texts(error)}
            return None
        self.field_errors = {}
        self.rate_updated = ""
        self._show_payment(view, (await self.get_state(I18n)).lang)
        self.step = "fund"
        return None

    # -- the one-screen direct page -----------------------------------------------------------------

    @rx.event
    async def pay_now(self):
        """/i/[number]: one part from the balance, started and funded in one press (one use case)."""
        user_id = await self._user_id()
        if user_id is None:
            return AuthState.require_login
        if not self._idempotency_key:
            self._idempotency_key = _new_key()
        deps = app_deps()
        try:
            view = await off_loop(
                pay_from_balance,
                deps.uow,
                user_id,
                self.invoice.number,
                amount=self.amount,
                idempotency_key=self._idempotency_key,
                settings=deps.settings,
                rates=deps.rates,
                now=payment_step.now(),
            )
        except KryptonError as error:
            if await self._price_moved(user_id, error):
                self.field_errors = {}
                return None
            self.field_errors = {"amount": error_texts(error)}
            return None
        return rx.redirect(routes.payment(view.id))
