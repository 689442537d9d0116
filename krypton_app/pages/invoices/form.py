"""The "New invoice" form: the fields of the chosen kind (a fixed amount and a limit on payments; a
payer-chosen amount with a minimum and a limit on the total; or a fixed amount for one person). The
inputs are uncontrolled and kept after a refused submit; each refusal shows under its field."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import card, card_title, field_error, form_error
from krypton_app.domain import invoices as rules
from krypton_app.pages.invoices.state import ASSET_CODES, EXPIRY_CHOICES, FIAT_CODES, NO_FIAT, InvoicesState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import KINDS


def _error_under(name: str, hint_key: str | None = None) -> rx.Component:
    return rx.cond(
        InvoicesState.field_errors.contains(name),
        field_error(I18n.t[InvoicesState.field_errors[name]]),
        rx.text(I18n.t[hint_key], size="1", color_scheme="gray") if hint_key else rx.fragment(),
    )


# The service's limits (domain/invoices.py): the browser stops typing there instead of refusing later.
MAX_LENGTHS = {
    "title": rules.TITLE_MAX,
    "description": rules.DESCRIPTION_MAX,
    "order_id": rules.ORDER_ID_MAX,
    "payer_contact": rules.CONTACT_MAX,
}


def text_input(
    name: str,
    *,
    placeholder: str = "",
    input_mode: str = "text",
    hint: bool = False,
    input_type: str = "text",
    **events,
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
            **({"max_length": MAX_LENGTHS[name]} if name in MAX_LENGTHS else {}),
            **events,
        ),
        _error_under(name, f"invoice.hint.{name}" if hint else None),
        spacing="1",
        width="100%",
        data_testid=f"invoice-field-{name}",
    )


def existing_order_link() -> rx.Component:
    """Under the order id its error names: the invoice that already answers for it."""
    return rx.cond(
        InvoicesState.field_errors.contains("order_id") & (InvoicesState.existing_number != ""),
        rx.link(
            I18n.t["invoices.open_existing"],
            " ",
            InvoicesState.existing_number,
            href=InvoicesState.existing_path,
            size="2",
            data_testid="invoice-existing-order",
        ),
    )


def select_input(name: str, options: list[tuple[str, rx.Var | str]], default: str, **events) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[f"invoice.field.{name}"], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", data_testid=f"invoice-{name}"),
            rx.select.content(*(rx.select.item(label, value=value) for value, label in options)),
            name=name,
            default_value=default,
            size="3",
            **events,
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


def payout_section() -> rx.Component:
    """ "Pay me in fiat" (services/fiat_payouts.py): a switch, then the country (its currency follows) and
    one of its payment methods. The method select is keyed by the country, so a new country starts it
    on that country's first method."""
    return rx.vstack(
        rx.hstack(
            rx.switch(
                checked=InvoicesState.payout_on,
                on_change=InvoicesState.set_payout,
                data_testid="invoice-payout-switch",
            ),
            rx.vstack(
                rx.text(I18n.t["payout.enable"], size="2", weight="medium"),
                rx.text(I18n.t["payout.hint"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            spacing="3",
            align="center",
        ),
        rx.cond(
            InvoicesState.payout_on,
            grid(
                rx.vstack(
                    rx.text(I18n.t["payout.country"], size="2", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(width="100%", data_testid="invoice-payout_country"),
                        rx.select.content(
                            rx.foreach(InvoicesState.payout_countries, lambda o: rx.select.item(o.name, value=o.code))
                        ),
                        value=InvoicesState.payout_country,
                        on_change=InvoicesState.choose_payout_country,
                        size="3",
                    ),
                    _error_under("payout_country"),
                    spacing="1",
                    width="100%",
                ),
                rx.vstack(
                    rx.text(I18n.t["payout.method"], size="2", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(width="100%", data_testid="invoice-payout_method"),
                        rx.select.content(
                            rx.foreach(InvoicesState.payout_methods, lambda o: rx.select.item(o.name, value=o.code))
                        ),
                        name="payout_method",
                        default_value=InvoicesState.payout_methods[0].code,
                        key=InvoicesState.payout_country,
                        size="3",
                    ),
                    _error_under("payout_method"),
                    spacing="1",
                    width="100%",
                ),
            ),
        ),
        rx.cond(InvoicesState.field_errors.contains("payout_fiat"), _error_under("payout_fiat")),
        spacing="3",
        width="100%",
        data_testid="invoice-payout",
    )


def new_invoice_form() -> rx.Component:
    kind = InvoicesState.kind
    return card(
        card_title("file-plus", I18n.t["invoices.new"]),
        rx.form(
            rx.vstack(
                kind_switch(),
                grid(
                    text_input("title", placeholder=I18n.t["invoice.placeholder.title"]),
                    rx.vstack(text_input("order_id", hint=True), existing_order_link(), spacing="1", width="100%"),
                ),
                text_input("description"),
                section("invoices.section.amount"),
                grid(
                    select_input(
                        "asset",
                        [(c, c) for c in ASSET_CODES],
                        ASSET_CODES[0],
                        on_change=InvoicesState.preview_fee_asset,
                    ),
                    select_input(
                        "fiat_currency",
                        [(NO_FIAT, I18n.t["invoice.no_fiat"]), *((c, c) for c in FIAT_CODES)],
                        NO_FIAT,
                        on_change=InvoicesState.preview_fee_fiat,
                    ),
                ),
                grid(
                    rx.cond(
                        kind != "floating",
                        text_input(
                            "amount",
                            placeholder="0.00",
                            input_mode="decimal",
                            hint=True,
                            on_blur=InvoicesState.preview_fee_amount,
                        ),
                        text_input("min_payment", placeholder="0.00", input_mode="decimal"),
                    ),
                    rx.match(
                        kind,
                        ("fixed", text_input("max_payments", placeholder="∞", input_mode="numeric", hint=True)),
                        ("floating", text_input("max_total", placeholder="∞", input_mode="decimal", hint=True)),
                        text_input("payer_contact", placeholder="@username / mail@…", hint=True),
                    ),
                ),
                rx.callout(
                    InvoicesState.fee_note,
                    icon="percent",
                    size="1",
                    color_scheme="gray",
                    variant="surface",
                    width="100%",
                    data_testid="invoice-fee-note",
                ),
                grid(
                    text_input("max_parts", placeholder="1", input_mode="numeric", hint=True),
                    select_input(
                        "expires_in_s",
                        [(s, I18n.t[f"invoice.expiry.{s}"]) for s in EXPIRY_CHOICES],
                        "0",
                    ),
                ),
                payout_section(),
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
                        loading=InvoicesState.submitting,
                        disabled=InvoicesState.submitting,
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
