"""What the wizard and the direct page both show: the invoice card with its price and rate, the
refusal when it takes no payment, the floating amount input and the rate notices."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.amount_field import amount_field, available_text
from krypton_app.components.countdown import countdown
from krypton_app.components.ui import card, field_error, form_error, status_chip
from krypton_app.pages.pay.state import PayState
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n, in_language


def shows_route() -> rx.Var:
    """True once the tab's state holds the invoice in the URL. Until on_load has run after a
    navigation, the state still holds the previous invoice: it must not be shown, or paid."""
    return (PayState.invoice.number != "") & (PayState.invoice.number == rx.State.number.upper())


def test_badge() -> rx.Component:
    return rx.cond(
        PayState.invoice.test,
        rx.badge("TEST", color_scheme="amber", variant="solid", radius="full", data_testid="test-mark"),
    )


def invoice_card() -> rx.Component:
    inv = PayState.invoice
    return card(
        rx.vstack(
            rx.hstack(
                rx.hstack(
                    rx.icon("store", size=16),
                    rx.text(inv.merchant, size="2", weight="medium", data_testid="pay-merchant"),
                    spacing="2",
                    align="center",
                    color=rx.color("gray", 11),
                ),
                rx.spacer(),
                test_badge(),
                status_chip(I18n.t[inv.status_key], inv.status_color, data_testid="pay-status"),
                rx.code(inv.number, size="2", variant="soft", data_testid="pay-number"),
                width="100%",
                align="center",
                spacing="2",
            ),
            rx.heading(inv.title, size="6", weight="bold", data_testid="pay-title"),
            rx.cond(inv.description != "", rx.text(inv.description, size="2", color_scheme="gray")),
            rx.cond(
                PayState.floating,
                rx.text(I18n.t["pay.floating"], size="3", color_scheme="gray"),
                rx.vstack(
                    rx.text(inv.amount, size="8", weight="bold", letter_spacing="-0.02em", data_testid="pay-amount"),
                    rx.cond(
                        inv.fiat,
                        rx.text("≈ ", inv.asset_amount, size="2", color_scheme="gray", data_testid="pay-asset-amount"),
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
                PayState.floating & (inv.min_payment != ""),
                rx.text(
                    I18n.t["invoice.field.min_payment"],
                    ": ",
                    inv.min_payment,
                    size="2",
                    color_scheme="gray",
                    data_testid="pay-min-payment",
                ),
            ),
            rx.cond(
                PayState.floating & (inv.cap_left != ""),
                rx.text(
                    I18n.t["pay.cap_left"],
                    ": ",
                    inv.cap_left,
                    size="2",
                    color_scheme="gray",
                    data_testid="pay-cap-left",
                ),
            ),
            # SPEC F12: the invoice-payment fee is the merchant's, taken out of what they receive
            rx.hstack(
                rx.icon("badge-check", size=14),
                rx.text(I18n.t["pay.fee_merchant_pays"], size="1"),
                spacing="1",
                align="center",
                color=rx.color("gray", 11),
                data_testid="pay-fee-note",
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


def test_notice() -> rx.Component:
    """A test invoice: no real payment is possible, so the page says so and offers none."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("flask-conical")),
        rx.callout.text(rx.text(I18n.t["pay.test_title"], weight="bold"), I18n.t["error.invoice_is_test"]),
        color_scheme="amber",
        variant="surface",
        width="100%",
        data_testid="pay-test-notice",
    )


def refusal() -> rx.Component:
    """Not found (wrong number or someone else's private invoice), closed / expired, or a test invoice."""
    return rx.cond(
        PayState.error != "",
        form_error(I18n.t[PayState.error], data_testid="pay-error"),
        rx.cond(
            PayState.unavailable == "error.invoice_is_test",
            test_notice(),
            rx.cond(
                PayState.unavailable != "",
                form_error(I18n.t[PayState.unavailable], data_testid="pay-unavailable"),
            ),
        ),
    )


def available_note() -> rx.Component:
    """What the signed-in payer has in the invoice's asset, by the amount it pays."""
    return available_text(PayState.available, test_id="pay-available")


def amount_input() -> rx.Component:
    return amount_field(
        rx.el.label(rx.text(I18n.t["pay.your_amount"], size="2", weight="medium"), html_for="pay_amount"),
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
        available=PayState.available,
        on_max=PayState.fill_max,
        test_prefix="pay",
        unit=rx.text(PayState.invoice.asset, size="3", weight="medium"),
        below=(
            rx.cond(
                PayState.field_errors.contains("amount"), field_error(in_language(PayState.field_errors["amount"]))
            ),
        ),
    )


def sign_in_card(*, private_hint: bool = False) -> rx.Component:
    """A visitor sees the invoice (or, for a number that is not theirs to see, the same refusal as anyone)
    and signs in here; the login returns to this very link, query included (AuthState.require_login)."""
    return card(
        rx.vstack(
            rx.text(
                I18n.t["pay.sign_in_private" if private_hint else "pay.sign_in_hint"],
                size="2",
                color_scheme="gray",
            ),
            rx.button(
                rx.icon("log-in", size=16),
                I18n.t["pay.sign_in"],
                on_click=AuthState.require_login,
                size="3",
                width="100%",
                data_testid="pay-sign-in",
            ),
            spacing="3",
            width="100%",
        ),
        data_testid="pay-visitor",
    )
