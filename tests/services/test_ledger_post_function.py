"""ledger_post(), the PostgreSQL function behind `ledger.post` (migration 0038): it posts only what the
Python steps would post, and on anything else writes nothing and answers NULL, so that the steps
raise the error or replay. PostgreSQL only (`pg_uow`)."""

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
