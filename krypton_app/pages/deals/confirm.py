"""The deal page's irreversible buttons (I have paid, release, cancel, dispute) ask first: a dialog that
says what will happen, with the amount and the other side's name, before the event runs. A slip of the
thumb on a phone must not move coins or end a deal."""

from __future__ import annotations

import reflex as rx

from krypton_app.state.i18n import I18n


def confirm_button(
    trigger: rx.Component,
    *,
    title: rx.Var | str,
    body: rx.Component,
    confirm_label: rx.Var | str,
    on_confirm,
    test_id: str,
    color: str | None = None,
    warning: rx.Component | None = None,
) -> rx.Component:
    """`trigger` opens the dialog; `on_confirm` runs only from its confirm button (`<test_id>-confirm`)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(body, size="2", data_testid=f"{test_id}-text"),
            warning if warning is not None else rx.fragment(),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        I18n.t["deal.confirm.back"],
                        variant="soft",
                        color_scheme="gray",
                        data_testid=f"{test_id}-back",
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(
                        confirm_label,
                        on_click=on_confirm,
                        data_testid=f"{test_id}-confirm",
                        **({"color_scheme": color} if color else {}),
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            max_width="440px",
        ),
    )
