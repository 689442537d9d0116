"""The review queue: chain transactions the monitor could not credit, each with its reason and the
actions its view allows (credit to a user, record as returned, dismiss)."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import status_chip
from krypton_app.pages.operator.forms import inline_form, queue_head, queue_item
from krypton_app.pages.operator.state import OperatorState
from krypton_app.state.i18n import I18n
from krypton_app.state.views import UnmatchedDepositRow


def deposit_item(row: rx.Var[UnmatchedDepositRow]) -> rx.Component:
    return queue_item(
        row.key,
        queue_head(
            rx.text(row.amount, size="4", weight="bold"),
            status_chip(I18n.t[row.status_key], row.status_color),
            rx.spacer(),
            rx.text(row.when, size="1", color_scheme="gray"),
        ),
        rx.text(
            I18n.t[row.reason_key],
            rx.cond(row.detail != "", rx.fragment(" ", rx.code(row.detail, variant="ghost")), rx.fragment()),
            size="2",
            weight="medium",
            style={"word_break": "break-word"},
            data_testid="deposit-reason",
        ),
        rx.text(I18n.t["operator.sender"], ": ", rx.code(row.sender_short, variant="ghost"), size="2"),
        rx.text(
            I18n.t["operator.comment"],
            ": ",
            rx.cond(row.comment != "", rx.code(row.comment, variant="ghost"), "—"),
            size="2",
            style={"word_break": "break-all"},
        ),
        rx.text(I18n.t["operator.tx"], ": ", rx.code(row.tx_hash, variant="ghost"), size="1", color_scheme="gray"),
        rx.grid(
            rx.cond(
                row.can_credit,
                inline_form(
                    OperatorState.credit,
                    {"deposit_id": row.id},
                    "user_ref",
                    I18n.t["operator.user_ref_placeholder"],
                    rx.button(
                        rx.icon("user-check", size=15),
                        I18n.t["operator.credit"],
                        type="submit",
                        data_testid="deposit-credit",
                    ),
                ),
                rx.fragment(),
            ),
            rx.hstack(
                rx.cond(
                    row.can_return,
                    rx.button(
                        rx.icon("undo-2", size=15),
                        I18n.t["operator.mark_returned"],
                        on_click=OperatorState.mark_returned(row.id),
                        variant="soft",
                        color_scheme="gray",
                        data_testid="deposit-returned",
                    ),
                    rx.fragment(),
                ),
                rx.cond(
                    row.can_dismiss,
                    rx.button(
                        rx.icon("archive-x", size=15),
                        I18n.t["operator.dismiss"],
                        on_click=OperatorState.dismiss(row.id),
                        variant="soft",
                        color_scheme="gray",
                        data_testid="deposit-dismiss",
                    ),
                    rx.fragment(),
                ),
                spacing="2",
                justify="end",
            ),
            columns=rx.breakpoints(initial="1", md="1fr auto"),
            spacing="2",
            width="100%",
        ),
        test_id="deposit-item",
    )
