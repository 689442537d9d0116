"""/widget/invoice/[number]?parts=&currency=&amount= : the invoice card a shop puts in an iframe.

No login and no app shell. Every value the payer changes (and the first ones, on load) goes to the
parent page as `{type: "krypton:invoice", number, parts, currency, amount}` with postMessage; "Go to
payment" opens the wizard in a new tab, out of the frame. Who may frame it is decided by the
Content-Security-Policy that krypton_app/api/widget.py puts on this page's response.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import ROUND_UP, Decimal, InvalidOperation
from urllib.parse import urlencode

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import Page
from krypton_app.components.ui import card
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.invoices import FLOATING
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_key
from krypton_app.i18n.formatting import format_fiat
from krypton_app.services.invoices import get_payer_invoice
from krypton_app.services.payment_quotes import amount_due
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import PayerInvoiceRow, payer_invoice_row
from krypton_app.state.offload import off_loop

# What a payer may see the price in, beside the invoice's own asset.
DISPLAY_FIAT = ("USD", "EUR", "RUB")


def _int(text: str, default: int, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        return default
    return min(max(value, low), high)


def _amount(text: str) -> str:
    """A payer-typed amount kept as text; "" when it is not a plain positive number."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return ""
    return text.strip() if value.is_finite() and value > 0 else ""


def _converted(amount: str, asset: str, currency: str, lang: str) -> str:
    """`≈ 52.00 USD`: an amount of the asset in another currency, for information; "" without a rate.
    Blocking (the rate source may be an HTTP one)."""
    try:
        value = Decimal(amount) * app_deps().rates.rate(asset, currency)
    except (KryptonError, InvalidOperation):
        return ""
    cents = int(value.quantize(Decimal("0.01"), rounding=ROUND_UP).scaleb(2))
    return f"≈ {format_fiat(cents, currency, lang)}"


class WidgetState(rx.State):
    invoice: PayerInvoiceRow = PayerInvoiceRow()
    error: str = ""
    parts: int = 1
    max_parts: int = 1
    currency: str = ""
    currencies: list[str] = []
    amount: str = ""
    floating: bool = False
    converted: str = ""
    # catalog key when the invoice takes no payment now (closed, expired)
    unavailable: str = ""

    _asset_amount: str = ""

    async def _convert(self) -> None:
        """The price in the chosen currency (the payment is in the asset)."""
        self.converted = ""
        asset = self.invoice.asset
        base_amount = self.amount if self.floating else self._asset_amount
        if base_amount and self.currency not in ("", asset):
            lang = (await self.get_state(I18n)).lang
            self.converted = await off_loop(_converted, base_amount, asset, self.currency, lang)

    def _message(self):
        """The values out to the shop's page; the message carries nothing private, hence target "*"."""
        message = {
            "type": "krypton:invoice",
            "number": self.invoice.number,
            "parts": self.parts,
            "currency": self.currency,
            "amount": self.amount if self.floating else self._asset_amount,
        }
        return rx.call_script(f"window.parent && window.parent.postMessage({json.dumps(message)}, '*')")

    @rx.event
    async def load(self):
        number = routes.last_segment(self.router.url.path)
        self.error = ""
        deps = app_deps()
        try:
            view = await off_loop(
                get_payer_invoice, deps.uow, None, number, now=datetime.now(UTC), settings=deps.settings
            )
        except KryptonError as error:
            self.invoice = PayerInvoiceRow()
            self.error = error_key(error.code, error.details)
            return None
        params = self.router.url.query_parameters
        self.invoice = payer_invoice_row(view, (await self.get_state(I18n)).lang)
        self.unavailable = error_key(view.unavailable) if view.unavailable else ""
        self.max_parts = view.max_parts
        self.parts = _int(params.get("parts", "1"), 1, 1, view.max_parts)
        # The invoice's own fiat first when it is priced in one, then the usual ones.
        fiat = [view.fiat_currency] if view.fiat_currency else []
        self.currencies = [view.asset, *fiat, *(c for c in DISPLAY_FIAT if c not in fiat)]
        currency = params.get("currency", "").upper()
        self.currency = currency if currency in self.currencies else view.asset
        self.floating = view.kind == FLOATING
        self.amount = _amount(params.get("amount", "")) if self.floating else ""
        try:
            total, _rate = await off_loop(amount_due, view, rates=deps.rates)
        except KryptonError:
            total = None  # no rate now: the card shows the fiat price alone
        self._asset_amount = format_amount(total, view.decimals) if total is not None else ""
        await self._convert()
        return self._message()

    @rx.event
    def set_parts(self, value: str):
        self.parts = _int(value, self.parts, 1, self.max_parts)
        return self._message()

    @rx.event
    async def set_currency(self, value: str):
        if value in self.currencies:
            self.currency = value
        await self._convert()
        return self._message()

    @rx.event
    async def set_amount(self, value: str):
        self.amount = _amount(value)
        await self._convert()
        return self._message()

    @rx.var
    def payment_url(self) -> str:
        """The wizard with the payer's choices, opened outside the frame."""
        if not self.invoice.number:
            return ""
        query = {"parts": self.parts}
        if self.floating and self.amount:
            query["amount"] = self.amount
        return f"{self.invoice.helper_url}?{urlencode(query)}"


