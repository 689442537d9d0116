"""Invoice numbers, parts and fiat conversion: rules without a database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from krypton_app.domain.errors import InvalidAmount, InvoiceUnavailable
from krypton_app.domain.invoices import (
    INVOICE_NUMBER_ALPHABET,
    INVOICE_NUMBER_LENGTH,
    PartsDoNotAddUp,
    asset_for_fiat,
    check_parts,
    check_split,
    even_split,
    invoice_actions,
    new_invoice_number,
    normalise_number,
    payment_actions,
    payment_total,
    rate_text,
    unavailable_reason,
)


def test_the_alphabet_has_no_characters_people_confuse():
    assert not set("0O1IL") & set(INVOICE_NUMBER_ALPHABET)
    assert len(set(INVOICE_NUMBER_ALPHABET)) == len(INVOICE_NUMBER_ALPHABET)


def test_numbers_are_eight_characters_of_the_alphabet_and_differ():
    numbers = {new_invoice_number() for _ in range(200)}
    assert len(numbers) == 200
    assert all(len(n) == INVOICE_NUMBER_LENGTH and set(n) <= set(INVOICE_NUMBER_ALPHABET) for n in numbers)


@pytest.mark.parametrize("typed", ["abcd-efgh", " ABCD EFGH ", "abCD\tefGH", "ABCDEFGH"])
def test_a_typed_number_is_normalised(typed):
    assert normalise_number(typed) == "ABCDEFGH"


def test_parts_must_be_one_to_max_and_positive():
    check_parts([1], 1)
    check_parts([1, 2, 3], 3)
    for amounts, limit in (([], 3), ([1, 2], 1), ([1, 0], 2)):
        with pytest.raises(InvoiceUnavailable) as error:
            check_parts(amounts, limit)
        assert error.value.code == "parts_invalid"


def test_fiat_conversion_rounds_up_to_the_next_minor_unit():
    # 1000.00 RUB at 420 RUB per TON = 2.380952380952… TON
    assert asset_for_fiat(100_000, 2, 9, Decimal("420")) == 2_380_952_381
    # exact conversions are not rounded at all
    assert asset_for_fiat(1_040, 2, 9, Decimal("5.20")) == 2_000_000_000
    assert asset_for_fiat(100, 2, 6, Decimal("1.00")) == 1_000_000


@given(
    fiat=st.integers(min_value=1, max_value=10**12),
    rate=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("100000"), places=4),
    decimals=st.sampled_from([6, 9]),
)
def test_fiat_conversion_is_never_short_and_at_most_one_unit_over(fiat, rate, decimals):
    minor = asset_for_fiat(fiat, 2, decimals, rate)
    # minor units paid, valued back in fiat cents, cover the fiat amount; one unit less does not
    assert Decimal(minor) * rate * 100 >= Decimal(fiat) * 10**decimals
    assert Decimal(minor - 1) * rate * 100 < Decimal(fiat) * 10**decimals


def test_rate_text_is_plain_decimal():
    assert rate_text(Decimal("4.20E+2")) == "420"
    assert rate_text(Decimal("0.0000520")) == "0.000052"


NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_one_rule_says_why_an_invoice_takes_no_payment():
    assert unavailable_reason("open", None, None, NOON) is None
    assert unavailable_reason("open", None, NOON + timedelta(seconds=1), NOON) is None
    # Past its expiry an invoice takes nothing, before the worker has marked it expired.
    assert unavailable_reason("open", None, NOON, NOON) == "invoice_expired"
    assert unavailable_reason("expired", "expired", NOON, NOON) == "invoice_expired"
    assert unavailable_reason("closed", "limit_reached", None, NOON) == "invoice_limit_reached"
    assert unavailable_reason("closed", "merchant", None, NOON) == "invoice_closed"


@given(total=st.integers(min_value=1, max_value=10**18), parts=st.integers(min_value=1, max_value=10))
def test_an_even_split_adds_up_exactly(total, parts):
    amounts = even_split(total, parts)
    assert len(amounts) == parts and sum(amounts) == total
    assert max(amounts) - min(amounts) <= 1


def test_a_payment_total_is_a_positive_amount():
    assert payment_total("1.5", 9) == 1_500_000_000
    with pytest.raises(InvoiceUnavailable) as error:
        payment_total("0", 9)
    assert error.value.code == "payment_amount_invalid"
    # A decimal comma is a decimal point (issue 11); a thousands group is refused, not guessed.
    assert payment_total("1,5", 9) == 1_500_000_000
    with pytest.raises(InvalidAmount):
        payment_total("1,500", 9)


def test_the_payers_parts_each_above_zero_make_the_whole_amount():
    assert check_split(["1", "0.5"], "1.5", 9) == [1_000_000_000, 500_000_000]
    for parts in (["1", "0.4"], ["1.5", "0"], ["2", "-0.5"]):
        with pytest.raises((PartsDoNotAddUp, InvalidAmount)):
            check_split(parts, "1.5", 9)
    with pytest.raises(PartsDoNotAddUp) as error:
        check_split(["1", "0.4"], "1.5", 9)
    assert error.value.code == "parts_must_sum"
    with pytest.raises(InvalidAmount):
        check_split(["1", "x"], "1.5", 9)


def test_what_may_be_done_with_an_invoice_and_a_payment():
    assert invoice_actions("open", False) == ("close",)
    assert invoice_actions("open", True) == ("close", "simulate")
    assert invoice_actions("closed", True) == invoice_actions("expired", False) == ()
    assert payment_actions("pending", False) == ("fund", "cancel")
    # A private invoice's payment completes without a receipt; its payer may ask for one.
    assert payment_actions("completed", False) == ("request_receipt",)
    assert payment_actions("completed", True) == payment_actions("cancelled", False) == ()
