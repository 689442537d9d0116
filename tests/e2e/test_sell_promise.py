"""Selling a promise for fiat in two browsers (SPEC F6): the holder makes a 2 TON promise, a trader
publishes a BUY ad in KZT (Kaspi Bank); on /promises/sell the holder enters the code, picks Kazakhstan,
sees the trader's ad with the tenge they get and opens the deal; the deal page says its escrow is the
promise; the trader marks the fiat paid, the holder releases, and the trader's balance grows by 2 TON.
Then a second promise is cashed out to a Bitcoin address with the rate and fee shown before the
confirm. Screenshots of /promises/sell on a desktop and a 390 px phone, in en and ru."""

from __future__ import annotations

import re
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
    promise_from_ui,
    shoot,
    switch_language,
)
from playwright.sync_api import expect

# A price no other test's KZT ad has: the holder finds this trader's ad by it.
AD_PRICE = "5123.45"
TAPROOT = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"


def test_a_promise_sold_for_tenge_then_another_cashed_out_to_bitcoin(new_context, screenshots: Path):
    holder = new_context(viewport=DESKTOP).new_page()
    funded_login(holder)
    code = promise_from_ui(holder, "2")

    trader = new_context(viewport=DESKTOP).new_page()
    demo_login(trader)
    post_kzt_buy_ad(trader, AD_PRICE)

    # In Russian first: the lists are drawn in the language of the moment they are read.
    switch_language(holder, "RU")
    holder.goto("/promises/sell?to=fiat")
    enter_promise_code(holder, code)
    expect(holder.get_by_test_id("psale-status")).to_have_text("Активен")
    choose(holder, "psale-country", "Казахстан")
    offer = holder.get_by_test_id("psale-offer").filter(has_text=re.compile(r"5\s123,45 KZT"))
    expect(offer.get_by_test_id("psale-total")).to_have_text(re.compile(r"10\s246,90 KZT"))
    shoot(holder, screenshots, "desktop-promise-sell-ru")
    holder.set_viewport_size(PHONE)
    assert_fits_width(holder)
    shoot(holder, screenshots, "phone-promise-sell-ru")
    holder.set_viewport_size(DESKTOP)
    switch_language(holder, "EN")

    holder.goto("/promises/sell?to=fiat")
    expect(holder.get_by_test_id("psale-code")).to_be_visible()
    shoot(holder, screenshots, "desktop-promise-sell-code-en")
    # A wrong code is refused, and nothing is shown of any promise.
    holder.get_by_test_id("psale-code").fill("A" * 32)
    holder.get_by_test_id("psale-check").click()
    expect(holder.get_by_test_id("psale-error-code")).to_contain_text("No promise")
    enter_promise_code(holder, code)
    expect(holder.get_by_test_id("psale-amount")).to_have_text("2 TON")
    expect(holder.get_by_test_id("psale-status")).to_have_text("Active")
    choose(holder, "psale-country", "Kazakhstan")
    expect(holder.get_by_test_id("psale-currency")).to_contain_text("KZT")
    expect(holder.get_by_test_id("psale-method")).to_have_text("Kaspi Bank")
    offer = holder.get_by_test_id("psale-offer").filter(has_text="5,123.45 KZT")
    expect(offer).to_be_visible()
    expect(offer.get_by_test_id("psale-total")).to_have_text("10,246.90 KZT")
    shoot(holder, screenshots, "desktop-promise-sell-en")
    holder.set_viewport_size(PHONE)
    assert_fits_width(holder)
    shoot(holder, screenshots, "phone-promise-sell-en")
    holder.set_viewport_size(DESKTOP)

    offer.get_by_test_id("psale-sell").click()
    expect(holder).to_have_url(DEAL_URL)
    deal_path = "/deals/" + DEAL_URL.match(holder.url).group(1)
    expect(holder.get_by_test_id("deal-promise-card")).to_contain_text("locked until the deal ends")
    expect(holder.get_by_test_id("deal-promise-amount")).to_have_text("2 TON")
    shoot(holder, screenshots, "desktop-deal-sells-promise")

    # The promise is the deal's now: its code is refused everywhere else meanwhile.
    holder.goto(f"/p/{code}")
    expect(holder.get_by_test_id("promise-status")).to_have_text("In a deal")
    expect(holder.get_by_test_id("promise-redeem")).to_have_count(0)

    trader.goto(deal_path)
    expect(trader.get_by_test_id("deal-promise-card")).to_contain_text("On release you get")
    trader.get_by_test_id("deal-mark-paid").click()
    trader.get_by_test_id("deal-mark-paid-confirm").click()

    holder.goto(deal_path)
    holder.get_by_test_id("deal-release").click()
    holder.get_by_test_id("deal-release-confirm").click()
    expect(holder.get_by_test_id("deal-status")).to_have_text("Completed")
    expect(trader.get_by_test_id("deal-status")).to_have_text("Completed")
    trader.goto("/wallet")
    expect(trader.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text("2")

    # Cash out a second promise to Bitcoin: the rate and fee first, then the payout.
    second = promise_from_ui(holder, "1")
    holder.goto("/promises/sell?to=bitcoin")
    enter_promise_code(holder, second)
    holder.get_by_test_id("psale-destination").fill(TAPROOT)
    holder.get_by_test_id("psale-quote").click()
    expect(holder.get_by_test_id("psale-send")).to_have_text("0.9 TON")  # less the 0.1 TON fee
    expect(holder.get_by_test_id("psale-rate")).to_have_text("1 TON = 0.0000520 BTC")
    expect(holder.get_by_test_id("psale-arrives")).to_contain_text("4,680 sat")
    shoot(holder, screenshots, "desktop-promise-cash-out-en")
    holder.set_viewport_size(PHONE)
    assert_fits_width(holder)
    shoot(holder, screenshots, "phone-promise-cash-out-en")
    holder.set_viewport_size(DESKTOP)
    holder.get_by_test_id("psale-confirm").click()
    expect(holder.get_by_test_id("psale-done")).to_be_visible()
    expect(holder.get_by_test_id("psale-payout")).to_contain_text("Queued")
    expect(holder.get_by_test_id("psale-status")).to_have_text("Redeemed")
