"""An unknown address shows the app's own 404: inside the shell, in the reader's language, with the ways
back (issue 11, item 11)."""

from __future__ import annotations

from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, shoot, url_of
from playwright.sync_api import expect


def test_an_unknown_address_shows_the_apps_own_404_in_both_languages(new_context, screenshots: Path):
    for viewport, device in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = new_context(viewport=viewport).new_page()
        page.goto("/no/such/page")
        expect(page.get_by_test_id("not-found-title")).to_have_text("Page not found")
        expect(page.get_by_test_id("language-switch")).to_be_visible()  # the shell, not a bare page
        assert_fits_width(page)
        shoot(page, screenshots, f"{device}-not-found")

        page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
        expect(page.get_by_test_id("not-found-title")).to_have_text("Страница не найдена")
        expect(page.get_by_test_id("not-found-home")).to_have_text("На главную")
        shoot(page, screenshots, f"{device}-not-found-ru")

        page.get_by_test_id("not-found-market").click()
        expect(page).to_have_url(url_of("/market"))
