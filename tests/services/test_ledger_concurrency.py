"""Races on PostgreSQL: many threads released at once by a barrier, each with its own connection.

SQLite serialises every writer, so these only mean something on PostgreSQL (`pg_uow`); without
KRYPTON_TEST_DATABASE_URL they are skipped.
"""

from functools import partial

from builders import deposit, make_users, race
from sqlalchemy import text

from krypton_app.domain.errors import IdempotencyConflict, InsufficientFunds
from krypton_app.services import ledger, ledger_reads
from krypton_app.services.ledger import LedgerTransactionView

THREADS = 50
PRICE = 10**9


def all_at_once(work):
    """`work(i)` for i in 0..THREADS-1, all at once; each result or the exception it raised."""
    return race(*[partial(work, i) for i in range(THREADS)])


def kinds(results):
    return sorted({type(r).__name__ for r in results})


def available(uow, user_id):
    return ledger_reads.list_balances(uow, user_id)[0].available


def test_fifty_spends_from_a_balance_for_ten_let_exactly_ten_through(pg_uow):
    alice, bob = make_users(pg_uow, 2)
    deposit(pg_uow, alice, 10 * PRICE)
    results = all_at_once(lambda i: ledger.transfer(pg_uow, alice, bob, "TON", PRICE, f"spend-{i}"))
    assert sum(isinstance(r, LedgerTransactionView) for r in results) == 10
    assert sum(isinstance(r, InsufficientFunds) for r in results) == 40, kinds(results)
    assert (available(pg_uow, alice), available(pg_uow, bob)) == (0, 10 * PRICE)
    report = ledger_reads.check_invariants(pg_uow)
    assert report.ok, report.violations


def test_fifty_retries_of_one_key_make_one_transaction(pg_uow):
    alice, bob = make_users(pg_uow, 2)
    deposit(pg_uow, alice, 10 * PRICE)
    results = all_at_once(lambda i: ledger.transfer(pg_uow, alice, bob, "TON", PRICE, "checkout-42"))
    assert kinds(results) == ["LedgerTransactionView"]
    assert len({r.id for r in results}) == 1
    assert len(set(results)) == 1
    with pg_uow.read() as s:
        count = s.execute(text("SELECT count(*) FROM ledger_transactions WHERE idempotency_key = 'checkout-42'"))
        assert count.scalar_one() == 1
    assert available(pg_uow, alice) == 9 * PRICE
    assert ledger_reads.check_invariants(pg_uow).ok


def test_one_key_raced_for_different_requests_wins_once(pg_uow):
    # Disjoint accounts share no row lock: the unique idempotency key is what settles this race.
    people = make_users(pg_uow, 2 * THREADS)
    for sender in people[:THREADS]:
        deposit(pg_uow, sender, PRICE)
    results = all_at_once(lambda i: ledger.transfer(pg_uow, people[i], people[THREADS + i], "TON", PRICE, "shared"))
    assert sum(isinstance(r, LedgerTransactionView) for r in results) == 1, kinds(results)
    assert sum(isinstance(r, IdempotencyConflict) for r in results) == THREADS - 1
    report = ledger_reads.check_invariants(pg_uow)
    assert report.ok, report.violations


def test_transfers_both_ways_between_two_users_do_not_deadlock(pg_uow):
    alice, bob = make_users(pg_uow, 2)
    deposit(pg_uow, alice, THREADS * PRICE)
    deposit(pg_uow, bob, THREADS * PRICE)

    def pay(i):
        sender, receiver = (alice, bob) if i % 2 else (bob, alice)
        return ledger.transfer(pg_uow, sender, receiver, "TON", PRICE, f"ping-pong-{i}")

    assert kinds(all_at_once(pay)) == ["LedgerTransactionView"]
    assert (available(pg_uow, alice), available(pg_uow, bob)) == (THREADS * PRICE, THREADS * PRICE)
    assert ledger_reads.check_invariants(pg_uow).ok


def test_first_deposits_to_a_new_user_create_one_account(pg_uow):
    (carol,) = make_users(pg_uow, 1)
    assert kinds(all_at_once(lambda i: deposit(pg_uow, carol, PRICE))) == ["LedgerTransactionView"]
    with pg_uow.read() as s:
        accounts = s.execute(text("SELECT count(*) FROM ledger_accounts WHERE user_id = :u"), {"u": carol})
        assert accounts.scalar_one() == 1
    assert available(pg_uow, carol) == THREADS * PRICE
    assert ledger_reads.check_invariants(pg_uow).ok
