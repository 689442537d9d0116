"""The Mini App as Telegram opens it: the page's URL hash carries the launch data (#tgWebAppData=…), signed here
with the bot token the app was started with (tests/e2e/conftest.py). A visitor is logged in from it without a
wallet; a wallet user links Telegram on the profile page and then logs in through Telegram as the same user;
the page follows Telegram's theme and back button. Screenshots: desktop and 390 px, English and Russian."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from urllib.parse import urlencode

from builders import telegram_init_data
from helpers import DESKTOP, PHONE, assert_fits_width, demo_login, session_cookie, shoot, switch_language, url_of
from playwright.sync_api import Browser, Page, expect

THEME = {
    "bg_color": "#17212b",
    "secondary_bg_color": "#232e3c",
    "section_bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
}


def telegram_user() -> dict:
    tg_id = 6_000_000_000 + secrets.randbelow(10**8)
    return {"id": tg_id, "first_name": "Tess", "last_name": "Gram", "username": f"tess{tg_id % 10**6}"}


def launch(page: Page, path: str, user: dict, **fields: str) -> None:
    """Open `path` as Telegram opens a Mini App: its launch parameters in the URL hash."""
    init_data = telegram_init_data(user=user, **fields)
    hash_ = urlencode(
        {
            "tgWebAppData": init_data,
            "tgWebAppVersion": "8.0",
            "tgWebAppPlatform": "tdesktop",
            "tgWebAppThemeParams": json.dumps(THEME),
        }
    )
    page.goto(f"{path}#{hash_}")


def back_button_visible(page: Page) -> bool:
    return page.evaluate("window.Telegram.WebApp.BackButton.isVisible")


def test_a_visitor_inside_telegram_is_logged_in_without_a_wallet(page: Page, screenshots: Path):
    page.set_viewport_size(DESKTOP)
    user = telegram_user()
    launch(page, "/", user)
    expect(page).to_have_url(url_of("/wallet"))
    expect(page.get_by_test_id("balance-TON")).to_be_visible()
    cookie = session_cookie(page.context)
    assert cookie is not None and cookie["httpOnly"] is True
    expect(page.get_by_text("Tess Gram").first).to_be_visible()
    expect(page.get_by_test_id("demo-login")).to_have_count(0)

    # Telegram's theme: its colours reach Radix's variables; the back button is hidden on a root page.
    page.wait_for_function("document.documentElement.classList.contains('tg-mini-app')")
    accent = page.evaluate(
        "getComputedStyle(document.querySelector('.radix-themes')).getPropertyValue('--accent-9').trim()"
    )
    assert accent == THEME["button_color"]
    assert back_button_visible(page) is False
    shoot(page, screenshots, "desktop-telegram-wallet")
    page.set_viewport_size(PHONE)
    assert_fits_width(page)
    shoot(page, screenshots, "phone-telegram-wallet")

    # Off the roots the back button shows (a page loaded afresh finds the launch kept for this tab), and
    # Telegram's press of it goes back.
    page.set_viewport_size(DESKTOP)
    page.goto("/profile")
    expect(page.get_by_test_id("profile-no-wallet")).to_be_visible()
    expect(page.get_by_test_id("telegram-linked")).to_be_visible()
    expect(page.get_by_test_id("telegram-unlink")).to_have_count(0)  # Telegram is this user's only way in
    page.wait_for_function("window.Telegram && window.Telegram.WebApp.BackButton.isVisible === true")
    page.evaluate("window.Telegram.WebView.receiveEvent('back_button_pressed')")
    expect(page).to_have_url(re.compile(r"/wallet/?(#.*)?$"))
    page.wait_for_function("window.Telegram && window.Telegram.WebApp.BackButton.isVisible === false")


def test_an_expired_launch_says_so_and_logs_nobody_in(page: Page, screenshots: Path):
    stale = 1_700_000_000
    for viewport, prefix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        for lang in ("EN", "RU"):
            page.set_viewport_size(viewport)
            launch(page, "/", telegram_user(), auth_date=stale)
            note = page.get_by_test_id("telegram-login-note")
            expect(note).to_be_visible()
            if lang == "RU":
                switch_language(page, "RU")
                expect(note).to_contain_text("устарел")
            else:
                expect(note).to_contain_text("too old")
            assert session_cookie(page.context) is None
            assert_fits_width(page)
            shoot(page, screenshots, f"{prefix}-telegram-login-expired-{lang.lower()}")
            if lang == "RU":
                switch_language(page, "EN")


def test_a_wallet_user_links_telegram_and_then_logs_in_through_it(
    page: Page, browser: Browser, base_url: str, screenshots: Path
):
    page.set_viewport_size(DESKTOP)
    demo_login(page)
    page.goto("/profile")
    number = page.get_by_test_id("profile-user-number")
    expect(number).to_have_text(re.compile(r"^#\d+$"))
    user_number = number.inner_text()
    address = page.get_by_test_id("profile-address").inner_text()
    section = page.get_by_test_id("profile-telegram")
    expect(section).to_contain_text("Not linked")
    expect(section.get_by_test_id("telegram-link")).to_have_count(0)  # outside Telegram: nothing to link with

    user = telegram_user()
    launch(page, "/profile", user)
    link = section.get_by_test_id("telegram-link")
    expect(link).to_be_visible()
    link.click()
    expect(section.get_by_test_id("telegram-linked")).to_be_visible()
    expect(section.get_by_test_id("telegram-username")).to_have_text(f"@{user['username']}")
    expect(section.get_by_test_id("telegram-unlink")).to_be_visible()
    for viewport, prefix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        assert_fits_width(page)
        shoot(page, screenshots, f"{prefix}-profile-telegram-linked-en")
        switch_language(page, "RU")
        expect(section).to_contain_text("Привязан")
        shoot(page, screenshots, f"{prefix}-profile-telegram-linked-ru")
        switch_language(page, "EN")

    # Another browser, inside Telegram, no wallet prompt: the same user.
    other = browser.new_context(viewport=DESKTOP, base_url=base_url)
    try:
        tg_page = other.new_page()
        launch(tg_page, "/", user)
        expect(tg_page).to_have_url(url_of("/wallet"))
        tg_page.goto("/profile")
        expect(tg_page.get_by_test_id("profile-user-number")).to_have_text(user_number)
        expect(tg_page.get_by_test_id("profile-address")).to_have_text(address)
        expect(tg_page.get_by_test_id("telegram-linked")).to_be_visible()
    finally:
        other.close()


def test_a_start_parameter_inside_telegram_logs_in_and_opens_its_page(page: Page):
    # Telegram's main Mini App link (t.me/<bot>?startapp=inv_…) opens /tg with start_param in the launch data.
    page.set_viewport_size(PHONE)
    launch(page, "/tg", telegram_user(), start_param="inv_TGSTART1")
    expect(page).to_have_url(re.compile(r"/pay/TGSTART1/?$"))
    page.wait_for_function("document.documentElement.classList.contains('tg-mini-app')")
    for _ in range(50):  # the login's cookie comes with the route's answer; the page then reloads itself
        if session_cookie(page.context) is not None:
            break
        page.wait_for_timeout(200)
    assert session_cookie(page.context) is not None
    expect(page.get_by_test_id("account-address").first).to_have_text("Tess Gram")  # signed in, after the reload
    expect(page).to_have_url(re.compile(r"/pay/TGSTART1/?$"))
