"""An operator blocks a user (services/user_blocks.py) and every effect holds, on SQLite and PostgreSQL:
no login, no session, no money leaving their balance, no API key, their live deals disputed for operators;
an unblock restores login and money; each action writes its audit line."""

from __future__ import annotations

import uuid

import pytest
from builders import (
    DISPUTABLE,
    NOW,
    TON,
    assert_invariants,
    balances,
    deposit,
    make_session,
    make_user,
    open_deal,
    race,
    sell_ad,
)
from sqlalchemy import update

from krypton_app.api.merchant.errors import status_of
from krypton_app.domain import deals as machine
from krypton_app.domain.errors import (
    AdUnavailable,
    Forbidden,
    KryptonError,
    LoginLinkInvalid,
    NotFound,
    UserBlocked,
)
from krypton_app.models import User, Withdrawal
from krypton_app.services import audit, deals, ledger
from krypton_app.services.api_keys import authenticate, create_api_key
from krypton_app.services.auth import exchange_login_token, issue_login_token, login_with_ton_proof, read_session
from krypton_app.services.demo_wallet import demo_wallet_proof, new_demo_seed
from krypton_app.services.disputes import get_dispute, list_open_disputes, resolve_dispute
from krypton_app.services.ton_proof import issue_proof_payload
from krypton_app.services.user_blocks import block_user, revoke_user_sessions, unblock_user
from krypton_app.services.users import require_not_blocked
from krypton_app.services.withdrawals import request_ton_withdrawal
from krypton_app.settings import Settings, get_settings

DOMAIN = "localhost:3000"
PROOF_NOW = 1_760_000_000
ADDRESS = "0:" + "cd" * 32
CONFIG = Settings().model_copy(
    update={"secret_key": "test-secret", "allowed_proof_domains": [DOMAIN], "ton_network": "-239"}
)


def login(uow, seed: bytes):
    payload = issue_proof_payload(CONFIG.secret_key, now=PROOF_NOW)
    account, proof = demo_wallet_proof(seed, payload=payload, domain=DOMAIN, now=PROOF_NOW)
    return login_with_ton_proof(uow, account, proof, settings=CONFIG, now=PROOF_NOW, demo=True)


def live(uow, token: str) -> int | None:
    return read_session(uow, token, max_age_s=10**9)


def lines(uow, operator, action):
    return [line for line in audit.list_actions(uow, operator) if line.action == action]


@pytest.fixture
def operator(uow):
    return make_user(uow, operator=True)


def test_only_operators_block_unblock_and_revoke(uow, operator):
    alice, bob = make_user(uow), make_user(uow)
    for call in (
        lambda: block_user(uow, alice, bob, reason="spam"),
        lambda: unblock_user(uow, alice, bob),
        lambda: revoke_user_sessions(uow, alice, bob),
    ):
        with pytest.raises(Forbidden):
            call()
    with pytest.raises(Forbidden):
        block_user(uow, operator, operator, reason="myself")
    with pytest.raises(NotFound):
        block_user(uow, operator, 999_999, reason="nobody")
    for reason in ("", "   ", "x" * 501):
        with pytest.raises(KryptonError) as caught:
            block_user(uow, operator, bob, reason=reason)
        assert caught.value.code == "block_reason_invalid"
    assert audit.list_actions(uow, operator) == []


def test_a_blocked_user_cannot_log_in_and_an_unblocked_one_can(uow, operator):
    seed = new_demo_seed()
    user = login(uow, seed)
    assert block_user(uow, operator, user.id, reason="fraud report")
    with pytest.raises(UserBlocked) as caught:
        login(uow, seed)
    assert caught.value.code == "user_blocked"
    with uow.read() as s, pytest.raises(UserBlocked):
        require_not_blocked(s, user.id)
    assert unblock_user(uow, operator, user.id)
    assert login(uow, seed).id == user.id


