"""The P2P market in two browsers: the seller (demo login, faucet 10 TON) posts a sell ad; the buyer
opens a deal on it from /market; they chat and each message appears in the other browser without a
reload; the buyer marks the payment sent; the seller releases; the buyer's wallet shows the TON.
Desktop and phone screenshots."""

from __future__ import annotations

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
    switch_language,
    url_of,
)
from playwright.sync_api import expect

LIVE_TIMEOUT_MS = 10_000
# The seller's payment details: on the deal page for its two sides, never on the market.
DETAILS = "SBP +7 900 123-45-67 Ivan P."


def test_sell_ad_deal_chat_release(new_context, screenshots: Path):
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)

    # A refused field says why, under that field.
    seller.goto("/market/new")
    expect(seller.get_by_test_id("ad-publish")).to_be_visible()
    fill_ad(seller, price="250", total_volume="50", min_amount="1", max_amount="5")
    seller.get_by_test_id("ad-publish").click()
    expect(seller.get_by_text("Not enough on your balance: 10 TON available.")).to_be_visible()
    fill_ad(seller, total_volume="5", terms="SBP only, name must match.", payment_details=DETAILS)
    seller.get_by_test_id("ad-publish").click()
    expect(seller).to_have_url(url_of("/market"))

    buyer = new_context(viewport=DESKTOP).new_page()
    demo_login(buyer)
    ad = market_card(buyer, "SBP only, name must match.")
    expect(ad).to_be_visible()
    expect(ad.get_by_test_id("ad-price")).to_have_text("250.00 RUB")
    expect(buyer.get_by_text(DETAILS)).to_have_count(0)
    shoot(buyer, screenshots, "desktop-market")
    ad.get_by_test_id("deal-amount").fill("2")
    ad.get_by_test_id("open-deal").click()
    expect(buyer).to_have_url(DEAL_URL)
    deal_id = DEAL_URL.match(buyer.url).group(1)
    expect(buyer.get_by_test_id("deal-role")).to_have_text("Buyer")
    expect(buyer.get_by_test_id("deal-time-left")).to_be_visible()
    # Whom the buyer pays and how: the seller's name and reputation, the details and the ad's terms.
    expect(buyer.get_by_test_id("deal-payment-details")).to_have_text(DETAILS)
    expect(buyer.get_by_test_id("deal-terms")).to_have_text("SBP only, name must match.")
    expect(buyer.get_by_test_id("deal-counterparty")).not_to_be_empty()
    expect(buyer.get_by_test_id("deal-counterparty-reputation")).to_contain_text("Completed deals: 0")
    for lang, label in (("EN", "Send the payment to"), ("RU", "Реквизиты для оплаты")):
        switch_language(buyer, lang)
        expect(buyer.get_by_test_id("deal-trade-info")).to_contain_text(label)
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            buyer.set_viewport_size(viewport)
            assert_fits_width(buyer)
            shoot(buyer, screenshots, f"{size}-deal-trade-info-{lang.lower()}")
    buyer.set_viewport_size(DESKTOP)
    switch_language(buyer, "EN")

    seller.goto("/deals")
    seller.get_by_test_id("deal-row").filter(has_text=f"#{deal_id}").click()
    expect(seller).to_have_url(url_of(f"/deals/{deal_id}"))
    expect(seller.get_by_test_id("deal-role")).to_have_text("Seller")

    # Chat, live both ways; markup is shown as text.
    buyer.get_by_test_id("chat-input").fill("Hi! Paying now <b>via SBP</b>")
    buyer.get_by_test_id("chat-send").click()
    expect(seller.get_by_test_id("chat-message").filter(has_text="Paying now <b>via SBP</b>")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    seller.get_by_test_id("chat-input").fill("OK, waiting")
    seller.get_by_test_id("chat-send").click()
    expect(buyer.get_by_test_id("chat-message").filter(has_text="OK, waiting")).to_be_visible(timeout=LIVE_TIMEOUT_MS)

    buyer.get_by_test_id("deal-mark-paid").click()
    buyer.get_by_test_id("deal-mark-paid-confirm").click()
    expect(buyer.get_by_test_id("deal-status")).to_have_text("Payment sent")
    expect(seller.get_by_test_id("deal-status")).to_have_text("Payment sent", timeout=LIVE_TIMEOUT_MS)
    shoot(seller, screenshots, "desktop-deal")
    # Release asks first and says what it does, to whom; going back leaves the deal as it was.
    seller.get_by_test_id("deal-release").click()
    expect(seller.get_by_test_id("deal-release-text")).to_contain_text("Release 2 TON to")
    expect(seller.get_by_test_id("deal-release-text")).to_contain_text("This cannot be undone.")
    seller.wait_for_timeout(300)
    seller.screenshot(path=str(screenshots / "desktop-deal-confirm-release.png"))
    seller.get_by_test_id("deal-release-back").click()
    expect(seller.get_by_test_id("deal-status")).to_have_text("Payment sent")
    seller.get_by_test_id("deal-release").click()
    seller.get_by_test_id("deal-release-confirm").click()
    expect(seller.get_by_test_id("deal-status")).to_have_text("Completed")
    expect(buyer.get_by_test_id("deal-status")).to_have_text("Completed", timeout=LIVE_TIMEOUT_MS)

    # Both review each other; the form is gone once the review is saved.
    buyer.get_by_test_id("review-comment").fill("Fast release, thanks")
    # No verdict is chosen for the author: sending without one says so and keeps the comment.
    buyer.get_by_test_id("review-send").click()
    expect(buyer.get_by_text("Choose positive or negative.")).to_be_visible()
    expect(buyer.get_by_test_id("review-comment")).to_have_value("Fast release, thanks")
    buyer.get_by_test_id("review-positive").click()
    buyer.get_by_test_id("review-send").click()
    expect(buyer.get_by_test_id("review-done")).to_be_visible()
    seller.get_by_test_id("review-positive").click()
    seller.get_by_test_id("review-send").click()
    expect(seller.get_by_test_id("review-done")).to_be_visible()

    # The buyer's comment is on the seller's trader card, on the ad page; the details are not.
    market_card(buyer, "SBP only, name must match.").get_by_test_id("ad-details").click()
    review = buyer.get_by_test_id("trader-card").get_by_test_id("trader-review")
    expect(review).to_contain_text("Fast release, thanks")
    expect(buyer.get_by_text(DETAILS)).to_have_count(0)
    shoot(buyer, screenshots, "desktop-ad-page-reviews")

    # The seller closes the ad: what no deal took (3 TON) returns to the balance.
    seller.goto("/market/new")
    mine = seller.get_by_test_id("my-ad").filter(has_text="/ 5 TON")
    expect(mine).to_contain_text("3 / 5 TON")
    expect(mine.get_by_test_id("my-ad-status")).to_have_text("Active")
    mine.get_by_test_id("my-ad-close").click()
    expect(mine.get_by_test_id("my-ad-status")).to_have_text("Closed")
    seller.goto("/wallet")
    expect(seller.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text("8")

    buyer.goto("/wallet")
    expect(buyer.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text("2")

    phone = new_context(viewport=PHONE).new_page()
    demo_login(phone)
    phone.goto("/market")
    expect(phone.get_by_test_id("market-filters")).to_be_visible()
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-market")
    phone_deal = buyer.context.new_page()
    phone_deal.set_viewport_size(PHONE)
    phone_deal.goto(f"/deals/{deal_id}")
    expect(phone_deal.get_by_test_id("deal-status")).to_have_text("Completed")
    assert_fits_width(phone_deal)
    shoot(phone_deal, screenshots, "phone-deal")
