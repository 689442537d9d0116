"""Buying crypto for fiat (SPEC F7) in two and three browsers: the buyer picks Russia / RUB / SBP, 2 TON and
a destination on /buy, opens a deal on the trader's SELL ad, marks the fiat sent; the trader releases in
their browser, and the result happens by itself: a promise whose code the buyer's deal page shows once
(which the buyer then sells for tenge to another user: issue 13's scenario), or a Bitcoin payout that
appears in the operator's payout queue."""

from __future__ import annotations

import uuid
from pathlib import Path

from helpers import (
    DEAL_URL,
    DESKTOP,
    PHONE,
    assert_fits_width,
    choose,
    demo_login,
    enter_promise_code,
    funded_login,
    post_kzt_buy_ad,
    post_sell_ad,
    shoot,
    switch_language,
    url_of,
)
from playwright.sync_api import Page, expect

# An address no other browser test pays out to: the operator's queue is shared by the whole run.
ADDRESS = "bc1q062jpwnym56cfrdxylfsnvpenc32d9zjg6zsq5"


def _trader_with_ad(new_context, price: str) -> Page:
    trader = new_context(viewport=DESKTOP).new_page()
    funded_login(trader)
    # A price no other test's ad has: the buyer finds this trader's ad by it.
    post_sell_ad(trader, terms=f"buy {uuid.uuid4().hex[:8]}", price=price, volume="5")
    return trader


def _pay_and_release(buyer: Page, trader: Page) -> str:
    """The buyer marks the fiat sent, the trader releases on the same deal's page; returns its path."""
    expect(buyer).to_have_url(DEAL_URL)
    deal_path = f"/deals/{DEAL_URL.match(buyer.url).group(1)}"
    buyer.get_by_test_id("deal-mark-paid").click()
    buyer.get_by_test_id("deal-mark-paid-confirm").click()
    trader.goto(deal_path)
    expect(trader.get_by_test_id("deal-buy-card")).to_be_visible()
    trader.get_by_test_id("deal-release").click()
    trader.get_by_test_id("deal-release-confirm").click()
    expect(trader.get_by_test_id("deal-status")).to_have_text("Completed")
    return deal_path


