import pytest

from krypton_app.domain.errors import InvalidAmount, UnbalancedTransaction
from krypton_app.domain.ledger import (
    AccountRef,
    Leg,
    PostingLine,
    check_balanced,
    postings_for,
    request_hash,
    system_account_key,
    user_account_key,
)

ALICE = AccountRef(1, "user:1:TON:available", "TON")
ALICE_HELD = AccountRef(2, "user:1:TON:held", "TON")
BOB = AccountRef(3, "user:2:TON:available", "TON")
FEES = AccountRef(4, "system:fees:TON", "TON")
BOB_USDT = AccountRef(5, "user:2:USDT:available", "USDT")


def test_account_keys_name_owner_asset_and_kind():
    assert user_account_key(7, "TON", "held") == "user:7:TON:held"
    assert system_account_key("fees", "USDT") == "system:fees:USDT"
    with pytest.raises(ValueError):
        user_account_key(7, "TON", "fees")
    with pytest.raises(ValueError):
        system_account_key("available", "TON")


def test_a_leg_becomes_two_opposite_postings():
    assert postings_for([Leg(BOB, ALICE, 5)]) == [PostingLine(ALICE, 5), PostingLine(BOB, -5)]


def test_legs_are_netted_per_account_in_account_order():
    # A payment of 100 of which 1 goes on to the fee account.
    lines = postings_for([Leg(ALICE, BOB, 100), Leg(BOB, FEES, 1)])
    assert lines == [PostingLine(ALICE, -100), PostingLine(BOB, 99), PostingLine(FEES, 1)]


@pytest.mark.parametrize("amount", [0, -1, True, 1.5, "5", 2**63])
def test_leg_amounts_are_positive_integers(amount):
    with pytest.raises(InvalidAmount):
        postings_for([Leg(ALICE, BOB, amount)])


@pytest.mark.parametrize(
    "legs",
    [
        [],
        [Leg(ALICE, ALICE, 5)],
        [Leg(ALICE, BOB_USDT, 5)],
        [Leg(ALICE, BOB, 5), Leg(BOB, ALICE, 5)],
    ],
    ids=["no legs", "to itself", "across assets", "cancel out"],
)
def test_malformed_transactions_are_refused(legs):
    with pytest.raises(UnbalancedTransaction) as error:
        postings_for(legs)
    assert error.value.code == "unbalanced_transaction"


def test_postings_must_sum_to_zero_per_asset():
    check_balanced([PostingLine(ALICE, -5), PostingLine(BOB, 5), PostingLine(BOB_USDT, 0)])
    with pytest.raises(UnbalancedTransaction) as error:
        # Balanced in total, not per asset.
        check_balanced([PostingLine(ALICE, -5), PostingLine(BOB_USDT, 5)])
    assert error.value.details["totals"] == {"TON": -5, "USDT": 5}


def test_request_hash_ignores_leg_order_but_not_content():
    legs = [Leg(ALICE, BOB, 100), Leg(BOB, FEES, 1)]
    same = request_hash("transfer", "", legs)
    assert request_hash("transfer", "", legs[::-1]) == same
    assert request_hash("transfer", "", [Leg(ALICE, BOB, 101), Leg(BOB, FEES, 1)]) != same
    assert request_hash("hold", "", legs) != same
    assert request_hash("transfer", "order 7", legs) != same
    assert len(same) == 64
