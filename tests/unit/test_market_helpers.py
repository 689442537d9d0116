"""Pure helpers behind the market pages: a country's methods and currency, release times in words,
the edit form's values of an ad, and the ad id in a page path."""

from datetime import UTC, datetime

import pytest

from krypton_app.domain import ads as rules
from krypton_app.domain.catalog_data import COUNTRIES, PAYMENT_METHODS, country_fiat, country_methods
from krypton_app.domain.money import to_minor
from krypton_app.i18n import duration_text
from krypton_app.routes import ad_id_in
from krypton_app.services.ad_views import AdView
from krypton_app.state.ad_form import form_values


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


def _ad(**changes):
    fields = dict(
        id=7,
        owner_id=1,
        owner_name="#1",
        side="sell",
        asset="TON",
        decimals=9,
        fiat="RUB",
        fiat_decimals=2,
        country="RU",
        methods=("sbp",),
        price_kind="fixed",
        price=26_050,
        margin_bp=None,
        min_amount=500_000_000,
        max_amount=5_000_000_000,
        total_volume=5_000_000_000,
        remaining=3_000_000_000,
        payment_window_min=30,
        terms="SBP only",
        min_completed_deals=2,
        status="active",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    return AdView(**{**fields, **changes})


def test_the_edit_form_shows_what_the_service_parses_back():
    ad = _ad()
    values = form_values(ad)
    assert values["price"] == "260.50"
    assert rules.fixed_price(values["price"], ad.fiat_decimals) == ad.price
    assert [to_minor(values[f], ad.decimals) for f in ("min_amount", "max_amount", "total_volume")] == [
        ad.min_amount,
        ad.max_amount,
        ad.total_volume,
    ]
    assert (values["payment_window_min"], values["min_completed_deals"], values["terms"]) == ("30", "2", "SBP only")
    floating = form_values(_ad(price_kind="floating", margin_bp=-150))
    assert floating["price"] == "-1.5"
    assert rules.margin_bp(floating["price"]) == -150


@pytest.mark.parametrize(
    ("path", "ad_id"),
    [
        ("/market/ads/12", 12),
        ("/market/ads/12/", 12),
        ("/market/ads/12/edit", 12),
        ("/market/ads/x", 0),
        ("/deals/3", 0),
    ],
)
def test_the_ad_id_comes_from_the_page_path(path, ad_id):
    assert ad_id_in(path) == ad_id
