"""The payment's chat as tabs drive it (pages/payment/chat_state.py): the payer and the merchant write
to each other; the merchant sees the unread count on the invoice page; a stranger (or an operator nobody
called) calling every handler by name on someone else's payment gets the "not yours" page and changes
nothing; an operator once called reads and writes."""

from __future__ import annotations

import asyncio

import pytest
from builders import image_bytes, make_user, paid_payment
from reflex_tabs import Processor
from sqlalchemy import func, select

from krypton_app import bootstrap, routes
from krypton_app.models import ChatMessage, Invoice, InvoicePayment
from krypton_app.pages.invoice_detail.state import InvoiceDetailState
from krypton_app.pages.payment.chat_state import PaymentChatState
from krypton_app.pages.payment.state import PaymentState
from krypton_app.state.auth import AuthState


class Upload:
    """What Reflex hands an upload handler: the file's bytes and the type the browser claimed."""

    def __init__(self, data: bytes, content_type: str):
        self._data, self.content_type = data, content_type

    async def read(self, size: int = -1) -> bytes:
        return self._data if size < 0 else self._data[:size]


@pytest.fixture
def chat(uow, monkeypatch):
    """(merchant, payer, payment id, invoice number, who): `who[0]` is the tab's signed-in user."""
    merchant, payer, payment_id = paid_payment(uow)
    with uow.read() as s:
        number = s.get(Invoice, s.get(InvoicePayment, payment_id).invoice_id).number
    who = [payer]

    async def signed_in(self):
        return who[0]

    monkeypatch.setattr(AuthState, "_user_id", signed_in)
    with bootstrap.override(uow=uow):
        yield merchant, payer, payment_id, number, who


def messages_in(uow, payment_id: int) -> int:
    with uow.read() as s:
        return s.execute(select(func.count()).where(ChatMessage.payment_id == payment_id)).scalar_one()


def test_payer_and_merchant_write_to_each_other(chat, uow):
    merchant, payer, payment_id, number, who = chat

    async def scenario():
        async with Processor() as p:
            result = p.tab(routes.payment(payment_id))
            await result.send(PaymentState.load)
            shown = await result.state(PaymentState)
            assert (shown.chat_href, shown.is_payer) == (routes.payment_chat(payment_id), True)

            tab = p.tab(routes.payment_chat(payment_id))
            await tab.send(PaymentChatState.load)
            state = await tab.state(PaymentChatState)
            assert (state.role, state.missing, state.shown, state.messages) == ("payer", False, payment_id, [])
            await tab.send(PaymentChatState.count_chat, text="Where is my key?")
            assert (await tab.state(PaymentChatState)).chat_length == 16
            await tab.send(PaymentChatState.send, form_data={"text": "Where is my key?"})
            state = await tab.state(PaymentChatState)
            assert [(m.text, m.side, m.author_key) for m in state.messages] == [
                ("Where is my key?", "mine", "paychat.role.payer")
            ]
            assert (state.chat_error, state.chat_length) == ("", 0)
            await tab.send(PaymentChatState.send_image, files=[Upload(image_bytes(), "image/png")])
            assert (await tab.state(PaymentChatState)).messages[-1].image.startswith("/files/chat/")

            who[0] = merchant
            page = p.tab(routes.invoice_detail(number))
            await page.send(InvoiceDetailState.load)
            (row,) = (await page.state(InvoiceDetailState)).payments
            assert (row.chat_href, row.chat_unread) == (routes.payment_chat(payment_id), 2)

            seller = p.tab(routes.payment_chat(payment_id))
            await seller.send(PaymentChatState.load)
            state = await seller.state(PaymentChatState)
            assert state.role == "merchant" and [m.side for m in state.messages] == ["theirs", "theirs"]
            await seller.send(PaymentChatState.send, form_data={"text": "Sent it again"})
            await page.send(InvoiceDetailState.load)
            assert (await page.state(InvoiceDetailState)).payments[0].chat_unread == 0

            who[0] = payer
            await tab.send(PaymentChatState.load)
            assert [m.side for m in (await tab.state(PaymentChatState)).messages] == ["mine", "mine", "theirs"]

    asyncio.run(scenario())


def test_a_refused_message_keeps_its_error_and_posts_nothing(chat, uow):
    _merchant, _payer, payment_id, _number, _who = chat

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.payment_chat(payment_id))
            await tab.send(PaymentChatState.load)
            await tab.send(PaymentChatState.send, form_data={"text": "x" * 2001})
            assert (await tab.state(PaymentChatState)).chat_error == "error.chat_text_too_long"
            await tab.send(PaymentChatState.send_image, files=[Upload(b"<svg/>", "image/png")])
            assert (await tab.state(PaymentChatState)).image_error == "error.chat_image_type"

    asyncio.run(scenario())
    assert messages_in(uow, payment_id) == 0


@pytest.mark.parametrize("outsider_kind", ["stranger", "uncalled_operator"])
def test_an_outsider_calling_every_handler_on_someone_elses_payment_gets_nothing(chat, uow, outsider_kind):
    merchant, payer, payment_id, _number, who = chat
    outsider = make_user(uow, operator=outsider_kind == "uncalled_operator")

    async def scenario():
        async with Processor() as p:
            who[0] = payer
            mine = p.tab(routes.payment_chat(payment_id))
            await mine.send(PaymentChatState.load)
            await mine.send(PaymentChatState.send, form_data={"text": "only-for-the-merchant-7f3a"})
            assert "only-for-the-merchant-7f3a" in mine.received_text()  # what the check below looks for

            who[0] = outsider
            tab = p.tab(routes.payment_chat(payment_id))
            await tab.send(PaymentChatState.load)
            await tab.send(PaymentChatState.send, form_data={"text": "let me in"})
            await tab.send(PaymentChatState.send_image, files=[Upload(image_bytes(), "image/png")])
            await tab.send(PaymentChatState.call_operator)
            state = await tab.state(PaymentChatState)
            assert (state.missing, state.messages, state.role, state.about, state.other_name) == (True, [], "", "", "")
            assert "only-for-the-merchant-7f3a" not in tab.received_text()
            result = p.tab(routes.payment(payment_id))
            await result.send(PaymentState.load)
            assert (await result.state(PaymentState)).chat_href == ""

    asyncio.run(scenario())
    assert messages_in(uow, payment_id) == 1


def test_an_operator_called_by_a_side_reads_and_writes(chat, uow):
    merchant, payer, payment_id, _number, who = chat
    operator = make_user(uow, operator=True)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.payment_chat(payment_id))
            await tab.send(PaymentChatState.load)
            await tab.send(PaymentChatState.send, form_data={"text": "Not delivered"})
            await tab.send(PaymentChatState.call_operator)
            state = await tab.state(PaymentChatState)
            assert state.operator_called and state.messages[-1].side == "system"
            assert state.messages[-1].text == "The payer called an operator."

            who[0] = operator
            op = p.tab(routes.payment_chat(payment_id))
            await op.send(PaymentChatState.load)
            await op.send(PaymentChatState.send, form_data={"text": "Looking into it"})
            state = await op.state(PaymentChatState)
            assert state.role == "operator" and state.messages[-1].author_key == "paychat.role.operator"
            await op.send(PaymentChatState.call_operator)
            assert (await op.state(PaymentChatState)).call_error == "error.chat_operator_already_here"

    asyncio.run(scenario())
    assert messages_in(uow, payment_id) == 3
