"""Issue 12's big scenario, in three browsers (merchant, payer, trader): a 10 TON invoice paid in three
parts by three methods. Part 1 (3 TON) from the balance; part 2 (4 TON) with a promise of 5 TON whose
1 TON change is shown once on the wizard; part 3 (3 TON) in fiat through the trader's SELL ad, the two
chatting live in the deal before the payer marks it paid and the trader releases. The wizard turns to
the result page by itself; the result page and the verify page name the three methods; the merchant
gets 10 TON; the payer redeems the change through its link and the balances add up. Then a second,
small invoice is paid from the demo Lightning wallet. Screenshots of the wizard's parts in their
different states and of the receipt, on a desktop and a 390 px phone."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import (
    DEAL_URL,
    DESKTOP,
    PHONE,
    assert_fits_width,
    create_invoice,
    demo_login,
    fill_ad,
    funded_login,
    shoot,
    switch_language,
    url_of,
)
from playwright.sync_api import Locator, Page, expect

PAYMENT_URL = re.compile(r"/payment/\d+/?$")
# A trader's release reaches the payer's open wizard through its watcher, and a deal page's chat and
# status through theirs: a few seconds on a loaded machine, bounded well above that.
LIVE_TIMEOUT_MS = 30_000
# No other browser test publishes an ad at this price with this method: the payer's list is filtered by
# it, whatever else the shared server holds.
AD_PRICE = "213.47"
AD_PRICE_TEXT = "213.47 RUB"
AD_METHOD = "T-Bank"


def available(page: Page) -> Locator:
    return page.get_by_test_id("balance-TON").get_by_test_id("balance-available")


def held(page: Page) -> Locator:
    return page.get_by_test_id("balance-TON").get_by_test_id("balance-held")


def wait_hydrated(page: Page) -> None:
    """The page's scripts run. The ad form and /verify's form are in the prerendered page: a click or a
    typed value that comes before is lost. The header's account is drawn only by the running page."""
    expect(page.get_by_test_id("account-address")).to_be_attached()


def post_tbank_ad(trader: Page) -> None:
    """A TON/RUB SELL ad of 5 TON (1..5 per deal) taking T-Bank only."""
    trader.goto("/market/new")
    wait_hydrated(trader)
    chosen = trader.get_by_test_id("ad-method").and_(trader.locator("[aria-pressed=true]"))
    expect(chosen).to_have_text(["SBP (Faster Payments)"])
    trader.get_by_test_id("ad-method").filter(has_text=AD_METHOD).click()
    trader.get_by_test_id("ad-method").filter(has_text="SBP (Faster Payments)").click()
    expect(chosen).to_have_text([AD_METHOD])
    fill_ad(trader, price=AD_PRICE, total_volume="5", min_amount="1", max_amount="5", terms="Three-party trader")
    trader.get_by_test_id("ad-publish").click()
    expect(trader).to_have_url(url_of("/market"))


def shoot_both(page: Page, screenshots: Path, name: str) -> None:
    shoot(page, screenshots, f"desktop-{name}")
    page.set_viewport_size(PHONE)
    assert_fits_width(page)
    shoot(page, screenshots, f"phone-{name}")
    page.set_viewport_size(DESKTOP)


