"""/verify with nothing pasted says so instead of doing nothing (issue 11, item 10)."""

from __future__ import annotations

from pathlib import Path

from helpers import PHONE, shoot
from playwright.sync_api import Page, expect


def test_verify_with_an_empty_receipt_says_the_field_is_empty(page: Page, new_context, screenshots: Path):
    page.goto("/verify")
    expect(page.get_by_test_id("verify-error")).to_have_count(0)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("verify-error")).to_have_text("Paste a receipt first: the field is empty.")
    shoot(page, screenshots, "desktop-verify-empty")

    phone = new_context(viewport=PHONE).new_page()
    phone.goto("/verify")
    phone.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    phone.get_by_role("button", name="Проверить").click()
    expect(phone.get_by_test_id("verify-error")).to_have_text("Сначала вставьте квитанцию: поле пустое.")
    shoot(phone, screenshots, "phone-verify-empty-ru")
