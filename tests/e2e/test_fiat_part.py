"""A part paid in fiat through a P2P trader, in three browsers (SPEC F10): the payer funds part 1 from the
balance, picks Russia / RUB / SBP for part 2, sees the trader's ad with the fiat total of the part and
opens a deal; the part shows the deal in progress; the trader reads on the deal page that it pays the
invoice, the payer marks the fiat sent, the trader releases, and the payment is paid."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from helpers import DEAL_URL, DESKTOP, PHONE, assert_fits_width, demo_login, funded_login, post_sell_ad, shoot
from playwright.sync_api import expect

PAYMENT_URL = re.compile(r"/payment/\d+/?$")


def test_a_part_paid_in_fiat_through_a_trader(new_context, screenshots: Path):
    trader = new_context(viewport=DESKTOP).new_page()
    funded_login(trader)
    # A price no earlier test's ad has: the payer finds this trader's ad by it.
    post_sell_ad(trader, terms=f"fiat part {uuid.uuid4().hex[:8]}", price="187.13", volume="5")

    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    merchant.goto("/invoices")
    merchant.get_by_test_id("invoice-new").click()
    merchant.locator("#inv_title").fill("Guided tour")
    merchant.locator("#inv_amount").fill("3")
    merchant.locator("#inv_max_parts").fill("2")
    merchant.get_by_test_id("invoice-create").click()
    expect(merchant.get_by_role("heading", name="Guided tour")).to_be_visible()
    number = merchant.get_by_test_id("detail-number").inner_text().strip()

    payer = new_context(viewport=DESKTOP).new_page()
    funded_login(payer)
    payer.goto(f"/pay/{number}?parts=2")
    payer.get_by_test_id("pay-next").click()
    payer.get_by_test_id("pay-start").click()
    parts = payer.get_by_test_id("pay-part")
    expect(parts).to_have_count(2)
    parts.nth(0).get_by_test_id("pay-fund").click()
    expect(parts.nth(0).get_by_test_id("part-status")).to_have_text("Funded")

    parts.nth(1).get_by_test_id("pay-method-fiat_deal").click()
    parts.nth(1).get_by_test_id("pay-fiat-open").click()
    payer.get_by_test_id("pay-fiat-country").click()
    payer.get_by_role("option", name="Russia", exact=True).click()
    expect(payer.get_by_test_id("pay-fiat-currency")).to_contain_text("RUB")
    offer = payer.get_by_test_id("pay-fiat-offer").filter(has_text="187.13 RUB")
    expect(offer).to_be_visible()
    expect(offer.get_by_test_id("pay-fiat-total")).to_have_text("280.70 RUB")  # 1.5 TON at 187.13, rounded up
    shoot(payer, screenshots, "desktop-pay-fiat-offers")
    # On a phone the selects and the offer wrap: nothing scrolls sideways.
    payer.set_viewport_size(PHONE)
    assert_fits_width(payer)
    shoot(payer, screenshots, "phone-pay-fiat-offers")
    payer.set_viewport_size(DESKTOP)
    offer.get_by_test_id("pay-fiat-open-deal").click()

    in_progress = parts.nth(1).get_by_test_id("pay-fiat-deal")
    expect(in_progress).to_contain_text("Deal in progress")
    link = in_progress.get_by_test_id("pay-fiat-deal-link")
    deal_path = link.get_attribute("href")
    shoot(payer, screenshots, "desktop-pay-fiat-deal-in-progress")

    link.click()
    expect(payer).to_have_url(DEAL_URL)
    expect(payer.get_by_test_id("deal-part")).to_contain_text(number)
    expect(payer.get_by_test_id("deal-part-card")).to_contain_text("not to your balance")
    payer.get_by_test_id("deal-mark-paid").click()
    payer.get_by_test_id("deal-mark-paid-confirm").click()

    trader.goto(deal_path)
    expect(trader.get_by_test_id("deal-part-card")).to_contain_text("pays the buyer's invoice part")
    shoot(trader, screenshots, "desktop-deal-pays-part")
    trader.get_by_test_id("deal-release").click()
    trader.get_by_test_id("deal-release-confirm").click()
    expect(trader.get_by_test_id("deal-status")).to_have_text("Completed")
    # The payer's open page may have moved on to the payment the release completed: load the deal afresh.
    payer.goto(deal_path)
    expect(payer.get_by_test_id("deal-status")).to_have_text("Completed")

    payer.get_by_test_id("deal-part-payment").click()
    expect(payer).to_have_url(PAYMENT_URL)
    expect(payer.get_by_test_id("result-status")).to_have_text("Paid")
