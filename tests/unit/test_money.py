from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from krypton_app.domain.errors import InvalidAmount
from krypton_app.domain.money import MAX_MINOR, format_amount, to_minor


@pytest.mark.parametrize(
    ("text", "decimals", "minor"),
    [
        ("1.5", 9, 1_500_000_000),
        ("0.000000001", 9, 1),
        ("  2 ", 6, 2_000_000),
        (".5", 6, 500_000),
        ("5.", 6, 5_000_000),
        ("1.50", 1, 15),
        ("0", 9, 0),
        (Decimal("12.345678"), 6, 12_345_678),
        (Decimal("1E+2"), 6, 100_000_000),
        ("9223372036.854775807", 9, MAX_MINOR),
    ],
)
def test_to_minor_reads_amounts(text, decimals, minor):
    assert to_minor(text, decimals) == minor


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1.0000001", "amount_too_many_decimals"),  # more decimals than USDT has
        ("-1", "amount_negative"),
        ("-1,5", "amount_negative"),
        ("1e3", "amount_exponent"),
        ("1.5E-2", "amount_exponent"),
        ("1,500", "amount_separator"),  # 1.5 or 1500? Refused, not guessed
        ("1,500.5", "amount_separator"),
        ("1.000,5", "amount_separator"),
        ("1 000", "amount_separator"),
        ("1_000", "amount_separator"),
        ("1,5,0", "amount_separator"),
        ("", "amount_empty"),
        ("   ", "amount_empty"),
        (".", "amount_not_a_number"),
        (",", "amount_not_a_number"),
        ("NaN", "amount_not_a_number"),
        ("one", "amount_not_a_number"),
        ("１", "amount_not_a_number"),  # a full-width digit is not an ASCII amount
        ("9223372036854.775808", "amount_too_large"),  # beyond BIGINT
        ("9" * 80, "amount_too_large"),
        (Decimal("-0.5"), "amount_negative"),
        (Decimal("Infinity"), "amount_not_a_number"),
        (Decimal("0.0000001"), "amount_too_many_decimals"),
        (1.5, "invalid_amount"),
        (None, "invalid_amount"),
    ],
)
def test_to_minor_says_why_it_is_not_a_usdt_amount(value, code):
    with pytest.raises(InvalidAmount) as error:
        to_minor(value, 6)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("text", "decimals", "minor"),
    [("1,5", 9, 1_500_000_000), ("0,125", 6, 125_000), (" 12,3456 ", 6, 12_345_600), (",5", 2, 50), ("2,", 2, 200)],
)
def test_a_decimal_comma_is_a_decimal_point(text, decimals, minor):
    assert to_minor(text, decimals) == minor


def test_too_many_decimals_says_how_many_the_asset_allows():
    from krypton_app.i18n import error_key, translate

    with pytest.raises(InvalidAmount) as error:
        to_minor("1.0000000001", 9)
    assert error.value.details["decimals"] == 9
    key = error_key(error.value.code, error.value.details)
    assert translate("en", key) == "At most 9 digits after the decimal point."
    assert translate("ru", key) == "Не больше 9 знаков после запятой."
    two = error_key("amount_too_many_decimals", {"decimals": 2})
    none = error_key("amount_too_many_decimals", {"decimals": 0})
    assert translate("ru", two) == "Не больше 2 знаков после запятой."
    assert translate("en", none) == "This amount must be a whole number."
    assert error_key("amount_too_many_decimals") == "error.amount_too_many_decimals"


@pytest.mark.parametrize(
    ("minor", "decimals", "trim", "text"),
    [
        (1_500_000_000, 9, True, "1.5"),
        (1_500_000_000, 9, False, "1.500000000"),
        (1, 9, True, "0.000000001"),
        (0, 6, True, "0"),
        (0, 6, False, "0.000000"),
        (2_000_000, 6, True, "2"),
        (-5, 6, True, "-0.000005"),
        (100, 0, True, "100"),
        (MAX_MINOR, 9, True, "9223372036.854775807"),
    ],
)
def test_format_amount(minor, decimals, trim, text):
    assert format_amount(minor, decimals, trim=trim) == text


@given(st.integers(min_value=0, max_value=MAX_MINOR), st.integers(min_value=0, max_value=18))
def test_formatting_then_parsing_gives_the_same_minor_units(minor, decimals):
    assert to_minor(format_amount(minor, decimals), decimals) == minor
    assert to_minor(format_amount(minor, decimals, trim=False), decimals) == minor
