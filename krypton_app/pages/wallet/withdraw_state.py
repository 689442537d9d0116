"""The withdraw section's state: to a TON address, to Bitcoin, to a Lightning invoice.

Two steps: the form asks the services for a quote (destination checked, fee and total shown), then
Confirm makes the request with the idempotency key minted when the quote was shown, so a double
click or a retry cannot withdraw twice. Confirm sends what was quoted, not what the inputs say now.
Every rule (addresses, amounts, fees, the balance) is the services'; this state shows their answer.
The Bitcoin form's amount may be typed in BTC (AmountUnitMixin, withdraw_units.py): it is quoted and
requested as the asset amount it costs.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.domain.catalog_data import ASSETS
from krypton_app.domain.errors import InsufficientFunds, KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_texts
from krypton_app.i18n.formatting import format_full, format_number, unit
from krypton_app.pages.wallet.withdraw_units import ASSET, BTC, AmountUnitMixin, converted
from krypton_app.services import payout_quotes, payouts, withdrawals
from krypton_app.state.i18n import I18n
from krypton_app.state.live import LiveState
from krypton_app.state.offload import off_loop
from krypton_app.state.views import amount_text, when

METHODS = ("ton", "bitcoin", "lightning")
WITHDRAW_CARD_ID = "withdraw"  # the card's element id: `/wallet?withdraw=<method>` scrolls to it
# The inputs of each method's form, by name; their ids are `<method>_<name>` (reset after a request).
FIELDS = {"ton": ("address", "amount"), "bitcoin": ("address", "amount"), "lightning": ("invoice",)}
ASSET_CODES = [code for code, _name, _decimals in ASSETS]


@dataclass(frozen=True)
class QuoteLine:
    label_key: str
    value: str
    strong: bool = False  # the total


# Refusals about the typed amount (besides the parser's own amount_* codes): shown under the amount input.
AMOUNT_CODES = ("invalid_amount", "insufficient_funds", "payout_too_small", "withdrawal_below_minimum")


def _field_of(code: str, method: str) -> str:
    """Which input of `method`'s form an error code is about; "" for the form as a whole. An error
    about an input the form does not have (the balance of a Lightning payout, whose amount is the
    invoice's) goes to the form: shown under a missing input, it would not be shown at all."""
    field = ""
    if code.startswith(("address_", "bitcoin_address_")):
        field = "address"
    elif code.startswith(("invoice_", "lightning_invoice_")):
        field = "invoice"
    elif code.startswith("amount_") or code in AMOUNT_CODES:
        field = "amount"
    return field if field in FIELDS[method] else ""


def _ton_quote(user_id: int, values: dict[str, str], lang: str) -> tuple[list[QuoteLine], int]:
    deps = app_deps()
    q = withdrawals.quote_ton_withdrawal(
        deps.uow,
        user_id,
        asset=values["asset"],
        address=values["address"],
        amount=values["amount"],
        settings=deps.settings,
    )
    return [
        QuoteLine("withdraw.to", q.destination_friendly),
        QuoteLine("withdraw.amount", amount_text(q.amount, q.decimals, q.asset, lang, full=True)),
        QuoteLine("withdraw.network_fee", amount_text(q.fee, q.decimals, q.asset, lang, full=True)),
        QuoteLine("withdraw.total", amount_text(q.total, q.decimals, q.asset, lang, full=True), strong=True),
    ], q.fee


def _payout_lines(q: payout_quotes.PayoutQuote, lang: str) -> list[QuoteLine]:
    return [
        QuoteLine("withdraw.amount", amount_text(q.amount, q.decimals, q.asset, lang, full=True)),
        QuoteLine("withdraw.fee", amount_text(q.fee, q.decimals, q.asset, lang, full=True)),
        QuoteLine("withdraw.total", amount_text(q.total, q.decimals, q.asset, lang, full=True), strong=True),
        QuoteLine("withdraw.rate", f"1 {q.asset} ≈ {format_number(Decimal(q.rate), lang)} BTC"),
    ]


def _bitcoin_quote(user_id: int, values: dict[str, str], lang: str) -> tuple[list[QuoteLine], int]:
    deps = app_deps()
    q = payout_quotes.quote_bitcoin_payout(
        deps.uow,
        user_id,
        asset=values["asset"],
        address=values["address"],
        amount=values["amount"],
        rates=deps.rates,
        settings=deps.settings,
    )
    return [
        QuoteLine("withdraw.to", q.destination),
        QuoteLine(
            "withdraw.recipient_gets", f"{unit(lang, 'sat', q.amount_sat)} ({format_full(q.amount_sat, 8, lang)} BTC)"
        ),
        *_payout_lines(q, lang),
    ], q.fee


def _lightning_quote(user_id: int, values: dict[str, str], lang: str) -> tuple[list[QuoteLine], int]:
    deps = app_deps()
    q = payout_quotes.quote_lightning_payout(
        deps.uow,
        user_id,
        asset=values["asset"],
        invoice=values["invoice"],
        rates=deps.rates,
        settings=deps.settings,
        now=int(time.time()),
    )
    lines = [QuoteLine("withdraw.invoice_amount", unit(lang, "sat", q.amount_sat))]
    if q.description:
        lines.append(QuoteLine("withdraw.invoice_description", q.description))
    if q.expires_at is not None:
        lines.append(QuoteLine("withdraw.invoice_expires", when(q.expires_at, lang)))
    return lines + _payout_lines(q, lang), q.fee


def _ton_request(user_id: int, values: dict[str, str], key: str) -> None:
    deps = app_deps()
    withdrawals.request_ton_withdrawal(
        deps.uow,
        user_id,
        asset=values["asset"],
        address=values["address"],
        amount=values["amount"],
        idempotency_key=key,
        settings=deps.settings,
        quoted_fee=int(values["fee"]),
    )


def _bitcoin_request(user_id: int, values: dict[str, str], key: str) -> None:
    deps = app_deps()
    payouts.request_bitcoin_payout(
        deps.uow,
        user_id,
        asset=values["asset"],
        address=values["address"],
        amount=values["amount"],
        idempotency_key=key,
        rates=deps.rates,
        settings=deps.settings,
        provider=deps.payouts,
        quoted_fee=int(values["fee"]),
    )


def _lightning_request(user_id: int, values: dict[str, str], key: str) -> None:
    deps = app_deps()
    payouts.request_lightning_payout(
        deps.uow,
        user_id,
        asset=values["asset"],
        invoice=values["invoice"],
        idempotency_key=key,
        rates=deps.rates,
        settings=deps.settings,
        now=int(time.time()),
        provider=deps.lightning_payouts,
        quoted_fee=int(values["fee"]),
    )


def _max_amount(method: str, user_id: int, asset: str) -> str:
    """The "Max" button's amount as decimal text: the service's available balance less its fee."""
    deps = app_deps()
    if method == "bitcoin":
        top = payout_quotes.max_bitcoin_payout(deps.uow, user_id, asset=asset, settings=deps.settings)
    else:
        top = withdrawals.max_ton_withdrawal(deps.uow, user_id, asset=asset, settings=deps.settings)
    if top.amount <= 0:
        numbers = {"asset": asset, "available": top.available, "decimals": top.decimals}
        raise InsufficientFunds(f"{asset} available {top.available}, fee {top.fee}", **numbers)
    return format_amount(top.amount, top.decimals)


# Each returns the quote's lines and its fee: the request carries that fee, and is refused if it changed.
QUOTES: dict[str, Callable[[int, dict[str, str], str], tuple[list[QuoteLine], int]]] = {
    "ton": _ton_quote,
    "bitcoin": _bitcoin_quote,
    "lightning": _lightning_quote,
}


def _requested_key(method: str) -> str:
    """The toast after a request: a Lightning payout the platform's node pays says so, not "an operator"."""
    if method == "lightning" and app_deps().lightning_payouts.name == "lightning_node":
        return "withdraw.requested.lightning_node"
    return f"withdraw.requested.{method}"


REQUESTS: dict[str, Callable[[int, dict[str, str], str], None]] = {
    "ton": _ton_request,
    "bitcoin": _bitcoin_request,
    "lightning": _lightning_request,
}


class WithdrawState(AmountUnitMixin, LiveState):
    method: str = "ton"
    # The asset the TON or Bitcoin form spends: its available balance is shown by the amount.
    asset: str = ASSET_CODES[0]
    # The quote being reviewed; empty while the form is edited.
    quote_lines: list[QuoteLine] = []
    # input name -> its error in every language (i18n.error_texts); "" key for the form as a whole
    field_errors: dict[str, dict[str, str]] = {}
    busy: bool = False

    # What the quote was made for, and the key its request will carry.
    _quoted: dict[str, str] = {}
    _idempotency_key: str = ""

    def _clear_quote(self) -> None:
        self.quote_lines = []
        self._quoted = {}
        self._idempotency_key = ""

    def _show_error(self, error: KryptonError) -> None:
        self.field_errors = {_field_of(error.code, self.method): error_texts(error)}

    @rx.var
    def available(self) -> str:
        """The chosen asset's available balance, "12.5 TON", from the balances the live page keeps: every
        digit, as it sits beside the amount being typed."""
        row = next((b for b in self.balances if b.asset == self.asset), None)
        return row.available_full if row else ""

    @rx.event
    def choose_method(self, method: str):
        self._switch(method)

    def _switch(self, method: str) -> None:
        if method in METHODS:
            self.method = method
        # Each tab's form starts on the first asset: keep the balance shown for the one it shows.
        self.asset = ASSET_CODES[0]
        self._reset_unit()
        self._clear_quote()
        self.field_errors = {}

    @rx.event
    async def choose_asset(self, asset: str):
        if asset in ASSET_CODES:
            self.asset = asset
        self._clear_quote()
        self.field_errors = {}
        # The same typed amount is worth another sum in the other unit.
        await self._show_equivalent(self._typed)

    @rx.event
    async def fill_max(self):
        """Put the most that can be sent (available less the fee, as the services price it) in the
        amount input. A read: any click count gives the same answer."""
        user_id = await self._user_id()
        if user_id is None or "amount" not in FIELDS.get(self.method, ()):
            return
        method = self.method
        try:
            text = await off_loop(_max_amount, method, user_id, self.asset)
        except KryptonError as error:
            self._show_error(error)
            return
        if method == "bitcoin" and self.unit == BTC:
            # Rounded down to the satoshi: its BTC, quoted back, costs no more than the maximum.
            text = await off_loop(converted, ASSET, self.asset, text)
        self.field_errors = {}
        await self._show_equivalent(text)
        return rx.set_value(f"{method}_amount", text)

    @rx.event
    def edit(self):
        self._clear_quote()

    @rx.event
    async def review(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None or self.method not in METHODS:
            return
        values = {name: str(form_data.get(name) or "").strip() for name in ("asset", *FIELDS[self.method])}
        if values["asset"] not in ASSET_CODES:
            values["asset"] = ASSET_CODES[0]
        self._clear_quote()
        try:
            if self.method == "bitcoin":
                values["amount"] = await self._quoted_amount(values["asset"], values["amount"])
            lines, fee = await off_loop(QUOTES[self.method], user_id, values, (await self.get_state(I18n)).lang)
        except KryptonError as error:
            self._show_error(error)
            return
        self.field_errors = {}
        self.quote_lines = lines
        self._quoted = values | {"fee": str(fee)}
        self._idempotency_key = f"ui-{self.method}-{uuid.uuid4().hex}"

    @rx.event
    async def confirm(self):
        user_id = await self._user_id()
        # A second click finds the key spent: the first one already made the request.
        if user_id is None or not self._idempotency_key:
            return
        method, values, key = self.method, self._quoted, self._idempotency_key
        self.busy = True
        yield
        try:
            await off_loop(REQUESTS[method], user_id, values, key)
        except KryptonError as error:
            self._clear_quote()
            self._show_error(error)
            return
        finally:
            self.busy = False
        self._clear_quote()
        self.field_errors = {}
        self.equivalent, self._typed = "", ""
        await self._after_own_change(user_id)
        yield [
            rx.toast.success(await self._text(_requested_key(method))),
            *(rx.set_value(f"{method}_{name}", "") for name in FIELDS[method]),
        ]
