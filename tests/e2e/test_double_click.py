"""A double click makes one thing (state/once_form.py): "Publish ad" posts one ad and holds its volume
once, "Open deal" opens one deal and takes the ad's volume once, "Create invoice" makes one invoice
and "Simulate payment" one payment; the next deliberate click is a new one. Screenshots of each
screen on a desktop and a phone, in English and Russian."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from helpers import DEAL_URL, DESKTOP, PHONE, demo_login, fill_ad, funded_login, market_card, shoot, url_of
from playwright.sync_api import Page, expect

INVOICE_URL = re.compile(r"/invoices/[0-9A-Z]+$")


def shoot_everywhere(page: Page, folder: Path, name: str) -> None:
    """The screen as it is now, desktop and phone, English and Russian; back to English on a desktop."""
    for lang in ("RU", "EN"):
        page.set_viewport_size(DESKTOP)
        page.get_by_test_id("language-switch").get_by_role("radio", name=lang).click()
        for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            shoot(page, folder, f"{size_name}-once-{name}-{lang.lower()}")
    page.set_viewport_size(DESKTOP)


def test_double_clicks_create_once(new_context, screenshots: Path):
    terms = f"Double click {uuid.uuid4().hex[:8]}"
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)

    # Publish ad: one ad, 5 of the 10 TON held (two ads would hold all 10).
    seller.goto("/market/new")
    fill_ad(seller, price="250", total_volume="5", min_amount="1", max_amount="5", terms=terms)
    shoot_everywhere(seller, screenshots, "new-ad")
    seller.get_by_test_id("ad-publish").dblclick()
    expect(seller).to_have_url(url_of("/market"))
    seller.goto("/market/new")
    mine = seller.get_by_test_id("my-ad")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("5 / 5 TON")
    seller.goto("/wallet")
    ton = seller.get_by_test_id("balance-TON")
    expect(ton.get_by_test_id("balance-available")).to_have_text("5")
    expect(ton.get_by_test_id("balance-held")).to_have_text("5 TON")

    # Open deal: one deal, 2 TON of the ad's volume taken once.
    buyer = new_context(viewport=DESKTOP).new_page()
    demo_login(buyer)
    ad = market_card(buyer, terms)
    ad.get_by_test_id("deal-amount").fill("2")
    shoot_everywhere(buyer, screenshots, "market")
    ad.get_by_test_id("open-deal").dblclick()
    expect(buyer).to_have_url(DEAL_URL)
    buyer.goto("/deals")
    expect(buyer.get_by_test_id("deal-row")).to_have_count(1)
    seller.goto("/market/new")
    expect(seller.get_by_test_id("my-ad")).to_contain_text("3 / 5 TON")
    seller.goto("/wallet")
    expect(ton.get_by_test_id("balance-available")).to_have_text("5")
    expect(ton.get_by_test_id("balance-held")).to_have_text("5 TON")

    # Create invoice: one invoice (a test one, for the simulation below).
    seller.goto("/invoices")
    seller.get_by_test_id("invoice-new").click()
    seller.locator("#inv_title").fill(terms)
    seller.locator("#inv_amount").fill("1")
    seller.get_by_test_id("invoice-test-switch").click()
    shoot_everywhere(seller, screenshots, "invoice-form")
    seller.get_by_test_id("invoice-create").dblclick()
    expect(seller).to_have_url(INVOICE_URL)
    expect(seller.get_by_role("heading", name=terms)).to_be_visible()
    detail = seller.url
    seller.goto("/invoices")
    expect(seller.get_by_test_id("invoices-list")).to_be_visible()
    expect(seller.get_by_test_id("invoice-row").filter(has_text=terms)).to_have_count(1)

    # Simulate payment: one payment; after the page showed it, the next click is a second one.
    seller.goto(detail)
    expect(seller.get_by_test_id("detail-payments")).to_have_text("0")
    seller.get_by_test_id("simulate-payment").dblclick()
    expect(seller.get_by_test_id("detail-payments")).to_have_text("1")
    seller.wait_for_timeout(1500)  # a second payment would show by now (the page follows the invoice)
    seller.reload()
    expect(seller.get_by_test_id("detail-payments")).to_have_text("1")
    shoot_everywhere(seller, screenshots, "invoice-detail")
    seller.get_by_test_id("simulate-payment").click()
    expect(seller.get_by_test_id("detail-payments")).to_have_text("2")
