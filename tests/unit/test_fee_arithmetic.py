"""The fee schedule's arithmetic (domain/fees.py, SPEC F12): gross = net + fee, nothing negative, a fee
taken out never above the amount, the percent rounded up (the platform's favour) by less than one minor
unit, the minimum respected; and the rule's validation codes."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from krypton_app.domain.fees import (
    DEAL,
    INVOICE_PAYMENT,
    MAKER,
    PAYOUT,
    TAKER,
    WITHDRAWAL,
    FeeRule,
    FeeRuleInvalid,
    add_on,
    fee_for,
    percent_text,
    take_out,
)
from krypton_app.domain.money import MAX_MINOR

amounts = st.integers(min_value=0, max_value=MAX_MINOR)
# 0 .. 50 % with up to 4 places, as operators may type them
percents = st.integers(min_value=0, max_value=500_000).map(lambda ppm: Decimal(ppm) / 10_000)
minors = st.integers(min_value=0, max_value=10**12)


@st.composite
def rules(draw):
    return FeeRule(INVOICE_PAYMENT, "TON", percent=draw(percents), flat=draw(minors), minimum=draw(minors))


def exact_percent(rule: FeeRule, amount: int) -> Fraction:
    return Fraction(amount) * Fraction(rule.percent) / 100


@given(rules(), amounts)
def test_taken_out_the_parts_add_up_and_none_is_negative(rule, gross):
    split = take_out(rule, gross)
    assert split.gross == gross == split.net + split.fee
    assert 0 <= split.fee <= gross and split.net >= 0


@given(rules(), amounts)
def test_added_on_the_parts_add_up(rule, net):
    split = add_on(rule, net)
    assert split.gross == split.net + split.fee and split.net == net and split.fee >= 0


@given(percents, amounts)
def test_the_percent_is_rounded_up_by_less_than_one_minor_unit(percent, amount):
    rule = FeeRule(INVOICE_PAYMENT, "TON", percent=percent)
    exact = exact_percent(rule, amount)
    fee = fee_for(rule, amount)
    assert exact <= fee < exact + 1


@given(rules(), st.integers(min_value=1, max_value=MAX_MINOR))
def test_the_minimum_holds_for_a_nonzero_amount(rule, amount):
    fee = fee_for(rule, amount)
    assert fee >= rule.minimum
    # ... and is all there is when the percent and flat parts come to less
    assert fee == max(rule.minimum, math.ceil(exact_percent(rule, amount)) + rule.flat)
    # taken out, the minimum gives way to the amount itself: a merchant never gets less than nothing
    assert take_out(rule, amount).fee == min(fee, amount)


@given(rules())
def test_nothing_costs_nothing(rule):
    assert fee_for(rule, 0) == 0 and take_out(rule, 0).fee == 0 and add_on(rule, 0).fee == 0


def test_the_seeds_example_one_percent_of_five_ton():
    rule = FeeRule(INVOICE_PAYMENT, "TON", percent=Decimal(1))
    assert take_out(rule, 5 * 10**9).fee == 50_000_000 and take_out(rule, 5 * 10**9).net == 4_950_000_000
    # 1 % of 1 minor unit is 0.01 of one: rounded up to one whole unit, the platform's favour
    assert take_out(rule, 1).fee == 1 and take_out(rule, 101).fee == 2


def test_a_negative_amount_is_a_bug():
    with pytest.raises(ValueError):
        fee_for(FeeRule(INVOICE_PAYMENT, "TON"), -1)


def test_a_percent_reads_as_typed():
    assert [percent_text(Decimal(p)) for p in ("10", "1E+1", "2.50", "0.0001", "0")] == [
        "10",
        "10",
        "2.5",
        "0.0001",
        "0",
    ]


def test_the_same_percent_however_it_is_written():
    assert FeeRule(INVOICE_PAYMENT, "TON", percent=Decimal("1.00000")) == FeeRule(
        INVOICE_PAYMENT, "TON", percent=Decimal(1)
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"operation": "refund"}, "fee_operation_invalid"),
        ({"percent": Decimal("-0.1")}, "fee_percent_invalid"),
        ({"percent": Decimal("50.0001")}, "fee_percent_invalid"),
        ({"percent": Decimal("0.00001")}, "fee_percent_invalid"),
        ({"percent": Decimal("NaN")}, "fee_percent_invalid"),
        ({"percent": Decimal("Infinity")}, "fee_percent_invalid"),
        ({"percent": 1}, "fee_percent_invalid"),  # a float or int is not a percent: only a Decimal
        ({"operation": WITHDRAWAL, "percent": Decimal(1)}, "fee_percent_invalid"),  # flat only
        ({"operation": PAYOUT, "percent": Decimal("0.5")}, "fee_percent_invalid"),
        ({"flat": -1}, "fee_flat_invalid"),
        ({"flat": 2**62}, "fee_flat_invalid"),
        ({"flat": True}, "fee_flat_invalid"),
        ({"minimum": -5}, "fee_minimum_invalid"),
        ({"minimum": "5"}, "fee_minimum_invalid"),
        ({"operation": DEAL}, "fee_payer_invalid"),  # a deal names who pays
        ({"operation": DEAL, "payer": "merchant"}, "fee_payer_invalid"),
        ({"payer": MAKER}, "fee_payer_invalid"),  # only a deal has a payer
    ],
)
def test_a_rule_that_cannot_be_is_refused_with_its_code(fields, code):
    with pytest.raises(FeeRuleInvalid) as error:
        FeeRule(**{"operation": INVOICE_PAYMENT, "asset": "TON", **fields})
    assert error.value.code == code


@pytest.mark.parametrize(
    "rule",
    [
        FeeRule(INVOICE_PAYMENT, "TON", percent=Decimal("50")),
        FeeRule(INVOICE_PAYMENT, "USDT", percent=Decimal("0.0001"), flat=1, minimum=10),
        FeeRule(DEAL, "TON", percent=Decimal("0.5"), payer=MAKER),
        FeeRule(DEAL, "TON", payer=TAKER),
        FeeRule(WITHDRAWAL, "TON", flat=50_000_000),
        FeeRule(PAYOUT, "USDT", flat=1_000_000, minimum=0),
    ],
)
def test_the_rules_operators_can_set(rule):
    assert fee_for(rule, 10**9) >= 0
