"""ledger_post(), the PostgreSQL function behind `ledger.post` (migration 0038), and ledger_post_keys(),
behind the use cases (migration 0039): they post only what the Python steps would post, and on anything
else write nothing and answer NULL, so that the steps raise the error or replay. PostgreSQL only
(`pg_uow`)."""

from builders import deposit, make_users
from sqlalchemy import text

from krypton_app.models.common import utcnow
from krypton_app.services import ledger, ledger_reads

TON = 10**9


def call(uow, key, accounts, assets, amounts):
    """ledger_post() in its own transaction: the new transaction's id or None, and the rows it wrote."""
    with uow.transaction() as s:
        before = s.execute(text("SELECT count(*) FROM ledger_postings")).scalar_one()
        result = s.execute(
            ledger._POST_ON_SERVER,
            {
                "key": key,
                "kind": "transfer",
                "memo": "",
                "hash": "fingerprint",
                "created_at": utcnow(),
                "accounts": accounts,
                "assets": assets,
                "amounts": amounts,
            },
        ).scalar_one()
        written = s.execute(text("SELECT count(*) FROM ledger_postings")).scalar_one() - before
    return result, written


def available(uow, user):
    with uow.transaction() as s:
        return ledger.user_account(s, user, "TON").id


def payment(payer: int, payee: int, amount: int) -> tuple[list[int], list[int]]:
    """The arrays for `amount` from account `payer` to account `payee`: ascending account id."""
    lines = sorted([(payer, -amount), (payee, amount)])
    return [account for account, _ in lines], [amount for _, amount in lines]


def test_a_posting_the_steps_would_make_is_written_once(pg_uow):
    alice, bob = make_users(pg_uow, 2)
    deposit(pg_uow, alice, TON)
    accounts, amounts = payment(available(pg_uow, alice), available(pg_uow, bob), TON)
    transaction_id, written = call(pg_uow, "k1", accounts, ["TON", "TON"], amounts)
    assert transaction_id is not None and written == 2
    assert call(pg_uow, "k1", accounts, ["TON", "TON"], amounts) == (None, 0)
    assert ledger_reads.list_balances(pg_uow, bob)[0].available == TON
    assert ledger_reads.check_invariants(pg_uow).ok


def test_refusals_write_nothing(pg_uow):
    alice, bob = make_users(pg_uow, 2)
    deposit(pg_uow, alice, TON)
    a, b = available(pg_uow, alice), available(pg_uow, bob)
    refused = {
        "funds": (*payment(a, b, TON + 1), ["TON", "TON"]),
        "asset": (*payment(a, b, 1), ["USDT", "USDT"]),
        "missing account": (*payment(a, max(a, b) + 100, 1), ["TON", "TON"]),
    }
    for reason, (accounts, amounts, assets) in refused.items():
        assert call(pg_uow, f"refused {reason}", accounts, assets, amounts) == (None, 0), reason
    with pg_uow.read() as s:
        assert s.execute(text("SELECT count(*) FROM ledger_transactions WHERE kind = 'transfer'")).scalar_one() == 0


def test_a_blocked_payer_is_refused(pg_uow):
    alice, bob = make_users(pg_uow, 2)
    deposit(pg_uow, alice, TON)
    with pg_uow.transaction() as s:
        s.execute(text("UPDATE users SET blocked_at = now() WHERE id = :id"), {"id": alice})
    accounts, amounts = payment(available(pg_uow, alice), available(pg_uow, bob), 1)
    assert call(pg_uow, "blocked", accounts, ["TON", "TON"], amounts) == (None, 0)


def call_by_keys(uow, key, source, destination, amount, asset="TON"):
    """ledger_post_keys() (migration 0039) in its own transaction, without a wake-up."""
    with uow.transaction() as s:
        return (
            s.connection()
            .exec_driver_sql(
                ledger._POST_BY_KEYS,
                (key, "transfer", "", "fingerprint", utcnow(), source, destination, asset, amount, "unheard", None),
            )
            .scalar_one()
        )


def test_by_keys_a_posting_names_its_transaction_and_both_accounts(pg_uow):
    alice, bob = make_users(pg_uow, 2)
    deposit(pg_uow, alice, TON)
    accounts = available(pg_uow, alice), available(pg_uow, bob)
    source, destination = (f"user:{user}:TON:available" for user in (alice, bob))
    transaction_id, *ids = call_by_keys(pg_uow, "k1", source, destination, TON)
    assert tuple(ids) == accounts
    source_id, destination_id = accounts
    with pg_uow.read() as s:
        written = s.execute(
            text("SELECT account_id, amount FROM ledger_postings WHERE transaction_id = :id ORDER BY account_id"),
            {"id": transaction_id},
        ).all()
    assert sorted(written) == sorted([(source_id, -TON), (destination_id, TON)])
    assert call_by_keys(pg_uow, "k1", source, destination, TON) is None  # a replay: the steps answer it
    assert ledger_reads.check_invariants(pg_uow).ok


def test_by_keys_a_missing_account_or_a_refusal_writes_nothing(pg_uow):
    alice, bob = make_users(pg_uow, 2)
    deposit(pg_uow, alice, TON)
    source = f"user:{alice}:TON:available"
    assert call_by_keys(pg_uow, "new", source, f"user:{bob}:TON:held", 1) is None  # not created yet
    assert call_by_keys(pg_uow, "funds", source, f"user:{bob}:TON:available", TON + 1) is None
    assert call_by_keys(pg_uow, "asset", source, f"user:{bob}:TON:available", 1, asset="USDT") is None
    with pg_uow.read() as s:
        assert s.execute(text("SELECT count(*) FROM ledger_transactions WHERE kind = 'transfer'")).scalar_one() == 0
    # What the use cases do then: find or create the accounts and post step by step.
    ledger.hold(pg_uow, alice, "TON", 1, "hold")
    ledger.capture_held(pg_uow, alice, "TON", 1, "capture", to_user_id=bob)
    assert ledger_reads.list_balances(pg_uow, bob)[0].available == 1
