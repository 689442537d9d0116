"""Payment chats a payer or a merchant called an operator to: each opens the chat, where the operator
reads both sides and writes."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.rows import ROW_RULE
from krypton_app.pages.operator.state import CalledChatRow
from krypton_app.state.i18n import I18n


def chat_item(row: rx.Var[CalledChatRow]) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.code("#", row.payment_id, size="2", variant="soft"),
                rx.text(I18n.t["paychat.invoice"], " ", row.invoice, " · ", row.when, size="1", color_scheme="gray"),
                spacing="1",
            ),
            rx.spacer(),
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
        data_testid="operator-chat-item",
    )
