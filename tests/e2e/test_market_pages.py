"""The ad page and the edit page in real browsers: the seller edits price and terms and sees them on
/market and on the ad page; a buyer reads the ad page with the trader card and opens a deal from it;
a stranger gets "not found" on the edit page; a country narrows the methods in the filters and the
ad form. Desktop and phone screenshots of the new pages."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import (
    DEAL_URL,
    DESKTOP,
    PHONE,
    assert_fits_width,
    demo_login,
    fill_ad,
    funded_login,
    market_card,
    shoot,
    url_of,
)
from playwright.sync_api import Page, expect

EDIT_URL = re.compile(r"^http://localhost:\d+/market/ads/(\d+)/edit/?$")
KZ_METHODS = ["Kaspi Bank", "Halyk Bank", "Bank card", "Cash in person", "Bank transfer"]


def _choose(page: Page, select: str, option: str) -> None:
    page.get_by_test_id(select).click()
    page.get_by_role("option", name=option, exact=True).click()


def _chosen_methods(page: Page):
    """The ad form's method toggles that are on."""
    return page.get_by_test_id("ad-method").and_(page.locator("[aria-pressed=true]"))


def _options_of(page: Page, select: str) -> list[str]:
    page.get_by_test_id(select).click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    texts = [t.strip() for t in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return texts


def test_edit_ad_then_open_deal_from_its_page(new_context, screenshots: Path):
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)
    seller.goto("/market/new")
    expect(seller.get_by_test_id("ad-publish")).to_be_visible()
    fill_ad(seller, price="250", total_volume="5", min_amount="1", max_amount="5", terms="First terms")
    seller.get_by_test_id("ad-publish").click()
    expect(seller).to_have_url(url_of("/market"))

    # My ads -> Edit: the form holds the ad's values; side and crypto are fixed.
    seller.goto("/market/new")
    mine = seller.get_by_test_id("my-ad").filter(has_text="250.00 RUB")
    expect(mine).to_have_count(1)
    mine.get_by_test_id("my-ad-edit").click()
    expect(seller).to_have_url(EDIT_URL)
    ad_id = EDIT_URL.match(seller.url).group(1)
    # /market/new has the same form fields: wait for the edit page's own button before reading them.
    expect(seller.get_by_test_id("ad-save")).to_be_visible()
    expect(seller.get_by_test_id("ad-price")).to_have_value("250.00")
    expect(seller.get_by_test_id("ad-total_volume")).to_have_value("5")
    expect(seller.get_by_test_id("ad-terms")).to_have_value("First terms")
    expect(seller.get_by_test_id("market-side")).to_be_disabled()
    expect(_chosen_methods(seller)).to_have_text(["SBP (Faster Payments)"])
    shoot(seller, screenshots, "desktop-ad-edit")

    # A refusal stays under its field; then the real change is saved and shown on the ad page.
    seller.get_by_test_id("ad-max_amount").fill("50")
    seller.get_by_test_id("ad-save").click()
    expect(seller.get_by_text("Limits: 0 < minimum ≤ maximum ≤ total volume")).to_be_visible()
    fill_ad(seller, max_amount="5", price="260", terms=f"Edited terms of ad {ad_id}")
    seller.get_by_test_id("ad-save").click()
    expect(seller).to_have_url(url_of(f"/market/ads/{ad_id}"))
    expect(seller.get_by_test_id("ad-window")).to_be_visible()  # the ad page, not the form leaving
    expect(seller.get_by_test_id("ad-price")).to_have_text("260.00 RUB")
    expect(seller.get_by_test_id("ad-terms")).to_have_text(f"Edited terms of ad {ad_id}")
    expect(seller.get_by_test_id("ad-edit")).to_be_visible()  # the owner edits, does not take
    expect(seller.get_by_test_id("open-deal")).to_have_count(0)

    card = market_card(seller, f"Edited terms of ad {ad_id}")
    expect(card.get_by_test_id("ad-price")).to_have_text("260.00 RUB")
    expect(card.get_by_test_id("trader-release")).to_have_text("—")

    # A buyer goes from the card to the ad page, reads the trader card and opens a deal there.
    buyer = new_context(viewport=DESKTOP).new_page()
    demo_login(buyer)
    card = market_card(buyer, f"Edited terms of ad {ad_id}")
    card.get_by_test_id("ad-details").click()
    expect(buyer).to_have_url(url_of(f"/market/ads/{ad_id}"))
    # The URL changes before the market's cards leave the page: wait for a field only the ad page has.
    expect(buyer.get_by_test_id("ad-window")).to_have_text("15 min")
    expect(buyer.get_by_test_id("ad-price")).to_have_text("260.00 RUB")
    expect(buyer.get_by_test_id("ad-methods")).to_have_text("SBP (Faster Payments)")
    expect(buyer.get_by_test_id("ad-requirement")).to_have_text("None")
    trader = buyer.get_by_test_id("trader-card")
    expect(trader.get_by_test_id("trader-completed")).to_have_text("0")
    expect(trader.get_by_test_id("trader-rate")).to_have_text("—")
    expect(trader.get_by_test_id("trader-avg-release")).to_have_text("—")
    shoot(buyer, screenshots, "desktop-ad-page")

    phone = buyer.context.new_page()
    phone.set_viewport_size(PHONE)
    market_card(phone, f"Edited terms of ad {ad_id}")
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-market-cards")
    phone.goto(f"/market/ads/{ad_id}")
    expect(phone.get_by_test_id("trader-card")).to_be_visible()
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-ad-page")
    phone.close()

    buyer.get_by_test_id("deal-amount").fill("2")
    buyer.get_by_test_id("open-deal").click()
    expect(buyer).to_have_url(DEAL_URL)
    expect(buyer.get_by_test_id("deal-role")).to_have_text("Buyer")

    # The buyer is a stranger to the ad: its edit page is "not found", as is an ad that does not exist.
    buyer.goto(f"/market/ads/{ad_id}/edit")
    expect(buyer.get_by_test_id("ad-not-found")).to_be_visible()
    expect(buyer.get_by_test_id("ad-save")).to_have_count(0)
    buyer.goto("/market/ads/999999")
    expect(buyer.get_by_test_id("ad-not-found")).to_be_visible()
    shoot(buyer, screenshots, "desktop-ad-not-found")

    # The deal took 2 TON out of the ad.
    seller.goto(f"/market/ads/{ad_id}")
    expect(seller.get_by_test_id("ad-remaining")).to_have_text("3 TON")
    phone = seller.context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(f"/market/ads/{ad_id}/edit")
    expect(phone.get_by_test_id("ad-price")).to_have_value("260.00")
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-ad-edit")


