"""The operator role follows the settings at every call, on SQLite and PostgreSQL: a wallet taken off
KRYPTON_OPERATORS is refused at its next operator action, with no new login and no logout needed; demo
users are operators only while KRYPTON_DEMO_OPERATORS is on (and never in production)."""

from __future__ import annotations

import time

import pytest
from rows import grant_operator, make_user, revoke_operator
from sqlmodel import select
from test_deals import NOW, TON, make_users, open_, sell_ad
from test_payouts import btc, deposit

from krypton_app.domain.errors import Forbidden, NotFound
from krypton_app.models import Deal, User
from krypton_app.services import chat, deals, disputes
from krypton_app.services.auth import login_with_ton_proof
from krypton_app.services.demo_wallet import demo_wallet_proof, new_demo_seed
from krypton_app.services.notifications import list_notifications
from krypton_app.services.operator import list_unmatched_deposits
from krypton_app.services.payouts import list_payout_queue, list_user_payouts, mark_payout_paid, reject_payout
from krypton_app.services.roles import is_operator, operators_clause
from krypton_app.services.ton_proof import issue_proof_payload
from krypton_app.settings import Settings, get_settings

DOMAIN = "localhost:3000"


def wallet_login(uow, seed: bytes, *, demo: bool = False):
    """A real ton_proof login, as the app does it, with the app's settings."""
    settings, now = get_settings(), int(time.time())
    payload = issue_proof_payload(settings.secret_key, now=now)
    account, proof = demo_wallet_proof(seed, payload=payload, domain=DOMAIN, now=now)
    return login_with_ton_proof(uow, account, proof, settings=settings, now=now, demo=demo)


def listed_operator(uow) -> tuple[int, str]:
    """(user id, wallet) of an operator who logged in while their wallet was on the list."""
    seed = new_demo_seed()
    wallet = wallet_login(uow, seed).wallet_address
    grant_operator(wallet)
    user = wallet_login(uow, seed)
    assert user.is_operator
    return user.id, wallet


def disputed(uow) -> int:
    owner, taker, ad_id = sell_ad(uow)
    deal = open_(uow, taker, ad_id, amount="1")
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    disputes.open_dispute(uow, taker, deal.id, now=NOW)
    return deal.id


def test_an_operator_taken_off_the_list_cannot_decide_the_next_dispute(uow):
    operator, wallet = listed_operator(uow)
    first, second = disputed(uow), disputed(uow)
    assert disputes.resolve_dispute(uow, operator, first, outcome="refund", now=NOW).outcome == "refunded_to_seller"

    revoke_operator(wallet)  # KRYPTON_OPERATORS changed; the operator has not logged out

    with pytest.raises(Forbidden):
        disputes.resolve_dispute(uow, operator, second, outcome="release", now=NOW)
    with pytest.raises(Forbidden):
        disputes.list_open_disputes(uow, operator)
    # The deal and its chat are no longer theirs to read either.
    with pytest.raises(NotFound):
        disputes.get_dispute(uow, operator, second)
    with pytest.raises(NotFound):
        deals.get_deal(uow, operator, second)
    with pytest.raises(NotFound):
        chat.list_messages(uow, operator, second)
    with uow.read() as s:
        sides = s.get(Deal, second)
    assert disputes.get_dispute(uow, sides.buyer_id, second).outcome == "open"


def test_an_operator_taken_off_the_list_cannot_mark_the_next_payout(uow):
    operator, wallet = listed_operator(uow)
    (alice,) = make_users(uow, 1)
    deposit(uow, alice, "TON", 10 * TON)
    first, second = btc(uow, alice, "1"), btc(uow, alice, "1")
    assert mark_payout_paid(uow, operator, first.id, reference="ab" * 32).status == "paid"

    revoke_operator(wallet)

    with pytest.raises(Forbidden):
        mark_payout_paid(uow, operator, second.id, reference="cd" * 32)
    with pytest.raises(Forbidden):
        reject_payout(uow, operator, second.id, reason="no")
    with pytest.raises(Forbidden):
        list_payout_queue(uow, operator)
    with pytest.raises(Forbidden):
        list_unmatched_deposits(uow, operator)
    assert {p.id: p.status for p in list_user_payouts(uow, alice)} == {first.id: "paid", second.id: "queued"}


def test_a_wallet_added_to_the_list_is_an_operator_without_a_new_login(uow):
    user = wallet_login(uow, new_demo_seed())
    assert not user.is_operator
    with pytest.raises(Forbidden):
        list_payout_queue(uow, user.id)
    grant_operator(user.wallet_address)
    assert list_payout_queue(uow, user.id) == []


def test_a_removed_operator_is_not_called_to_new_disputes(uow):
    operator, wallet = listed_operator(uow)
    revoke_operator(wallet)
    deal_id = disputed(uow)
    assert [n for n in list_notifications(uow, operator) if n.deal_id == deal_id] == []


def test_demo_users_are_operators_only_while_demo_operators_is_on(uow, monkeypatch):
    settings = get_settings()
    monkeypatch.setattr(settings, "demo_operators", True)
    demo = wallet_login(uow, new_demo_seed(), demo=True)
    plain = wallet_login(uow, new_demo_seed())
    assert demo.is_operator and not plain.is_operator
    assert list_payout_queue(uow, demo.id) == []

    monkeypatch.setattr(settings, "demo_operators", False)
    with pytest.raises(Forbidden):
        list_payout_queue(uow, demo.id)

    # Production has no demo wallet, so no demo operators whatever the flag says.
    monkeypatch.setattr(settings, "demo_operators", True)
    monkeypatch.setattr(settings, "env", "production")
    with pytest.raises(Forbidden):
        list_payout_queue(uow, demo.id)


def test_the_sql_clause_and_the_rule_agree(uow):
    listed, demo, plain = make_user(uow), make_user(uow), make_user(uow)
    with uow.transaction() as s:
        s.get(User, demo).is_demo = True
        wallet = s.get(User, listed).wallet_address
    cases = [
        Settings(KRYPTON_OPERATORS=[], KRYPTON_DEMO_OPERATORS=False),
        Settings(KRYPTON_OPERATORS=[wallet], KRYPTON_DEMO_OPERATORS=False),
        Settings(KRYPTON_OPERATORS=[], KRYPTON_DEMO_OPERATORS=True),
        Settings(KRYPTON_OPERATORS=[wallet], KRYPTON_DEMO_OPERATORS=True),
        Settings(KRYPTON_OPERATORS=[wallet], KRYPTON_DEMO_OPERATORS=True, KRYPTON_ENV="production"),
    ]
    expected = [set(), {listed}, {demo}, {listed, demo}, {listed}]
    for settings, operators in zip(cases, expected, strict=True):
        with uow.read() as s:
            by_sql = set(s.exec(select(User.id).where(operators_clause(settings))).all())
            by_rule = {u.id for u in s.exec(select(User)).all() if is_operator(u, settings)}
        assert by_sql == by_rule == operators
    assert plain not in by_rule


def test_a_typo_in_the_list_is_refused_loudly(uow):
    operator, _ = listed_operator(uow)
    grant_operator("not-a-wallet")
    with pytest.raises(ValueError, match="KRYPTON_OPERATORS"):
        list_payout_queue(uow, operator)
