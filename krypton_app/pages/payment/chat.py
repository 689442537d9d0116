"""The /payment/[payment_id]/chat page: the chat card (components/chat.py) with who is on the other side,
a link back to the payment, and "call an operator"."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.chat import chat_card
from krypton_app.components.layout import template
from krypton_app.components.skeleton import page_skeleton
from krypton_app.components.ui import form_error, page_heading
from krypton_app.pages.payment.chat_state import PaymentChatState
from krypton_app.state.i18n import I18n


def _header() -> rx.Component:
    s = PaymentChatState
    return rx.vstack(
        rx.hstack(
            rx.text(I18n.t["paychat.with"], ":", size="2", color_scheme="gray"),
            rx.text(s.other_name, size="2", weight="medium", data_testid="paychat-other"),
            spacing="2",
            wrap="wrap",
        ),
        rx.cond(
            s.operator_called,
            rx.callout(I18n.t["paychat.operator_here"], icon="shield", size="1", data_testid="paychat-operator-here"),
        ),
        rx.cond(
            s.messages.length() == 0,
            rx.text(I18n.t["paychat.empty"], size="2", color_scheme="gray", data_testid="paychat-empty"),
        ),
        spacing="2",
        width="100%",
        margin_bottom="8px",
    )


def _footer() -> rx.Component:
    s = PaymentChatState
    return rx.vstack(
        rx.cond(
            ~s.operator_called & (s.role != "operator"),
            rx.hstack(
                rx.button(
                    rx.icon("life-buoy", size=15),
                    I18n.t["paychat.call_operator"],
                    on_click=PaymentChatState.call_operator,
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    data_testid="paychat-call-operator",
                ),
                rx.text(I18n.t["paychat.call_operator_hint"], size="1", color_scheme="gray"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
        ),
        rx.cond(s.call_error != "", form_error(I18n.t[s.call_error])),
        spacing="2",
        width="100%",
        margin_top="12px",
    )


def _chat() -> rx.Component:
    s = PaymentChatState
    return chat_card(
        title=I18n.t["deal.chat"],
        messages=s.messages,
        send=s.send,
        count=s.count_chat,
        send_image=s.send_image,
        length=s.chat_length,
        error=s.chat_error,
        image_error=s.image_error,
        before_log=_header(),
        after=_footer(),
    )


@template(route=routes.PAYMENT_CHAT, title="Messages", on_load=[PaymentChatState.load])
def payment_chat() -> rx.Component:
    s = PaymentChatState
    return rx.vstack(
        page_heading(I18n.t["paychat.title"], s.about),
        rx.cond(
            s.missing,
            form_error(I18n.t["paychat.missing"], data_testid="paychat-missing"),
            rx.cond(
                # The previous chat stays in the tab's state until on_load has run.
                s.shown.to_string() == rx.State.payment_id,
                rx.vstack(
                    rx.cond(
                        s.role != "operator",
                        rx.link(
                            rx.hstack(rx.icon("arrow-left", size=15), I18n.t["paychat.back"], align="center"),
                            href=routes.PAYMENT.replace("[payment_id]", "") + rx.State.payment_id,
                            size="2",
                            data_testid="paychat-back",
                        ),
                    ),
                    _chat(),
                    spacing="3",
                    width="100%",
                ),
                page_skeleton(I18n.t["pay.loading"]),
            ),
        ),
        width="100%",
        max_width="720px",
    )
