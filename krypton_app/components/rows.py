"""A card's list rows and the confirmation a row's destructive button asks for, the same on every page
that lists the user's things (recent payouts, payments, own ads) so rows line up alike."""

from __future__ import annotations

import reflex as rx

# The hairline between a card's rows.
ROW_RULE = f"1px solid {rx.color('gray', 4)}"


def split_row(main: rx.Component, side: rx.Component, **props) -> rx.Component:
    """What a row is on the left, its amount or buttons on the right; with `wrap="wrap"` the right part
    goes under the left on a narrow screen instead of squeezing it."""
    return rx.hstack(main, rx.spacer(), side, width="100%", align="start", **props)


def list_row(main: rx.Component, side: rx.Component, *, test_id: str, padding_y: str = "12px") -> rx.Component:
    """One row of a card's list: a split row under a hairline, wrapping on a phone."""
    return split_row(main, side, wrap="wrap", padding_y=padding_y, border_top=ROW_RULE, data_testid=test_id)


def confirm_dialog(
    trigger: rx.Component,
    *,
    title: rx.Var,
    description: rx.Component | rx.Var,
    keep_label: rx.Var,
    confirm_label: rx.Var,
    on_confirm: rx.EventSpec,
    confirm_test_id: str,
    **content_props,
) -> rx.Component:
    """`trigger` opens a dialog that says what the action does; only its red confirm button acts."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(keep_label, variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(confirm_label, color_scheme="red", on_click=on_confirm, data_testid=confirm_test_id),
                ),
                spacing="3",
                justify="end",
                wrap="wrap",
                margin_top="16px",
            ),
            **content_props,
        ),
    )
