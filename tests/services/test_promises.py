"""Promises (SPEC F6) on SQLite and PostgreSQL: create, redeem, cancel and expire move the money between
the issuer, the backing account and the redeemer exactly once; pins, expiry, guess limits, the history,
and the two helpers a payment uses inside its own transaction."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from builders import (
    NOW,
    SETTINGS,
    TON,
    assert_invariants,
    balances,
    make_promise,
    make_user,
    promise_backing,
)
from sqlmodel import select

from krypton_app.domain.errors import IdempotencyConflict, InsufficientFunds, NotFound
from krypton_app.domain.ledger import Leg
from krypton_app.domain.promises import CHANGE, PromiseRefused
from krypton_app.models import LedgerTransaction, Promise, WebhookEvent
from krypton_app.services import history, ledger, promises
from krypton_app.services.promise_rows import backing, issue_promise, settle_key, spend_promise
from krypton_app.workers.housekeeping import run_housekeeping


def _redeem(uow, user_id, code, now=NOW, client=None):
    return promises.redeem_promise(uow, user_id, code, settings=SETTINGS, now=now, client=client)


def test_create_moves_the_amount_into_the_backing_and_stores_only_a_hash(uow):
    alice = make_user(uow, balance=5 * TON)
    created = make_promise(uow, alice, 2 * TON, note="for lunch")
    assert len(created.code) >= 32
    assert balances(uow, alice) == (3 * TON, 0)
    assert promise_backing(uow) == 2 * TON
    view = created.promise
    assert (view.status, view.amount, view.asset, view.note, view.origin) == (
        "active",
        2 * TON,
        "TON",
        "for lunch",
        "created",
    )
    assert view.code_hint == created.code[:4]
    with uow.read() as s:
        row = s.exec(select(Promise)).one()
    assert created.code not in (row.code_hash, row.idempotency_key, row.note)
    assert row.code_hash == promises.code_hash(SETTINGS, created.code)
    assert_invariants(uow)


def test_create_takes_decimal_text_and_refuses_more_than_the_balance(uow):
    alice = make_user(uow, balance=TON)
    assert make_promise(uow, alice, "0.25").promise.amount == TON // 4
    with pytest.raises(InsufficientFunds):
        make_promise(uow, alice, TON)
    assert balances(uow, alice) == (3 * TON // 4, 0)
    with uow.read() as s:
        assert len(s.exec(select(Promise)).all()) == 1  # the refused one left no row behind


def test_same_key_returns_the_first_promise_without_its_code(uow):
    alice = make_user(uow, balance=5 * TON)
    first = make_promise(uow, alice, TON, key="k1")
    again = make_promise(uow, alice, TON, key="k1")
    assert again.promise.id == first.promise.id and again.code is None
    assert balances(uow, alice) == (4 * TON, 0)
    other = make_user(uow, balance=TON)
    assert make_promise(uow, other, TON, key="k1").code is not None  # keys are the issuer's


def test_redeem_moves_the_backing_to_the_redeemer_once(uow):
    alice, bob, carol = make_user(uow, balance=5 * TON), make_user(uow), make_user(uow)
    created = make_promise(uow, alice, 2 * TON)
    view = _redeem(uow, bob, f"https://krypton.example/p/{created.code}")  # a pasted link works too
    assert (view.status, view.redeemed_by) == ("redeemed", bob)
    assert balances(uow, bob) == (2 * TON, 0)
    assert promise_backing(uow) == 0
    with pytest.raises(PromiseRefused) as refused:
        _redeem(uow, carol, created.code)
    assert refused.value.code == "promise_redeemed"
    with pytest.raises(PromiseRefused) as refused:
        promises.cancel_promise(uow, alice, created.promise.id, now=NOW)
    assert refused.value.code == "promise_redeemed"
    assert balances(uow, alice) == (3 * TON, 0)
    assert_invariants(uow)


def test_cancel_gives_the_money_back_to_the_issuer_only(uow):
    alice, bob = make_user(uow, balance=5 * TON), make_user(uow)
    created = make_promise(uow, alice, 2 * TON)
    with pytest.raises(NotFound):
        promises.cancel_promise(uow, bob, created.promise.id, now=NOW)
    view = promises.cancel_promise(uow, alice, created.promise.id, now=NOW)
    assert view.status == "cancelled" and view.ended_at is not None
    assert balances(uow, alice) == (5 * TON, 0) and promise_backing(uow) == 0
    with pytest.raises(PromiseRefused) as refused:
        _redeem(uow, bob, created.code)
    assert refused.value.code == "promise_cancelled"
    assert balances(uow, bob) == (0, 0)
    assert_invariants(uow)


def test_expiry_refuses_redeem_and_the_worker_returns_the_money(uow):
    alice, bob = make_user(uow, balance=5 * TON), make_user(uow)
    created = make_promise(uow, alice, 2 * TON, expires_at=NOW + timedelta(hours=1))
    later = NOW + timedelta(hours=2)
    assert promises.expire_promises(uow, now=NOW) == 0
    with pytest.raises(PromiseRefused) as refused:
        _redeem(uow, bob, created.code, now=later)
    assert refused.value.code == "promise_expired"
    assert promises.get_promise(uow, alice, created.promise.id, now=later).status == "expired"
    assert promises.expire_promises(uow, now=later) == 1
    assert promises.expire_promises(uow, now=later) == 0
    assert balances(uow, alice) == (5 * TON, 0) and promise_backing(uow) == 0
    with pytest.raises(PromiseRefused) as refused:
        make_promise(uow, alice, TON, expires_at=NOW - timedelta(seconds=1))
    assert refused.value.code == "promise_expiry_past"
    naive = make_promise(uow, alice, TON, expires_at=(NOW + timedelta(hours=3)).replace(tzinfo=None))
    assert naive.promise.expires_at == NOW + timedelta(hours=3)  # a time without a zone is UTC
    assert_invariants(uow)


def test_a_pinned_promise_is_redeemed_only_by_its_user(uow):
    alice = make_user(uow, balance=5 * TON)
    bob, carol = make_user(uow, username="bob_the_user"), make_user(uow)
    created = make_promise(uow, alice, TON, pin="@Bob_The_User")
    assert created.promise.pinned_user_id == bob and created.promise.pinned_name == "@bob_the_user"
    preview = promises.preview_by_code(uow, carol, created.code, settings=SETTINGS, now=NOW)
    assert preview.pinned and not preview.pinned_to_viewer and not preview.may_redeem
    with pytest.raises(PromiseRefused) as refused:
        _redeem(uow, carol, created.code)
    assert refused.value.code == "promise_pinned"
    assert promises.preview_by_code(uow, bob, created.code, settings=SETTINGS, now=NOW).may_redeem
    assert _redeem(uow, bob, created.code).status == "redeemed"
    with pytest.raises(PromiseRefused) as refused:
        make_promise(uow, alice, TON, pin="@nobody_has_this")
    assert refused.value.code == "promise_pin_unknown"


def test_preview_shows_the_promise_but_never_the_code(uow):
    alice = make_user(uow, balance=5 * TON, display_name="Alice")
    created = make_promise(uow, alice, 3 * TON, note="thanks")
    preview = promises.preview_by_code(uow, None, created.code, settings=SETTINGS, now=NOW, client="1.2.3.4")
    assert (preview.amount_text, preview.asset, preview.note, preview.status) == ("3", "TON", "thanks", "active")
    assert preview.issuer_name == "Alice" and preview.may_redeem
    assert created.code not in repr(preview)


def test_wrong_codes_are_limited_per_user_and_per_client(uow):
    alice, bob, carol = make_user(uow, balance=5 * TON), make_user(uow), make_user(uow)
    created = make_promise(uow, alice, TON)
    wrong = "A" * 32
    for _ in range(promises.GUESSES_PER_HOUR):
        with pytest.raises(PromiseRefused) as refused:
            _redeem(uow, bob, wrong, client="10.0.0.1")
        assert refused.value.code == "promise_not_found"
    with pytest.raises(PromiseRefused) as refused:
        _redeem(uow, bob, created.code, client="10.0.0.9")  # even the right code: the user is locked out
    assert refused.value.code == "promise_guess_limit"
    with pytest.raises(PromiseRefused) as refused:
        promises.preview_by_code(uow, None, created.code, settings=SETTINGS, now=NOW, client="10.0.0.1")
    assert refused.value.code == "promise_guess_limit"  # the client too
    assert _redeem(uow, carol, created.code, client="10.0.0.2").status == "redeemed"
    later = NOW + timedelta(hours=1, seconds=1)
    with pytest.raises(PromiseRefused) as refused:  # an hour on, bob may try again
        _redeem(uow, bob, created.code, now=later, client="10.0.0.1")
    assert refused.value.code == "promise_redeemed"
    assert promises.prune_guesses(uow, now=NOW) == 0
    assert promises.prune_guesses(uow, now=later) == 2 * promises.GUESSES_PER_HOUR  # user and client rows


def test_lists_of_issued_and_received_and_who_may_see_one(uow):
    alice, bob, carol = make_user(uow, balance=5 * TON), make_user(uow), make_user(uow)
    first = make_promise(uow, alice, TON)
    second = make_promise(uow, alice, TON)
    _redeem(uow, bob, first.code)
    issued, total = promises.list_promises(uow, alice, role=promises.ISSUED, now=NOW)
    assert [p.id for p in issued] == [second.promise.id, first.promise.id] and total == 2
    received, _ = promises.list_promises(uow, bob, role=promises.RECEIVED, now=NOW)
    assert [p.id for p in received] == [first.promise.id]
    assert promises.list_promises(uow, carol, role=promises.ISSUED, now=NOW) == ([], 0)
    assert promises.get_promise(uow, bob, first.promise.id, now=NOW).status == "redeemed"
    with pytest.raises(NotFound):
        promises.get_promise(uow, carol, first.promise.id, now=NOW)
    with pytest.raises(NotFound):
        promises.get_promise(uow, bob, second.promise.id, now=NOW)


def test_history_names_each_promise_movement(uow):
    alice, bob = make_user(uow, balance=5 * TON), make_user(uow)
    first = make_promise(uow, alice, TON, note="gift")
    second = make_promise(uow, alice, TON)
    _redeem(uow, bob, first.code)
    promises.cancel_promise(uow, alice, second.promise.id, now=NOW)
    kinds = [(m.kind, m.available_change, m.about.text("en")) for m in history.list_movements(uow, alice).items]
    hint1, hint2 = first.code[:4], second.code[:4]
    assert kinds[:3] == [
        ("promise_cancel", TON, f"Promise {hint2}…"),
        ("promise_create", -TON, f"Promise {hint2}…"),
        ("promise_create", -TON, f"Promise {hint1}… · gift"),
    ]
    (redeemed,) = history.list_movements(uow, bob).items
    assert (redeemed.kind, redeemed.available_change, redeemed.about.text("ru")) == (
        "promise_redeem",
        TON,
        f"Ваучер {hint1}… · gift",
    )


def test_redeem_enqueues_promise_redeemed_to_the_webhook_url(uow):
    alice, bob = make_user(uow, balance=5 * TON), make_user(uow)
    created = make_promise(uow, alice, TON, webhook_url="https://shop.example/hook")
    quiet = make_promise(uow, alice, TON)
    _redeem(uow, bob, created.code)
    _redeem(uow, bob, quiet.code)
    with uow.read() as s:
        (event,) = s.exec(select(WebhookEvent)).all()
    assert (event.type, event.merchant_id, event.url, event.invoice_id) == (
        "promise.redeemed",
        alice,
        "https://shop.example/hook",
        None,
    )
    assert f'"id":{created.promise.id}' in event.body


# --- the helpers a payment uses inside its own transaction ---------------------------------------


def test_spend_then_issue_change_in_one_transaction(uow):
    """A part of 4 paid with a promise of 5: spend it, post 4 out of the backing, keep 1 there as change."""
    alice, payer, merchant = make_user(uow, balance=5 * TON), make_user(uow), make_user(uow)
    created = make_promise(uow, alice, 5 * TON)
    with uow.transaction() as s:
        spent = spend_promise(s, payer, created.code, now=NOW, settings=SETTINGS)
        assert (spent.asset, spent.amount) == ("TON", 5 * TON)
        leg = Leg(backing(s, "TON"), ledger.user_account(s, merchant, "TON"), 4 * TON)
        ledger.post(
            s, idempotency_key=settle_key(spent.id), kind="promise_redeem", legs=[leg], memo=f"promise {spent.id}"
        )
        change = issue_promise(
            s, payer, asset="TON", amount=TON, origin=CHANGE, source_account=None, idempotency_key="pay:1", now=NOW
        )
    assert balances(uow, merchant) == (4 * TON, 0) and promise_backing(uow) == TON
    assert _redeem(uow, payer, change.code).origin == "change"
    assert balances(uow, payer) == (TON, 0) and promise_backing(uow) == 0
    assert_invariants(uow)


def test_spend_refusals_and_issue_from_an_account(uow):
    alice, payer = make_user(uow, balance=5 * TON), make_user(uow)
    created = make_promise(uow, alice, TON)
    with uow.transaction() as s:
        spent = spend_promise(s, payer, created.code, now=NOW)
        leg = Leg(backing(s, "TON"), ledger.user_account(s, payer, "TON"), spent.amount)
        ledger.post(s, idempotency_key=settle_key(spent.id), kind="promise_redeem", legs=[leg], memo="promise 1")
    for code, expected in ((created.code, "promise_redeemed"), ("nonsense", "promise_not_found")):
        with pytest.raises(PromiseRefused) as refused, uow.transaction() as s:
            spend_promise(s, payer, code, now=NOW)
        assert refused.value.code == expected
    with uow.transaction() as s:
        issued = issue_promise(
            s,
            alice,
            asset="TON",
            amount=2 * TON,
            origin="refund",
            source_account=ledger.user_account(s, alice, "TON"),
            idempotency_key="refund:1",
            now=NOW,
        )
    assert balances(uow, alice) == (2 * TON, 0) and promise_backing(uow) == 2 * TON
    with pytest.raises(IdempotencyConflict), uow.transaction() as s:
        issue_promise(
            s, alice, asset="TON", amount=TON, origin="refund", source_account=None, idempotency_key="refund:1", now=NOW
        )
    assert _redeem(uow, payer, issued.code).amount == 2 * TON
    with uow.read() as s:
        keys = s.exec(select(LedgerTransaction.idempotency_key).where(LedgerTransaction.kind == "promise_redeem")).all()
    assert sorted(keys) == sorted([settle_key(created.promise.id), settle_key(issued.id)])
    assert balances(uow, payer) == (3 * TON, 0) and promise_backing(uow) == 0
    assert_invariants(uow)


def test_the_housekeeping_worker_expires_promises(uow):
    alice = make_user(uow, balance=5 * TON)
    created = make_promise(uow, alice, 2 * TON, expires_at=NOW + timedelta(minutes=5))

    async def rounds() -> int:
        stop = asyncio.Event()
        clock = NOW + timedelta(minutes=6)
        loop = asyncio.create_task(
            run_housekeeping(uow, settings=SETTINGS, stop=stop, interval_s=0.01, clock=lambda: clock)
        )
        for _ in range(500):
            if promises.get_promise(uow, alice, created.promise.id, now=NOW).ended_at is not None:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # a few more rounds: nothing moves twice
        stop.set()
        return await asyncio.wait_for(loop, 5)

    assert asyncio.run(rounds()) >= 1
    with uow.read() as s:
        assert s.get(Promise, created.promise.id).status == "expired"
    assert balances(uow, alice) == (5 * TON, 0) and promise_backing(uow) == 0
    assert_invariants(uow)
