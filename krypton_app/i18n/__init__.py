"""UI catalogs (ru / en). Plain dicts, no Reflex: the state exposes the current one as a var."""

from __future__ import annotations

from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import en, ru

DEFAULT_LANGUAGE = "en"
CATALOGS: dict[str, dict[str, str]] = {"en": en.CATALOG, "ru": ru.CATALOG}
LANGUAGES: tuple[str, ...] = tuple(CATALOGS)


def normalize_language(lang: str | None) -> str:
    """A supported language code; anything else (old cookie, bad input) falls back to the default."""
    return lang if lang in CATALOGS else DEFAULT_LANGUAGE


def catalog(lang: str | None) -> dict[str, str]:
    return CATALOGS[normalize_language(lang)]


def translate(lang: str | None, key: str, **params) -> str:
    """The message for `key`; a missing key shows itself so a gap is visible, not hidden."""
    text = catalog(lang).get(key) or CATALOGS[DEFAULT_LANGUAGE].get(key) or key
    return text.format(**params) if params else text


def error_key(code: str, details: dict | None = None) -> str:
    """Catalog key for a domain error code; unknown codes fall back to the generic message. With the
    error's details, a code whose message depends on them gets its precise key: too many decimals
    says how many the asset allows ("error.amount_too_many_decimals.9")."""
    key = f"error.{code}"
    if details and "decimals" in details and f"{key}.{details['decimals']}" in CATALOGS[DEFAULT_LANGUAGE]:
        return f"{key}.{details['decimals']}"
    return key if key in CATALOGS[DEFAULT_LANGUAGE] else "error.unexpected"


# Details that are amounts in minor units; a message names them with the asset (`decimals` and `asset`
# are details of the same error).
AMOUNT_DETAILS = ("minimum", "maximum", "left", "available")
# The details that pick a code's message naming the numbers, `error.<code>.<detail>`: the first one the
# error carries that has such a message wins ("maximum" before "minimum": an ad's range names both).
NUMBER_DETAILS = ("maximum", "minimum", "left", "available", "minimum_sat")


def amount_text(lang: str | None, minor: int, decimals: int, asset: str) -> str:
    """An amount with its asset as a message writes it, every digit, in the language's number format
    ("0.5 TON", "0,5 TON"): the one place messages format a number."""
    # Imported here: the formatting module reads this package's catalogs.
    from krypton_app.i18n.formatting import amount_with_asset

    return amount_with_asset(minor, decimals, asset, lang, display=False)


def error_text(lang: str | None, error: KryptonError) -> str:
    """The error's message in `lang`, naming the numbers its details carry ("The minimum is 0.5 TON.");
    an error without them (or without the `decimals` and `asset` its amounts need) gets the code's
    message, as error_key picks it."""
    details = error.details
    for name in NUMBER_DETAILS:
        key = f"error.{error.code}.{name}"
        if name in details and key in CATALOGS[DEFAULT_LANGUAGE]:
            params = _number_params(lang, details)
            if params is not None:
                return translate(lang, key, **params)
    return translate(lang, error_key(error.code, details))


def error_texts(error: KryptonError) -> dict[str, str]:
    """The error's message in every language: a page keeps this and shows the current language's, so
    switching the language re-words an error already on screen without asking the server."""
    return {lang: error_text(lang, error) for lang in LANGUAGES}


def key_texts(key: str) -> dict[str, str]:
    """A catalog message in every language, for a refusal the page makes itself (same shape as error_texts)."""
    return {lang: translate(lang, key) for lang in LANGUAGES}


def _number_params(lang: str | None, details: dict) -> dict[str, object] | None:
    """The details as a message's parameters, amounts written with their asset; None when an amount
    cannot be written (no `decimals` or `asset`)."""
    params = {name: value for name, value in details.items() if name not in AMOUNT_DETAILS}
    for name in AMOUNT_DETAILS:
        if name in details:
            if not isinstance(details.get("decimals"), int) or not details.get("asset"):
                return None
            params[name] = amount_text(lang, details[name], details["decimals"], details["asset"])
    return params


def duration_text(lang: str | None, seconds: int | None) -> str:
    """A trader's average release time and the like, to the minute: "4 min", "1 h 5 min", "< 1 min";
    "—" when there is nothing to measure yet."""
    if seconds is None:
        return "—"
    minutes = round(max(seconds, 0) / 60)
    if minutes < 1:
        return translate(lang, "time.under_minute")
    if minutes < 60:
        return translate(lang, "time.minutes", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if not minutes:
        return translate(lang, "time.hours", hours=hours)
    return translate(lang, "time.hours_minutes", hours=hours, minutes=minutes)
