"""/invoices: the merchant's invoices (status, payments, collected, TEST mark) and the "New invoice" form.

The form shows the fields of the chosen kind: a fixed amount and a limit on payments; a payer-chosen
amount with a minimum and a limit on the total; or a fixed amount for one person. The inputs are
uncontrolled and kept after a refused submit; each refusal shows the catalog message under its field.
"""

from __future__ import annotations

from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.developers import developers_card
from krypton_app.components.layout import template
from krypton_app.components.ui import (
    card,
    card_title,
    empty_note,
    field_error,
    form_error,
    loading_note,
    page_heading,
    status_chip,
)
from krypton_app.db import default_uow
from krypton_app.domain.catalog_data import ASSETS, FIAT_CURRENCIES
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_key
from krypton_app.services.invoices import InvoiceDraft, create_invoice, list_invoices
from krypton_app.state.auth import AuthState
from krypton_app.state.developers import DevelopersState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import KINDS, invoice_row

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


class InvoicesState(AuthState):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    loaded: bool = False

    show_form: bool = False
    kind: str = "fixed"
    is_test: bool = False
    # input name -> catalog key of its error; "" for the form as a whole
    field_errors: dict[str, str] = {}
    creating: bool = False

    def _load(self, user_id: int) -> None:
        result = list_invoices(default_uow(), user_id, page=self.page, page_size=PAGE_SIZE)
        self.rows = [invoice_row(v) for v in result.items]
        self.total = result.total
        self.pages = max(result.pages, 1)
        self.loaded = True

    @rx.event
    def load(self):
        user_id = self._verified_user_id()
        if user_id is None:
            return
        self.field_errors = {}
        self.show_form = False
        self._load(user_id)

    @rx.event
    def go_page(self, delta: int):
        user_id = self._verified_user_id()
        if user_id is None:
            return
        self.page = min(max(self.page + delta, 1), self.pages)
        self._load(user_id)

    @rx.event
    def toggle_form(self):
        self.show_form = not self.show_form
        self.field_errors = {}

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
    async def create(self, form_data: dict):
        user_id = self._verified_user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        fiat = _text(form_data, "fiat_currency")
        fiat = None if fiat in (None, NO_FIAT) else fiat
        max_payments = _int_or_none(_text(form_data, "max_payments"))
        max_parts = _int_or_none(_text(form_data, "max_parts")) or 1
        expires = _text(form_data, "expires_in_s") or "0"
        if isinstance(max_payments, str) or isinstance(max_parts, str):
            self.field_errors = {
                "max_payments" if isinstance(max_payments, str) else "max_parts": "error.invoice_limits_invalid"
            }
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
        )
        self.creating = True
        yield
        try:
            view, created = create_invoice(
                default_uow(), user_id, draft, settings=app_deps().settings, now=datetime.now(UTC)
            )
        except KryptonError as error:
            field = getattr(error, "field", "")
            if error.code.startswith("webhook_url"):
                field = "webhook_url"
            if not field and "value" in error.details:
                # An amount the money parser refused names no field, only the text: find its input.
                field = next((n for n in AMOUNT_FIELDS if _text(form_data, n) == error.details["value"]), "")
            if field == "fiat_amount":
                field = "amount"
            self.field_errors = {field or "": error_key(error.code)}
            return
        finally:
            self.creating = False
        self.field_errors = {}
        self.show_form = False
        yield rx.redirect(routes.invoice_detail(view.number))
        if not created:
            # The order id was used before: the merchant lands on that invoice, and is told why.
            i18n = await self.get_state(I18n)
            yield rx.toast.info(i18n.t["invoices.existing_order"])


# -- the list -------------------------------------------------------------------------------------


def test_mark(flag: rx.Var) -> rx.Component:
    return rx.cond(
        flag != "",
        rx.badge("TEST", color_scheme="amber", variant="solid", radius="full", size="1", data_testid="test-mark"),
    )


