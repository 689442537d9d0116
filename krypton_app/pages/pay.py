"""Paying an invoice (SPEC F5): /pay asks for a number; /pay/[number] is the step-by-step wizard
(how many parts → the amount of each → fund each part from the balance); /i/[number] (pages/direct.py)
is the one-screen version with the same state. A completed payment goes to its result page.

Amounts are minor units in the services; the inputs carry decimal text, prefilled with an even split
that adds up exactly (the first parts take the remainder's minor units).

A fiat-priced invoice shows its price at today's rate; starting the payment fixes that rate for
KRYPTON_QUOTE_TTL_MIN minutes, counted down on the fund step. When the rate has moved (a start that no
longer adds up, a part funded after the quote) the page shows the new amount and says so; the payer
presses again to pay it, and the part is funded only at the amount the page showed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.countdown import countdown
from krypton_app.components.layout import template
from krypton_app.components.ui import card, card_title, field_error, form_error, loading_note, page_heading, status_chip
from krypton_app.db import default_uow
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.invoices import QuoteRenewed, normalise_number
from krypton_app.domain.money import format_amount, to_minor
from krypton_app.i18n import error_key
from krypton_app.services.invoices import PayerInvoiceView, get_payer_invoice
from krypton_app.services.payment_quotes import amount_due
from krypton_app.services.payments import (
    PaymentView,
    cancel_payment,
    fund_part_from_balance,
    get_payment,
    start_payment,
)
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import part_row, payer_invoice_row, payment_row
from krypton_app.state.views import amount_text

STEPS = ("parts", "amounts", "fund")


def _now() -> datetime:
    return datetime.now(UTC)


def even_split(total: int, parts: int) -> list[int]:
    """`total` in `parts` amounts that differ by at most one minor unit and add up to `total` exactly."""
    base, rest = divmod(total, parts)
    return [base + 1 if i < rest else base for i in range(parts)]


def unavailable_key(view: PayerInvoiceView) -> str:
    """Why an invoice takes no payment now, as a catalog key; "" when it is open."""
    if view.status == "expired":
        return "error.invoice_expired"
    if view.status != "open":
        return "error.invoice_limit_reached" if view.close_reason == "limit_reached" else "error.invoice_closed"
    return ""


class PayState(AuthState):
    invoice: dict[str, str] = {}
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
    field_errors: dict[str, str] = {}
    payment: dict[str, str] = {}
    payment_parts: list[dict[str, str]] = []
    busy: str = ""
    # fiat-priced: the rate the price is shown at, and until when the payment's quote holds (ms, 0: none)
    rate: str = ""
    quote_minutes: str = str(app_deps().settings.quote_ttl_min)
    quote_deadline_ms: int = 0
    # the new amount to pay after the rate moved ("" when it did not)
    rate_updated: str = ""

    _decimals: int = 0
    _idempotency_key: str = ""
    _payment_id: int = 0
    # part id -> amount (minor units) as the page shows it: a part is funded at that amount or not at all
    _part_amounts: dict[str, int] = {}

    # -- loading ----------------------------------------------------------------------------------

    def _reset(self) -> None:
        self.invoice = {}
        self.error = ""
        self.unavailable = ""
        self.step = "parts"
        self.field_errors = {}
        self.payment = {}
        self.payment_parts = []
        self.amounts = []
        self.rate = ""
        self.quote_deadline_ms = 0
        self.rate_updated = ""
        self._idempotency_key = ""
        self._payment_id = 0
        self._part_amounts = {}

    @rx.event
    def load(self):
        unfinished = self._payment_id
        self._reset()
        number = normalise_number(routes.last_segment(self.router.url.path))
        try:
            view = get_payer_invoice(default_uow(), self._verified_user_id(), number, now=_now())
        except KryptonError as error:
            # A private invoice of someone else reads exactly like a number that does not exist.
            self.error = error_key(error.code)
            return
        self.invoice = payer_invoice_row(view)
        self.unavailable = unavailable_key(view)
        self.max_parts = view.max_parts
        self.part_choices = [str(n) for n in range(1, view.max_parts + 1)]
        self.floating = view.kind == "floating"
        self._decimals = view.decimals
        params = self.router.url.query_parameters
        try:
            self.parts = min(max(int(params.get("parts", "1")), 1), view.max_parts)
        except ValueError:
            self.parts = 1
        if self.floating:
            self.amount = params.get("amount", "").strip()
        else:
            try:
                self._price(view)
            except KryptonError as error:
                self.unavailable = error_key(error.code)
                return
        if unfinished:
            self._resume(unfinished, view.number)

    def _price(self, view: PayerInvoiceView) -> bool:
        """A fixed invoice's amount in its asset, at today's rate when priced in fiat; True if it changed."""
        total, rate = amount_due(view, rates=app_deps().rates)
        amount = format_amount(total or 0, view.decimals)
        changed = amount != self.amount
        self.amount = amount
        self.invoice["asset_amount"] = f"{amount} {view.asset}"
        self.rate = f"1 {view.asset} = {rate} {view.fiat_currency}" if rate else ""
        return changed

    def _price_moved(self, error: KryptonError) -> bool:
        """After a start refused for its amount: a fiat price at today's rate, shown with the notice
        that the rate moved, and the parts split anew. False when the amount was refused for another
        reason (the error is then the payer's to see)."""
        if error.code != "payment_amount_invalid" or not self.rate:
            return False
        try:
            view = get_payer_invoice(default_uow(), self._verified_user_id(), self.invoice["number"], now=_now())
            if not self._price(view):
                return False
        except KryptonError:
            return False
        self.rate_updated = self.invoice["asset_amount"]
        total = to_minor(self.amount, self._decimals)
        self.amounts = [format_amount(a, self._decimals) for a in even_split(total, max(len(self.amounts), 1))]
        self._idempotency_key = f"ui-pay-{uuid.uuid4().hex}"
        return True

    def _resume(self, payment_id: int, number: str) -> None:
        """A reload in the middle of funding finds this tab's unfinished payment of the same invoice
        and goes on with it, instead of starting a second payment beside it."""
        user_id = self._verified_user_id()
        if user_id is None:
            return
        try:
            view = get_payment(default_uow(), user_id, payment_id, settings=app_deps().settings)
        except KryptonError:
            return
        if view.invoice_number == number and view.status == "pending":
            self._show_payment(view)
            self.step = "fund"

    # -- step 1: parts (and the amount of a floating invoice) ---------------------------------------

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
            total = to_minor(self.amount, self._decimals)
        except KryptonError as error:
            self.field_errors = {"amount": error_key(error.code)}
            return
        if total <= 0:
            self.field_errors = {"amount": "error.payment_amount_invalid"}
            return
        self.field_errors = {}
        self.amounts = [format_amount(a, self._decimals) for a in even_split(total, self.parts)]
        self._idempotency_key = f"ui-pay-{uuid.uuid4().hex}"
        self.step = "amounts"

    # -- step 2: the amount of each part ------------------------------------------------------------

    @rx.event
    def set_part_amount(self, index: int, value: str):
        if 0 <= index < len(self.amounts):
            self.amounts[index] = value.strip()
            # Other amounts make another payment: a retry of the old one must not be mistaken for it.
            self._idempotency_key = f"ui-pay-{uuid.uuid4().hex}"

    @rx.event
    def back(self):
        self.field_errors = {}
        self.step = "parts"

    def _show_payment(self, view: PaymentView) -> None:
        self._payment_id = view.id
        self.payment = payment_row(view)
        self.payment_parts = [part_row(p, view.decimals, view.asset) for p in view.parts]
        self._part_amounts = {str(p.id): p.amount for p in view.parts}
        quoted = view.quote_expires_at is not None and view.status == "pending"
        self.quote_deadline_ms = int(view.quote_expires_at.timestamp() * 1000) if quoted else 0
        if quoted:
            # The card shows what this payment asks at its quote, not the price when the page opened.
            self.rate = self.payment["fiat_rate"]
            self.invoice["asset_amount"] = self.payment["amount"]

    def _check_amounts(self) -> bool:
        try:
            minors = [to_minor(a, self._decimals) for a in self.amounts]
            total = to_minor(self.amount, self._decimals)
        except KryptonError as error:
            self.field_errors = {"parts": error_key(error.code)}
            return False
        if any(m <= 0 for m in minors) or sum(minors) != total:
            self.field_errors = {"parts": "pay.parts_must_sum"}
            return False
        return True

    @rx.event
    def start(self):
        user_id = self._verified_user_id()
        if user_id is None:
            return AuthState.require_login
        if not self._idempotency_key or not self._check_amounts():
            return None
        try:
            view = start_payment(
                default_uow(),
                user_id,
                self.invoice["number"],
                parts=list(self.amounts),
                idempotency_key=self._idempotency_key,
                settings=app_deps().settings,
                rates=app_deps().rates,
                now=_now(),
            )
        except KryptonError as error:
            if self._price_moved(error):
                self.field_errors = {}
                self.step = "amounts"
                return None
            self.field_errors = {"parts": error_key(error.code)}
            return None
        self.field_errors = {}
        self.rate_updated = ""
        self._show_payment(view)
        self.step = "fund"
        return None

    # -- step 3: fund each part -----------------------------------------------------------------------

    @rx.event
    def fund(self, part_id: str):
        user_id = self._verified_user_id()
        if user_id is None or self.busy or not self._payment_id:
            return None
        if not part_id.isdigit() or part_id not in self._part_amounts:
            return None
        self.busy = part_id
        try:
            view = fund_part_from_balance(
                default_uow(),
                user_id,
                self._payment_id,
                int(part_id),
                settings=app_deps().settings,
                rates=app_deps().rates,
                now=_now(),
                expected_amount=self._part_amounts[part_id],
            )
        except QuoteRenewed as renewed:
            # Nothing was funded: the page shows the new amounts, the payer presses again to pay them.
            self._show_payment(get_payment(default_uow(), user_id, self._payment_id, settings=app_deps().settings))
            details = renewed.details
            self.rate_updated = amount_text(details["remaining"], details["decimals"], details["asset"])
            self.field_errors = {}
            return None
        except KryptonError as error:
            self.field_errors = {"fund": error_key(error.code)}
            return None
        finally:
            self.busy = ""
        self.field_errors = {}
        self.rate_updated = ""
        self._show_payment(view)
        if view.status == "completed":
            return rx.redirect(routes.payment(view.id))
        return None

    @rx.event
    def cancel(self):
        user_id = self._verified_user_id()
        if user_id is None or not self._payment_id:
            return None
        try:
            view = cancel_payment(default_uow(), user_id, self._payment_id, now=_now())
        except KryptonError as error:
            self.field_errors = {"fund": error_key(error.code)}
            return None
        self._show_payment(view)
        return rx.redirect(routes.payment(view.id))

    # -- the one-screen direct page -----------------------------------------------------------------

    @rx.event
    def pay_now(self):
        """/i/[number]: one part from the balance, started and funded in one press."""
        user_id = self._verified_user_id()
        if user_id is None:
            return AuthState.require_login
        if not self._idempotency_key:
            self._idempotency_key = f"ui-pay-{uuid.uuid4().hex}"
        try:
            to_minor(self.amount, self._decimals)
            view = start_payment(
                default_uow(),
                user_id,
                self.invoice["number"],
                parts=[self.amount],
                idempotency_key=self._idempotency_key,
                settings=app_deps().settings,
                rates=app_deps().rates,
                now=_now(),
            )
            part = next(p for p in view.parts if p.status == "pending")
            view = fund_part_from_balance(
                default_uow(),
                user_id,
                view.id,
                part.id,
                settings=app_deps().settings,
                rates=app_deps().rates,
                now=_now(),
                expected_amount=part.amount,
            )
        except KryptonError as error:
            if self._price_moved(error):
                self.field_errors = {}
                return None
            self.field_errors = {"amount": error_key(error.code)}
            return None
        except StopIteration:
            pass
        return rx.redirect(routes.payment(view.id))


def shows_route() -> rx.Var:
    """True once the tab's state holds the invoice in the URL. Until on_load has run after a
    navigation, the state still holds the previous invoice: it must not be shown, or paid."""
    return (PayState.invoice.length() > 0) & (PayState.invoice["number"] == rx.State.number.upper())


# -- components shared with the direct page ---------------------------------------------------------


def test_badge() -> rx.Component:
    return rx.cond(
        PayState.invoice["test"] != "",
        rx.badge("TEST", color_scheme="amber", variant="solid", radius="full", data_testid="test-mark"),
    )


def invoice_card() -> rx.Component:
    inv = PayState.invoice
    return card(
        rx.vstack(
            rx.hstack(
                rx.hstack(
                    rx.icon("store", size=16),
                    rx.text(inv["merchant"], size="2", weight="medium", data_testid="pay-merchant"),
                    spacing="2",
                    align="center",
                    color=rx.color("gray", 11),
                ),
                rx.spacer(),
                test_badge(),
                rx.code(inv["number"], size="2", variant="soft", data_testid="pay-number"),
                width="100%",
                align="center",
                spacing="2",
            ),
            rx.heading(inv["title"], size="6", weight="bold", data_testid="pay-title"),
            rx.cond(inv["description"] != "", rx.text(inv["description"], size="2", color_scheme="gray")),
            rx.cond(
                PayState.floating,
                rx.text(I18n.t["pay.floating"], size="3", color_scheme="gray"),
                rx.vstack(
                    rx.text(inv["amount"], size="8", weight="bold", letter_spacing="-0.02em", data_testid="pay-amount"),
                    rx.cond(
                        inv["fiat"] != "",
                        rx.text(
                            "≈ ", inv["asset_amount"], size="2", color_scheme="gray", data_testid="pay-asset-amount"
                        ),
                    ),
                    rx.cond(
                        (PayState.rate != "") & (PayState.quote_deadline_ms == 0),
                        rx.text(
                            I18n.t["pay.rate"],
                            ": ",
                            PayState.rate,
                            ". ",
                            I18n.t["pay.rate_hint"].replace("{minutes}", PayState.quote_minutes),
                            size="1",
                            color_scheme="gray",
                            data_testid="pay-rate",
                        ),
                    ),
                    spacing="0",
                ),
            ),
            rx.cond(
                PayState.floating & (inv["min_payment"] != ""),
                rx.text(I18n.t["invoice.field.min_payment"], ": ", inv["min_payment"], size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        data_testid="pay-invoice",
    )


def rate_updated_note() -> rx.Component:
    """The rate moved since the page showed the price: the new amount, and what to do."""
    return rx.cond(
        PayState.rate_updated != "",
        rx.callout(
            I18n.t["pay.rate_updated"].replace("{amount}", PayState.rate_updated),
            icon="refresh-cw",
            color_scheme="amber",
            width="100%",
            data_testid="pay-rate-updated",
        ),
    )


def quote_countdown() -> rx.Component:
    """The started payment's rate and how long it holds."""
    return rx.cond(
        PayState.quote_deadline_ms > 0,
        rx.hstack(
            rx.icon("timer", size=16, flex_shrink="0"),
            rx.text(
                I18n.t["pay.rate"],
                " ",
                PayState.rate,
                " · ",
                countdown(
                    PayState.quote_deadline_ms,
                    label=I18n.t["pay.quote_fixed"],
                    expired_text=I18n.t["pay.quote_expired"],
                    style={"font_variant_numeric": "tabular-nums", "font_weight": "600"},
                    data_testid="pay-quote-countdown",
                ),
                size="2",
            ),
            spacing="2",
            align="center",
            padding="8px 12px",
            border_radius="12px",
            background=rx.color("accent", 2),
            color=rx.color("accent", 11),
            width="100%",
            data_testid="pay-quote",
        ),
    )


def refusal() -> rx.Component:
    """Not found (wrong number or someone else's private invoice), or closed / expired."""
    return rx.cond(
        PayState.error != "",
        form_error(I18n.t[PayState.error], data_testid="pay-error"),
        rx.cond(PayState.unavailable != "", form_error(I18n.t[PayState.unavailable], data_testid="pay-unavailable")),
    )


def amount_input() -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(I18n.t["pay.your_amount"], size="2", weight="medium"), html_for="pay_amount"),
        rx.hstack(
            rx.input(
                id="pay_amount",
                # Sent on blur, so a click on Next (which blurs it first) always sees the typed amount.
                default_value=PayState.amount,
                on_blur=PayState.set_amount,
                placeholder="0.00",
                input_mode="decimal",
                size="3",
                flex="1",
            ),
            rx.text(PayState.invoice["asset"], size="3", weight="medium"),
            align="center",
            width="100%",
        ),
        rx.cond(PayState.field_errors.contains("amount"), field_error(I18n.t[PayState.field_errors["amount"]])),
        spacing="1",
        width="100%",
        data_testid="pay-field-amount",
    )


# -- the wizard ---------------------------------------------------------------------------------------


def stepper() -> rx.Component:
    def dot(index: int, step: str) -> rx.Component:
        reached = (True, PayState.step != "parts", PayState.step == "fund")[index]
        return rx.hstack(
            rx.center(
                rx.text(str(index + 1), size="1", weight="bold"),
                width="24px",
                height="24px",
                border_radius="999px",
                background=rx.cond(reached, rx.color("accent", 9), rx.color("gray", 4)),
                color=rx.cond(reached, "white", rx.color("gray", 11)),
            ),
            rx.text(I18n.t[f"pay.step.{step}"], size="2", weight="medium"),
            spacing="2",
            align="center",
        )

    return rx.hstack(*(dot(i, s) for i, s in enumerate(STEPS)), spacing="4", wrap="wrap", data_testid="pay-steps")


def parts_step() -> rx.Component:
    return card(
        card_title("split", I18n.t["pay.choose_parts"]),
        rx.vstack(
            rx.cond(PayState.floating, amount_input()),
            rx.text(I18n.t["pay.parts_hint"], size="2", color_scheme="gray"),
            # Cards in rows of five: up to ten parts still fit a phone's width.
            rx.radio_cards.root(
                rx.foreach(
                    PayState.part_choices,
                    lambda n: rx.radio_cards.item(rx.text(n, size="3", weight="bold"), value=n),
                ),
                value=PayState.parts.to_string(),
                on_value_change=PayState.set_parts,
                columns="5",
                size="1",
                width="100%",
                data_testid="pay-parts",
            ),
            rx.button(
                I18n.t["pay.next"],
                rx.icon("arrow-right", size=16),
                on_click=PayState.to_amounts,
                size="3",
                width="100%",
                data_testid="pay-next",
            ),
            spacing="4",
            width="100%",
        ),
    )


def part_amount_input(value: rx.Var, index: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(I18n.t["pay.part"], " ", index + 1, size="2", weight="medium", min_width="64px"),
        rx.input(
            value=value,
            on_change=lambda v: PayState.set_part_amount(index, v),
            input_mode="decimal",
            size="3",
            flex="1",
            data_testid="pay-part-amount",
        ),
        rx.text(PayState.invoice["asset"], size="2", color_scheme="gray"),
        align="center",
        width="100%",
    )


def amounts_step() -> rx.Component:
    return card(
        card_title("list-ordered", I18n.t["pay.amounts"]),
        rx.vstack(
            rx.text(
                I18n.t["pay.amounts_hint"],
                " ",
                PayState.amount,
                " ",
                PayState.invoice["asset"],
                size="2",
                color_scheme="gray",
            ),
            rx.foreach(PayState.amounts, part_amount_input),
            rx.cond(
                PayState.field_errors.contains("parts"),
                form_error(I18n.t[PayState.field_errors["parts"]], data_testid="pay-parts-error"),
            ),
            rx.hstack(
                rx.button(
                    rx.icon("arrow-left", size=16), I18n.t["pay.back"], on_click=PayState.back, variant="soft", size="3"
                ),
                rx.button(
                    I18n.t["pay.start"],
                    rx.icon("arrow-right", size=16),
                    on_click=PayState.start,
                    size="3",
                    flex="1",
                    data_testid="pay-start",
                ),
                width="100%",
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
    )


def part_progress(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.cond(row["pending"] != "", rx.text(row["position"], size="2", weight="bold"), rx.icon("check", size=16)),
            width="32px",
            height="32px",
            min_width="32px",
            border_radius="999px",
            background=rx.cond(row["pending"] != "", rx.color("gray", 4), rx.color("green", 4)),
            color=rx.cond(row["pending"] != "", rx.color("gray", 11), rx.color("green", 11)),
        ),
        rx.vstack(
            rx.text(row["amount"], size="3", weight="bold"),
            rx.hstack(
                status_chip(I18n.t[row["status_key"]], row["status_color"], data_testid="part-status"),
                rx.cond(row["method_key"] != "", rx.text(I18n.t[row["method_key"]], size="1", color_scheme="gray")),
                spacing="2",
                align="center",
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(
            (row["pending"] != "") & (PayState.payment["cancellable"] != ""),
            rx.button(
                rx.icon("wallet", size=15),
                I18n.t["pay.fund_balance"],
                on_click=PayState.fund(row["id"]),
                loading=PayState.busy == row["id"],
                disabled=PayState.busy != "",
                data_testid="pay-fund",
            ),
        ),
        width="100%",
        align="center",
        wrap="wrap",
        padding_y="10px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="pay-part",
    )


def fund_step() -> rx.Component:
    return card(
        card_title(
            "wallet",
            I18n.t["pay.fund_title"],
            status_chip(I18n.t[PayState.payment["status_key"]], PayState.payment["status_color"]),
        ),
        rx.text(I18n.t["pay.fund_hint"], size="2", color_scheme="gray"),
        rx.box(quote_countdown(), width="100%", margin_top="8px"),
        rx.vstack(rx.foreach(PayState.payment_parts, part_progress), spacing="0", width="100%", margin_top="8px"),
        rx.cond(
            PayState.field_errors.contains("fund"),
            form_error(I18n.t[PayState.field_errors["fund"]], data_testid="pay-fund-error"),
        ),
        rx.cond(
            PayState.payment["cancellable"] != "",
            rx.button(
                I18n.t["pay.cancel"],
                on_click=PayState.cancel,
                variant="soft",
                color_scheme="red",
                margin_top="12px",
                data_testid="pay-cancel",
            ),
        ),
        data_testid="pay-fund-card",
    )


def wizard() -> rx.Component:
    return rx.vstack(
        invoice_card(),
        rx.cond(
            PayState.unavailable != "",
            refusal(),
            rx.vstack(
                stepper(),
                rate_updated_note(),
                rx.match(
                    PayState.step,
                    ("parts", parts_step()),
                    ("amounts", amounts_step()),
                    fund_step(),
                ),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
        max_width="640px",
    )


@template(route=routes.PAY_INVOICE, title="Pay an invoice", on_load=[PayState.load])
def pay_invoice() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["pay.title"]),
        rx.cond(
            PayState.error != "",
            rx.vstack(refusal(), rx.link(I18n.t["pay.try_another"], href=routes.PAY), spacing="3", max_width="640px"),
            rx.cond(shows_route(), wizard(), loading_note(I18n.t["pay.loading"])),
        ),
        width="100%",
    )


# -- /pay: enter a number -----------------------------------------------------------------------------


class PayEntryState(AuthState):
    error: str = ""

    @rx.event
    def open_invoice(self, form_data: dict):
        number = normalise_number(str(form_data.get("number") or ""))
        if not number:
            self.error = "pay.number_required"
            return None
        try:
            get_payer_invoice(default_uow(), self._verified_user_id(), number, now=_now())
        except KryptonError as error:
            self.error = "pay.number_unknown" if error.code == "not_found" else error_key(error.code)
            return None
        self.error = ""
        return rx.redirect(routes.pay_invoice(number))

    @rx.event
    def clear(self):
        self.error = ""


@template(route=routes.PAY, title="Pay", protected=False, on_load=[PayEntryState.clear])
def pay() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["pay.title"], I18n.t["pay.subtitle"]),
        card(
            rx.form(
                rx.vstack(
                    rx.el.label(rx.text(I18n.t["pay.number"], size="2", weight="medium"), html_for="invoice_number"),
                    rx.hstack(
                        rx.input(
                            id="invoice_number",
                            name="number",
                            placeholder="K7QX 2MPA",
                            auto_complete="off",
                            spell_check=False,
                            size="3",
                            flex="1",
                            style={"text_transform": "uppercase", "letter_spacing": "0.08em"},
                        ),
                        rx.button(
                            I18n.t["pay.open"],
                            rx.icon("arrow-right", size=16),
                            type="submit",
                            size="3",
                            data_testid="pay-open",
                        ),
                        width="100%",
                        spacing="2",
                    ),
                    rx.cond(PayEntryState.error != "", field_error(I18n.t[PayEntryState.error])),
                    rx.text(I18n.t["pay.number_hint"], size="1", color_scheme="gray"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=PayEntryState.open_invoice,
                reset_on_submit=False,
                width="100%",
            ),
            max_width="640px",
            data_testid="pay-entry",
        ),
        width="100%",
    )
