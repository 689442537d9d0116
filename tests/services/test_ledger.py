import pytest
from builders import balances, deposit, make_users
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from krypton_app.domain.errors import (
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    UnbalancedTransaction,
)
from krypton_app.domain.ledger import FEES, HELD, Leg
from krypton_app.domain.money import MAX_MINOR
from krypton_app.services import ledger, ledger_reads
from krypton_app.services.ledger_reads import BalanceView

TON = 10**9


@pytest.fixture
def alice_bob(uow):
    alice, bob = make_users(uow, 2)
    deposit(uow, alice, 10 * TON, "TON")
    return alice, bob


def test_balances_list_every_catalog_asset_even_before_any_account(uow):
    (carol,) = make_users(uow, 1)
    assert ledger_reads.list_balances(uow, carol) == [BalanceView("TON", 9, 0, 0), BalanceView("USDT", 6, 0, 0)]


def test_deposit_from_the_external_account(uow, alice_bob):
    alice, _ = alice_bob
    assert balances(uow, alice) == (10 * TON, 0)
    with uow.read() as s:
        external = s.execute(text("SELECT balance, may_go_negative FROM ledger_accounts WHERE kind = 'external'"))
        assert external.one() == (-10 * TON, True)
    assert ledger_reads.check_invariants(uow).ok


def test_transfer_moves_available_balance(uow, alice_bob):
    alice, bob = alice_bob
    tx = ledger.transfer(uow, alice, bob, "TON", 3 * TON, "t1", memo="lunch")
    assert (tx.kind, tx.memo, tx.idempotency_key) == ("transfer", "lunch", "t1")
    assert [(p.account_key, p.amount) for p in tx.postings] == [
        (f"user:{alice}:TON:available", -3 * TON),
        (f"user:{bob}:TON:available", 3 * TON),
    ]
    assert balances(uow, alice) == (7 * TON, 0)
    assert balances(uow, bob) == (3 * TON, 0)


def test_hold_release_and_capture_move_between_available_and_held(uow, alice_bob):
    alice, bob = alice_bob
    ledger.hold(uow, alice, "TON", 4 * TON, "h1")
    assert balances(uow, alice) == (6 * TON, 4 * TON)
    ledger.release(uow, alice, "TON", 1 * TON, "r1")
    assert balances(uow, alice) == (7 * TON, 3 * TON)
    ledger.capture_held(uow, alice, "TON", 2 * TON, "c1", to_user_id=bob)
    ledger.capture_held(uow, alice, "TON", 1 * TON, "c2", to_system=FEES)
    assert balances(uow, alice) == (7 * TON, 0)
    assert balances(uow, bob) == (2 * TON, 0)
    with uow.read() as s:
        fees = s.execute(text("SELECT balance FROM ledger_accounts WHERE key = 'system:fees:TON'")).scalar_one()
    assert fees == 1 * TON
    assert ledger_reads.check_invariants(uow).ok


def test_capture_names_exactly_one_destination(uow, alice_bob):
    alice, bob = alice_bob
    with pytest.raises(ValueError):
        ledger.capture_held(uow, alice, "TON", 1, "c", to_user_id=bob, to_system=FEES)
    with pytest.raises(ValueError):
        ledger.capture_held(uow, alice, "TON", 1, "c")


@pytest.mark.parametrize(
    "operation",
    [
        lambda uow, alice, bob: ledger.transfer(uow, alice, bob, "TON", 10 * TON + 1, "x"),
        lambda uow, alice, bob: ledger.transfer(uow, alice, bob, "USDT", 1, "x"),
        lambda uow, alice, bob: ledger.hold(uow, alice, "TON", 10 * TON + 1, "x"),
        lambda uow, alice, bob: ledger.release(uow, alice, "TON", 1, "x"),
        lambda uow, alice, bob: ledger.capture_held(uow, alice, "TON", 1, "x", to_user_id=bob),
    ],
    ids=["transfer", "other asset", "hold", "release", "capture"],
)
def test_nothing_spends_more_than_the_balance(uow, alice_bob, operation):
    alice, bob = alice_bob
    with pytest.raises(InsufficientFunds) as error:
        operation(uow, alice, bob)
    assert error.value.code == "insufficient_funds"
    assert balances(uow, alice) == (10 * TON, 0)
    assert balances(uow, bob) == (0, 0)
    with uow.read() as s:
        assert s.execute(text("SELECT count(*) FROM ledger_transactions WHERE idempotency_key = 'x'")).scalar() == 0
    assert ledger_reads.check_invariants(uow).ok


def test_spending_the_whole_balance_is_allowed(uow, alice_bob):
    alice, bob = alice_bob
    ledger.transfer(uow, alice, bob, "TON", 10 * TON, "all")
    assert balances(uow, alice) == (0, 0)


@pytest.mark.parametrize("amount", [0, -1, 1.5, True])
def test_amounts_must_be_positive_integers(uow, alice_bob, amount):
    alice, bob = alice_bob
    with pytest.raises(InvalidAmount):
        ledger.transfer(uow, alice, bob, "TON", amount, "bad")


def test_no_balance_is_taken_beyond_what_its_column_holds(uow):
    """BIGINT balances: PostgreSQL would refuse the update, SQLite would quietly make it a float. The
    ledger refuses first, on both, and a retry of the posting that filled it still replays."""
    (carol,) = make_users(uow, 1)
    full = deposit(uow, carol, MAX_MINOR, "USDT", key="fill")
    with pytest.raises(InvalidAmount):
        deposit(uow, carol, 1, "USDT")  # carol's balance would pass 2^63 - 1
    assert deposit(uow, carol, MAX_MINOR, "USDT", key="fill") == full
    (dave,) = make_users(uow, 1)
    with pytest.raises(InvalidAmount):
        deposit(uow, dave, 2, "USDT")  # the external account would pass -2^63
    deposit(uow, dave, 1, "USDT")
    assert balances(uow, carol, "USDT") == (MAX_MINOR, 0)
    assert balances(uow, dave, "USDT") == (1, 0)
    assert ledger_reads.check_invariants(uow).ok


