"""The fund step's parts: each pending part with its method picker (pages/pay/methods.py) and, below
it, the picked method's panel saying what it costs and how to pay it; what cancelling does for each
method, above the parts."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import INSET_STYLE, status_chip
from krypton_app.pages.pay.methods import DEFAULT_METHOD, METHODS
from krypton_app.pages.pay.part_fiat import fiat_panel
from krypton_app.pages.pay.part_lightning import lightning_panel
from krypton_app.pages.pay.part_promise import promise_panel
from krypton_app.pages.pay.state import PayState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import PartRow

# What cancelling does for each method, said before the payer pays (SPEC F5, issue 12 item 5).
CANCEL_RULES = (
    ("wallet", "paywiz.cancel_rule.balance"),
    ("ticket", "paywiz.cancel_rule.promise"),
    ("zap", "paywiz.cancel_rule.lightning"),
    ("handshake", "paywiz.cancel_rule.fiat"),
)


def chosen(row: rx.Var[PartRow]) -> rx.Var:
    # A part whose P2P deal runs shows that deal (pages/pay/part_fiat.py) until the deal ends.
    return rx.cond(row.deal_live, "fiat_deal", PayState.part_methods.get(row.id.to_string(), DEFAULT_METHOD))


def method_picker(row: rx.Var[PartRow]) -> rx.Component:
    return rx.radio_cards.root(
        *(
            rx.radio_cards.item(
                rx.hstack(
                    rx.icon(method.icon, size=16, flex_shrink="0"),
                    rx.text(I18n.t[method.label], size="2", weight="medium"),
                    spacing="2",
                    align="center",
                ),
                value=method.key,
                data_testid=f"pay-method-{method.key}",
                # A merchant who takes fiat is paid in crypto only (services/fiat_payouts.py).
                **(
                    {"display": rx.cond(PayState.invoice.crypto_only, "none", "flex")}
                    if method.key == "fiat_deal"
                    else {}
                ),
            )
            for method in METHODS
        ),
        value=chosen(row),
        on_value_change=lambda method: PayState.choose_method(row.id, method),
        # Two to a row on a phone; all in one row from a tablet's width.
        columns=rx.breakpoints(initial="2", sm=str(min(len(METHODS), 4))),
        size="1",
        gap="2",
        width="100%",
        data_testid="pay-method-picker",
    )


def cost_line(label: rx.Var | str, value: rx.Var | str, **props) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.text(value, size="2", weight="medium", style={"font_variant_numeric": "tabular-nums"}, **props),
        width="100%",
        align="baseline",
        spacing="2",
    )


def balance_panel(row: rx.Var[PartRow]) -> rx.Component:
    short = PayState.balance_short.contains(row.id)
    return rx.vstack(
        cost_line(I18n.t["paywiz.you_pay"], row.amount, data_testid="pay-method-cost"),
        cost_line(I18n.t["paywiz.available"], PayState.available, data_testid="pay-method-available"),
        rx.cond(
            short,
            rx.hstack(
                rx.icon("circle-alert", size=14, flex_shrink="0"),
                rx.text(I18n.t["paywiz.balance_short"], size="1"),
                spacing="1",
                align="center",
                color=rx.color("amber", 11),
                data_testid="pay-balance-short",
            ),
            rx.hstack(
                rx.icon("circle-check", size=14, flex_shrink="0"),
                rx.text(I18n.t["paywiz.balance_enough"], size="1"),
                spacing="1",
                align="center",
                color=rx.color("green", 11),
                data_testid="pay-balance-enough",
            ),
        ),
        rx.button(
            rx.icon("wallet", size=15),
            I18n.t["pay.fund_balance"],
            on_click=PayState.fund(row.id),
            loading=PayState.busy == row.id,
            disabled=(PayState.busy != 0) | short,
            width="100%",
            size="3",
            data_testid="pay-fund",
        ),
        spacing="2",
        width="100%",
    )


def method_panel(row: rx.Var[PartRow]) -> rx.Component:
    """The picked method's panel: one case per entry of METHODS (the balance's is the default)."""
    return rx.box(
        rx.match(
            chosen(row),
            ("promise", promise_panel(row)),
            ("lightning", lightning_panel(row)),
            ("fiat_deal", fiat_panel(row)),
            balance_panel(row),
        ),
        padding="12px",
        width="100%",
        style=INSET_STYLE,
        data_testid="pay-method-panel",
    )


def part_header(row: rx.Var[PartRow]) -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.cond(row.pending, rx.text(row.position, size="2", weight="bold"), rx.icon("check", size=16)),
            width="32px",
            height="32px",
            min_width="32px",
            border_radius="999px",
            background=rx.cond(row.pending, rx.color("gray", 4), rx.color("green", 4)),
            color=rx.cond(row.pending, rx.color("gray", 11), rx.color("green", 11)),
        ),
        rx.vstack(
            rx.text(row.amount, size="3", weight="bold"),
            rx.hstack(
                status_chip(I18n.t[row.status_key], row.status_color, data_testid="part-status"),
                rx.cond(row.method_key != "", rx.text(I18n.t[row.method_key], size="1", color_scheme="gray")),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            spacing="1",
        ),
        width="100%",
        align="center",
    )


def part_progress(row: rx.Var[PartRow]) -> rx.Component:
    return rx.vstack(
        part_header(row),
        rx.cond(
            row.pending & PayState.payment.can_fund,
            rx.vstack(
                # While a deal runs the part stays with it (cancel the deal on its page to pay another
                # way): paying twice would send the trader's crypto to the balance instead.
                rx.cond(row.deal_live, rx.fragment(), method_picker(row)),
                method_panel(row),
                spacing="2",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
        padding_y="14px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="pay-part",
    )


def cancel_rules_note() -> rx.Component:
    """Before paying: where each method's money goes if the payment is cancelled."""
    return rx.cond(
        PayState.payment.can_cancel,
        rx.box(
            rx.text(I18n.t["paywiz.cancel_rules"], size="2", weight="medium"),
            rx.vstack(
                *(
                    rx.hstack(
                        rx.icon(icon, size=14, flex_shrink="0", margin_top="3px"),
                        rx.text(I18n.t[key], size="1"),
                        spacing="2",
                        align="start",
                    )
                    for icon, key in CANCEL_RULES
                ),
                spacing="1",
                margin_top="6px",
            ),
            padding="10px 12px",
            border_radius="12px",
            background=rx.color("gray", 2),
            color=rx.color("gray", 11),
            width="100%",
            margin_top="8px",
            data_testid="pay-cancel-rules",
        ),
    )
