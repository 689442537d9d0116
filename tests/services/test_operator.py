"""The operator's review queue of deposits the monitor could not credit, on SQLite and PostgreSQL."""

import uuid

import pytest
from builders import make_user, race
from pytoniq_core import Address
from sqlalchemy import select

from krypton_app.domain.errors import Forbidden, InvalidState, NotFound
from krypton_app.models import AppliedChainTransaction, LedgerTransaction, UnmatchedDeposit, User
from krypton_app.services import ledger_reads
from krypton_app.services.operator import (
    credit_unmatched_deposit,
    dismiss_unmatched_deposit,
    list_unmatched_deposits,
    mark_unmatched_returned,
)

TON = 10**9
USDT = 10**6


def unmatched(uow, asset="TON", amount=3 * TON, comment="wrong memo", reason="unmatched", detail=None):
    tx_hash = uuid.uuid4().hex + uuid.uuid4().hex
    with uow.transaction() as s:
        s.add(
            AppliedChainTransaction(hash=tx_hash, lt=1, stream="test", outcome="unmatched", asset=asset, amount=amount)
        )
        s.flush()
        row = UnmatchedDeposit(
            chain_tx_hash=tx_hash,
            asset=asset,
            amount=amount,
            sender="0:" + "ab" * 32,
            comment=comment,
            reason=reason,
            detail=detail,
        )
        s.add(row)
        s.flush()
        return row.id


def available(uow, user_id, asset="TON"):
    return next(b for b in ledger_reads.list_balances(uow, user_id) if b.asset == asset).available


@pytest.fixture
def desk(uow):
    operator = make_user(uow, operator=True)
    alice = make_user(uow, username="alice", phone="+79991234567", email="alice@example.com")
    return operator, alice


def test_only_operators_see_and_resolve_the_queue(uow, desk):
    operator, alice = desk
    deposit_id = unmatched(uow)
    for call in (
        lambda: list_unmatched_deposits(uow, alice),
        lambda: credit_unmatched_deposit(uow, alice, deposit_id, user_ref=str(alice)),
        lambda: mark_unmatched_returned(uow, alice, deposit_id),
    ):
        with pytest.raises(Forbidden):
            call()
    assert available(uow, alice) == 0
    assert [d.status for d in list_unmatched_deposits(uow, operator)] == ["pending"]


def test_queue_lists_oldest_first_with_asset_decimals(uow, desk):
    operator, _ = desk
    first, second = unmatched(uow), unmatched(uow, asset="USDT", amount=5 * USDT, comment=None)
    views = list_unmatched_deposits(uow, operator)
    assert [v.id for v in views] == [first, second]
    assert (views[1].asset, views[1].decimals, views[1].amount, views[1].comment) == ("USDT", 6, 5 * USDT, None)
    assert views[0].created_at.tzinfo is not None
    mark_unmatched_returned(uow, operator, first)
    assert [v.id for v in list_unmatched_deposits(uow, operator)] == [second]
    assert [v.id for v in list_unmatched_deposits(uow, operator, status="returned")] == [first]


@pytest.mark.parametrize("ref", ["number", "#number", " number ", "wallet-raw", "wallet-friendly", "wallet-bounceable"])
def test_credit_finds_the_user_by_wallet_address_or_number(uow, desk, ref):
    operator, alice = desk
    with uow.read() as s:
        raw = s.get(User, alice).wallet_address
    ref = {
        "number": str(alice),
        "#number": f"#{alice}",
        " number ": f" {alice} ",
        "wallet-raw": raw,
        "wallet-friendly": Address(raw).to_str(is_user_friendly=True, is_bounceable=False),
        "wallet-bounceable": Address(raw).to_str(is_user_friendly=True, is_bounceable=True),
    }[ref]
    view = credit_unmatched_deposit(uow, operator, unmatched(uow), user_ref=ref)
    assert view.status == "credited"
    assert available(uow, alice) == 3 * TON


@pytest.mark.parametrize("contact", ["@alice", "alice", "+7 999 123-45-67", "+79991234567", "alice@example.com"])
def test_credit_never_goes_by_a_contact(uow, desk, contact):
    # Anyone can type a username, phone or email into their own profile: none of them names who gets money.
    operator, alice = desk
    deposit_id = unmatched(uow)
    with pytest.raises(NotFound) as caught:
        credit_unmatched_deposit(uow, operator, deposit_id, user_ref=contact)
    assert caught.value.code == "user_ref_not_found"
    assert available(uow, alice) == 0
    assert [d.status for d in list_unmatched_deposits(uow, operator)] == ["pending"]


def test_credit_once_even_on_a_double_click(uow, desk):
    operator, alice = desk
    bob = make_user(uow, username="bobby")
    deposit_id = unmatched(uow)
    first = credit_unmatched_deposit(uow, operator, deposit_id, user_ref=str(alice))
    assert credit_unmatched_deposit(uow, operator, deposit_id, user_ref=str(alice)) == first
    assert available(uow, alice) == 3 * TON
    with pytest.raises(InvalidState):
        credit_unmatched_deposit(uow, operator, deposit_id, user_ref=str(bob))
    with pytest.raises(InvalidState):
        mark_unmatched_returned(uow, operator, deposit_id)
    assert available(uow, bob) == 0
    with uow.read() as s:
        row = s.get(UnmatchedDeposit, deposit_id)
        assert (row.resolved_user_id, row.resolved_by) == (alice, operator)
        kinds = s.execute(select(LedgerTransaction.kind, LedgerTransaction.idempotency_key)).all()
    assert kinds == [("deposit_review_credit", f"deposit_review_credit:{deposit_id}")]
    report = ledger_reads.check_invariants(uow)
    assert report.ok, report.violations


