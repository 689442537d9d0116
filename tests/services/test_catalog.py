from sqlmodel import select

from krypton_app.models import Country, CountryPaymentMethod
from krypton_app.services.catalog import list_assets, load_catalog


def test_catalog_has_assets_with_decimals(uow):
    assert {(a.code, a.decimals) for a in list_assets(uow)} == {("TON", 9), ("USDT", 6)}


def test_loading_the_catalog_twice_changes_nothing(uow):
    with uow.read() as s:
        before = len(s.exec(select(CountryPaymentMethod)).all())
    load_catalog(uow)
    with uow.read() as s:
        assert len(s.exec(select(CountryPaymentMethod)).all()) == before
        russia = s.get(Country, "RU")
    assert russia.fiat_code == "RUB"
    assert before > 20
