"""Open deal disputes: each opens the deal page, where the operator reads both sides and decides."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.rows import ROW_RULE
from krypton_app.state.i18n import I18n
from krypton_app.state.views import DisputeQueueRow


def dispute_item(row: rx.Var[DisputeQueueRow]) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.code("#", row.id, size="2", variant="soft"),
                    rx.badge(I18n.t[row.opened_by_key], variant="soft", color_scheme="red", size="1"),
                    rx.badge(I18n.t[row.purpose_key], variant="soft", color_scheme="violet", size="1"),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.text(row.owed, size="1", data_testid="dispute-owed"),
                rx.text(
                    row.when,
                    " · ",
                    I18n.t["operator.statements"],
                    " ",
                    row.statements,
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.vstack(
                rx.text(row.amount, size="3", weight="bold"),
                rx.text(row.fiat, size="1", color_scheme="gray"),
                spacing="0",
                align="end",
            ),
            rx.icon("chevron-right", size=16),
            align="center",
            width="100%",
        ),
        href=row.href,
        underline="none",
        color=rx.color("gray", 12),
        width="100%",
        padding_y="12px",
        border_top=ROW_RULE,
        data_testid="dispute-item",
    )
