"""A part paid from a Lightning wallet, in the browser: the wizard's Lightning panel shows the fake
node's BOLT11 invoice (text to copy, QR, sats, rate, countdown, the note on cancelling), and the demo
Lightning wallet's payment completes the payment. Desktop and phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import DESKTOP, PHONE, assert_fits_width, create_invoice, demo_login, shoot
from playwright.sync_api import expect


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_part_paid_from_the_demo_lightning_wallet(new_context, screenshots: Path, viewport):
    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    number = create_invoice(merchant, title="Coffee beans", amount="1")

    page = new_context(viewport=viewport).new_page()
    demo_login(page)  # no balance: the sats pay the part
    page.goto(f"/pay/{number}")
    page.get_by_test_id("pay-next").click()
    page.get_by_test_id("pay-start").click()
    page.get_by_test_id("pay-method-lightning").click()
    page.get_by_test_id("pay-lightning-create").click()

    expect(page.get_by_test_id("pay-lightning-bolt11")).to_have_text(re.compile(r"^lnbcrt52u1"))
    expect(page.get_by_test_id("pay-lightning-sats")).to_have_text("5,200 sat")
    expect(page.get_by_test_id("pay-lightning-rate")).to_have_text("1 TON = 0.000052 BTC")
    expect(page.get_by_test_id("pay-lightning-qr")).to_be_visible()
    expect(page.get_by_test_id("pay-lightning-countdown")).to_contain_text("expires in")
    expect(page.get_by_test_id("pay-lightning-note")).to_contain_text("comes back to your Krypton balance")
    assert_fits_width(page)
    shoot(page, screenshots, f"lightning-invoice-{'phone' if viewport == PHONE else 'desktop'}")

    page.get_by_test_id("pay-lightning-demo").click()
    expect(page).to_have_url(re.compile(r"/payment/\d+$"))
    expect(page.get_by_test_id("result-status")).to_have_text("Paid")
