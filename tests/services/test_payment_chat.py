"""A payment's "contact the seller" chat: the payer and the invoice's merchant read and write; a third
user, a stranger and an operator nobody called get NotFound from every function; an operator may come
in only once a side called one. Unread counts, notifications and the rate limit."""

from datetime import timedelta

import pytest
from builders import NOW, TON, image_bytes, make_invoice, make_user, paid_payment, pay_invoice, race
from sqlalchemy import select

from krypton_app.domain.errors import Forbidden, KryptonError, NotFound
from krypton_app.models import ChatMessage, Invoice, InvoicePayment
from krypton_app.services.chat import IMAGE, SYSTEM, TEXT, TEXT_MAX, attachment_file
from krypton_app.services.notifications import list_notifications
from krypton_app.services.operator_console import operator_console
from krypton_app.services.payment_chat import (
    RATE_MAX,
    RATE_WINDOW_S,
    call_operator,
    called_chats,
    mark_read,
    post_payment_message,
    read_payment_chat,
    unread_counts,
)


@pytest.fixture
def paid(uow):
    return paid_payment(uow)


def number_of(uow, payment_id):
    with uow.read() as s:
        return s.get(Invoice, s.get(InvoicePayment, payment_id).invoice_id).number


def notified(uow, user_id):
    return [(n.kind, n.deal_id, n.text_key, n.params.get("payment_id")) for n in list_notifications(uow, user_id)]


def test_payer_and_merchant_write_and_read_each_other_and_are_notified(uow, paid, tmp_path):
    merchant, payer, payment_id = paid
    sent = post_payment_message(uow, payer, payment_id, text=" Where is my key? ", now=NOW, upload_dir=tmp_path)
    assert (sent.kind, sent.text, sent.author_role, sent.mine, sent.payment_id) == (
        TEXT,
        "Where is my key?",
        "payer",
        True,
        payment_id,
    )
    post_payment_message(uow, merchant, payment_id, text="Sent again", now=NOW, upload_dir=tmp_path)
    room = read_payment_chat(uow, merchant, payment_id)
    assert room.my_role == "merchant" and not room.operator_called
    assert [(m.text, m.author_role, m.mine) for m in room.messages] == [
        ("Where is my key?", "payer", False),
        ("Sent again", "merchant", True),
    ]
    assert [m.text for m in read_payment_chat(uow, payer, payment_id, after_id=sent.id).messages] == ["Sent again"]
    assert notified(uow, merchant) == [("chat_message", None, "paychat.notify", payment_id)]
    assert notified(uow, payer) == [("chat_message", None, "paychat.notify", payment_id)]


def test_a_third_user_a_stranger_and_an_uncalled_operator_get_not_found(uow, paid, tmp_path):
    merchant, payer, payment_id = paid
    # A third user: a merchant of another invoice, and a payer of this merchant's other invoice.
    other_invoice = make_invoice(uow, merchant).number
    third = make_user(uow, balance=5 * TON)

    pay_invoice(uow, third, other_invoice)
    stranger, operator = make_user(uow), make_user(uow, operator=True)
    image = post_payment_message(uow, payer, payment_id, text="", image=image_bytes(), upload_dir=tmp_path)
    assert image.kind == IMAGE
    for outsider in (third, stranger, operator):
        with pytest.raises(NotFound):
            post_payment_message(uow, outsider, payment_id, text="hi", upload_dir=tmp_path)
        with pytest.raises(NotFound):
            read_payment_chat(uow, outsider, payment_id)
        with pytest.raises(NotFound):
            mark_read(uow, outsider, payment_id, image.id)
        with pytest.raises(NotFound):
            call_operator(uow, outsider, payment_id)
        with pytest.raises(NotFound):
            attachment_file(uow, outsider, image.id, upload_dir=tmp_path)
        assert unread_counts(uow, outsider, number_of(uow, payment_id)) == {}
    # An unknown payment looks exactly like someone else's.
    for user in (payer, merchant, stranger):
        with pytest.raises(NotFound):
            read_payment_chat(uow, user, payment_id + 999)
    assert attachment_file(uow, merchant, image.id, upload_dir=tmp_path)[1] == "image/png"
    assert [p.name for p in tmp_path.iterdir()] == [image.attachment]
    assert notified(uow, third) == notified(uow, stranger) == notified(uow, operator) == []


def test_a_payment_without_a_payer_has_no_chat(uow, paid):
    merchant, _payer, payment_id = paid
    with uow.transaction() as s:
        s.get(InvoicePayment, payment_id).payer_id = None  # what a test-mode simulation leaves
    with pytest.raises(NotFound):
        post_payment_message(uow, merchant, payment_id, text="hi")


