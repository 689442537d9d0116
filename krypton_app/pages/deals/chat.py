"""The deal's chat: the two sides (and the operator in a dispute) write text and attach images, drawn
by the chat component the payment's chat shares (components/chat.py)."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.chat import chat_card
from krypton_app.pages.deals.state import DealState
from krypton_app.state.i18n import I18n


def chat() -> rx.Component:
    return chat_card(
        title=I18n.t["deal.chat"],
        messages=DealState.messages,
        send=DealState.send,
        count=DealState.count_chat,
        send_image=DealState.send_image,
        length=DealState.chat_length,
        error=DealState.chat_error,
        image_error=DealState.image_error,
    )