def test_buy_two_ton_for_rub_by_sbp_as_a_promise_then_sell_it_for_tenge(new_context, screenshots: Path):
    trader = _trader_with_ad(new_context, "187.17")
    buyer = new_context(viewport=DESKTOP).new_page()
    demo_login(buyer)

    # The steps by hand: what and how, how much, where; then the traders.
    buyer.goto("/buy")
    expect(buyer.get_by_test_id("buy-country")).to_be_visible()
    buyer.get_by_test_id("buy-country").click()
    buyer.get_by_role("option", name="Russia", exact=True).click()
    expect(buyer.get_by_test_id("buy-currency")).to_contain_text("RUB")
    buyer.get_by_test_id("buy-method").click()
    buyer.get_by_role("option", name="SBP (Faster Payments)", exact=True).click()
    buyer.get_by_test_id("buy-amount").fill("2")
    # Converted live at the reference rate (420 RUB per TON in the default table).
    expect(buyer.get_by_test_id("buy-converted")).to_contain_text("840.00 RUB")
    buyer.get_by_test_id("buy-to-promise").click()
    shoot(buyer, screenshots, "desktop-buy-steps")
    buyer.get_by_test_id("buy-find").click()
    expect(buyer.get_by_test_id("buy-summary")).to_contain_text("You buy 2 TON")
    offer = buyer.get_by_test_id("buy-offer").filter(has_text="187.17 RUB")
    expect(offer.get_by_test_id("buy-offer-total")).to_have_text("374.34 RUB")
    shoot(buyer, screenshots, "desktop-buy-offers")
    buyer.set_viewport_size(PHONE)
    assert_fits_width(buyer)
    shoot(buyer, screenshots, "phone-buy-offers")
    buyer.set_viewport_size(DESKTOP)
    switch_language(buyer, "ru")
    expect(buyer.get_by_test_id("buy-find")).to_contain_text("Показать предложения")
    shoot(buyer, screenshots, "desktop-buy-offers-ru")
    buyer.set_viewport_size(PHONE)
    assert_fits_width(buyer)
    shoot(buyer, screenshots, "phone-buy-offers-ru")
    buyer.set_viewport_size(DESKTOP)
    switch_language(buyer, "en")
    offer = buyer.get_by_test_id("buy-offer").filter(has_text="187.17 RUB")
    offer.get_by_test_id("buy-open-deal").click()

    expect(buyer).to_have_url(DEAL_URL)
    card = buyer.get_by_test_id("deal-buy-card")
    expect(card.get_by_test_id("buy-kind")).to_have_text("As a promise")
    expect(buyer.get_by_test_id("deal-owed")).to_contain_text("as a promise")
    shoot(buyer, screenshots, "desktop-buy-deal")
    deal_path = _pay_and_release(buyer, trader)

    # The buyer's page takes the code the release sealed for them, and shows it this once.
    expect(buyer.get_by_test_id("deal-status")).to_have_text("Completed")
    code = buyer.get_by_test_id("buy-code")
    expect(code).to_be_visible()
    expect(buyer.get_by_test_id("buy-code-amount")).to_have_text("2 TON")
    expect(card.get_by_test_id("buy-promise-status")).to_have_text("Active")
    shoot(buyer, screenshots, "desktop-buy-deal-code")
    buyer.set_viewport_size(PHONE)
    assert_fits_width(buyer)
    shoot(buyer, screenshots, "phone-buy-deal-code")
    buyer.set_viewport_size(DESKTOP)
    # The trader never sees it; nor does another tab of the buyer's (this tab keeps it while on the deal).
    expect(trader.get_by_test_id("buy-code")).to_have_count(0)
    bought = code.inner_text().strip()
    other_tab = buyer.context.new_page()
    other_tab.goto(deal_path)
    expect(other_tab.get_by_test_id("deal-buy-card").get_by_test_id("buy-promise-status")).to_have_text("Active")
    expect(other_tab.get_by_test_id("buy-code")).to_have_count(0)

    # Then the bought promise is sold for tenge to another user, whose BUY ad in KZT takes it whole.
    kzt_trader = new_context(viewport=DESKTOP).new_page()
    demo_login(kzt_trader)
    post_kzt_buy_ad(kzt_trader, "5123.47")
    buyer.goto("/promises/sell?to=fiat")
    enter_promise_code(buyer, bought)
    expect(buyer.get_by_test_id("psale-amount")).to_have_text("2 TON")
    choose(buyer, "psale-country", "Kazakhstan")
    offer = buyer.get_by_test_id("psale-offer").filter(has_text="5,123.47 KZT")
    expect(offer.get_by_test_id("psale-total")).to_have_text("10,246.94 KZT")
    offer.get_by_test_id("psale-sell").click()
    expect(buyer).to_have_url(DEAL_URL)
    sale_path = f"/deals/{DEAL_URL.match(buyer.url).group(1)}"
    kzt_trader.goto(sale_path)
    kzt_trader.get_by_test_id("deal-mark-paid").click()
    kzt_trader.get_by_test_id("deal-mark-paid-confirm").click()
    buyer.goto(sale_path)
    buyer.get_by_test_id("deal-release").click()
    buyer.get_by_test_id("deal-release-confirm").click()
    expect(buyer.get_by_test_id("deal-status")).to_have_text("Completed")
    kzt_trader.goto("/wallet")
    expect(kzt_trader.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text("2")


def test_buy_to_a_bitcoin_address_queues_a_payout_for_the_operator(new_context, screenshots: Path):
    trader = _trader_with_ad(new_context, "187.19")
    buyer = new_context(viewport=DESKTOP).new_page()
    demo_login(buyer)
    # As a start page or an ad links here: everything but the address is in the query.
    buyer.goto("/buy?to=bitcoin&country=RU&fiat=RUB&method=sbp&amount=2&asset=TON")
    expect(buyer.get_by_test_id("buy-address")).to_be_visible()
    buyer.get_by_test_id("buy-address").fill(ADDRESS)
    buyer.get_by_test_id("buy-find").click()
    # The payout is the bought amount less the 0.1 TON payout fee.
    expect(buyer.get_by_test_id("buy-summary")).to_contain_text("1.9 TON")
    shoot(buyer, screenshots, "desktop-buy-bitcoin")
    buyer.set_viewport_size(PHONE)
    assert_fits_width(buyer)
    shoot(buyer, screenshots, "phone-buy-bitcoin")
    buyer.set_viewport_size(DESKTOP)
    buyer.get_by_test_id("buy-offer").filter(has_text="187.19 RUB").get_by_test_id("buy-open-deal").click()

    expect(buyer).to_have_url(DEAL_URL)
    card = buyer.get_by_test_id("deal-buy-card")
    expect(card.get_by_test_id("buy-kind")).to_have_text("Paid out to a Bitcoin address")
    expect(card.get_by_test_id("buy-target")).to_have_text(ADDRESS)
    _pay_and_release(buyer, trader)
    expect(card.get_by_test_id("buy-payout-status")).to_have_text("Queued")
    shoot(buyer, screenshots, "desktop-buy-bitcoin-deal")
    switch_language(buyer, "ru")
    expect(card.get_by_test_id("buy-kind")).to_have_text("Выплата на биткоин-адрес")
    shoot(buyer, screenshots, "desktop-buy-bitcoin-deal-ru")
    buyer.set_viewport_size(PHONE)
    assert_fits_width(buyer)
    shoot(buyer, screenshots, "phone-buy-bitcoin-deal-ru")

    # Demo logins get the operator console in these tests: the payout waits in its queue.
    operator = new_context(viewport=DESKTOP).new_page()
    demo_login(operator)
    operator.goto("/operator")
    expect(operator).to_have_url(url_of("/operator"))
    item = operator.get_by_test_id("payout-item").filter(has_text=ADDRESS)
    expect(item).to_have_count(1)
    expect(item.get_by_test_id("payout-destination")).to_have_text(ADDRESS)
    shoot(operator, screenshots, "desktop-buy-operator-queue")
