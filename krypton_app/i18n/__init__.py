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


def error_key(code: str) -> str:
    """Catalog key for a domain error code; unknown codes fall back to the generic message."""
    key = f"error.{code}"
    return key if key in CATALOGS[DEFAULT_LANGUAGE] else "error.unexpected"
