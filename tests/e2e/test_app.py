"""A visitor's first minutes: demo login, wallet, language, reload, logout, profile, phone layout."""

from __future__ import annotations

from pathlib import Path

from helpers import (
    DESKTOP,
    LANDING_URL,
    PHONE,
    assert_fits_width,
    demo_login,
    session_cookie,
    shoot,
    url_of,
)
from playwright.sync_api import Page, expect


def test_demo_login_language_reload_logout(page: Page, screenshots: Path):
    page.set_viewport_size(DESKTOP)

    # A visitor without a session is sent from the wallet to the landing page.
    page.goto("/wallet")
    expect(page).to_have_url(LANDING_URL)
    expect(page.get_by_test_id("notice")).to_have_text("Please sign in to open that page.")
    expect(page.get_by_role("heading", name="Get paid in crypto. Live in fiat.")).to_be_visible()
    expect(page.get_by_text("Invoices paid in parts")).to_be_visible()
    shoot(page, screenshots, "desktop-landing")

    # TON Connect's own modal opens with our payload (offline it falls back to its built-in wallet list).
    page.get_by_test_id("tonconnect-login").get_by_role("button").click()
    expect(page.get_by_text("Connect your TON wallet")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_text("Connect your TON wallet")).to_be_hidden()

    # Demo login runs the real ton_proof verifier and lands on a wallet with zero balances.
    page.get_by_test_id("demo-login").click()
    expect(page).to_have_url(url_of("/wallet"))
    for asset in ("TON", "USDT"):
        card = page.get_by_test_id(f"balance-{asset}")
        expect(card.get_by_test_id("balance-available")).to_have_text("0")
        expect(card.get_by_test_id("balance-held")).to_have_text(f"0 {asset}")
    expect(page.get_by_test_id("deposit-card")).to_be_visible()
    expect(page.get_by_test_id("account-address")).to_contain_text("…")  # shortened
    address = page.get_by_test_id("account-address").inner_text()
    cookie = session_cookie(page.context)
    assert cookie and cookie["value"] and cookie["sameSite"] == "Lax" and cookie["httpOnly"]
    # HttpOnly: the page's own scripts (and anything injected into them) cannot read the session.
    assert "krypton_session" not in page.evaluate("document.cookie")
    # The login's one-time binding cookie was spent on the way in.
    assert not [c for c in page.context.cookies() if c["name"] == "krypton_login"]
    shoot(page, screenshots, "desktop-wallet")

    # Russian, at once.
    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(page.get_by_role("heading", name="Кошелёк")).to_be_visible()
    expect(page.get_by_text("Доступно").first).to_be_visible()
    expect(page.get_by_role("link", name="Сделки")).to_be_visible()
    assert_fits_width(page)  # the longest labels, and the operator's extra link
    shoot(page, screenshots, "desktop-wallet-ru")

    # A reload keeps the session and the language.
    page.reload()
    expect(page.get_by_role("heading", name="Кошелёк")).to_be_visible()
    expect(page.get_by_test_id("account-address")).to_have_text(address)
    expect(page).to_have_url(url_of("/wallet"))

    # A new tab has no server-side state of its own: the session cookie alone restores the user.
    tab = page.context.new_page()
    tab.goto("/wallet")
    expect(tab.get_by_role("heading", name="Кошелёк")).to_be_visible()
    expect(tab.get_by_test_id("account-address")).to_have_text(address)
    tab.close()

    # Dark theme, for the record.
    page.get_by_role("button", name="Светлая / тёмная тема").click()
    shoot(page, screenshots, "desktop-wallet-ru-dark")
    page.get_by_role("button", name="Светлая / тёмная тема").click()

    # Logout: back on the landing page; the wallet needs a login again.
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(LANDING_URL)
    expect(page.get_by_test_id("notice")).to_have_text("Вы вышли из аккаунта.")
    expect(page.get_by_test_id("demo-login")).to_be_visible()
    assert not (session_cookie(page.context) or {}).get("value")
    page.goto("/wallet")
    expect(page).to_have_url(LANDING_URL)
    expect(page.get_by_test_id("notice")).to_have_text("Войдите, чтобы открыть эту страницу.")