def test_three_parts_by_balance_promise_and_fiat_then_lightning(new_context, screenshots: Path):
    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    number = create_invoice(merchant, title="Three-party order", amount="10", max_parts="3")

    trader = new_context(viewport=DESKTOP).new_page()
    funded_login(trader)
    post_tbank_ad(trader)

    # The payer's promise of 5 TON, kept by its code.
    payer = new_context(viewport=DESKTOP).new_page()
    funded_login(payer)
    payer.goto("/promises")
    payer.locator("#promise_amount").fill("5")
    payer.get_by_test_id("promise-create").click()
    expect(payer.get_by_test_id("promise-created")).to_be_visible()
    promise_code = payer.get_by_test_id("promise-code").inner_text().strip()
    payer.get_by_test_id("promise-saved").click()

    # The wizard: 3 parts of 3, 4 and 3 TON.
    payer.goto(f"/pay/{number}")
    payer.get_by_test_id("pay-parts").get_by_role("radio", name="3").click()
    payer.get_by_test_id("pay-next").click()
    amounts = payer.get_by_test_id("pay-part-amount")
    expect(amounts).to_have_count(3)
    for box, value in zip(amounts.all(), ("3", "4", "3"), strict=True):
        box.fill(value)
    payer.get_by_test_id("pay-start").click()
    parts = payer.get_by_test_id("pay-part")
    expect(parts).to_have_count(3)

    # Part 1 from the balance: 10 - 5 (the promise) - 3 leaves 2 TON, short of parts 2 and 3.
    expect(parts.nth(0).get_by_test_id("pay-method-available")).to_have_text("5 TON")
    parts.nth(0).get_by_test_id("pay-fund").click()
    expect(parts.nth(0).get_by_test_id("part-status")).to_have_text("Funded")
    expect(parts.nth(2).get_by_test_id("pay-balance-short")).to_be_visible()
    expect(parts.nth(2).get_by_test_id("pay-method-available")).to_have_text("2 TON")

    # Part 2 with the promise of 5 TON: shot with the code typed in, beside a funded part and a short one.
    parts.nth(1).get_by_test_id("pay-method-promise").click()
    parts.nth(1).get_by_test_id("pay-promise-code").fill(promise_code)
    shoot_both(payer, screenshots, "three-party-wizard-picking")
    parts.nth(1).get_by_test_id("pay-promise-pay").click()
    expect(parts.nth(1).get_by_test_id("part-status")).to_have_text("Funded")
    expect(parts.nth(2).get_by_test_id("part-status")).to_have_text("Not funded")
    # The 1 TON change, shown once on the wizard (the payment is not complete yet).
    change = payer.get_by_test_id("new-promises")
    expect(change.get_by_test_id("new-promise-amount")).to_have_text("1 TON")
    change_code = change.get_by_test_id("new-promise-code").inner_text().strip()
    change_link = change.get_by_test_id("new-promise-link").inner_text().replace("\n", "").strip()
    assert change_code != promise_code and change_link.endswith(f"/p/{change_code}"), change_link

    # Part 3 in fiat: Russia / RUB / T-Bank lists the trader's ad with the part's fiat total.
    parts.nth(2).get_by_test_id("pay-method-fiat_deal").click()
    parts.nth(2).get_by_test_id("pay-fiat-open").click()
    payer.get_by_test_id("pay-fiat-country").click()
    payer.get_by_role("option", name="Russia", exact=True).click()
    expect(payer.get_by_test_id("pay-fiat-currency")).to_contain_text("RUB")
    payer.get_by_test_id("pay-fiat-method").click()
    payer.get_by_role("option", name=AD_METHOD, exact=True).click()
    expect(payer.get_by_test_id("pay-fiat-method")).to_contain_text(AD_METHOD)
    offer = payer.get_by_test_id("pay-fiat-offer").filter(has_text=AD_PRICE_TEXT)
    expect(offer).to_have_count(1)
    expect(offer.get_by_test_id("pay-fiat-total")).to_have_text("640.41 RUB")  # 3 TON at 213.47
    offer.get_by_test_id("pay-fiat-open-deal").click()
    in_progress = parts.nth(2).get_by_test_id("pay-fiat-deal")
    expect(in_progress).to_contain_text("Deal in progress")
    expect(parts.nth(2).get_by_test_id("part-status")).to_have_text("Not funded")
    # The part stays with its running deal: no other method to pick meanwhile.
    expect(parts.nth(2).get_by_test_id("pay-method-picker")).to_have_count(0)
    shoot_both(payer, screenshots, "three-party-wizard-deal")
    deal_path = in_progress.get_by_test_id("pay-fiat-deal-link").get_attribute("href")

    # The deal in another tab of the payer, and at the trader's: a message each way, seen live.
    deal = payer.context.new_page()
    deal.goto(deal_path)
    expect(deal).to_have_url(DEAL_URL)
    expect(deal.get_by_test_id("deal-part")).to_contain_text(number)
    trader.goto(deal_path)
    expect(trader.get_by_test_id("deal-part-card")).to_contain_text("pays the buyer's invoice part")
    deal.get_by_test_id("chat-input").fill("Sending 640.41 RUB by T-Bank now")
    deal.get_by_test_id("chat-send").click()
    expect(trader.get_by_test_id("chat-message").filter(has_text="Sending 640.41 RUB")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    trader.get_by_test_id("chat-input").fill("Got it, releasing when it arrives")
    trader.get_by_test_id("chat-send").click()
    expect(deal.get_by_test_id("chat-message").filter(has_text="releasing when it arrives")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    deal.get_by_test_id("deal-mark-paid").click()
    deal.get_by_test_id("deal-mark-paid-confirm").click()
    expect(deal.get_by_test_id("deal-status")).to_have_text("Payment sent")
    expect(trader.get_by_test_id("deal-status")).to_have_text("Payment sent", timeout=LIVE_TIMEOUT_MS)
    trader.get_by_test_id("deal-release").click()
    trader.get_by_test_id("deal-release-confirm").click()
    expect(trader.get_by_test_id("deal-status")).to_have_text("Completed")
    deal.close()

    # The wizard, left open, sees the part funded and goes to the result page by itself.
    payer.bring_to_front()
    expect(payer).to_have_url(PAYMENT_URL, timeout=LIVE_TIMEOUT_MS)
    expect(payer.get_by_test_id("result-status")).to_have_text("Paid")
    expect(payer.get_by_test_id("part-method")).to_have_text(["From balance", "Promise", "Fiat via a trader"])
    expect(payer.get_by_test_id("part-status")).to_have_text(["Paid"] * 3)
    receipt = payer.get_by_test_id("result-receipt")
    expect(receipt).to_have_text(re.compile(r"\S{40,}"), timeout=LIVE_TIMEOUT_MS)
    token = "".join(receipt.inner_text().split())
    shoot_both(payer, screenshots, "three-party-receipt")

    # The verify page, the receipt pasted: its three parts with their methods.
    payer.goto("/verify")
    wait_hydrated(payer)
    payer.locator("#receipt_token").fill(token)
    payer.locator("#receipt_invoice").fill(number)
    payer.get_by_test_id("verify-submit").click()
    expect(payer.get_by_test_id("verify-result")).to_be_visible()
    expect(payer.get_by_test_id("verify-part")).to_have_text(
        [
            re.compile(r"Part 1 · From balance\s*3 TON"),
            re.compile(r"Part 2 · Promise\s*4 TON"),
            re.compile(r"Part 3 · Fiat via a trader\s*3 TON"),
        ]
    )
    shoot_both(payer, screenshots, "three-party-verify")
    # In Russian too, a promise is the "ваучер" the rest of the app calls it.
    switch_language(payer, "RU")
    expect(payer.get_by_test_id("verify-part")).to_have_text(
        [
            re.compile(r"Часть 1 · С баланса"),
            re.compile(r"Часть 2 · Ваучер"),
            re.compile(r"Часть 3 · Фиат через трейдера"),
        ]
    )
    shoot_both(payer, screenshots, "three-party-verify-ru")
    switch_language(payer, "EN")

    merchant.goto("/wallet")
    expect(available(merchant)).to_have_text("10")
    # The trader's ad held 5 TON; the deal took 3 of them to the part.
    trader.goto("/wallet")
    expect(available(trader)).to_have_text("5")
    expect(held(trader)).to_have_text("2 TON")

    # The change redeemed through its link: 10 - 3 (part 1) - 5 (the promise) + 1 = 3 TON.
    payer.goto(change_link)
    payer.get_by_test_id("promise-redeem").click()
    expect(payer.get_by_test_id("promise-redeemed")).to_be_visible()
    payer.goto("/wallet")
    expect(available(payer)).to_have_text("3")
    expect(held(payer)).to_have_text("0 TON")

    # A second, small invoice paid from the demo Lightning wallet: the balance is not touched.
    second = create_invoice(merchant, title="Three-party extra", amount="0.5")
    payer.goto(f"/pay/{second}")
    payer.get_by_test_id("pay-next").click()
    payer.get_by_test_id("pay-start").click()
    payer.get_by_test_id("pay-method-lightning").click()
    payer.get_by_test_id("pay-lightning-create").click()
    expect(payer.get_by_test_id("pay-lightning-bolt11")).to_have_text(re.compile(r"^lnbcrt"))
    payer.get_by_test_id("pay-lightning-demo").click()
    expect(payer).to_have_url(PAYMENT_URL, timeout=LIVE_TIMEOUT_MS)
    expect(payer.get_by_test_id("result-status")).to_have_text("Paid")
    expect(payer.get_by_test_id("part-method")).to_have_text("Lightning")
    payer.goto("/wallet")
    expect(available(payer)).to_have_text("3")
    merchant.goto("/wallet")
    expect(available(merchant)).to_have_text("10.5")
