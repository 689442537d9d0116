"""A fiat-priced invoice in the browser: the payer sees the price at today's rate and that starting
fixes it; the fund step counts the quote down (KRYPTON_QUOTE_TTL_MIN, 15 min in these runs); the part
is paid at the quoted amount. Desktop and 390 px phone, English and Russian, with screenshots."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, demo_login, funded_login, shoot, switch_language
from playwright.sync_api import Page, expect

COUNTDOWN_EN = re.compile(r"^fixed for 1[45]:\d\d$")
COUNTDOWN_RU = re.compile(r"^зафиксирован ещё на 1[45]:\d\d$")


def create_fiat_invoice(page: Page) -> str:
    """A fixed invoice priced 1000 RUB, paid in TON, in up to two parts; its number."""
    page.goto("/invoices")
    page.get_by_test_id("invoice-new").click()
    page.locator("#inv_title").fill("Tour of Kazan")
    page.get_by_test_id("invoice-fiat_currency").click()
    page.get_by_role("option", name="RUB", exact=True).click()
    page.locator("#inv_amount").fill("1000")
    page.locator("#inv_max_parts").fill("2")
    page.get_by_test_id("invoice-create").click()
    expect(page).to_have_url(re.compile(r"/invoices/[0-9A-Z]+$"))
    expect(page.get_by_role("heading", name="Tour of Kazan")).to_be_visible()
    return page.get_by_test_id("detail-number").inner_text().strip()


def start_payment(page: Page, number: str) -> None:
    page.goto(f"/pay/{number}")
    # Money in a national currency reads to the cent, grouped as the language groups it.
    expect(page.get_by_test_id("pay-amount")).to_have_text("1,000.00 RUB")
    expect(page.get_by_test_id("pay-asset-amount")).to_have_text("≈ 2.380952381 TON")
    page.get_by_test_id("pay-next").click()
    page.get_by_test_id("pay-start").click()
    expect(page.get_by_test_id("pay-part")).to_have_count(1)


def test_the_pay_page_counts_down_the_rate_quote(new_context, screenshots: Path):
    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    number = create_fiat_invoice(merchant)

    payer = new_context(viewport=DESKTOP).new_page()
    funded_login(payer)
    payer.goto(f"/pay/{number}")
    rate = payer.get_by_test_id("pay-rate")
    expect(rate).to_contain_text("1 TON = 420 RUB")
    expect(rate).to_contain_text("fixed for 15 min once you start paying")
    shoot(payer, screenshots, "desktop-pay-fiat-price")

    start_payment(payer, number)
    quote = payer.get_by_test_id("pay-quote")
    expect(quote).to_contain_text("Rate 1 TON = 420 RUB")
    countdown = payer.get_by_test_id("pay-quote-countdown")
    expect(countdown).to_have_text(COUNTDOWN_EN)
    # It ticks in the browser: a second later it shows another time.
    first = countdown.inner_text()
    expect(countdown).not_to_have_text(first, timeout=3_000)
    expect(countdown).to_have_text(COUNTDOWN_EN)
    shoot(payer, screenshots, "desktop-pay-quote-en")
    switch_language(payer, "RU")
    expect(countdown).to_have_text(COUNTDOWN_RU)
    expect(quote).to_contain_text("Курс 1 TON = 420 RUB")
    shoot(payer, screenshots, "desktop-pay-quote-ru")
    switch_language(payer, "EN")

    # Paid within the quote: at the quoted amount.
    payer.get_by_test_id("pay-fund").click()
    expect(payer).to_have_url(re.compile(r"/payment/\d+$"))
    expect(payer.get_by_test_id("result-status")).to_have_text("Paid")
    expect(payer.get_by_test_id("result-amount")).to_have_text("2.380952381 TON")

    # A phone, in both languages: the countdown fits the width.
    phone = new_context(viewport=PHONE).new_page()
    funded_login(phone)
    start_payment(phone, number)
    expect(phone.get_by_test_id("pay-quote-countdown")).to_have_text(COUNTDOWN_EN)
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-pay-quote-en")
    switch_language(phone, "RU")
    expect(phone.get_by_test_id("pay-quote-countdown")).to_have_text(COUNTDOWN_RU)
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-pay-quote-ru")
    switch_language(phone, "EN")
