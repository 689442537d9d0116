"""Three-party crypto -> fiat (SPEC F10) in three browsers: a merchant with a 10 TON balance makes a
2 TON invoice "pay me in fiat" (Russia, SBP); an intermediary posts a BUY ad; the payer pays from their
balance and their page says the merchant is being paid in fiat; the merchant's invoice page shows the
deposit held and the waiting payment, picks the intermediary's ad, the intermediary marks the fiat sent,
the merchant releases; the payer's page turns to "Paid" with its receipt by itself; the intermediary
holds 2 TON and the merchant's 10 TON are free again. Screenshots of the invoice page with the
deposit and a waiting payment and of the intermediary picker: desktop and 390 px, English and Russian."""

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
    shoot,
    switch_language,
    url_of,
)
from playwright.sync_api import Page, expect

PAYMENT_URL = re.compile(r"/payment/\d+/?$")
LIVE_TIMEOUT_MS = 30_000
# No other browser test posts a BUY ad at this price: the merchant's picker is told apart by it.
AD_PRICE = "187.31"
AD_PRICE_TEXT = "187.31 RUB"


def available(page: Page):
    return page.get_by_test_id("balance-TON").get_by_test_id("balance-available")


def held(page: Page):
    return page.get_by_test_id("balance-TON").get_by_test_id("balance-held")


def choose(page: Page, select: str, option: str) -> None:
    page.get_by_test_id(select).click()
    page.get_by_role("option", name=option, exact=True).click()


def shoot_both(page: Page, folder: Path, name: str) -> None:
    shoot(page, folder, f"desktop-{name}")
    page.set_viewport_size(PHONE)
    assert_fits_width(page)
    shoot(page, folder, f"phone-{name}")
    page.set_viewport_size(DESKTOP)


def post_buy_ad(trader: Page) -> None:
    """A TON/RUB BUY ad by SBP in Russia: 1..5 TON a deal, 5 TON in all."""
    trader.goto("/market/new")
    expect(trader.get_by_test_id("account-address")).to_be_attached()
    choose(trader, "market-side", "Buy crypto")
    fill_ad(trader, price=AD_PRICE, total_volume="5", min_amount="1", max_amount="5", terms="Fiat payout desk")
    trader.get_by_test_id("ad-publish").click()
    expect(trader).to_have_url(url_of("/market"))


def create_payout_invoice(merchant: Page) -> str:
    merchant.goto("/invoices")
    expect(merchant.get_by_test_id("invoices-list")).to_be_visible()
    merchant.get_by_test_id("invoice-new").click()
    merchant.locator("#inv_title").fill("Paid out in roubles")
    merchant.locator("#inv_amount").fill("2")
    merchant.get_by_test_id("invoice-payout-switch").click()
    choose(merchant, "invoice-payout_country", "Russia")
    expect(merchant.get_by_test_id("invoice-payout_method")).to_contain_text("SBP")
    merchant.get_by_test_id("invoice-create").click()
    expect(merchant).to_have_url(re.compile(r"/invoices/[0-9A-Z]+/?$"))
    expect(merchant.get_by_role("heading", name="Paid out in roubles")).to_be_visible()
    return merchant.get_by_test_id("detail-number").inner_text().strip()


