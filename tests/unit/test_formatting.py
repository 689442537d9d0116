"""Numbers, amounts, dates and counts as each language writes them (i18n/formatting.py, babel's CLDR)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from krypton_app.i18n.formatting import (
    amount_with_asset,
    format_amount,
    format_date,
    format_datetime,
    format_fiat,
    format_full,
    format_number,
    format_short_datetime,
    format_time,
    plural,
    unit,
)

TON = 10**9
NBSP = "\u00a0"  # babel's group separator for ru
NNBSP = "\u202f"  # babel's space before "г." in Russian dates


def test_russian_writes_a_decimal_comma_and_groups_with_a_no_break_space():
    assert format_amount(412_390_000_000, 9, "ru", "TON") == "412,39"
    assert format_number(10_000, "ru") == f"10{NBSP}000"
    assert format_amount(10_000 * TON, 9, "ru", "TON") == f"10{NBSP}000"


def test_english_writes_a_decimal_point_and_groups_with_a_comma():
    assert format_amount(412_390_000_000, 9, "en", "TON") == "412.39"
    assert format_number(10_000, "en") == "10,000"


def test_a_list_rounds_down_to_the_assets_places_and_the_full_form_keeps_every_digit():
    minor = 1_234_567_891  # 1.234567891 TON
    assert format_amount(minor, 9, "en", "TON") == "1.2345"
    assert format_full(minor, 9, "en") == "1.234567891"
    assert format_amount(minor, 9, "en", "TON", display=False) == "1.234567891"
    # USDT reads to the cent, and rounding never shows more than there is.
    assert format_amount(9_999_999, 6, "en", "USDT") == "9.99"


def test_a_tiny_amount_never_reads_as_zero():
    assert format_amount(12_345, 9, "en", "TON") == "0.000012"
    assert format_amount(1, 9, "ru", "TON") == "0,000000001"
    assert format_amount(0, 9, "en", "TON") == "0"


def test_an_amount_with_its_asset_and_fiat_to_the_cent():
    assert amount_with_asset(10_000 * TON + 5 * 10**8, 9, "TON", "ru") == f"10{NBSP}000,5 TON"
    assert format_fiat(123_450, "RUB", "ru") == f"1{NBSP}234,50 RUB"
    assert format_fiat(5, "USD", "en") == "0.05 USD"


MOMENT = datetime(2026, 3, 5, 14, 7, tzinfo=UTC)


def test_one_date_format_per_language_in_utc():
    assert format_datetime(MOMENT, "en") == "Mar 5, 2026, 14:07 UTC"
    assert format_datetime(MOMENT, "ru") == f"5 мар. 2026{NNBSP}г., 14:07 UTC"
    assert format_date(MOMENT, "en") == "Mar 5, 2026"
    assert format_date(MOMENT, "ru") == f"5 мар. 2026{NNBSP}г."
    assert format_short_datetime(MOMENT, "ru") == "5 мар., 14:07"
    assert format_time(MOMENT, "en") == "14:07"
    # A naive moment from the database is UTC; an aware one in another zone is shown in UTC.
    assert format_datetime(MOMENT.replace(tzinfo=None), "en") == "Mar 5, 2026, 14:07 UTC"
    moscow = MOMENT.astimezone(timezone(timedelta(hours=3)))
    assert format_datetime(moscow, "en") == "Mar 5, 2026, 14:07 UTC"


@pytest.mark.parametrize(
    ("n", "text"), [(1, "1 сделка"), (2, "2 сделки"), (5, "5 сделок"), (11, "11 сделок"), (21, "21 сделка")]
)
def test_russian_plurals(n, text):
    assert plural("ru", n, "count.deals") == text


@pytest.mark.parametrize(("n", "text"), [(0, "0 deals"), (1, "1 deal"), (2, "2 deals"), (21, "21 deals")])
def test_english_plurals(n, text):
    assert plural("en", n, "count.deals") == text


def test_a_count_uses_the_languages_digits():
    assert plural("ru", 10_000, "count.payments") == f"10{NBSP}000 платежей"
    assert plural("en", 1_000, "count.payments") == "1,000 payments"


def test_units_are_translated():
    assert unit("ru", "sat", 1500) == f"1{NBSP}500 сат"
    assert unit("en", "sat", 1500) == "1,500 sat"
    assert unit("ru", "ms", 120) == "120 мс"
    assert unit("en", "ms", 120) == "120 ms"