def test_an_operator_comes_in_only_when_called_and_then_reads_and_writes(uow, paid, tmp_path):
    merchant, payer, payment_id = paid
    operator, stranger = make_user(uow, operator=True), make_user(uow)
    post_payment_message(uow, payer, payment_id, text="Not delivered", upload_dir=tmp_path)
    with pytest.raises(Forbidden):  # the console's lists are for operators only, like its other lists
        called_chats(uow, stranger)
    assert called_chats(uow, operator) == []
    assert call_operator(uow, payer, payment_id, now=NOW) is True
    assert call_operator(uow, merchant, payment_id, now=NOW) is False  # once per chat
    assert [c.payment_id for c in called_chats(uow, operator)] == [payment_id]
    assert notified(uow, operator) == [("chat_message", None, "paychat.notify_operator", payment_id)]
    room = read_payment_chat(uow, operator, payment_id)
    assert room.my_role == "operator" and room.operator_called
    assert [(m.kind, m.text_key, m.params) for m in room.messages][1] == (
        SYSTEM,
        "paychat.operator_called.payer",
        {},
    )
    note = post_payment_message(uow, operator, payment_id, text="Merchant, please resend", upload_dir=tmp_path)
    assert note.author_role == "operator"
    with pytest.raises(KryptonError) as err:
        call_operator(uow, operator, payment_id)
    assert err.value.code == "chat_operator_already_here"
    # The operator's message reaches both sides; a stranger still sees nothing.
    assert [n[2] for n in notified(uow, payer)] == ["paychat.notify"]
    assert [n[2] for n in notified(uow, merchant)] == ["paychat.notify", "paychat.notify"]
    with pytest.raises(NotFound):
        read_payment_chat(uow, stranger, payment_id)


def test_unread_counts_follow_what_the_merchant_has_seen(uow, paid):
    merchant, payer, payment_id = paid
    number = number_of(uow, payment_id)
    assert unread_counts(uow, merchant, number) == {}
    first = post_payment_message(uow, payer, payment_id, text="one")
    post_payment_message(uow, payer, payment_id, text="two")
    assert unread_counts(uow, merchant, number) == {payment_id: 2}
    mark_read(uow, merchant, payment_id, first.id)
    assert unread_counts(uow, merchant, number) == {payment_id: 1}
    reply = post_payment_message(uow, merchant, payment_id, text="ok")  # writing means having read
    assert unread_counts(uow, merchant, number) == {}
    mark_read(uow, merchant, payment_id, first.id)  # an older tab never marks them unread again
    assert unread_counts(uow, merchant, number) == {}
    assert reply.id > first.id


def test_text_limits_and_the_rate_limit(uow, paid):
    merchant, payer, payment_id = paid
    for bad, code in (("x" * (TEXT_MAX + 1), "chat_text_too_long"), (" \x00 ", "chat_text_empty")):
        with pytest.raises(KryptonError) as err:
            post_payment_message(uow, payer, payment_id, text=bad, now=NOW)
        assert err.value.code == code
    for i in range(RATE_MAX):
        post_payment_message(uow, payer, payment_id, text=f"m{i}", now=NOW)
    with pytest.raises(KryptonError) as err:
        post_payment_message(uow, payer, payment_id, text="one more", now=NOW)
    assert err.value.code == "chat_rate_limited"
    # The limit is per author, and over a window.
    post_payment_message(uow, merchant, payment_id, text="calm down", now=NOW)
    later = NOW + timedelta(seconds=RATE_WINDOW_S + 1)
    post_payment_message(uow, payer, payment_id, text="sorry", now=later)
    with uow.read() as s:
        assert len(s.execute(select(ChatMessage).where(ChatMessage.payment_id == payment_id)).all()) == RATE_MAX + 2


def test_a_row_belongs_to_exactly_one_room(uow, paid):
    _merchant, payer, payment_id = paid
    with pytest.raises(Exception), uow.transaction() as s:  # noqa: B017 (the database's own error type)
        s.add(ChatMessage(deal_id=None, payment_id=None, author_id=payer, body="nowhere"))


def test_two_first_messages_at_once_both_land(uow, paid):
    """The chat's row is created by the first message: two racing first messages must not collide."""
    merchant, payer, payment_id = paid
    results = race(
        lambda: post_payment_message(uow, payer, payment_id, text="a"),
        lambda: post_payment_message(uow, merchant, payment_id, text="b"),
    )
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(m.text for m in read_payment_chat(uow, payer, payment_id).messages) == ["a", "b"]


def test_the_operator_console_lists_the_called_chats(uow, paid):
    merchant, _payer, payment_id = paid
    operator = make_user(uow, operator=True)
    assert operator_console(uow, operator).payment_chats == ()
    call_operator(uow, merchant, payment_id, now=NOW)
    (listed,) = operator_console(uow, operator).payment_chats
    assert (listed.payment_id, listed.called_at) == (payment_id, NOW)
