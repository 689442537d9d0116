"""Pure helpers behind the market pages: a country's methods and currency, and release times in words."""

import pytest

from krypton_app.domain.catalog_data import COUNTRIES, PAYMENT_METHODS, country_fiat, country_methods
from krypton_app.i18n import duration_text


def test_a_country_offers_its_own_methods_in_catalog_order():
    assert country_methods("KZ") == ["kaspi", "halyk", "card", "cash", "bank_transfer"]
    assert country_methods("RU")[0] == "sbp"


@pytest.mark.parametrize("country", [None, "", "any", "XX"])
def test_no_country_offers_every_method(country):
    assert country_methods(country) == [code for code, _en, _ru in PAYMENT_METHODS]


def test_every_country_method_is_in_the_catalog():
    known = {code for code, _en, _ru in PAYMENT_METHODS}
    assert all(set(country_methods(code)) <= known for code, *_ in COUNTRIES)


def test_a_country_has_its_currency():
    assert country_fiat("KZ") == "KZT"
    assert country_fiat("DE") == "EUR"
    assert country_fiat("any") is None


def test_the_list_is_a_copy():
    country_methods("KZ").append("sbp")
    assert "sbp" not in country_methods("KZ")


@pytest.mark.parametrize(
    ("seconds", "en", "ru"),
    [
        (None, "—", "—"),
        (0, "< 1 min", "< 1 мин"),
        (29, "< 1 min", "< 1 мин"),
        (240, "4 min", "4 мин"),
        (269, "4 min", "4 мин"),
        (59 * 60, "59 min", "59 мин"),
        (3600, "1 h", "1 ч"),
        (3900, "1 h 5 min", "1 ч 5 мин"),
    ],
)
def test_release_time_reads_in_minutes(seconds, en, ru):
    assert duration_text("en", seconds) == en
    assert duration_text("ru", seconds) == ru
