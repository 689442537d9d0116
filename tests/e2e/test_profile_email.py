"""Verifying an email on the profile page: save it, send a code (the app writes it to the development
outbox, as under `make run`), read it from the .eml file, a wrong code first, then the right one. Screenshots
on a desktop and a 390 px phone, in English and Russian."""

from __future__ import annotations

import re
import secrets
from email import message_from_bytes
from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, demo_login, shoot, url_of
from playwright.sync_api import Page, expect

from krypton_app.mail.outbox import MARK


def code_from_outbox(outbox: Path, address: str) -> str:
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes())
        if message["To"] == address:
            assert message["X-Krypton-Outbox"] == MARK
            return re.search(r"\b(\d{6})\b", message.get_payload(decode=True).decode()).group(1)
    raise AssertionError(f"no mail to {address} in {outbox}")


def test_verify_email_with_the_code_from_the_outbox(page: Page, mail_outbox: Path, screenshots: Path):
    page.set_viewport_size(DESKTOP)
    demo_login(page)
    page.goto("/profile")
    expect(page.locator("#email")).to_be_visible()
    expect(page.get_by_test_id("profile-user-number")).to_have_text(re.compile(r"^#\d+$"))
    expect(page.get_by_test_id("verify-panel")).to_have_count(0)  # no email yet

    address = f"e2e-{secrets.token_hex(4)}@example.com"
    page.locator("#email").fill(address)
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_text("Profile saved")).to_be_visible()
    panel = page.get_by_test_id("verify-panel")
    expect(panel.get_by_test_id("verify-email")).to_have_text(address)
    expect(page.get_by_test_id("field-email").get_by_test_id("email-unverified")).to_have_text("Not verified")
    shoot(page, screenshots, "desktop-profile-email-unverified")

    page.get_by_test_id("verify-send").click()
    expect(page.get_by_test_id("verify-outbox")).to_contain_text("outbox/")
    expect(page.get_by_test_id("verify-code")).to_be_visible()
    # At most one code a minute: a second press says so instead of mailing again.
    page.get_by_test_id("verify-send").click()
    expect(page.get_by_test_id("verify-error")).to_contain_text("less than a minute ago")
    code = code_from_outbox(mail_outbox, address)
    shoot(page, screenshots, "desktop-profile-email-code-sent")

    page.get_by_test_id("verify-code").fill(f"{(int(code) + 1) % 10**6:06d}")
    page.get_by_test_id("verify-submit").click()
    expect(page.get_by_test_id("verify-error")).to_have_text("Wrong code. Check the email and try again.")
    page.get_by_test_id("verify-code").fill(code)
    page.get_by_test_id("verify-submit").click()
    expect(page.get_by_role("region", name=re.compile("Notifications")).get_by_text("Email verified")).to_be_visible()
    expect(page.get_by_test_id("verify-panel")).to_contain_text("Email verified")
    expect(page.get_by_test_id("field-email").get_by_test_id("email-verified")).to_have_text("Verified")
    expect(page.get_by_test_id("verify-send")).to_have_count(0)
    shoot(page, screenshots, "desktop-profile-email-verified")

    # It stays verified after a reload, in Russian too.
    page.get_by_test_id("profile-language").click()
    page.get_by_role("option", name="Русский").click()
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_text("Профиль сохранён")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("field-email").get_by_test_id("email-verified")).to_have_text("Подтверждена")
    shoot(page, screenshots, "desktop-profile-email-verified-ru")

    # Changing the address drops the verification.
    page.locator("#email").fill("other-" + address)
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_test_id("field-email").get_by_test_id("email-unverified")).to_have_text("Не подтверждена")
    page.get_by_test_id("verify-send").click()
    expect(page.get_by_test_id("verify-outbox")).to_contain_text("outbox/")
    shoot(page, screenshots, "desktop-profile-email-code-sent-ru")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_test_id("verify-panel")).to_be_visible()
    assert_fits_width(page)
    shoot(page, screenshots, "phone-profile-email-ru")


def test_phone_profile_in_english(new_context, screenshots: Path):
    page = new_context(viewport=PHONE).new_page()
    demo_login(page)
    page.goto("/profile")
    expect(page).to_have_url(url_of("/profile"))
    page.locator("#email").fill(f"phone-{secrets.token_hex(4)}@example.com")
    page.get_by_test_id("profile-save").click()
    page.get_by_test_id("verify-send").click()
    expect(page.get_by_test_id("verify-code")).to_be_visible()
    assert_fits_width(page)
    shoot(page, screenshots, "phone-profile-email-code-sent")
