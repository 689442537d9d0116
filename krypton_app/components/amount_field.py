"""The amount input of a form that spends the user's balance (withdraw, pay): what is available above
it and a "Max" beside it, the same on every such form."""

from __future__ import annotations

import reflex as rx

from krypton_app.state.i18n import I18n

TABULAR = {"font_variant_numeric": "tabular-nums"}


def available_text(available: rx.Var, *, test_id: str) -> rx.Component:
    """ "Available: 12.5 TON"; nothing while `available` is "" (not known yet, or nothing to spend)."""
    return rx.cond(
        available != "",
        rx.text(
            I18n.t["withdraw.available"],
            " ",
            available,
            size="1",
            color_scheme="gray",
            style=TABULAR,
            data_testid=test_id,
        ),
    )


def amount_field(
    label: rx.Component,
    field: rx.Component,
    *,
    available: rx.Var,
    on_max: rx.EventSpec,
    test_prefix: str,
    unit: rx.Component | None = None,
    max_disabled: rx.Var | bool = False,
    below: tuple[rx.Component, ...] = (),
) -> rx.Component:
    """`label` and the available balance on one line, `field` (the page's own input, bound its own way),
    its `unit` and "Max" (`on_max` fills the input in) on the next, `below` under them. Test ids:
    `<test_prefix>-field-amount`, `-available`, `-max`. Max shows only with a known balance."""
    return rx.vstack(
        rx.hstack(
            label,
            available_text(available, test_id=f"{test_prefix}-available"),
            justify="between",
            align="baseline",
            wrap="wrap",
            width="100%",
        ),
        rx.hstack(
            field,
            *([unit] if unit is not None else []),
            rx.cond(
                available != "",
                rx.button(
                    I18n.t["withdraw.max"],
                    type="button",
                    on_click=on_max,
                    variant="soft",
                    size="3",
                    disabled=max_disabled,
                    data_testid=f"{test_prefix}-max",
                ),
            ),
            spacing="2",
            align="center",
            width="100%",
        ),
        *below,
        spacing="1",
        width="100%",
        data_testid=f"{test_prefix}-field-amount",
    )
