"""Notifications: written inside the caller's transaction; each user lists, counts and marks only their own."""

import pytest
from builders import make_deal, make_user

from krypton_app.domain.errors import KryptonError
from krypton_app.services.notifications import (
    CHAT_MESSAGE,
    DEAL_STATUS,
    list_notifications,
    mark_read,
    notify,
    unread_count,
)


@pytest.fixture
def pair(uow):
    seller, buyer = make_user(uow), make_user(uow)
    return seller, buyer, make_deal(uow, seller, buyer)


def test_notify_stores_key_and_params_in_the_callers_transaction(uow, pair):
    seller, buyer, deal_id = pair
    with uow.transaction() as s:
        notify(s, buyer, kind=DEAL_STATUS, deal_id=deal_id, text_key="deal.system.released", params={"amount": "1"})
    (n,) = list_notifications(uow, buyer)
    assert (n.kind, n.deal_id, n.text_key, n.params, n.read) == (
        DEAL_STATUS,
        deal_id,
        "deal.system.released",
        {"amount": "1"},
        False,
    )
    assert list_notifications(uow, seller) == []


def test_notify_rolls_back_with_the_caller(uow, pair):
    _, buyer, deal_id = pair
    with pytest.raises(RuntimeError), uow.transaction() as s:
        notify(s, buyer, kind=DEAL_STATUS, deal_id=deal_id, text_key="k", params={})
        raise RuntimeError("the deal transition failed")
    assert unread_count(uow, buyer) == 0


def test_unknown_kind_is_refused(uow, pair):
    _, buyer, deal_id = pair
    with pytest.raises(KryptonError) as err, uow.transaction() as s:
        notify(s, buyer, kind="typo", deal_id=deal_id, text_key="k", params={})
    assert err.value.code == "notification_kind"


def test_list_newest_first_unread_only_and_limit(uow, pair):
    _, buyer, deal_id = pair
    with uow.transaction() as s:
        for i in range(3):
            notify(s, buyer, kind=CHAT_MESSAGE, deal_id=deal_id, text_key="k", params={"i": i})
    items = list_notifications(uow, buyer)
    assert [n.params["i"] for n in items] == [2, 1, 0]
    assert [n.params["i"] for n in list_notifications(uow, buyer, limit=2)] == [2, 1]
    assert mark_read(uow, buyer, [items[0].id]) == 1
    assert [n.params["i"] for n in list_notifications(uow, buyer, unread_only=True)] == [1, 0]
    assert unread_count(uow, buyer) == 2


def test_mark_read_touches_only_own_notifications(uow, pair):
    seller, buyer, deal_id = pair
    stranger, operator = make_user(uow), make_user(uow, operator=True)
    with uow.transaction() as s:
        notify(s, buyer, kind=DEAL_STATUS, deal_id=deal_id, text_key="k", params={})
        notify(s, seller, kind=DEAL_STATUS, deal_id=deal_id, text_key="k", params={})
    buyer_id = list_notifications(uow, buyer)[0].id
    # A stranger (or the other participant) naming someone else's id changes nothing.
    assert mark_read(uow, stranger, [buyer_id]) == 0
    assert mark_read(uow, operator, [buyer_id]) == 0  # operators have no say over users' notifications
    assert list_notifications(uow, stranger) == list_notifications(uow, operator) == []
    assert unread_count(uow, stranger) == unread_count(uow, operator) == 0
    assert mark_read(uow, seller, [buyer_id]) == 0
    assert unread_count(uow, buyer) == 1
    assert mark_read(uow, stranger) == 0
    assert unread_count(uow, buyer) == 1 and unread_count(uow, seller) == 1
    # Marking all reads only the caller's own; marking again changes nothing.
    assert mark_read(uow, buyer) == 1
    assert mark_read(uow, buyer) == 0
    assert (unread_count(uow, buyer), unread_count(uow, seller)) == (0, 1)
    assert mark_read(uow, seller, []) == 0


def test_notification_without_deal(uow):
    user = make_user(uow)
    with uow.transaction() as s:
        notify(s, user, kind=DEAL_STATUS, deal_id=None, text_key="k")
    assert list_notifications(uow, user)[0].deal_id is None
