"""The payment chat's address: its route helpers and where its notifications lead."""

from datetime import UTC, datetime

import pytest

from krypton_app import routes
from krypton_app.services.notifications import NotificationView
from krypton_app.state.notifications import notification_target


@pytest.mark.parametrize(
    ("path", "payment_id"),
    [("/payment/12/chat", 12), ("/payment/12/chat/", 12), ("/payment/12", 0), ("/payment/x/chat", 0), ("/", 0)],
)
def test_the_payment_id_is_read_from_the_chat_path_only(path, payment_id):
    assert routes.payment_id_in_chat(path) == payment_id


def note(deal_id, params):
    return NotificationView(1, "chat_message", deal_id, "k", params, False, datetime.now(UTC))


def test_a_payment_chat_notification_opens_the_chat_and_a_deal_one_the_deal():
    assert notification_target(note(None, {"payment_id": 5})) == routes.payment_chat(5) == "/payment/5/chat"
    assert notification_target(note(3, {"deal_id": 3})) == "/deals/3"
    assert notification_target(note(None, {"payment_id": "5"})) == ""  # only the service's own int
    assert notification_target(note(None, {})) == ""


def test_a_payment_waiting_for_its_fiat_payout_opens_its_invoice():
    assert notification_target(note(None, {"invoice": "K7QX2M9A", "amount": "2"})) == "/invoices/K7QX2M9A"
    assert notification_target(note(None, {"invoice": 5})) == ""
