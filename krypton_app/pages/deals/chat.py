"""The deal's chat: the two sides (and the operator in a dispute) write text and attach images.
Text is rendered as text, never as HTML; images are served by /files/chat/<message id>, which checks
the session like the chat does."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import WRAP_ANYWHERE, card, card_title, field_error
from krypton_app.pages.deals.rows import MessageRow
from krypton_app.pages.deals.state import DealState
from krypton_app.services.chat import TEXT_MAX
from krypton_app.state.i18n import I18n

CHAT_UPLOAD = "chat_image"


def message_bubble(m: MessageRow) -> rx.Component:
    return rx.cond(
        m.side == "system",
        rx.box(
            rx.text(m.text, size="1", color_scheme="gray", text_align="center"),
            width="100%",
            padding="6px 12px",
            data_testid="chat-system",
        ),
        rx.hstack(
            rx.box(
                rx.text(I18n.t[m.author_key], " · ", m.time, size="1", color_scheme="gray"),
                rx.cond(
                    m.image != "",
                    rx.link(
                        rx.image(
                            src=m.image,
                            max_width="240px",
                            max_height="240px",
                            border_radius="10px",
                            alt=I18n.t["deal.chat_image"],
                            data_testid="chat-image",
                        ),
                        href=m.image,
                        is_external=True,
                    ),
                ),
                # Plain text child: React escapes it, so a message can never inject HTML.
                rx.cond(
                    m.text != "",
                    rx.text(m.text, size="2", white_space="pre-wrap", **WRAP_ANYWHERE),
                ),
                background=rx.cond(m.side == "mine", rx.color("accent", 3), rx.color("gray", 3)),
                border_radius="14px",
                padding="8px 12px",
                max_width="80%",
                data_testid="chat-message",
            ),
            justify=rx.cond(m.side == "mine", "end", "start"),
            width="100%",
        ),
    )


def chat() -> rx.Component:
    return card(
        card_title("messages-square", I18n.t["deal.chat"]),
        rx.vstack(
            rx.foreach(DealState.messages, message_bubble),
            spacing="2",
            width="100%",
            max_height="420px",
            overflow_y="auto",
            data_testid="chat-log",
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    id="chat_text",
                    name="text",
                    placeholder=I18n.t["deal.chat_placeholder"],
                    size="3",
                    width="100%",
                    auto_complete="off",
                    max_length=TEXT_MAX,
                    on_change=DealState.count_chat,
                    data_testid="chat-input",
                ),
                rx.button(
                    rx.icon("send", size=16), I18n.t["deal.chat_send"], type="submit", size="3", data_testid="chat-send"
                ),
                width="100%",
                margin_top="12px",
            ),
            on_submit=DealState.send,
        ),
        rx.text(
            DealState.chat_length.to_string() + f" / {TEXT_MAX}",
            size="1",
            color_scheme=rx.cond(DealState.chat_length >= TEXT_MAX, "red", "gray"),
            align="right",
            data_testid="chat-counter",
        ),
        rx.upload.root(
            rx.button(
                rx.icon("image-plus", size=16),
                I18n.t["deal.chat_attach"],
                variant="ghost",
                size="2",
                type="button",
                data_testid="chat-attach",
            ),
            id=CHAT_UPLOAD,
            multiple=False,
            max_files=1,
            # The browser's filter is a convenience; the service decides by the file's bytes.
            accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]},
            on_drop=DealState.send_image(rx.upload_files(upload_id=CHAT_UPLOAD)),
            border="none",
            padding="0",
            margin_top="6px",
            width="fit-content",
        ),
        rx.cond(DealState.chat_error != "", field_error(I18n.t[DealState.chat_error])),
        rx.cond(DealState.image_error != "", field_error(I18n.t[DealState.image_error])),
    )
