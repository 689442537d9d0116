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
    "value",
    [
        "1.0000001",  # more decimals than USDT has
        "-1",
        "1e3",
        "1,5",
        "1_000",
        "",
        ".",
        "NaN",
        "one",
        "１",  # a full-width digit is not an ASCII amount
        "9223372036854.775808",  # beyond BIGINT
        "9" * 80,
        Decimal("-0.5"),
        Decimal("Infinity"),
        Decimal("0.0000001"),
        1.5,
        None,
    ],
)
def test_to_minor_refuses_what_is_not_a_usdt_amount(value):
    with pytest.raises(InvalidAmount) as error:
        to_minor(value, 6)
    assert error.value.code == "invalid_amount"


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