def test_block_revokes_sessions_and_refuses_what_was_on_its_way(uow, operator):
    alice = make_user(uow)
    token = make_session(uow, alice)
    ticket = issue_login_token(uow, alice, next_path="/wallet")  # a login between the proof and the cookie
    assert live(uow, token) == alice
    block_user(uow, operator, alice, reason="stolen wallet")
    assert live(uow, token) is None
    with pytest.raises(LoginLinkInvalid):
        exchange_login_token(uow, ticket.token, ticket.binding)
    unblock_user(uow, operator, alice)
    assert live(uow, token) is None  # sessions stay revoked: the user logs in again
    assert live(uow, make_session(uow, alice)) == alice


def test_a_session_of_a_blocked_user_is_refused_even_if_not_revoked(uow):
    alice = make_user(uow)
    token = make_session(uow, alice)
    with uow.transaction() as s:  # a block that revoked nothing (as a concurrent login could leave it)
        s.execute(update(User).where(User.id == alice).values(blocked_at=NOW, blocked_reason="x"))
    assert live(uow, token) is None
    with uow.transaction() as s:
        s.execute(update(User).where(User.id == alice).values(blocked_at=None, blocked_reason=None))
    assert live(uow, token) == alice


def test_a_blocked_user_cannot_move_money_but_can_receive_it(uow, operator):
    alice, bob = make_user(uow, balance=5 * TON), make_user(uow, balance=5 * TON)
    sent_before = ledger.transfer(uow, alice, bob, "TON", TON, "before-block")
    block_user(uow, operator, alice, reason="chargebacks")
    for call in (
        lambda: ledger.transfer(uow, alice, bob, "TON", TON, "after-block"),
        lambda: ledger.hold(uow, alice, "TON", TON, "hold-after-block"),
        lambda: request_ton_withdrawal(
            uow, alice, asset="TON", address=ADDRESS, amount="1", idempotency_key="w1", settings=get_settings()
        ),
    ):
        with pytest.raises(UserBlocked) as caught:
            call()
        assert caught.value.code == "user_blocked" and caught.value.details["user_id"] == alice
    assert ledger.transfer(uow, alice, bob, "TON", TON, "before-block") == sent_before  # a retry replays
    ledger.transfer(uow, bob, alice, "TON", TON, "to-the-blocked")  # money may still arrive
    deposit(uow, alice, TON)
    assert balances(uow, alice) == (6 * TON, 0)
    unblock_user(uow, operator, alice)
    ledger.transfer(uow, alice, bob, "TON", TON, "after-unblock")
    assert balances(uow, alice) == (5 * TON, 0)


def test_a_blocked_merchants_api_keys_are_refused_with_a_stable_code(uow, operator):
    merchant = make_user(uow)
    _view, secret = create_api_key(uow, merchant, name="shop", scopes=["invoices:read"])
    header = f"Bearer {secret}"
    assert authenticate(uow, header, scope="invoices:read").user_id == merchant
    block_user(uow, operator, merchant, reason="phishing shop")
    with pytest.raises(UserBlocked) as caught:
        authenticate(uow, header, scope="invoices:read")
    assert caught.value.code == "user_blocked" and status_of(caught.value) == 403
    unblock_user(uow, operator, merchant)
    assert authenticate(uow, header, scope="invoices:read").user_id == merchant


def test_the_blocked_users_live_deals_go_to_the_operators(uow, operator):
    owner, taker, ad_id = sell_ad(uow)
    locked = open_deal(uow, taker, ad_id, amount="2")
    paid = open_deal(uow, taker, ad_id, amount="3")
    deals.mark_fiat_sent(uow, taker, paid.id, now=NOW)
    done = open_deal(uow, taker, ad_id, amount="1")
    deals.release(uow, owner, done.id, now=NOW)
    assert block_user(uow, operator, owner, reason="fake payments", now=DISPUTABLE)
    opened = {d.deal.id: d for d in list_open_disputes(uow, operator)}
    assert set(opened) == {locked.id, paid.id}
    for view in opened.values():
        assert view.deal.status == machine.DISPUTED
        assert view.opener == machine.OPERATOR and view.opened_by == operator and view.reason == "user_blocked"
    assert deals.get_deal(uow, owner, done.id).status == machine.RELEASED
    # A new taker cannot start a deal on the blocked owner's ad: its volume is held outside `available`.
    with pytest.raises(AdUnavailable):
        open_deal(uow, make_user(uow), ad_id, amount="1")
    # The operator decides; the escrow goes back to the blocked seller's balance (money may arrive).
    resolve_dispute(uow, operator, locked.id, outcome="refund", now=DISPUTABLE)
    assert get_dispute(uow, operator, locked.id).outcome == "refunded_to_seller"
    [line] = lines(uow, operator, audit.USER_BLOCKED)
    assert line.subject == f"user:{owner}"
    assert line.details == {
        "reason": "fake payments",
        "sessions": 0,
        "deals": sorted([locked.id, paid.id]),
        "withdrawals": [],
    }


