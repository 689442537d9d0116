"""The payout queue: each Bitcoin / Lightning payout waiting for the operator to pay it by hand (with
a reference) or reject it (with a reason, which returns the money)."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import copy_value
from krypton_app.pages.operator.forms import inline_form, queue_head, queue_item
from krypton_app.pages.operator.state import OperatorState
from krypton_app.state.i18n import I18n
from krypton_app.state.views import WithdrawalRow


def payout_item(row: rx.Var[WithdrawalRow]) -> rx.Component:
    return queue_item(
        row.key,
        queue_head(
            rx.badge(I18n.t[row.method_key], color_scheme="violet", variant="soft", radius="full"),
            rx.text("#", row.id, size="2", color_scheme="gray"),
            rx.spacer(),
            rx.text(row.detail, size="4", weight="bold", style={"font_variant_numeric": "tabular-nums"}),
        ),
        copy_value(
            I18n.t["operator.destination"],
            row.destination,
            copied=I18n.t["common.copied"],
            copy_label=I18n.t["common.copy"],
            test_id="payout-destination",
        ),
        rx.text(
            I18n.t["operator.charged"],
            ": ",
            row.amount_full,
            " + ",
            row.fee,
            " · ",
            row.when,
            size="1",
            color_scheme="gray",
        ),
        rx.grid(
            inline_form(
                OperatorState.mark_paid,
                {"payout_id": row.id},
                "reference",
                I18n.t["operator.reference_placeholder"],
                rx.button(
                    rx.icon("check", size=15),
                    I18n.t["operator.mark_paid"],
                    color_scheme="green",
                    type="submit",
                    data_testid="payout-mark-paid",
                ),
            ),
            inline_form(
                OperatorState.reject,
                {"payout_id": row.id},
                "reason",
                I18n.t["operator.reason_placeholder"],
                rx.button(
                    rx.icon("x", size=15),
                    I18n.t["operator.reject"],
                    color_scheme="red",
                    variant="soft",
                    type="submit",
                    data_testid="payout-reject",
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="2",
            width="100%",
        ),
        test_id="payout-item",
        spacing="3",
    )
