"""The ad form's state, as mixins (each page state gets its own copy of the vars): the country choice
that the market's filters and the ad form share (CountryChoiceMixin), and the ad form of /market/new
and the edit page (AdFormMixin).

Country, currency and method are bound to vars: choosing a country preselects its currency and
narrows the methods to its own. The other fields are uncontrolled inputs that take `values` when the
form mounts (the edit page mounts it only once seeded). services.ads validates everything again.
"""

from __future__ import annotations

import reflex as rx

from krypton_app.domain.ads import FIXED
from krypton_app.domain.catalog_data import (
    ASSET_CODES,
    COUNTRY_CODES,
    FIAT_CODES,
    METHOD_CODES,
    country_fiat,
    country_methods,
)
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_texts, key_texts
from krypton_app.services.ad_views import AdView
from krypton_app.services.ads import AdDraft

TEXT_FIELDS = (
    "price",
    "total_volume",
    "min_amount",
    "max_amount",
    "payment_window_min",
    "min_completed_deals",
    "terms",
    "payment_details",
)
# The fields the service names that the form shows under another name.
FORM_FIELD = {"margin_percent": "price"}
ANY = "any"
DEFAULTS = {"side": "sell", "asset": ASSET_CODES[0], "country": "RU", "method": "sbp", "price_kind": FIXED}


def form_values(ad: AdView) -> dict[str, str]:
    """An ad as the text its form fields show: what the service would parse back to the same ad."""
    price = format_amount(ad.price, ad.fiat_decimals, trim=False) if ad.price_kind == FIXED else None
    return {
        "price": price if price is not None else format_amount(ad.margin_bp or 0, 2),
        "total_volume": format_amount(ad.total_volume, ad.decimals),
        "min_amount": format_amount(ad.min_amount, ad.decimals),
        "max_amount": format_amount(ad.max_amount, ad.decimals),
        "payment_window_min": str(ad.payment_window_min),
        "min_completed_deals": str(ad.min_completed_deals),
        "terms": ad.terms,
        # Private, not in AdView: the edit page adds it from services.ad_views.payment_details_of.
        "payment_details": "",
    }


def form_text(form_data: dict, name: str) -> str:
    return str(form_data.get(name) or "").strip()


class CountryChoiceMixin(rx.State, mixin=True):
    """A country select that narrows the method select and picks its currency; `ANY` is no country."""

    country: str = DEFAULTS["country"]
    fiat: str = country_fiat(DEFAULTS["country"]) or FIAT_CODES[0]
    method: str = DEFAULTS["method"]

    @rx.var
    def method_choices(self) -> list[str]:
        return country_methods(self.country)

    def _no_method(self) -> str:
        """What the method select falls back to when the country does not use the chosen one."""
        return self.method_choices[0]

    def _country_changed(self) -> None:
        """Keep the method choice within the new country's methods."""
        if self.method not in self.method_choices:
            self.method = self._no_method()

    def _set_country(self, country: str) -> None:
        self.country = country if country in COUNTRY_CODES else ANY
        self.fiat = country_fiat(self.country) or self.fiat
        self._country_changed()

    def _set_fiat(self, fiat: str) -> None:
        if fiat in FIAT_CODES:
            self.fiat = fiat

    def _set_method(self, method: str) -> None:
        self.method = method if method in METHOD_CODES else self._no_method()

    @rx.event
    async def choose_country(self, country: str):
        self._set_country(country)
        await self._choice_made()

    @rx.event
    async def choose_fiat(self, fiat: str):
        self._set_fiat(fiat)
        await self._choice_made()

    @rx.event
    async def choose_method(self, method: str):
        self._set_method(method)
        await self._choice_made()

    async def _choice_made(self) -> None:
        """After a select changed: the market's filters search again; the ad form does nothing more."""


class AdFormMixin(CountryChoiceMixin, mixin=True):
    """The ad form. An ad takes one or more of its country's payment methods (`methods`); the
    single `method` of CountryChoiceMixin is the filters' choice and is not used here."""

    # form field -> its refusal in every language (i18n.error_texts); "" is the form as a whole
    field_errors: dict[str, dict[str, str]] = {}
    methods: list[str] = [DEFAULTS["method"]]
    values: dict[str, str] = {}
    side: str = DEFAULTS["side"]
    asset: str = DEFAULTS["asset"]
    price_kind: str = DEFAULTS["price_kind"]

    def _seed(self, ad: AdView | None = None) -> None:
        """Fill the form with an ad's values, or with the defaults of a new ad."""
        self.field_errors = {}
        if ad is None:
            self.values = dict.fromkeys(TEXT_FIELDS, "")
            self.side, self.asset, self.price_kind = DEFAULTS["side"], DEFAULTS["asset"], DEFAULTS["price_kind"]
            self.country, self.methods = DEFAULTS["country"], [DEFAULTS["method"]]
            self.fiat = country_fiat(self.country) or self.fiat
        else:
            self.values = form_values(ad)
            self.side, self.asset, self.price_kind = ad.side, ad.asset, ad.price_kind
            self.country, self.fiat = ad.country, ad.fiat
            self.methods = list(ad.methods) or country_methods(ad.country)[:1]

    def _country_changed(self) -> None:
        # The methods the new country also uses stay chosen; with none left, its first one is.
        kept = [m for m in self.methods if m in self.method_choices]
        self.methods = kept or self.method_choices[:1]

    @rx.event
    def toggle_method(self, method: str):
        """Add or remove a method; the last one stays (an ad needs at least one)."""
        if method not in self.method_choices:
            return
        if method not in self.methods:
            self.methods = [m for m in self.method_choices if m in (*self.methods, method)]
        elif len(self.methods) > 1:
            self.methods = [m for m in self.methods if m != method]

    def _draft(self, form_data: dict, *, side: str, asset: str) -> AdDraft | None:
        """The submitted form as a draft; None when a number field is not a number (its error is set)."""
        text = {name: form_text(form_data, name) for name in TEXT_FIELDS}
        window = text["payment_window_min"] or "15"
        min_deals = text["min_completed_deals"] or "0"
        if not window.isdigit():
            self.field_errors = {"payment_window_min": key_texts("error.ad_window_invalid")}
            return None
        if not min_deals.isdigit():
            self.field_errors = {"min_completed_deals": key_texts("error.ad_requirements_invalid")}
            return None
        price_kind = form_text(form_data, "price_kind") or FIXED
        price = text["price"]
        return AdDraft(
            side=side,
            asset=asset,
            fiat=form_text(form_data, "fiat") or self.fiat,
            country=form_text(form_data, "country") or self.country,
            methods=tuple(self.methods),
            price_kind=price_kind,
            price=price if price_kind == FIXED else None,
            margin_percent=price if price_kind != FIXED else None,
            min_amount=text["min_amount"],
            max_amount=text["max_amount"],
            total_volume=text["total_volume"],
            payment_window_min=int(window),
            terms=text["terms"],
            min_completed_deals=int(min_deals),
            payment_details=text["payment_details"],
        )

    def _refused(self, error: KryptonError) -> None:
        """The service's refusal under the field it names."""
        field = str(error.details.get("field") or "")
        self.field_errors = {FORM_FIELD.get(field, field): error_texts(error)}