def test_profile_edit(page: Page, screenshots: Path):
    page.set_viewport_size(DESKTOP)
    demo_login(page)
    page.get_by_role("link", name="Profile").click()
    expect(page).to_have_url(url_of("/profile"))
    email = page.locator("#email")
    expect(email).to_be_visible()

    # One invalid field: its message from the catalog, nothing saved.
    page.locator("#display_name").fill("Alice")
    email.fill("not-an-email")
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_test_id("field-email")).to_contain_text("Enter a valid email address.")
    shoot(page, screenshots, "desktop-profile-error")

    # Fixed: saved, the error is gone.
    email.fill("alice@example.com")
    page.locator("#username").fill("alice_k")
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_text("Profile saved")).to_be_visible()
    # The header names the user by the chosen name now, not by the wallet address (issue 11, item 11).
    expect(page.get_by_test_id("account-address")).to_have_text("Alice")
    shoot(page, screenshots, "desktop-header-name")
    expect(page.get_by_test_id("field-email")).not_to_contain_text("Enter a valid email address.")

    # The profile language drives the UI.
    page.get_by_test_id("profile-language").click()
    page.get_by_role("option", name="Русский").click()
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_text("Профиль сохранён")).to_be_visible()
    expect(page.get_by_role("heading", name="Профиль")).to_be_visible()
    shoot(page, screenshots, "desktop-profile-ru")

    page.reload()
    expect(page.locator("#email")).to_have_value("alice@example.com")
    expect(page.locator("#username")).to_have_value("alice_k")
    expect(page.locator("#display_name")).to_have_value("Alice")
    expect(page.get_by_role("heading", name="Профиль")).to_be_visible()

    # Every page of the navigation speaks the profile's language: the buy wizard, the market.
    page.get_by_role("link", name="Купить").click()
    expect(page).to_have_url(url_of("/buy"))
    expect(page.get_by_role("heading", name="Купить крипту")).to_be_visible()
    page.get_by_role("link", name="Рынок").click()
    expect(page).to_have_url(url_of("/market"))
    expect(page.get_by_role("heading", name="P2P-рынок")).to_be_visible()
    shoot(page, screenshots, "desktop-market-ru")


def test_forged_session_is_refused(new_context, base_url: str):
    context = new_context()
    context.add_cookies([{"name": "krypton_session", "value": "1.forged.signature", "url": base_url}])
    page = context.new_page()
    page.goto("/wallet")
    expect(page).to_have_url(LANDING_URL)
    expect(page.get_by_test_id("notice")).to_have_text("Please sign in to open that page.")
    expect(page.get_by_test_id("account-address")).to_have_count(0)


def test_phone_layout(new_context, screenshots: Path):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/")
    expect(page.get_by_test_id("menu-button")).to_be_visible()
    expect(page.get_by_test_id("desktop-nav")).to_be_hidden()
    assert_fits_width(page)
    shoot(page, screenshots, "phone-landing")

    page.get_by_test_id("demo-login").click()
    expect(page).to_have_url(url_of("/wallet"))
    expect(page.get_by_test_id("balance-USDT")).to_be_visible()
    expect(page.get_by_test_id("deposit-card")).to_be_visible()
    assert_fits_width(page)
    shoot(page, screenshots, "phone-wallet")

    page.get_by_test_id("menu-button").click()
    menu = page.get_by_role("menu")
    expect(menu.get_by_role("menuitem", name="Profile")).to_be_visible()
    page.screenshot(path=str(screenshots / "phone-menu.png"))
    menu.get_by_role("menuitem", name="Profile").click()
    expect(page).to_have_url(url_of("/profile"))
    expect(page.locator("#email")).to_be_visible()
    assert_fits_width(page)
    shoot(page, screenshots, "phone-profile")

    page.goto("/buy")
    expect(page.get_by_test_id("buy-country")).to_be_visible()
    assert_fits_width(page)
    page.goto("/market")
    expect(page.get_by_test_id("market-filters")).to_be_visible()
    assert_fits_width(page)
    page.goto("/deals")
    expect(page.get_by_role("heading", name="My deals")).to_be_visible()
    assert_fits_width(page)
    shoot(page, screenshots, "phone-deals")

    # Logout lives in the menu on a phone.
    page.get_by_test_id("menu-button").click()
    page.get_by_test_id("menu-logout").click()
    expect(page).to_have_url(LANDING_URL)
    expect(page.get_by_test_id("notice")).to_have_text("You have signed out.")
