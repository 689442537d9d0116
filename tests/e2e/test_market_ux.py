"""/market without an Apply button: each filter applies as it changes (the amount after a pause in
typing); the viewer's own ads are marked "Yours" instead of offering "Open deal"; right after
publishing, the market says so with a link and marks the new ad. Desktop and phone, English and Russian."""

from __future__ import annotations

import uuid
from pathlib import Path

from helpers import (
    DESKTOP,
    PHONE,
    assert_fits_width,
    demo_login,
    funded_login,
    market_card,
    post_sell_ad,
    shoot,
    switch_language,
)
from playwright.sync_api import Page, expect


def choose(page: Page, select: str, option: str) -> None:
    page.get_by_test_id(select).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_filters_apply_on_change_and_own_ads_say_yours(new_context, screenshots: Path):
    terms = f"ux14 {uuid.uuid4().hex[:8]}"
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)
    # Below the price every other test uses: the market ranks by price, so this ad is on its first page
    # however many ads earlier tests left on the shared server.
    post_sell_ad(seller, terms=terms, price="100")

    # Just published: said on top, with a link to the ad; its card is the seller's own.
    expect(seller.get_by_test_id("market-published")).to_be_visible()
    mine = seller.get_by_test_id("ad-card").filter(has_text=terms)
    expect(mine.get_by_test_id("ad-yours")).to_have_text("Yours")
    expect(mine.get_by_test_id("open-deal")).to_have_count(0)
    shoot(seller, screenshots, "desktop-en-market-published-yours")
    switch_language(seller, "RU")
    expect(mine.get_by_test_id("ad-yours")).to_have_text("Ваше")
    shoot(seller, screenshots, "desktop-ru-market-published-yours")
    switch_language(seller, "EN")
    seller.get_by_test_id("market-published").get_by_role("link").click()
    expect(seller.get_by_test_id("ad-edit")).to_be_visible()  # the ad page: the owner's Edit, no Open deal
    expect(seller.get_by_test_id("open-deal")).to_have_count(0)

    buyer = new_context(viewport=PHONE).new_page()
    demo_login(buyer)
    theirs = market_card(buyer, terms)
    expect(theirs.get_by_test_id("open-deal")).to_be_visible()
    expect(theirs.get_by_test_id("ad-yours")).to_have_count(0)
    expect(buyer.get_by_test_id("market-published")).to_have_count(0)
    # No Apply button: a select applies as it is chosen...
    expect(buyer.get_by_test_id("market-search")).to_have_count(0)
    choose(buyer, "market-asset", "USDT")
    expect(theirs).to_have_count(0)
    choose(buyer, "market-asset", "TON")
    expect(theirs).to_be_visible()
    # ...and the amount after a pause in typing: 20 TON is above the ad's limit of 5.
    buyer.get_by_test_id("market-amount").fill("20")
    expect(theirs).to_have_count(0)
    buyer.get_by_test_id("market-amount").fill("2")
    expect(theirs).to_be_visible()
    assert_fits_width(buyer)
    shoot(buyer, screenshots, "phone-en-market-filters")
    switch_language(buyer, "RU")
    expect(theirs.get_by_test_id("open-deal")).to_be_visible()
    shoot(buyer, screenshots, "phone-ru-market-filters")
