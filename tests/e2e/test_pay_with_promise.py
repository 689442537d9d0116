"""The pay wizard's per-part method picker (browser): a 2-part invoice, part 1 paid from the balance and
part 2 with a promise bigger than the part; the change's code is shown once on the result page and
redeemed through its link. Screenshots of the picker on a desktop and a 390 px phone, in en and ru."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, create_invoice, demo_login, funded_login, shoot, switch_language
from playwright.sync_api import expect


def test_a_part_paid_with_a_bigger_promise_gives_change_that_is_redeemed(new_context, screenshots: Path):
    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    number = create_invoice(merchant, title="Tea set", amount="1", max_parts="2")

    page = new_context(viewport=DESKTOP).new_page()
    funded_login(page)
    # The payer's own promise of 0.8 TON (as one received from a friend would be).
    page.goto("/promises")
    page.locator("#promise_amount").fill("0.8")
    page.get_by_test_id("promise-create").click()
    expect(page.get_by_test_id("promise-created")).to_be_visible()
    code = page.get_by_test_id("promise-code").inner_text().strip()
    link = page.get_by_test_id("promise-link").inner_text().strip()
    assert link.endswith(f"/p/{code}")
    page.get_by_test_id("promise-saved").click()

    page.goto(f"/pay/{number}")
    page.get_by_test_id("pay-parts").get_by_role("radio", name="2").click()
    page.get_by_test_id("pay-next").click()
    page.get_by_test_id("pay-start").click()
    parts = page.get_by_test_id("pay-part")
    expect(parts).to_have_count(2)
    expect(page.get_by_test_id("pay-cancel-rules")).to_contain_text("sats cannot be sent back")
    # Each part starts on the balance, which covers it; part 2 switches to the promise.
    expect(parts.nth(0).get_by_test_id("pay-balance-enough")).to_be_visible()
    expect(parts.nth(0).get_by_test_id("pay-method-available")).to_have_text("9.2 TON")
    parts.nth(1).get_by_test_id("pay-method-promise").click()
    expect(parts.nth(1).get_by_test_id("pay-promise-code")).to_be_visible()
    expect(parts.nth(1).get_by_test_id("pay-fund")).to_have_count(0)
    shoot(page, screenshots, "desktop-pay-methods-en")
    switch_language(page, "RU")
    expect(parts.nth(1).get_by_test_id("pay-promise-pay")).to_have_text("Оплатить ваучером")
    shoot(page, screenshots, "desktop-pay-methods-ru")
    page.set_viewport_size(PHONE)
    assert_fits_width(page)
    shoot(page, screenshots, "phone-pay-methods-ru")
    switch_language(page, "EN")
    expect(parts.nth(1).get_by_test_id("pay-promise-pay")).to_have_text("Pay with promise")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-pay-methods-en")
    page.set_viewport_size(DESKTOP)

    # A wrong code is refused under its part, and nothing is paid.
    parts.nth(1).get_by_test_id("pay-promise-code").fill("A" * 32)
    parts.nth(1).get_by_test_id("pay-promise-pay").click()
    expect(parts.nth(1).get_by_test_id("pay-promise-error")).to_have_text(
        "No promise has this code. Check that it was copied whole."
    )
    parts.nth(0).get_by_test_id("pay-fund").click()
    expect(parts.nth(0).get_by_test_id("part-status")).to_have_text("Funded")
    parts.nth(1).get_by_test_id("pay-promise-code").fill(link)
    parts.nth(1).get_by_test_id("pay-promise-pay").click()

    expect(page).to_have_url(re.compile(r"/payment/\d+$"))
    expect(page.get_by_test_id("result-status")).to_have_text("Paid")
    card = page.get_by_test_id("new-promises")
    expect(card.get_by_test_id("new-promise-amount")).to_have_text("0.3 TON")
    change = card.get_by_test_id("new-promise-code").inner_text().strip()
    change_link = card.get_by_test_id("new-promise-link").inner_text().strip()
    assert change != code and change_link.endswith(f"/p/{change}")
    shoot(page, screenshots, "desktop-pay-promise-change")
    # A reload of this tab keeps what it showed; the payment opened anywhere else has no code to show.
    page.reload()
    expect(page.get_by_test_id("new-promise-code")).to_have_text(change)
    other = page.context.new_page()
    other.goto(page.url)
    expect(other.get_by_test_id("result-status")).to_have_text("Paid")
    expect(other.get_by_test_id("new-promises")).to_have_count(0)
    other.close()

    # The change is redeemed through its link: 10 - 0.5 (part 1) - 0.8 (the promise) + 0.3 = 9 TON.
    page.goto(change_link)
    page.get_by_test_id("promise-redeem").click()
    expect(page.get_by_test_id("promise-redeemed")).to_be_visible()
    page.goto("/wallet")
    expect(page.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text("9")