def test_a_country_narrows_the_methods(new_context, screenshots: Path):
    page = new_context(viewport=DESKTOP).new_page()
    demo_login(page)

    page.goto("/market")
    expect(page.get_by_test_id("market-filters")).to_be_visible()
    assert len(_options_of(page, "market-method")) > len(KZ_METHODS) + 1  # any country: every method
    _choose(page, "market-country", "Kazakhstan")
    expect(page.get_by_test_id("market-fiat")).to_have_text("KZT")
    assert _options_of(page, "market-method") == ["Any", *KZ_METHODS]
    _choose(page, "market-method", "Kaspi Bank")
    expect(page.get_by_test_id("market-method")).to_have_text("Kaspi Bank")
    _choose(page, "market-country", "Any")
    expect(page.get_by_test_id("market-method")).to_have_text("Kaspi Bank")  # still one of all methods

    # The ad form: the country picks its currency and offers its own methods; of the chosen ones only
    # those the country uses stay (none: its first). An ad takes several; the last one cannot go.
    page.goto("/market/new")
    expect(_chosen_methods(page)).to_have_text(["SBP (Faster Payments)"])
    page.get_by_test_id("ad-method").filter(has_text="Bank card").click()
    expect(_chosen_methods(page)).to_have_text(["SBP (Faster Payments)", "Bank card"])
    _choose(page, "market-country", "Kazakhstan")
    expect(page.get_by_test_id("market-fiat")).to_have_text("KZT")
    expect(page.get_by_test_id("ad-method")).to_have_text(KZ_METHODS)
    expect(_chosen_methods(page)).to_have_text(["Bank card"])
    page.get_by_test_id("ad-method").filter(has_text="Bank card").click()  # the last one stays
    expect(_chosen_methods(page)).to_have_text(["Bank card"])
    page.get_by_test_id("ad-method").filter(has_text="Kaspi Bank").click()
    expect(_chosen_methods(page)).to_have_text(["Kaspi Bank", "Bank card"])
    # A buy ad needs no balance: published with both methods, it lists both.
    _choose(page, "market-side", "Buy crypto")
    fill_ad(page, price="5000", total_volume="5", min_amount="1", max_amount="5", terms="Two KZ methods")
    page.get_by_test_id("ad-publish").click()
    expect(page).to_have_url(url_of("/market"))
    page.goto("/market/new")
    expect(page.get_by_test_id("my-ad").filter(has_text="5,000.00 KZT")).to_contain_text("Kaspi Bank, Bank card")
    page.set_viewport_size(PHONE)
    assert_fits_width(page)
    shoot(page, screenshots, "phone-market-new")
