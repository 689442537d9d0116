"""The withdraw section of /wallet: to a TON address, to Bitcoin, to a Lightning invoice.

Two steps: the form asks the services for a quote (destination checked, fee and total shown), then
Confirm makes the request with the idempotency key minted when the quote was shown, so a double
click or a retry cannot withdraw twice. Confirm sends what was quoted, not what the inputs say now.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.components.ui import card, card_title, field_error, form_error
from krypton_app.db import default_uow
from krypton_app.domain.catalog_data import ASSETS
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_key
from krypton_app.services import payouts, withdrawals
from krypton_app.services.rates import rate_provider_from_settings
from krypton_app.state.i18n import I18n
from krypton_app.state.live import LiveState
from krypton_app.state.views import amount_text, when

METHODS = ("ton", "bitcoin", "lightning")
# The inputs of each method's form, by name; their ids are `<method>_<name>` (reset after a request).
FIELDS = {"ton": ("address", "amount"), "bitcoin": ("address", "amount"), "lightning": ("invoice",)}
ASSET_CODES = [code for code, _name, _decimals in ASSETS]

_rates = rate_provider_from_settings(app_deps().settings)


def _field_of(code: str) -> str:
    """Which input an error code is about; "" for the form as a whole."""
    if code.startswith(("address_", "bitcoin_address_")):
        return "address"
    if code.startswith("invoice_"):
        return "invoice"
    if code in ("invalid_amount", "insufficient_funds"):
        return "amount"
    return ""


def _line(label_key: str, value: str, *, strong: bool = False) -> dict[str, str]:
    return {"label_key": label_key, "value": value, "strong": "1" if strong else ""}


def _ton_quote(user_id: int, values: dict[str, str]) -> list[dict[str, str]]:
    q = withdrawals.quote_ton_withdrawal(
        default_uow(),
        user_id,
        asset=values["asset"],
        address=values["address"],
        amount=values["amount"],
        settings=app_deps().settings,
    )
    return [
        _line("withdraw.to", q.destination_friendly),
        _line("withdraw.amount", amount_text(q.amount, q.decimals, q.asset)),
        _line("withdraw.network_fee", amount_text(q.fee, q.decimals, q.asset)),
        _line("withdraw.total", amount_text(q.total, q.decimals, q.asset), strong=True),
    ]


def _payout_lines(q: payouts.PayoutQuote) -> list[dict[str, str]]:
    return [
        _line("withdraw.amount", amount_text(q.amount, q.decimals, q.asset)),
        _line("withdraw.fee", amount_text(q.fee, q.decimals, q.asset)),
        _line("withdraw.total", amount_text(q.total, q.decimals, q.asset), strong=True),
        _line("withdraw.rate", f"1 {q.asset} ≈ {q.rate} BTC"),
    ]


def _bitcoin_quote(user_id: int, values: dict[str, str]) -> list[dict[str, str]]:
    q = payouts.quote_bitcoin_payout(
        default_uow(),
        user_id,
        asset=values["asset"],
        address=values["address"],
        amount=values["amount"],
        rates=_rates,
        settings=app_deps().settings,
    )
    return [
        _line("withdraw.to", q.destination),
        _line("withdraw.recipient_gets", f"{q.amount_sat:,} sat ({format_amount(q.amount_sat, 8)} BTC)"),
        *_payout_lines(q),
    ]


def _lightning_quote(user_id: int, values: dict[str, str]) -> list[dict[str, str]]:
    q = payouts.quote_lightning_payout(
        default_uow(),
        user_id,
        asset=values["asset"],
        invoice=values["invoice"],
        rates=_rates,
        settings=app_deps().settings,
        now=int(time.time()),
    )
    lines = [_line("withdraw.invoice_amount", f"{q.amount_sat:,} sat")]
    if q.description:
        lines.append(_line("withdraw.invoice_description", q.description))
    if q.expires_at is not None:
        lines.append(_line("withdraw.invoice_expires", when(q.expires_at)))
    return lines + _payout_lines(q)


def _ton_request(user_id: int, values: dict[str, str], key: str) -> None:
    withdrawals.request_ton_withdrawal(
        default_uow(),
        user_id,
        asset=values["asset"],
        address=values["address"],
        amount=values["amount"],
        idempotency_key=key,
        settings=app_deps().settings,
    )


def _bitcoin_request(user_id: int, values: dict[str, str], key: str) -> None:
    payouts.request_bitcoin_payout(
        default_uow(),
        user_id,
        asset=values["asset"],
        address=values["address"],
        amount=values["amount"],
        idempotency_key=key,
        rates=_rates,
        settings=app_deps().settings,
    )


def _lightning_request(user_id: int, values: dict[str, str], key: str) -> None:
    payouts.request_lightning_payout(
        default_uow(),
        user_id,
        asset=values["asset"],
        invoice=values["invoice"],
        idempotency_key=key,
        rates=_rates,
        settings=app_deps().settings,
        now=int(time.time()),
    )


QUOTES: dict[str, Callable[[int, dict[str, str]], list[dict[str, str]]]] = {
    "ton": _ton_quote,
    "bitcoin": _bitcoin_quote,
    "lightning": _lightning_quote,
}
REQUESTS: dict[str, Callable[[int, dict[str, str], str], None]] = {
    "ton": _ton_request,
    "bitcoin": _bitcoin_request,
    "lightning": _lightning_request,
}


class WithdrawState(LiveState):
    method: str = "ton"
    # The quote being reviewed: label key / value lines; empty while the form is edited.
    quote_lines: list[dict[str, str]] = []
    # input name -> catalog key of its error; "" key for the form as a whole
    field_errors: dict[str, str] = {}
    busy: bool = False

    # What the quote was made for, and the key its request will carry.
    _quoted: dict[str, str] = {}
    _idempotency_key: str = ""

    def _clear_quote(self) -> None:
        self.quote_lines = []
        self._quoted = {}
        self._idempotency_key = ""

    def _show_error(self, error: KryptonError) -> None:
        self.field_errors = {_field_of(error.code): error_key(error.code)}

    @rx.event
    def choose_method(self, method: str):
        if method in METHODS:
            self.method = method
        self._clear_quote()
        self.field_errors = {}

    @rx.event
    def edit(self):
        self._clear_quote()

    @rx.event
    def review(self, form_data: dict):
        user_id = self._verified_user_id()
        if user_id is None or self.method not in METHODS:
            return
        values = {name: str(form_data.get(name) or "").strip() for name in ("asset", *FIELDS[self.method])}
        if values["asset"] not in ASSET_CODES:
            values["asset"] = ASSET_CODES[0]
        self._clear_quote()
        try:
            lines = QUOTES[self.method](user_id, values)
        except KryptonError as error:
            self._show_error(error)
            return
        self.field_errors = {}
        self.quote_lines = lines
        self._quoted = values
        self._idempotency_key = f"ui-{self.method}-{uuid.uuid4().hex}"

    @rx.event
    async def confirm(self):
        user_id = self._verified_user_id()
        # A second click finds the key spent: the first one already made the request.
        if user_id is None or not self._idempotency_key:
            return
        method, values, key = self.method, self._quoted, self._idempotency_key
        self.busy = True
        yield
        try:
            REQUESTS[method](user_id, values, key)
        except KryptonError as error:
            self._clear_quote()
            self._show_error(error)
            return
        finally:
            self.busy = False
        self._clear_quote()
        self.field_errors = {}
        await self._after_own_change(user_id)
        yield [
            rx.toast.success(await self._text(f"withdraw.requested.{method}")),
            *(rx.set_value(f"{method}_{name}", "") for name in FIELDS[method]),
        ]


def _error_under(name: str) -> rx.Component:
    return rx.cond(
        WithdrawState.field_errors.contains(name),
        field_error(I18n.t[WithdrawState.field_errors[name]]),
        rx.fragment(),
    )


def _input(method: str, name: str, *, placeholder: str, input_mode: str = "text") -> rx.Component:
    has_error = WithdrawState.field_errors.contains(name)
    return rx.vstack(
        rx.el.label(rx.text(I18n.t[f"withdraw.field.{name}"], size="2", weight="medium"), html_for=f"{method}_{name}"),
        rx.input(
            id=f"{method}_{name}",
            name=name,
            placeholder=placeholder,
            input_mode=input_mode,
            auto_complete="off",
            spell_check=False,
            size="3",
            width="100%",
            read_only=WithdrawState.quote_lines.length() > 0,
            color_scheme=rx.cond(has_error, "red", "blue"),
            aria_invalid=rx.cond(has_error, "true", "false"),
        ),
        _error_under(name),
        spacing="1",
        width="100%",
        data_testid=f"withdraw-field-{name}",
    )


def _asset_select(method: str) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[f"withdraw.field.asset.{method}"], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", data_testid=f"{method}-asset"),
            rx.select.content(*(rx.select.item(code, value=code) for code in ASSET_CODES)),
            name="asset",
            default_value=ASSET_CODES[0],
            disabled=WithdrawState.quote_lines.length() > 0,
            size="3",
        ),
        spacing="1",
        width="100%",
    )


def quote_line(line: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(I18n.t[line["label_key"]], size="2", color_scheme="gray", white_space="nowrap"),
        rx.text(
            line["value"],
            size=rx.cond(line["strong"] != "", "3", "2"),
            weight=rx.cond(line["strong"] != "", "bold", "medium"),
            text_align="right",
            style={"word_break": "break-all", "font_variant_numeric": "tabular-nums"},
            min_width="0",
        ),
        justify="between",
        align="baseline",
        spacing="4",
        width="100%",
    )


def quote_panel() -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t["withdraw.review_title"], size="2", weight="bold"),
        rx.foreach(WithdrawState.quote_lines, quote_line),
        rx.hstack(
            rx.button(
                rx.icon("pencil", size=15),
                I18n.t["withdraw.edit"],
                type="button",
                on_click=WithdrawState.edit,
                variant="soft",
                color_scheme="gray",
                size="3",
                disabled=WithdrawState.busy,
            ),
            rx.button(
                rx.icon("check", size=16),
                I18n.t["withdraw.confirm"],
                type="button",
                on_click=WithdrawState.confirm,
                loading=WithdrawState.busy,
                size="3",
                flex="1",
                data_testid="withdraw-confirm",
            ),
            spacing="2",
            width="100%",
            margin_top="4px",
        ),
        spacing="2",
        width="100%",
        padding="14px",
        border_radius="14px",
        background=rx.color("accent", 2),
        border=f"1px solid {rx.color('accent', 5)}",
        data_testid="withdraw-quote",
    )


def method_form(method: str, *fields: rx.Component) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(I18n.t[f"withdraw.intro.{method}"], size="2", color_scheme="gray"),
            _asset_select(method),
            *fields,
            rx.cond(
                WithdrawState.field_errors.contains(""),
                form_error(I18n.t[WithdrawState.field_errors[""]], data_testid="withdraw-error"),
                rx.fragment(),
            ),
            rx.cond(
                WithdrawState.quote_lines.length() > 0,
                quote_panel(),
                rx.button(
                    I18n.t["withdraw.review"],
                    rx.icon("arrow-right", size=16),
                    type="submit",
                    size="3",
                    width="100%",
                    data_testid="withdraw-review",
                ),
            ),
            spacing="3",
            width="100%",
            margin_top="16px",
        ),
        on_submit=WithdrawState.review,
        reset_on_submit=False,
        # The server's rules and messages decide, not the browser's.
        no_validate=True,
        width="100%",
    )


def withdraw_card() -> rx.Component:
    return card(
        card_title("arrow-up-right", I18n.t["withdraw.title"], color="violet"),
        rx.tabs.root(
            rx.tabs.list(
                *(
                    rx.tabs.trigger(I18n.t[f"withdraw.method.{m}"], value=m, data_testid=f"withdraw-tab-{m}")
                    for m in METHODS
                ),
            ),
            rx.tabs.content(
                method_form(
                    "ton",
                    _input("ton", "address", placeholder="UQ… / EQ…"),
                    _input("ton", "amount", placeholder="0.00", input_mode="decimal"),
                ),
                value="ton",
            ),
            rx.tabs.content(
                method_form(
                    "bitcoin",
                    _input("bitcoin", "address", placeholder="bc1…"),
                    _input("bitcoin", "amount", placeholder="0.00", input_mode="decimal"),
                ),
                value="bitcoin",
            ),
            rx.tabs.content(
                method_form("lightning", _input("lightning", "invoice", placeholder="lnbc…")),
                value="lightning",
            ),
            value=WithdrawState.method,
            on_change=WithdrawState.choose_method,
            width="100%",
        ),
        data_testid="withdraw-card",
    )
