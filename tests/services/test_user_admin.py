"""The console's users tab (services/user_admin.py): search by every form a user is named by, and a
user's card, for operators only; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from builders import NOW, TON, deposit, make_invoice, make_session, make_user, open_deal, sell_ad
from pytoniq_core import Address
from sqlalchemy import select

from krypton_app.domain.errors import Forbidden, NotFound
from krypton_app.models import User
from krypton_app.services.user_admin import BLOCK, REVOKE_SESSIONS, UNBLOCK, search_users, user_card
from krypton_app.services.user_blocks import block_user


def wallet_of(uow, user_id: int) -> str:
    with uow.read() as s:
        return s.execute(select(User.wallet_address).where(User.id == user_id)).scalar_one()


@pytest.fixture
def people(uow):
    operator = make_user(uow, operator=True)
    alice = make_user(uow, username="Alice_K", email="alice@example.com", phone="+79991234567")
    alfred = make_user(uow, username="alfred")
    pending = make_user(uow, pending_email="ghost@example.com")
    return operator, alice, alfred, pending


def found(uow, operator, query) -> list[int]:
    return [u.id for u in search_users(uow, operator, query)]


def test_search_by_every_name_a_user_has(uow, people):
    operator, alice, alfred, pending = people
    raw = wallet_of(uow, alice)
    friendly = Address(raw).to_str(is_user_friendly=True, is_bounceable=False)
    bounceable = Address(raw).to_str(is_user_friendly=True, is_bounceable=True)
    for query in (str(alice), f"#{alice}", f" {alice} ", raw, friendly, bounceable):
        assert found(uow, operator, query) == [alice], query
    for query in ("alice_k", "@ALICE_K", "alice@example.com", " Alice@Example.com ", "+7 999 123-45-67"):
        assert found(uow, operator, query) == [alice], query
    assert found(uow, operator, "al") == [alice, alfred]  # a username prefix lists them all
    assert found(uow, operator, "al%") == []  # the pattern characters are literal
    assert found(uow, operator, "ghost@example.com") == []  # an unverified email names nobody
    for query in ("", "   ", "#", "999999", "nobody", "+1"):
        assert found(uow, operator, query) == [], query
    [summary] = search_users(uow, operator, str(alice))
    assert (summary.username, summary.blocked, summary.friendly_address) == ("Alice_K", False, friendly)


def test_only_operators_search_and_read_cards(uow, people):
    _operator, alice, alfred, _ = people
    with pytest.raises(Forbidden):
        search_users(uow, alice, "alfred")
    with pytest.raises(Forbidden):
        user_card(uow, alice, alfred)


def test_a_users_card(uow, people):
    operator, alice, _alfred, _ = people
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id, amount="2")
    invoice = make_invoice(uow, owner)
    deposit(uow, owner, TON)
    make_session(uow, owner)
    card = user_card(uow, operator, owner)
    ton = next(b for b in card.balances if b.asset == "TON")
    assert (ton.available, ton.held) == (TON, 10 * TON)  # held: 8 TON on the ad, 2 in the deal's escrow
    assert [b.asset for b in card.balances] == ["TON", "USDT"]
    assert [(d.id, d.role, d.status) for d in card.deals] == [(deal.id, "seller", "escrow_locked")]
    assert [i.number for i in card.invoices] == [invoice.number]
    assert len(card.sessions) == 1 and card.sessions[0].created_at.tzinfo is not None
    assert card.allowed_actions == (BLOCK, REVOKE_SESSIONS)
    assert (card.blocked_at, card.blocked_reason) == (None, None)
    block_user(uow, operator, owner, reason="too good to be true", now=NOW)
    card = user_card(uow, operator, owner)
    assert card.allowed_actions == (UNBLOCK,)  # the block revoked the session
    assert card.blocked_reason == "too good to be true" and card.blocked_at == NOW
    assert card.deals[0].status == "disputed"
    alice_card = user_card(uow, operator, alice)
    assert (alice_card.username, alice_card.email, alice_card.phone) == ("Alice_K", "alice@example.com", "+79991234567")
    assert user_card(uow, operator, operator).allowed_actions == ()  # nobody blocks themselves
    with pytest.raises(NotFound):
        user_card(uow, operator, 999_999)
