"""Pages opened from a link paint at once (issue 11, item 12): the server answers /pay/<n>, /i/<n>,
/deals/<n>, /market/ads/<n>, /payment/<n> and /invoices/<n> with the page's prerendered shell, the
layout and a skeleton (api/link_pages.py), so both are there before a line of script has run; then the
page fills in its data and the skeleton goes. Also the deal page's release dialog: releasing before the
buyer said "I have paid" warns, in English and Russian, on a phone."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from helpers import (
    DESKTOP,
    PHONE,
    assert_fits_width,
    create_invoice,
    demo_login,
    funded_login,
    open_deal_on,
    post_sell_ad,
    shoot,
    switch_language,
    url_of,
)
from playwright.sync_api import expect

EDIT_URL = re.compile(r"^http://localhost:\d+/market/ads/(\d+)/edit/?$")
PAYMENT_URL = re.compile(r"^http://localhost:\d+/payment/(\d+)/?$")


def test_link_pages_show_the_layout_and_a_skeleton_before_their_data(new_context, screenshots: Path):
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)
    terms = f"Link pages {uuid.uuid4().hex[:8]}"
    post_sell_ad(seller, terms=terms)
    seller.goto("/market/new")
    seller.get_by_test_id("my-ad").get_by_test_id("my-ad-edit").click()
    expect(seller).to_have_url(EDIT_URL)
    ad_id = EDIT_URL.match(seller.url).group(1)
    number = create_invoice(seller, title="Link page lamp", amount="1")

    buyer = new_context(viewport=DESKTOP).new_page()
    funded_login(buyer)
    buyer.goto(f"/i/{number}")
    buyer.get_by_test_id("direct-pay").click()
    expect(buyer).to_have_url(PAYMENT_URL)
    payment_id = PAYMENT_URL.match(buyer.url).group(1)
    deal_id = open_deal_on(buyer, terms=terms, amount="1")

    # (path, who opens it, what shows once its data is there)
    links = [
        (f"/pay/{number}", buyer, "pay-title"),
        (f"/i/{number}", buyer, "pay-title"),
        (f"/deals/{deal_id}", buyer, "deal-status"),
        (f"/market/ads/{ad_id}", buyer, "ad-price"),
        (f"/payment/{payment_id}", buyer, "result-status"),
        (f"/invoices/{number}", seller, "detail-number"),
    ]
    for path, owner, data in links:
        # No scripts at all: what the server sent is what is painted, the layout and the skeleton.
        still = new_context(viewport=DESKTOP, storage_state=owner.context.storage_state(), java_script_enabled=False)
        page = still.new_page()
        page.goto(path)
        expect(page.get_by_test_id("language-switch")).to_be_visible()
        expect(page.get_by_test_id("page-skeleton")).to_be_visible()
        expect(page.get_by_test_id(data)).to_have_count(0)
        if path.startswith("/deals/"):
            for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(viewport)
                assert_fits_width(page)
                shoot(page, screenshots, f"{size}-link-page-skeleton")
        still.close()
        # With its scripts the page fills in the URL's item and the skeleton goes.
        page = owner.context.new_page()
        page.goto(path)
        expect(page).to_have_url(url_of(path))
        expect(page.get_by_test_id(data).first).to_be_visible()
        expect(page.get_by_test_id("page-skeleton")).to_have_count(0)
        expect(page.get_by_test_id("language-switch")).to_be_visible()
        page.close()


def test_releasing_before_the_buyer_paid_warns_in_the_dialog(new_context, screenshots: Path):
    seller = new_context(viewport=PHONE).new_page()
    funded_login(seller)
    terms = f"Early release {uuid.uuid4().hex[:8]}"
    post_sell_ad(seller, terms=terms)
    buyer = new_context(viewport=DESKTOP).new_page()
    demo_login(buyer)
    deal_id = open_deal_on(buyer, terms=terms, amount="1")

    seller.goto(f"/deals/{deal_id}")
    expect(seller.get_by_test_id("deal-status")).to_have_text("Awaiting payment")
    for lang, warning in (
        ("EN", "The buyer has not marked this deal paid yet."),
        ("RU", "Покупатель ещё не отметил оплату."),
    ):
        switch_language(seller, lang)
        seller.get_by_test_id("deal-release").click()
        expect(seller.get_by_test_id("deal-warning")).to_contain_text(warning)
        expect(seller.get_by_test_id("deal-release-confirm")).to_be_visible()
        seller.wait_for_timeout(300)
        seller.screenshot(path=str(screenshots / f"phone-deal-release-unpaid-{lang.lower()}.png"))
        seller.get_by_test_id("deal-release-back").click()
        expect(seller.get_by_test_id("deal-release-confirm")).to_have_count(0)
    switch_language(seller, "EN")

    # Once the buyer said "I have paid" (seen live by the seller) the dialog has no warning.
    buyer.get_by_test_id("deal-mark-paid").click()
    buyer.get_by_test_id("deal-mark-paid-confirm").click()
    expect(seller.get_by_test_id("deal-status")).to_have_text("Payment sent")
    seller.get_by_test_id("deal-release").click()
    expect(seller.get_by_test_id("deal-release-text")).to_contain_text("This cannot be undone.")
    expect(seller.get_by_test_id("deal-warning")).to_have_count(0)
    seller.wait_for_timeout(300)
    seller.screenshot(path=str(screenshots / "phone-deal-release-paid-en.png"))
    seller.get_by_test_id("deal-release-confirm").click()
    expect(seller.get_by_test_id("deal-status")).to_have_text("Completed")
