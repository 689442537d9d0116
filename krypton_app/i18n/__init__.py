"""UI catalogs (ru / en). Plain dicts, no Reflex: the state exposes the current one as a var."""

from __future__ import annotations

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