def invoice_item(row: rx.Var) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.code(row["number"], size="2", variant="soft", data_testid="invoice-number"),
                    status_chip(I18n.t[row["status_key"]], row["status_color"], data_testid="invoice-status"),
                    test_mark(row["test"]),
                    rx.badge(I18n.t[row["kind_key"]], variant="outline", radius="full", size="1"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(row["title"], size="3", weight="bold"),
                rx.text(row["created"], size="1", color_scheme="gray"),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            rx.vstack(
                rx.text(
                    rx.cond(row["amount"] != "", row["amount"], I18n.t["invoice.any_amount"]),
                    size="3",
                    weight="bold",
                ),
                rx.text(
                    I18n.t["invoice.payments"],
                    ": ",
                    row["payments_count"],
                    rx.cond(row["max_payments"] != "", rx.text.span(" / ", row["max_payments"])),
                    size="1",
                    color_scheme="gray",
                    data_testid="invoice-payments",
                ),
                rx.text(I18n.t["invoice.collected"], ": ", row["collected"], size="1", color_scheme="gray"),
                spacing="0",
                align="end",
            ),
            width="100%",
            align="start",
            wrap="wrap",
            spacing="3",
        ),
        href="/invoices/" + row["number"],
        underline="none",
        color=rx.color("gray", 12),
        width="100%",
        padding_y="12px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="invoice-row",
    )


def invoices_list() -> rx.Component:
    return card(
        card_title(
            "receipt",
            I18n.t["invoices.list_title"],
            rx.text(I18n.t["invoices.total"], ": ", InvoicesState.total, size="2", color_scheme="gray"),
        ),
        rx.cond(
            InvoicesState.rows.length() > 0,
            rx.vstack(rx.foreach(InvoicesState.rows, invoice_item), spacing="0", width="100%"),
            empty_note(I18n.t["invoices.empty"]),
        ),
        rx.cond(
            InvoicesState.pages > 1,
            rx.hstack(
                rx.button(
                    rx.icon("chevron-left", size=15),
                    I18n.t["history.previous"],
                    on_click=InvoicesState.go_page(-1),
                    disabled=InvoicesState.page <= 1,
                    variant="soft",
                ),
                rx.text(InvoicesState.page, " / ", InvoicesState.pages, size="2"),
                rx.button(
                    I18n.t["history.next"],
                    rx.icon("chevron-right", size=15),
                    on_click=InvoicesState.go_page(1),
                    disabled=InvoicesState.page >= InvoicesState.pages,
                    variant="soft",
                ),
                justify="center",
                align="center",
                width="100%",
                margin_top="12px",
            ),
        ),
        data_testid="invoices-list",
    )


# -- the form -------------------------------------------------------------------------------------


def _error_under(name: str, hint_key: str | None = None) -> rx.Component:
    return rx.cond(
        InvoicesState.field_errors.contains(name),
        field_error(I18n.t[InvoicesState.field_errors[name]]),
        rx.text(I18n.t[hint_key], size="1", color_scheme="gray") if hint_key else rx.fragment(),
    )


def text_input(
    name: str, *, placeholder: str = "", input_mode: str = "text", hint: bool = False, input_type: str = "text"
) -> rx.Component:
    has_error = InvoicesState.field_errors.contains(name)
    return rx.vstack(
        rx.el.label(rx.text(I18n.t[f"invoice.field.{name}"], size="2", weight="medium"), html_for=f"inv_{name}"),
        rx.input(
            id=f"inv_{name}",
            name=name,
            type=input_type,
            placeholder=placeholder,
            input_mode=input_mode,
            auto_complete="off",
            size="3",
            width="100%",
            color_scheme=rx.cond(has_error, "red", "blue"),
            aria_invalid=rx.cond(has_error, "true", "false"),
        ),
        _error_under(name, f"invoice.hint.{name}" if hint else None),
        spacing="1",
        width="100%",
        data_testid=f"invoice-field-{name}",
    )


def select_input(name: str, options: list[tuple[str, rx.Var | str]], default: str) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[f"invoice.field.{name}"], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", data_testid=f"invoice-{name}"),
            rx.select.content(*(rx.select.item(label, value=value) for value, label in options)),
            name=name,
            default_value=default,
            size="3",
        ),
        _error_under(name),
        spacing="1",
        width="100%",
    )


def kind_switch() -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t["invoice.field.kind"], size="2", weight="medium"),
        # Cards, not a segmented control: the Russian labels do not fit one row on a phone.
        rx.radio_cards.root(
            *(rx.radio_cards.item(rx.text(I18n.t[f"invoice.kind.{k}"], size="2"), value=k) for k in KINDS),
            value=InvoicesState.kind,
            on_value_change=InvoicesState.choose_kind,
            columns=rx.breakpoints(initial="1", sm="3"),
            size="1",
            width="100%",
            data_testid="invoice-kind",
        ),
        rx.text(I18n.t[f"invoice.kind_hint.{InvoicesState.kind}"], size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
    )