def test_block_refunds_the_withdrawals_not_yet_sent(uow, operator):
    alice = make_user(uow, balance=5 * TON)

    def withdraw(key: str):
        return request_ton_withdrawal(
            uow, alice, asset="TON", address=ADDRESS, amount="1", idempotency_key=key, settings=get_settings()
        )

    waiting, sent = withdraw("waiting"), withdraw("sent")
    with uow.transaction() as s:  # the sender signed this one already: it is on its way
        s.execute(update(Withdrawal).where(Withdrawal.id == sent.id).values(status="sent"))
    block_user(uow, operator, alice, reason="stolen wallet")
    with uow.read() as s:
        assert s.get(Withdrawal, waiting.id).status == "refunded"
        assert s.get(Withdrawal, sent.id).status == "sent"
    assert balances(uow, alice) == (5 * TON - TON - sent.fee, TON + sent.fee)
    [line] = lines(uow, operator, audit.USER_BLOCKED)
    assert line.details["withdrawals"] == [waiting.id]


def test_actions_write_their_audit_lines_once(uow, operator):
    alice = make_user(uow)
    make_session(uow, alice)
    make_session(uow, alice)
    assert revoke_user_sessions(uow, operator, alice) == 2
    assert revoke_user_sessions(uow, operator, alice) == 0  # nothing open: nothing written
    assert block_user(uow, operator, alice, reason="spam")
    assert not block_user(uow, operator, alice, reason="spam again")  # already blocked: no second line
    assert unblock_user(uow, operator, alice)
    assert not unblock_user(uow, operator, alice)
    log = audit.list_actions(uow, operator)
    assert [line.action for line in log] == [audit.USER_UNBLOCKED, audit.USER_BLOCKED, audit.SESSIONS_REVOKED]
    assert log[2].details == {"sessions": 2}
    assert {line.operator_id for line in log} == {operator}
    with uow.read() as s:
        user = s.get(User, alice)
        assert (user.blocked_at, user.blocked_reason, user.blocked_by) == (None, None, None)


def test_blocking_twice_at_once_blocks_once(uow, operator):
    alice = make_user(uow, balance=TON)
    results = race(*(lambda: block_user(uow, operator, alice, reason=str(uuid.uuid4())) for _ in range(3)))
    assert sorted(results) == [False, False, True]
    assert len(lines(uow, operator, audit.USER_BLOCKED)) == 1


def test_a_payment_racing_a_block_commits_before_it_or_is_refused(pg_uow):
    """The ledger share-locks the payer's user row: a transfer that runs while the block commits waits for
    it and then finds the user blocked. Either way nothing deadlocks and the books balance."""
    uow = pg_uow
    operator = make_user(uow, operator=True)
    for round_ in range(6):
        alice, bob = make_user(uow, balance=5 * TON), make_user(uow)
        results = race(
            lambda a=alice: block_user(uow, operator, a, reason="race"),
            lambda a=alice, b=bob, key=f"race-{round_}": ledger.transfer(uow, a, b, "TON", TON, key),
        )
        assert results[0] is True, results
        assert isinstance(results[1], UserBlocked) or results[1].kind == "transfer", results
        moved = balances(uow, bob)[0]
        assert moved == (0 if isinstance(results[1], UserBlocked) else TON)
        assert balances(uow, alice)[0] + moved == 5 * TON
    assert_invariants(uow)