def _label(key: str) -> rx.Component:
    return rx.text(I18n.t[key], size="1", weight="medium", color_scheme="gray")


def widget_card() -> rx.Component:
    inv = WidgetState.invoice
    return card(
        rx.vstack(
            rx.hstack(
                rx.text(inv.merchant, size="2", color_scheme="gray"),
                rx.spacer(),
                rx.cond(inv.test, rx.badge("TEST", color_scheme="amber", variant="solid", data_testid="test-mark")),
                rx.code(inv.number, size="1", variant="soft"),
                width="100%",
                align="center",
            ),
            rx.heading(inv.title, size="5", weight="bold"),
            rx.cond(
                WidgetState.floating,
                rx.vstack(
                    _label("widget.amount"),
                    rx.input(
                        default_value=WidgetState.amount,
                        on_blur=WidgetState.set_amount,
                        placeholder="0.00",
                        input_mode="decimal",
                        width="100%",
                        data_testid="widget-amount",
                    ),
                    spacing="1",
                    width="100%",
                ),
                rx.text(inv.amount, size="7", weight="bold", data_testid="widget-price"),
            ),
            rx.cond(WidgetState.converted != "", rx.text(WidgetState.converted, size="2", color_scheme="gray")),
            rx.grid(
                rx.vstack(
                    _label("widget.parts"),
                    rx.input(
                        type="number",
                        min=1,
                        max=WidgetState.max_parts,
                        value=WidgetState.parts.to_string(),
                        on_change=WidgetState.set_parts,
                        width="100%",
                        data_testid="widget-parts",
                    ),
                    spacing="1",
                ),
                rx.vstack(
                    _label("widget.currency"),
                    rx.select(
                        WidgetState.currencies,
                        value=WidgetState.currency,
                        on_change=WidgetState.set_currency,
                        width="100%",
                        data_testid="widget-currency",
                    ),
                    spacing="1",
                ),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.cond(
                WidgetState.unavailable != "",
                rx.callout(I18n.t[WidgetState.unavailable], icon="info", size="1", data_testid="widget-unavailable"),
                rx.link(
                    rx.button(I18n.t["widget.go"], rx.icon("external-link", size=15), size="3", width="100%"),
                    href=WidgetState.payment_url,
                    is_external=True,
                    width="100%",
                    data_testid="widget-go",
                ),
            ),
            rx.text(I18n.t["widget.powered"], size="1", color_scheme="gray", align="center", width="100%"),
            spacing="3",
            width="100%",
        ),
        padding="16px",
    )


def widget_page() -> rx.Component:
    return rx.box(
        rx.cond(
            WidgetState.error != "",
            card(rx.text(I18n.t[WidgetState.error], data_testid="widget-error"), padding="16px"),
            rx.cond(WidgetState.invoice.number != "", widget_card(), rx.center(rx.spinner(), padding="24px")),
        ),
        padding="8px",
        max_width="420px",
        margin_x="auto",
        data_testid="widget",
    )


widget = Page(component=widget_page, route=routes.WIDGET_INVOICE, title="Krypton", on_load=[WidgetState.load])