def test_a_transfer_to_oneself_is_refused(uow, alice_bob):
    alice, _ = alice_bob
    with pytest.raises(UnbalancedTransaction):
        ledger.transfer(uow, alice, alice, "TON", 1, "self")


def test_a_retry_returns_the_first_transaction_and_moves_nothing(uow, alice_bob):
    alice, bob = alice_bob
    first = ledger.transfer(uow, alice, bob, "TON", 6 * TON, "pay-1")
    # The balance no longer covers a second spend: the retry must not be judged as one.
    again = ledger.transfer(uow, alice, bob, "TON", 6 * TON, "pay-1")
    assert again == first
    assert balances(uow, alice) == (4 * TON, 0)


def test_the_same_key_for_another_request_is_a_conflict(uow, alice_bob):
    alice, bob = alice_bob
    ledger.transfer(uow, alice, bob, "TON", 1 * TON, "pay-2")
    for other in [
        lambda: ledger.transfer(uow, alice, bob, "TON", 2 * TON, "pay-2"),
        lambda: ledger.transfer(uow, alice, bob, "TON", 100 * TON, "pay-2"),  # more than she has
        lambda: ledger.transfer(uow, alice, bob, "TON", 1 * TON, "pay-2", memo="changed"),
        lambda: ledger.hold(uow, alice, "TON", 1 * TON, "pay-2"),
    ]:
        with pytest.raises(IdempotencyConflict) as error:
            other()
        assert error.value.code == "idempotency_conflict"
    assert balances(uow, alice) == (9 * TON, 0)


def test_post_composes_with_the_callers_own_change(uow, alice_bob):
    """A use case posts inside its own transaction: when it fails later, the money stays put."""
    alice, bob = alice_bob
    with pytest.raises(RuntimeError), uow.transaction() as s:
        legs = [Leg(ledger.user_account(s, alice, "TON"), ledger.user_account(s, bob, "TON"), TON)]
        ledger.post(s, idempotency_key="invoice-9", kind="invoice_payment", legs=legs)
        raise RuntimeError("the invoice was closed meanwhile")
    assert balances(uow, alice) == (10 * TON, 0)
    assert balances(uow, bob) == (0, 0)


def test_one_transaction_may_move_several_legs(uow, alice_bob):
    alice, bob = alice_bob
    with uow.transaction() as s:
        payer, merchant = ledger.user_account(s, alice, "TON"), ledger.user_account(s, bob, "TON")
        fees = ledger.system_account(s, FEES, "TON")
        tx = ledger.post(
            s,
            idempotency_key="pay-fee",
            kind="invoice_payment",
            legs=[Leg(payer, merchant, 505), Leg(merchant, fees, 5)],
        )
    assert sorted(p.amount for p in tx.postings) == [-505, 5, 500]
    assert balances(uow, bob) == (500, 0)


def test_accounts_are_created_once(uow, alice_bob):
    alice, _ = alice_bob
    with uow.transaction() as s:
        first = ledger.user_account(s, alice, "USDT", HELD)
        assert ledger.user_account(s, alice, "USDT", HELD) == first
        assert ledger.system_account(s, FEES, "USDT") == ledger.system_account(s, FEES, "USDT")
    assert first.key == f"user:{alice}:USDT:held"


def test_the_checker_finds_a_corrupted_balance(uow, alice_bob):
    alice, _ = alice_bob
    report = ledger_reads.check_invariants(uow)
    assert report.ok and report.violations == []
    assert (report.transactions, report.postings, report.accounts) == (1, 2, 2)
    with uow.transaction() as s:
        s.execute(text(f"UPDATE ledger_accounts SET balance = balance + 7 WHERE key = 'user:{alice}:TON:available'"))
    report = ledger_reads.check_invariants(uow)
    assert not report.ok
    assert report.violations == [f"account user:{alice}:TON:available: balance 10.000000007 TON, postings sum 10 TON"]


def test_the_checker_finds_unbalanced_postings_and_overdrawn_accounts(uow, alice_bob):
    alice, bob = alice_bob
    with uow.transaction() as s:
        # A rogue posting written by hand: it takes from Bob, who holds nothing, and gives to no one.
        bob_account = ledger.user_account(s, bob, "TON")
        s.execute(
            text(
                "INSERT INTO ledger_postings (transaction_id, account_id, asset, amount) "
                "SELECT id, :account, 'TON', -5 FROM ledger_transactions"
            ),
            {"account": bob_account.id},
        )
    violations = ledger_reads.check_invariants(uow).violations
    assert any("TON postings sum to -0.000000005 TON, not 0" in v for v in violations)
    assert f"account user:{bob}:TON:available: balance 0 TON, postings sum -0.000000005 TON" in violations
    assert f"account user:{bob}:TON:available: below zero (-0.000000005 TON)" in violations


def test_the_database_refuses_a_negative_user_balance(uow, alice_bob):
    alice, _ = alice_bob
    with (
        pytest.raises(IntegrityError, match="ck_ledger_accounts_balance_not_negative"),
        uow.transaction() as s,
    ):
        s.execute(text(f"UPDATE ledger_accounts SET balance = -1 WHERE key = 'user:{alice}:TON:available'"))
