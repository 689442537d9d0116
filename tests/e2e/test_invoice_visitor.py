"""An invoice link opened by someone not signed in: the invoice itself (title, amount, merchant, status)
with "Sign in to pay", and the login comes back to the same link; a private invoice shows a visitor
only the refusal anyone gets for a wrong number. Desktop and phone, English and Russian."""

from __future__ import annotations

import uuid
from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, create_invoice, demo_login, shoot, url_of
from playwright.sync_api import expect


def test_a_visitor_sees_the_invoice_and_signs_in_to_pay(new_context, screenshots: Path):
    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    merchant.goto("/profile")
    merchant.locator("#display_name").fill("Lamp shop")
    merchant.get_by_test_id("profile-save").click()
    expect(merchant.get_by_text("Profile saved")).to_be_visible()
    number = create_invoice(merchant, title="Desk lamp", amount="1.5", description="Warm light")

    visitor = new_context(viewport=DESKTOP).new_page()
    for path in (f"/pay/{number}", f"/i/{number}"):
        visitor.goto(path)
        expect(visitor.get_by_test_id("pay-title")).to_have_text("Desk lamp")
        expect(visitor.get_by_test_id("pay-amount")).to_have_text("1.5 TON")
        expect(visitor.get_by_test_id("pay-merchant")).to_have_text("Lamp shop")
        expect(visitor.get_by_test_id("pay-status")).to_have_text("Open")
        expect(visitor.get_by_text("Warm light")).to_be_visible()
        expect(visitor.get_by_test_id("pay-sign-in")).to_have_text("Sign in to pay")
        expect(visitor.get_by_test_id("pay-next")).to_have_count(0)
        expect(visitor.get_by_test_id("direct-pay")).to_have_count(0)
    shoot(visitor, screenshots, "desktop-pay-visitor")
    visitor.set_viewport_size(PHONE)
    assert_fits_width(visitor)
    shoot(visitor, screenshots, "phone-pay-visitor")
    visitor.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(visitor.get_by_test_id("pay-sign-in")).to_have_text("Войти и оплатить")
    assert_fits_width(visitor)
    shoot(visitor, screenshots, "phone-pay-visitor-ru")
    visitor.set_viewport_size(DESKTOP)
    shoot(visitor, screenshots, "desktop-pay-visitor-ru")
    visitor.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()

    # Sign in from the invoice: the login comes back to the same link, now with the button that pays.
    visitor.get_by_test_id("pay-sign-in").click()
    expect(visitor.get_by_test_id("notice")).to_be_visible()
    visitor.get_by_test_id("demo-login").click()
    expect(visitor).to_have_url(url_of(f"/i/{number}"))
    expect(visitor.get_by_test_id("direct-pay")).to_be_visible()
    expect(visitor.get_by_test_id("pay-sign-in")).to_have_count(0)

    # A private invoice shows a visitor nothing of itself: the refusal of a wrong number, and sign in.
    buyer = f"lamp_{uuid.uuid4().hex[:8]}"
    visitor.goto("/profile")
    visitor.locator("#username").fill(buyer)
    visitor.get_by_test_id("profile-save").click()
    expect(visitor.get_by_text("Profile saved")).to_be_visible()
    private = create_invoice(merchant, kind="private", title="Secret lamp", amount="2", payer_contact=f"@{buyer}")
    stranger = new_context(viewport=PHONE).new_page()
    for path in (f"/pay/{private}", "/pay/NOSUCH22"):
        stranger.goto(path)
        expect(stranger.get_by_test_id("pay-error")).to_have_text("Not found. It may have been removed.")
        expect(stranger.get_by_test_id("pay-sign-in")).to_be_visible()
        expect(stranger.get_by_text("Secret lamp")).to_have_count(0)
    stranger.goto(f"/i/{private}")
    expect(stranger.get_by_test_id("pay-error")).to_have_text("Not found. It may have been removed.")
    expect(stranger.get_by_text("Secret lamp")).to_have_count(0)
    assert_fits_width(stranger)
    shoot(stranger, screenshots, "phone-pay-visitor-private")
