"""Deal chat: system messages written in the caller's transaction; participants (and the operator in a
dispute) read and post; everyone else gets NotFound."""

import json
import uuid

import pytest
from sqlalchemy import select

from krypton_app.models import Ad, ChatMessage, Deal, User
from krypton_app.services.chat import SYSTEM, post_system_message


def make_user(uow, *, operator=False) -> int:
    with uow.transaction() as s:
        user = User(wallet_address=f"0:{uuid.uuid4().hex}{uuid.uuid4().hex}", is_operator=operator)
        s.add(user)
        s.flush()
        return user.id


def make_deal(uow, seller_id, buyer_id, *, status="escrow_locked") -> int:
    # Minimal rows written directly: the deal services are not needed to test the chat.
    with uow.transaction() as s:
        ad = Ad(owner_id=seller_id, side="sell", asset="TON", fiat="RUB", country="RU", methods="sbp",
                price_kind="fixed", price=50_000, min_amount=1, max_amount=10**9, total_volume=10**9,
                remaining=10**9)  # fmt: skip
        s.add(ad)
        s.flush()
        deal = Deal(ad_id=ad.id, seller_id=seller_id, buyer_id=buyer_id, taker_id=buyer_id, asset="TON",
                    amount=10**9, fiat="RUB", fiat_amount=50_000, price=50_000, method="sbp",
                    status=status, idempotency_key=str(uuid.uuid4()))  # fmt: skip
        s.add(deal)
        s.flush()
        return deal.id


@pytest.fixture
def pair(uow):
    seller, buyer = make_user(uow), make_user(uow)
    return seller, buyer, make_deal(uow, seller, buyer)


def test_system_message_stores_key_and_params(uow, pair):
    _, _, deal_id = pair
    with uow.transaction() as s:
        post_system_message(s, deal_id, "deal.system.escrow_locked", {"amount": "1 TON"})
    with uow.read() as s:
        (row,) = s.execute(select(ChatMessage)).scalars().all()
    assert (row.kind, row.author_id) == (SYSTEM, None)
    assert json.loads(row.body) == {"key": "deal.system.escrow_locked", "params": {"amount": "1 TON"}}


def test_system_message_rolls_back_with_the_caller(uow, pair):
    _, _, deal_id = pair
    with pytest.raises(RuntimeError), uow.transaction() as s:
        post_system_message(s, deal_id, "deal.system.released", {})
        raise RuntimeError("the transition failed")
    with uow.read() as s:
        assert s.execute(select(ChatMessage)).first() is None
