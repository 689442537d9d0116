"""The merchant's invoice list and the "New invoice" form's state: a page of invoices, the form's kind
and test switch, and each refusal of a draft as the catalog message under its input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.catalog_data import (
    ASSETS,
    COUNTRY_CODES,
    COUNTRY_NAMES,
    FIAT_CURRENCIES,
    country_fiat,
    country_methods,
    method_name,
)
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_key
from krypton_app.i18n.formatting import plural
from krypton_app.services.fees import invoice_fee_quote
from krypton_app.services.invoices import InvoiceDraft, create_invoice, list_invoices
from krypton_app.state.auth import AuthState
from krypton_app.state.fee_views import invoice_fee_note
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import KINDS, InvoiceRow, invoice_row
from krypton_app.state.offload import off_loop
from krypton_app.state.once_form import OnceForm

ASSET_CODES = [code for code, _name, _decimals in ASSETS]
NO_FIAT = "none"
FIAT_CODES = [code for code, _en, _ru in FIAT_CURRENCIES]
# Expiry choices in seconds; "0" for an invoice that does not expire.
EXPIRY_CHOICES = ("0", "3600", "86400", "604800", "2592000")
PAGE_SIZE = 20
AMOUNT_FIELDS = ("amount", "min_payment", "max_total")


def _text(form_data: dict, name: str) -> str | None:
    value = str(form_data.get(name) or "").strip()
    return value or None


def _int_or_none(text: str | None) -> int | None | str:
    """An optional whole number; the text itself when it is not one (the service refuses it by field)."""
    if text is None:
        return None
    return int(text) if text.isdigit() else text


@dataclass(frozen=True)
class Option:
    """A select's option: the value the form sends and its label in the reader's language."""

    code: str = ""
    name: str = ""


class InvoicesState(OnceForm, AuthState):
    rows: list[InvoiceRow] = []
    total: int = 0
    total_text: str = ""  # "3 invoices", "3 счёта"
    page: int = 1
    pages: int = 1
    loaded: bool = False

    show_form: bool = False
    # The form's kind and test switch. Reflex keeps a tab's state across reloads and across a logout
    # and another login in the same tab, so every new form starts from these again (_new_form).
    kind: str = KINDS[0]
    is_test: bool = False
    # "Pay me in fiat" (services/fiat_payouts.py): the switch, the country chosen (its currency follows)
    # and the options of the two selects in the reader's language.
    payout_on: bool = False
    payout_country: str = ""
    payout_countries: list[Option] = []
    payout_methods: list[Option] = []
    # input name -> catalog key of its error; "" for the form as a whole
    field_errors: dict[str, str] = {}
    # The invoice that already answers for the order id just submitted, linked under the field ("" if none)
    existing_number: str = ""
    existing_path: str = ""
    # SPEC F12: under the amount, what the merchant receives of each payment after the invoice-payment fee,
    # for the asset chosen and the amount typed (none for a fiat price: its asset amount comes at payment)
    fee_note: str = ""
    _fee_asset: str = ASSET_CODES[0]
    _fee_amount: str = ""
    _fee_fiat: bool = False

    async def _load(self, user_id: int) -> None:
        deps = app_deps()
        result = await off_loop(
            list_invoices, deps.uow, user_id, page=self.page, page_size=PAGE_SIZE, settings=deps.settings
        )
        lang = (await self.get_state(I18n)).lang
        self.rows = [invoice_row(v, lang) for v in result.items]
        self.total = result.total
        self.total_text = plural(lang, result.total, "count.invoices")
        self.pages = max(result.pages, 1)
        self.loaded = True

    def _new_form(self, show: bool) -> None:
        """A form as new: fixed kind, live mode (a TEST invoice only when asked for each time), and,
        when it is shown, a new key, so this form makes a new invoice (a second click, the same one)."""
        self.show_form = show
        self.kind = KINDS[0]
        self.is_test = False
        self.payout_on, self.payout_country, self.payout_countries, self.payout_methods = False, "", [], []
        self.field_errors = {}
        self.existing_number = ""
        self.existing_path = ""
        self._fee_asset, self._fee_amount, self._fee_fiat = ASSET_CODES[0], "", False
        if show:
            self._fresh_form_key()

    async def _show_fee(self) -> None:
        deps = app_deps()
        amount = "" if self._fee_fiat else self._fee_amount
        quote = await off_loop(invoice_fee_quote, deps.uow, self._fee_asset, amount, deps.settings)
        self.fee_note = invoice_fee_note(quote, (await self.get_state(I18n)).lang)

    @rx.event
    async def load(self):
        self._new_form(False)
        user_id = await self._user_id()
        if user_id is None:
            return
        self._fresh_form_key()
        await self._load(user_id)
        await self._show_fee()

    @rx.event
    async def go_page(self, delta: int):
        user_id = await self._user_id()
        if user_id is None or type(delta) is not int:
            return
        self.page = min(max(self.page + delta, 1), self.pages)
        await self._load(user_id)

    @rx.event
    async def toggle_form(self):
        self._new_form(not self.show_form)
        if self.show_form and await self._user_id() is not None:
            await self._show_fee()

    @rx.event
    async def preview_fee_asset(self, asset: str):
        """The asset select: the fee note follows it."""
        if asset not in ASSET_CODES or await self._user_id() is None:
            return
        self._fee_asset = asset
        await self._show_fee()

    @rx.event
    async def preview_fee_fiat(self, code: str):
        """The fiat select: a fiat price has no asset amount yet, so the note names the rule only."""
        if await self._user_id() is None:
            return
        self._fee_fiat = code in FIAT_CODES
        await self._show_fee()

    @rx.event
    async def preview_fee_amount(self, amount: str):
        """The amount, on leaving the field: what one payment of it brings after the fee."""
        if await self._user_id() is None:
            return
        self._fee_amount = amount[:40] if isinstance(amount, str) else ""
        await self._show_fee()

    @rx.event
    def choose_kind(self, kind: str | list[str]):
        kind = kind if isinstance(kind, str) else "".join(kind[:1])
        if kind in KINDS:
            self.kind = kind
        self.field_errors = {}

    @rx.event
    def set_test(self, value: bool):
        self.is_test = bool(value)

    @rx.event
    async def set_payout(self, value: bool):
        """The "pay me in fiat" switch: on, the countries to choose from (the first one chosen)."""
        self.payout_on = bool(value)
        if self.payout_on and not self.payout_countries:
            lang = (await self.get_state(I18n)).lang
            names = sorted((COUNTRY_NAMES[code][lang], code) for code in COUNTRY_CODES)
            self.payout_countries = [Option(code, name) for name, code in names]
            await self._choose_payout_country(self.payout_countries[0].code, lang)

    @rx.event
    async def choose_payout_country(self, code: str):
        if not self.payout_on or code not in COUNTRY_CODES:
            return
        await self._choose_payout_country(code, (await self.get_state(I18n)).lang)

    async def _choose_payout_country(self, code: str, lang: str) -> None:
        self.payout_country = code
        self.payout_methods = [Option(m, method_name(m, lang)) for m in country_methods(code)]

    def _payout(self, form_data: dict) -> dict:
        """The draft's payout fields: the chosen country, its currency and the method sent, or none."""
        if not self.payout_on:
            return {}
        return {
            "payout_country": self.payout_country,
            "payout_fiat": country_fiat(self.payout_country),
            "payout_method": _text(form_data, "payout_method"),
        }

    @rx.event
    async def create(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        fiat = _text(form_data, "fiat_currency")
        fiat = None if fiat in (None, NO_FIAT) else fiat
        max_payments = _int_or_none(_text(form_data, "max_payments"))
        # Empty is one part; 0, 11, -1 or 1.5 all get the service's one range message (invoice_parts_invalid).
        max_parts = _int_or_none(_text(form_data, "max_parts"))
        max_parts = 1 if max_parts is None else max_parts
        expires = _text(form_data, "expires_in_s") or "0"
        if isinstance(max_payments, str):
            self.field_errors = {"max_payments": "error.invoice_limits_invalid"}
            return
        if isinstance(max_parts, str):
            self.field_errors = {"max_parts": "error.invoice_parts_invalid"}
            return
        amount = _text(form_data, "amount")
        draft = InvoiceDraft(
            kind=self.kind,
            title=_text(form_data, "title") or "",
            description=_text(form_data, "description") or "",
            asset=_text(form_data, "asset") or ASSET_CODES[0],
            # A fiat-denominated invoice names its amount in the fiat; the asset amount comes at payment time.
            amount=None if fiat else amount,
            fiat_currency=fiat,
            fiat_amount=amount if fiat else None,
            min_payment=_text(form_data, "min_payment"),
            max_payments=max_payments,
            max_total=_text(form_data, "max_total"),
            max_parts=max_parts,
            payer_contact=_text(form_data, "payer_contact"),
            order_id=_text(form_data, "order_id"),
            webhook_url=_text(form_data, "webhook_url"),
            redirect_url=_text(form_data, "redirect_url"),
            allowed_origins=tuple((_text(form_data, "allowed_origins") or "").replace(",", " ").split()),
            expires_in_s=int(expires) if expires.isdigit() and expires != "0" else None,
            is_test=self.is_test,
            **self._payout(form_data),
        )
        self.submitting = True
        yield
        try:
            deps = app_deps()
            view, created = await off_loop(
                create_invoice,
                deps.uow,
                user_id,
                draft,
                settings=deps.settings,
                now=datetime.now(UTC),
                idempotency_key=self._submit_key(),
            )
        except KryptonError as error:
            self.existing_number = self.existing_path = ""
            field = getattr(error, "field", "")
            if error.code.startswith("webhook_url"):
                field = "webhook_url"
            if not field and "value" in error.details:
                # An amount the money parser refused names no field, only the text: find its input.
                field = next((n for n in AMOUNT_FIELDS if _text(form_data, n) == error.details["value"]), "")
            if field == "fiat_amount":
                field = "amount"
            self.field_errors = {field or "": error_key(error.code, error.details)}
            return
        finally:
            self.submitting = False
        if not created:
            # The order id answers for an invoice made before (services/invoices.create_invoice): say so
            # and link it, rather than opening it as if this form had made it. The form stays as typed.
            self.field_errors = {"order_id": "invoices.existing_order"}
            self.existing_number = view.number
            self.existing_path = routes.invoice_detail(view.number)
            return
        self._new_form(False)
        yield rx.redirect(routes.invoice_detail(view.number))