def test_a_payer_pays_crypto_and_the_merchant_is_paid_fiat_by_an_intermediary(new_context, screenshots: Path):
    merchant = new_context(viewport=DESKTOP).new_page()
    funded_login(merchant)
    number = create_payout_invoice(merchant)
    card = merchant.get_by_test_id("payout-card")
    expect(card).to_contain_text("RUB")
    expect(merchant.get_by_test_id("payout-needed")).to_have_text("2 TON")
    expect(merchant.get_by_test_id("payout-held")).to_have_text("0 TON")

    trader = new_context(viewport=DESKTOP).new_page()
    demo_login(trader)
    post_buy_ad(trader)

    # The payer pays from their balance: paid, and told the merchant is being paid in fiat.
    payer = new_context(viewport=DESKTOP).new_page()
    funded_login(payer)
    payer.goto(f"/pay/{number}")
    payer.get_by_test_id("pay-next").click()
    payer.get_by_test_id("pay-start").click()
    expect(payer.get_by_test_id("pay-method-fiat_deal")).to_be_hidden()
    payer.get_by_test_id("pay-fund").click()
    expect(payer).to_have_url(PAYMENT_URL, timeout=LIVE_TIMEOUT_MS)
    expect(payer.get_by_test_id("result-awaiting-fiat")).to_be_visible()
    expect(payer.get_by_test_id("result-receipt-card")).to_have_count(0)

    # The merchant's page follows: the deposit held and the payment waiting.
    expect(merchant.get_by_test_id("payout-held")).to_have_text("2 TON", timeout=LIVE_TIMEOUT_MS)
    waiting = merchant.get_by_test_id("payout-waiting")
    expect(waiting).to_have_count(1)
    expect(waiting.get_by_test_id("payout-waiting-amount")).to_have_text("2 TON")
    shoot_both(merchant, screenshots, "fiat-payout-invoice")
    waiting.get_by_test_id("payout-choose").click()
    offer = merchant.get_by_test_id("payout-offer").filter(has_text=AD_PRICE_TEXT)
    expect(offer).to_have_count(1)
    expect(offer).to_contain_text("374.62 RUB")  # 2 TON at 187.31
    shoot_both(merchant, screenshots, "fiat-payout-picker")
    switch_language(merchant, "RU")
    # The watcher reads the page again in the new language: the market's names are Russian then.
    expect(merchant.get_by_test_id("payout-card")).to_contain_text("Россия", timeout=LIVE_TIMEOUT_MS)
    shoot_both(merchant, screenshots, "fiat-payout-picker-ru")
    merchant.get_by_test_id("payout-picker").get_by_role("button").first.click()
    expect(merchant.get_by_test_id("payout-picker")).to_have_count(0)
    shoot_both(merchant, screenshots, "fiat-payout-invoice-ru")
    switch_language(merchant, "EN")
    merchant.get_by_test_id("payout-waiting").get_by_test_id("payout-choose").click()
    offer = merchant.get_by_test_id("payout-offer").filter(has_text=AD_PRICE_TEXT)
    offer.get_by_test_id("payout-open").click()
    expect(merchant).to_have_url(DEAL_URL)
    deal_path = merchant.url[merchant.url.index("/deals/") :]

    # The deal: the intermediary sends the roubles and says so; the merchant confirms.
    trader.goto(deal_path)
    expect(trader.get_by_test_id("deal-status")).to_be_visible()
    trader.get_by_test_id("chat-input").fill("Sending 374.62 RUB by SBP")
    trader.get_by_test_id("chat-send").click()
    expect(merchant.get_by_test_id("chat-message").filter(has_text="Sending 374.62 RUB")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    trader.get_by_test_id("deal-mark-paid").click()
    trader.get_by_test_id("deal-mark-paid-confirm").click()
    expect(trader.get_by_test_id("deal-status")).to_have_text("Payment sent")
    expect(merchant.get_by_test_id("deal-status")).to_have_text("Payment sent", timeout=LIVE_TIMEOUT_MS)
    merchant.get_by_test_id("deal-release").click()
    merchant.get_by_test_id("deal-release-confirm").click()
    expect(merchant.get_by_test_id("deal-status")).to_have_text("Completed")

    # The payer's page, left open, turns to the receipt by itself.
    expect(payer.get_by_test_id("result-status")).to_have_text("Paid", timeout=LIVE_TIMEOUT_MS)
    expect(payer.get_by_test_id("result-receipt")).to_have_text(re.compile(r"\S{40,}"), timeout=LIVE_TIMEOUT_MS)

    # Money: the intermediary got 2 TON (from the deposit); the payer's 2 TON made the deposit whole: the
    # merchant's 10 TON are all free again, and the roubles are theirs outside Krypton.
    trader.goto("/wallet")
    expect(available(trader)).to_have_text("2")
    merchant.goto("/wallet")
    expect(available(merchant)).to_have_text("10")
    expect(held(merchant)).to_have_text("0 TON")
    payer.goto("/wallet")
    expect(available(payer)).to_have_text("8")
    merchant.goto(f"/invoices/{number}")
    expect(merchant.get_by_test_id("payout-held")).to_have_text("0 TON")
    expect(merchant.get_by_test_id("payout-waiting")).to_have_count(0)
