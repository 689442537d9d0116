"""The UI language. Components read `I18n.t["key"]`; the catalog follows `lang` reactively."""

from __future__ import annotations

import reflex as rx

from krypton_app.i18n import DEFAULT_LANGUAGE, catalog, normalize_language
from krypton_app.wakeups import WAKEUPS, tab_topic

# A year: the choice of language outlives the login session on purpose.
LANGUAGE_COOKIE_MAX_AGE_S = 365 * 24 * 3600


class I18n(rx.State):
    # A cookie so the choice survives reloads and logouts; the profile language overrides it at login.
    lang: str = rx.Cookie(DEFAULT_LANGUAGE, name="krypton_lang", max_age=LANGUAGE_COOKIE_MAX_AGE_S, same_site="lax")

    @rx.var
    def t(self) -> dict[str, str]:
        return catalog(self.lang)

    @rx.var
    def language(self) -> str:
        """`lang` as a catalog has it: the cookie may hold anything the browser sent."""
        return normalize_language(self.lang)

    def _apply(self, lang: str | None) -> None:
        """Called by other states (login, profile save); the value may come from the client."""
        lang = normalize_language(lang)
        if lang != self.lang:
            # The tab's watchers re-format what they show (they take the lock after this event's).
            WAKEUPS.wake_here(tab_topic(self.router.session.client_token))
        self.lang = lang


def in_language(texts: rx.Var) -> rx.Var:
    """A message kept in every language (i18n.error_texts / key_texts: {lang: text}) in the tab's current
    one: a state keeps the message whole, so a language switch re-words it with no server round."""
    return texts[I18n.language]
