"""Pieces the queue items share: the item's frame and head line, a one-field form beside its button, and
the error under a row."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.rows import ROW_RULE
from krypton_app.components.ui import field_error
from krypton_app.pages.operator.state import OperatorState
from krypton_app.state.i18n import I18n


def row_error(row_key: rx.Var) -> rx.Component:
    return rx.cond(
        OperatorState.row_errors.contains(row_key),
        field_error(I18n.t[OperatorState.row_errors[row_key]]),
        rx.fragment(),
    )


def inline_form(on_submit, hidden: dict[str, rx.Var], field: str, placeholder: rx.Var, button: rx.Component):
    return rx.form(
        rx.hstack(
            *(rx.el.input(type="hidden", name=name, value=value) for name, value in hidden.items()),
            rx.input(name=field, placeholder=placeholder, size="2", flex="1", min_width="0"),
            button,
            spacing="2",
            width="100%",
        ),
        on_submit=on_submit,
        # A refused reference stays for correcting; a decided row leaves the list.
        reset_on_submit=False,
        width="100%",
    )


def queue_head(*children: rx.Component) -> rx.Component:
    """An item's first line: what it is, and its amount or time, wrapping on a phone."""
    return rx.hstack(*children, spacing="2", align="center", width="100%", wrap="wrap")


def queue_item(row_key: rx.Var, *children: rx.Component, test_id: str, spacing: str = "2") -> rx.Component:
    """A queue item: its lines, then the refusal of its last action. Keyed by the row, so text typed for
    one item never stays on the next after it leaves the queue."""
    return rx.vstack(
        *children,
        row_error(row_key),
        spacing=spacing,
        width="100%",
        padding_y="16px",
        border_top=ROW_RULE,
        data_testid=test_id,
        key=row_key,
    )