def test_unknown_user_or_deposit(uow, desk):
    operator, alice = desk
    deposit_id = unmatched(uow)
    for ref in ("", "#", "999999", "#0", "-1", "1e3", "0:" + "cd" * 32, "EQ" + "A" * 46, "9" * 40):
        with pytest.raises(NotFound) as caught:
            credit_unmatched_deposit(uow, operator, deposit_id, user_ref=ref)
        assert caught.value.code == "user_ref_not_found"
    with pytest.raises(NotFound):
        credit_unmatched_deposit(uow, operator, 999_999, user_ref=str(alice))
    with pytest.raises(NotFound):
        mark_unmatched_returned(uow, operator, 999_999)


def test_returned_is_final_and_moves_no_money(uow, desk):
    operator, alice = desk
    deposit_id = unmatched(uow)
    returned = mark_unmatched_returned(uow, operator, deposit_id)
    assert returned.status == "returned"
    assert mark_unmatched_returned(uow, operator, deposit_id) == returned
    with pytest.raises(InvalidState):
        credit_unmatched_deposit(uow, operator, deposit_id, user_ref=str(alice))
    assert available(uow, alice) == 0
    with uow.read() as s:
        assert s.execute(select(LedgerTransaction.id)).first() is None


def wallet_of(uow, user_id) -> str:
    with uow.read() as s:
        return s.get(User, user_id).wallet_address


def test_each_item_says_why_it_waits_and_what_the_operator_may_do(uow, desk):
    operator, _ = desk
    plain = unmatched(uow)
    zero = unmatched(uow, asset="USDT", amount=0, reason="amount_not_positive")
    huge = unmatched(uow, asset="USDT", amount=None, reason="amount_too_large", detail="2" + "0" * 30)
    failed = unmatched(uow, reason="apply_failed", detail="RuntimeError: disk says no")
    views = {v.id: v for v in list_unmatched_deposits(uow, operator)}
    assert [(views[i].reason, views[i].detail, views[i].allowed_actions) for i in (plain, zero, huge, failed)] == [
        ("unmatched", None, ("credit", "return", "dismiss")),
        ("amount_not_positive", None, ("dismiss",)),
        ("amount_too_large", "2" + "0" * 30, ("return", "dismiss")),
        ("apply_failed", "RuntimeError: disk says no", ("credit", "return", "dismiss")),
    ]
    assert views[huge].amount is None


def test_an_item_with_no_amount_to_credit_is_refused_and_can_be_dismissed(uow, desk):
    operator, alice = desk
    zero = unmatched(uow, asset="USDT", amount=0, reason="amount_not_positive")
    unknown = unmatched(uow, asset="USDT", amount=None, reason="notification_malformed")
    for deposit_id in (zero, unknown):
        with pytest.raises(InvalidState) as caught:
            credit_unmatched_deposit(uow, operator, deposit_id, user_ref=wallet_of(uow, alice))
        assert caught.value.code == "deposit_not_creditable"
    with pytest.raises(InvalidState):
        mark_unmatched_returned(uow, operator, zero)  # nothing arrived to send back
    assert mark_unmatched_returned(uow, operator, unknown).status == "returned"
    with pytest.raises(Forbidden):
        dismiss_unmatched_deposit(uow, alice, zero)
    dismissed = dismiss_unmatched_deposit(uow, operator, zero)
    assert (dismissed.status, dismissed.allowed_actions) == ("dismissed", ())
    assert dismiss_unmatched_deposit(uow, operator, zero) == dismissed  # a double click
    with pytest.raises(InvalidState):
        dismiss_unmatched_deposit(uow, operator, unknown)  # returned already
    with pytest.raises(NotFound):
        dismiss_unmatched_deposit(uow, operator, 999_999)
    assert list_unmatched_deposits(uow, operator) == []
    assert [v.id for v in list_unmatched_deposits(uow, operator, status="dismissed")] == [zero]
    assert available(uow, alice, "USDT") == 0
    with uow.read() as s:
        assert s.execute(select(LedgerTransaction.id)).first() is None


def test_a_dismissed_item_is_never_credited(uow, desk):
    operator, alice = desk
    deposit_id = unmatched(uow)
    dismiss_unmatched_deposit(uow, operator, deposit_id)
    with pytest.raises(InvalidState) as caught:
        credit_unmatched_deposit(uow, operator, deposit_id, user_ref=wallet_of(uow, alice))
    assert caught.value.code == "invalid_state"
    assert available(uow, alice) == 0


def test_credit_and_return_race_one_wins(pg_uow):
    uow = pg_uow
    operator = make_user(uow, operator=True)
    alice = make_user(uow)
    deposits = [unmatched(uow) for _ in range(20)]
    for deposit_id in deposits:
        results = race(
            lambda d=deposit_id: credit_unmatched_deposit(uow, operator, d, user_ref=str(alice)),
            lambda d=deposit_id: mark_unmatched_returned(uow, operator, d),
        )
        assert [isinstance(r, InvalidState) for r in results].count(True) == 1, results
    credited = len(list_unmatched_deposits(uow, operator, status="credited"))
    assert credited + len(list_unmatched_deposits(uow, operator, status="returned")) == 20
    assert available(uow, alice) == credited * 3 * TON
    report = ledger_reads.check_invariants(uow)
    assert report.ok, report.violations
