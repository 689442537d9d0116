"""Loading and reading the reference catalog."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from krypton_app.db import UnitOfWork
from krypton_app.domain import catalog_data
from krypton_app.models import Asset, Country, CountryPaymentMethod, FiatCurrency, PaymentMethod


def load_catalog(uow: UnitOfWork) -> None:
    """Upsert the shipped catalog; running it again changes nothing (it runs on every `make run`)."""
    with uow.transaction() as s:
        for code, name, decimals in catalog_data.ASSETS:
            _upsert(s, Asset, code, name=name, decimals=decimals)
        for code, en, ru in catalog_data.FIAT_CURRENCIES:
            _upsert(s, FiatCurrency, code, name_en=en, name_ru=ru)
        for code, en, ru in catalog_data.PAYMENT_METHODS:
            _upsert(s, PaymentMethod, code, name_en=en, name_ru=ru)
        s.flush()
        for code, en, ru, fiat, _methods in catalog_data.COUNTRIES:
            _upsert(s, Country, code, name_en=en, name_ru=ru, fiat_code=fiat)
        s.flush()
        for code, *_rest, methods in catalog_data.COUNTRIES:
            for method in methods:
                if s.get(CountryPaymentMethod, (code, method)) is None:
                    s.add(CountryPaymentMethod(country_code=code, method_code=method))


def _upsert(s: Session, model, key, **values) -> None:
    row = s.get(model, key)
    if row is None:
        pk = model.__table__.primary_key.columns.keys()[0]
        s.add(model(**{pk: key}, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


@dataclass(frozen=True)
class AssetView:
    code: str
    name: str
    decimals: int


def list_assets(uow: UnitOfWork) -> list[AssetView]:
    with uow.read() as s:
        return list_assets_in(s)


def list_assets_in(s: Session) -> list[AssetView]:
    return [AssetView(a.code, a.name, a.decimals) for a in s.exec(select(Asset).order_by(Asset.code))]


@dataclass(frozen=True)
class NamedView:
    code: str
    name_en: str
    name_ru: str


@dataclass(frozen=True)
class CountryView:
    code: str
    name_en: str
    name_ru: str
    fiat: str
    methods: tuple[str, ...]


@dataclass(frozen=True)
class CatalogView:
    assets: tuple[AssetView, ...]
    fiat_currencies: tuple[NamedView, ...]
    payment_methods: tuple[NamedView, ...]
    countries: tuple[CountryView, ...]


def get_catalog(uow: UnitOfWork) -> CatalogView:
    with uow.read() as s:
        methods: dict[str, list[str]] = {}
        for link in s.exec(select(CountryPaymentMethod).order_by(CountryPaymentMethod.method_code)):
            methods.setdefault(link.country_code, []).append(link.method_code)
        fiats = s.exec(select(FiatCurrency).order_by(FiatCurrency.code))
        payment_methods = s.exec(select(PaymentMethod).order_by(PaymentMethod.code))
        countries = s.exec(select(Country).order_by(Country.code))
        return CatalogView(
            assets=tuple(list_assets_in(s)),
            fiat_currencies=tuple(NamedView(f.code, f.name_en, f.name_ru) for f in fiats),
            payment_methods=tuple(NamedView(m.code, m.name_en, m.name_ru) for m in payment_methods),
            countries=tuple(
                CountryView(c.code, c.name_en, c.name_ru, c.fiat_code, tuple(methods.get(c.code, ())))
                for c in countries
            ),
        )
