"""The chat card of a deal (pages/deals) and of a payment (pages/payment/chat.py): the messages, a text
input with its counter, an image attachment. Text is rendered as text, never as HTML; images are
served by /files/chat/<message id>, which checks the session like the chat does.

The page's state owns the data and the handlers; this draws them. The ids and test ids are the same
in both chats (one chat per page)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventHandler

from krypton_app.components.ui import WRAP_ANYWHERE, card, card_title, field_error
from krypton_app.services.chat import TEXT_MAX
from krypton_app.state.chat_rows import MessageRow
from krypton_app.state.i18n import I18n

CHAT_UPLOAD = "chat_image"
CHAT_INPUT = "chat_text"  # a state clears it after sending: rx.set_value(CHAT_INPUT, "")


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


def chat_card(
    *,
    title: rx.Var | str,
    messages: rx.Var[list[MessageRow]],
    send: EventHandler,
    count: EventHandler,
    send_image: EventHandler,
    length: rx.Var[int],
    error: rx.Var[str],
    image_error: rx.Var[str],
    before_log: rx.Component | None = None,
    after: rx.Component | None = None,
) -> rx.Component:
    """`send(form_data)` gets the text as "text"; `count(text)` feeds the counter; `send_image(files)`
    gets the upload. `error` / `image_error` are catalog keys ("" for none)."""
    return card(
        card_title("messages-square", title),
        *([before_log] if before_log is not None else []),
        rx.vstack(
            rx.foreach(messages, message_bubble),
            spacing="2",
            width="100%",
            max_height="420px",
            overflow_y="auto",
            data_testid="chat-log",
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    id=CHAT_INPUT,
                    name="text",
                    placeholder=I18n.t["deal.chat_placeholder"],
                    size="3",
                    width="100%",
                    auto_complete="off",
                    max_length=TEXT_MAX,
                    on_change=count,
                    data_testid="chat-input",
                ),
                rx.button(
                    rx.icon("send", size=16), I18n.t["deal.chat_send"], type="submit", size="3", data_testid="chat-send"
                ),
                width="100%",
                margin_top="12px",
            ),
            on_submit=send,
        ),
        rx.text(
            length.to_string() + f" / {TEXT_MAX}",
            size="1",
            color_scheme=rx.cond(length >= TEXT_MAX, "red", "gray"),
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
            on_drop=send_image(rx.upload_files(upload_id=CHAT_UPLOAD)),
            border="none",
            padding="0",
            margin_top="6px",
            width="fit-content",
        ),
        rx.cond(error != "", field_error(I18n.t[error])),
        rx.cond(image_error != "", field_error(I18n.t[image_error])),
        *([after] if after is not None else []),
    )