def grid(*children: rx.Component) -> rx.Component:
    return rx.grid(*children, columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%")


def section(key: str) -> rx.Component:
    return rx.text(I18n.t[key], size="2", weight="bold", color_scheme="gray", margin_top="8px")


def new_invoice_form() -> rx.Component:
    kind = InvoicesState.kind
    return card(
        card_title("file-plus", I18n.t["invoices.new"]),
        rx.form(
            rx.vstack(
                kind_switch(),
                grid(
                    text_input("title", placeholder=I18n.t["invoice.placeholder.title"]),
                    text_input("order_id", hint=True),
                ),
                text_input("description"),
                section("invoices.section.amount"),
                grid(
                    select_input("asset", [(c, c) for c in ASSET_CODES], ASSET_CODES[0]),
                    select_input(
                        "fiat_currency",
                        [(NO_FIAT, I18n.t["invoice.no_fiat"]), *((c, c) for c in FIAT_CODES)],
                        NO_FIAT,
                    ),
                ),
                grid(
                    rx.cond(
                        kind != "floating",
                        text_input("amount", placeholder="0.00", input_mode="decimal", hint=True),
                        text_input("min_payment", placeholder="0.00", input_mode="decimal"),
                    ),
                    rx.match(
                        kind,
                        ("fixed", text_input("max_payments", placeholder="∞", input_mode="numeric", hint=True)),
                        ("floating", text_input("max_total", placeholder="∞", input_mode="decimal", hint=True)),
                        text_input("payer_contact", placeholder="@username / mail@…", hint=True),
                    ),
                ),
                grid(
                    text_input("max_parts", placeholder="1", input_mode="numeric", hint=True),
                    select_input(
                        "expires_in_s",
                        [(s, I18n.t[f"invoice.expiry.{s}"]) for s in EXPIRY_CHOICES],
                        "0",
                    ),
                ),
                section("invoices.section.integration"),
                grid(
                    text_input("webhook_url", placeholder="https://shop.example/krypton", input_type="url", hint=True),
                    text_input("redirect_url", placeholder="https://shop.example/thanks", input_type="url"),
                ),
                text_input("allowed_origins", placeholder="https://shop.example", hint=True),
                rx.hstack(
                    rx.switch(
                        checked=InvoicesState.is_test,
                        on_change=InvoicesState.set_test,
                        color_scheme="amber",
                        data_testid="invoice-test-switch",
                    ),
                    rx.vstack(
                        rx.text(I18n.t["invoice.field.is_test"], size="2", weight="medium"),
                        rx.text(I18n.t["invoice.hint.is_test"], size="1", color_scheme="gray"),
                        spacing="0",
                    ),
                    spacing="3",
                    align="center",
                ),
                rx.cond(
                    InvoicesState.field_errors.contains(""),
                    form_error(I18n.t[InvoicesState.field_errors[""]], data_testid="invoice-form-error"),
                ),
                rx.hstack(
                    rx.button(
                        I18n.t["common.cancel"],
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        size="3",
                        on_click=InvoicesState.toggle_form,
                    ),
                    rx.button(
                        rx.icon("check", size=16),
                        I18n.t["invoices.create"],
                        type="submit",
                        size="3",
                        loading=InvoicesState.creating,
                        data_testid="invoice-create",
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=InvoicesState.create,
            reset_on_submit=False,
            no_validate=True,
            width="100%",
        ),
        data_testid="invoice-form",
    )


@template(route=routes.INVOICES, title="Invoices", on_load=[InvoicesState.load, DevelopersState.load])
def invoices() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            page_heading(I18n.t["invoices.title"], I18n.t["invoices.subtitle"], margin_bottom="0"),
            rx.spacer(),
            rx.cond(
                ~InvoicesState.show_form,
                rx.button(
                    rx.icon("plus", size=16),
                    I18n.t["invoices.new"],
                    size="3",
                    on_click=InvoicesState.toggle_form,
                    data_testid="invoice-new",
                ),
            ),
            width="100%",
            align="end",
            wrap="wrap",
            spacing="3",
        ),
        rx.cond(InvoicesState.show_form, new_invoice_form()),
        rx.cond(InvoicesState.loaded, invoices_list(), loading_note(I18n.t["invoices.loading"])),
        developers_card(),
        spacing="4",
        width="100%",
    )
