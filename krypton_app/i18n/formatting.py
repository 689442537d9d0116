"""How amounts, numbers, dates and counts read in each language: the one place the UI formats them.

Everything goes through babel's CLDR data, so Russian gets "412,39" and "10 000" (babel's group
separator for ru is a no-break space, U+00A0) and the plural form CLDR gives for 1, 2, 5, 21.

Invariants:
- amounts are minor units (int) and stay Decimal throughout: never a float, never a lost digit;
- `format_full` shows every digit the ledger holds; `format_amount` rounds *down* to the asset's display
  places, so a shown balance is never more than can be spent (the full value goes in a tooltip);
- a non-zero amount never displays as "0": below the display places it keeps two significant digits;
- dates are shown in UTC, as the ledger keeps them, one pattern per language;
- this is display only: the API's exact strings and the parsing of typed amounts live in domain/money.py.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal

from krypton_app.i18n import CATALOGS, normalize_language, translate
from krypton_app.models.common import as_utc

# Decimal places a list shows per asset: enough to tell amounts apart, no nanoton noise. TON keeps 9
# decimals but people compare it to four; USDT is a dollar, read to the cent.
DISPLAY_PLACES = {"TON": 4, "USDT": 2, "BTC": 8}
DEFAULT_DISPLAY_PLACES = 4
FIAT_PLACES = 2
# A tiny non-zero amount keeps this many significant digits instead of rounding to zero.
SMALL_SIGNIFICANT = 2

# CLDR skeletons: each language orders and spells the parts its own way ("Mar 5, 2026, 14:07" /
# "5 мар. 2026 г., 14:07"); 24-hour time in both, so a moment reads the same to everyone.
_DATE = "yMMMd"
_SHORT_DATE = "MMMd"
_TIME = "Hm"


def _locale(lang: str | None) -> str:
    return normalize_language(lang)


def _number(value: Decimal | int, lang: str | None) -> str:
    """Grouped digits with the language's separators; every given digit kept (no quantization)."""
    return format_decimal(value, format="#,##0.###", locale=_locale(lang), decimal_quantization=False)


def _scaled(minor: int, decimals: int) -> Decimal:
    return Decimal(minor).scaleb(-decimals)


def format_number(value: int | Decimal, lang: str | None) -> str:
    """A count or a plain number: `10000 -> "10,000"` (en), `"10 000"` (ru)."""
    return _number(value, lang)


def display_places(asset: str | None, decimals: int) -> int:
    return min(decimals, DISPLAY_PLACES.get(asset or "", DEFAULT_DISPLAY_PLACES))


def rounded(minor: int, decimals: int, asset: str | None = None) -> Decimal:
    """The value a list shows: cut down to the asset's display places, or two significant digits for a
    non-zero amount that would otherwise read as 0."""
    value = _scaled(minor, decimals)
    places = display_places(asset, decimals)
    cut = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    if cut == 0 and value != 0:
        # 0.000012345 TON -> 0.000012: the first significant digit's place, plus one more.
        first = -value.copy_abs().adjusted()
        places = min(decimals, first + SMALL_SIGNIFICANT - 1)
        cut = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    return cut.normalize()


def format_amount(
    minor: int, decimals: int, lang: str | None, asset: str | None = None, *, display: bool = True
) -> str:
    """`412_390_000_000, 9, "ru", "TON" -> "412,39"`; with `display=False` every digit (`format_full`).
    Trailing zeros are dropped: a crypto amount reads "10", not "10.0000"."""
    if not display:
        return format_full(minor, decimals, lang)
    return _number(rounded(minor, decimals, asset), lang)


def format_full(minor: int, decimals: int, lang: str | None) -> str:
    """Every digit the ledger holds, in the language's separators: `1.000000001` stays so."""
    return _number(_scaled(minor, decimals).normalize(), lang)


def amount_with_asset(minor: int, decimals: int, asset: str, lang: str | None, *, display: bool = True) -> str:
    """`"412,39 TON"`: the number in the language's form and the asset's ticker (never translated)."""
    return f"{format_amount(minor, decimals, lang, asset, display=display)} {asset}"


def format_fiat(minor: int, currency: str, lang: str | None, decimals: int = FIAT_PLACES) -> str:
    """Money in a national currency, always to the cent: `"1 234,50 RUB"`."""
    value = _scaled(minor, decimals)
    text = format_decimal(value, format="#,##0." + "0" * decimals, locale=_locale(lang))
    return f"{text} {currency}"


def _date_and_time(date_skeleton: str, moment: datetime, lang: str | None) -> str:
    """The date and the time joined as the language joins them (CLDR's "{1}, {0}" glue)."""
    locale = _locale(lang)
    glue = str(Locale.parse(locale).datetime_formats["medium"])
    date = format_skeleton(date_skeleton, as_utc(moment), locale=locale)
    time = format_skeleton(_TIME, as_utc(moment), locale=locale)
    return glue.replace("{1}", date).replace("{0}", time)


def format_datetime(moment: datetime, lang: str | None) -> str:
    """`"Mar 5, 2026, 14:07 UTC"` / `"5 мар. 2026 г., 14:07 UTC"`."""
    return f"{_date_and_time(_DATE, moment, lang)} UTC"


def format_date(moment: datetime, lang: str | None) -> str:
    """`"Mar 5, 2026"` / `"5 мар. 2026 г."`."""
    return format_skeleton(_DATE, as_utc(moment), locale=_locale(lang))


def format_short_datetime(moment: datetime, lang: str | None) -> str:
    """A recent moment without the year (notifications): `"Mar 5, 14:07"` / `"5 мар., 14:07"`."""
    return _date_and_time(_SHORT_DATE, moment, lang)


def format_time(moment: datetime, lang: str | None) -> str:
    """The time of day (chat messages): `"14:07"`."""
    return format_skeleton(_TIME, as_utc(moment), locale=_locale(lang))


def plural_category(lang: str | None, n: int) -> str:
    """CLDR's category for `n`: en one/other; ru one (1, 21), few (2–4, 22), many (5–20, 11), other."""
    return Locale.parse(_locale(lang)).plural_form(abs(n))


def plural_categories(lang: str | None) -> frozenset[str]:
    """The categories a language's catalog must spell for every plural key."""
    return frozenset(Locale.parse(_locale(lang)).plural_form.tags) | {"other"}


def plural(lang: str | None, n: int, key: str, **params) -> str:
    """`plural("ru", 5, "count.deals") -> "5 сделок"`: the catalog holds `key.one`, `key.few`, … as the
    language needs; `{n}` is the count in the language's digits."""
    category = plural_category(lang, n)
    if f"{key}.{category}" not in CATALOGS[_locale(lang)]:
        category = "other"
    return translate(lang, f"{key}.{category}", n=format_number(n, lang), **params)


def message_params(params: dict, lang: str | None) -> dict:
    """A stored message's params for `translate`: an `amount` kept as exact decimal text ("1.5", written
    when the message was) reads in the reader's digits ("1,5"), every digit kept."""
    if isinstance(params.get("purpose"), str):
        # A deal's purpose is stored as its catalog key, so the reader sees it in their language.
        params = {**params, "purpose": translate(lang, params["purpose"])}
    amount = params.get("amount")
    if isinstance(amount, str):
        try:
            number = Decimal(amount)
        except ArithmeticError:
            return params
        if number.is_finite():
            return {**params, "amount": _number(number, lang)}
    return params


def unit(lang: str | None, name: str, value: int | Decimal) -> str:
    """A number with a translated unit: `unit("ru", "sat", 1500) -> "1 500 сат"`."""
    return translate(lang, f"unit.{name}", n=format_number(value, lang))
