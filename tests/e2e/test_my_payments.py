"""A half-funded payment is never orphaned, in browsers: the payer funds part 1 of 2 and closes the
browser; opening the invoice link again (the same login, a new browser) shows the same payment at the
funding step with part 1 funded; the wallet's Payments tab lists it beside a paid one (with its
receipt); Cancel asks first and then returns the funded part. Desktop and phone, English and Russian."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, create_invoice, demo_login, funded_login, shoot, url_of
from playwright.sync_api import expect


def test_a_half_funded_payment_is_found_again_listed_and_cancelled(new_context, screenshots: Path):
    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    lamp = create_invoice(merchant, title="Desk lamp", amount="2", max_parts="2")
    stickers = create_invoice(merchant, title="Sticker pack", amount="1")

    first = new_context(viewport=DESKTOP)
    page = first.new_page()
    funded_login(page)
    page.goto(f"/i/{stickers}")
    page.get_by_test_id("direct-pay").click()
    expect(page).to_have_url(re.compile(r"/payment/\d+$"))
    expect(page.get_by_test_id("result-status")).to_have_text("Paid")

    page.goto(f"/pay/{lamp}")
    page.get_by_test_id("pay-parts").get_by_role("radio", name="2").click()
    page.get_by_test_id("pay-next").click()
    page.get_by_test_id("pay-start").click()
    expect(page.get_by_test_id("pay-part")).to_have_count(2)
    page.get_by_test_id("pay-fund").first.click()
    expect(page.get_by_test_id("part-status").first).to_have_text("Funded")
    login = first.storage_state()
    first.close()

    # The browser was closed: the same login opens the link again and finds the same payment.
    again = new_context(viewport=DESKTOP, storage_state=login).new_page()
    again.goto(f"/pay/{lamp}")
    expect(again.get_by_test_id("part-status")).to_have_text(["Funded", "Not funded"])
    expect(again.get_by_test_id("pay-fund")).to_have_count(1)
    expect(again.get_by_test_id("pay-unfinished")).to_contain_text("You started this payment earlier")
    shoot(again, screenshots, "desktop-pay-resumed")

    again.goto("/wallet")
    again.get_by_test_id("wallet-tab-payments").click()
    expect(again).to_have_url(url_of("/payments"))
    rows = again.get_by_test_id("payments-row")
    expect(rows).to_have_count(2)
    expect(rows.get_by_test_id("payments-status")).to_have_text(["Waiting for parts", "Paid"])
    expect(rows.nth(0)).to_contain_text("Desk lamp")
    expect(rows.nth(0)).to_contain_text("1/2")
    expect(rows.nth(0)).to_contain_text("Cancelled automatically at")
    expect(rows.nth(0).get_by_test_id("payments-continue")).to_have_attribute("href", f"/pay/{lamp}")
    expect(rows.nth(1).get_by_test_id("payments-cancel")).to_have_count(0)
    expect(rows.nth(1).get_by_test_id("payments-open")).to_have_attribute("href", re.compile(r"^/payment/\d+$"))
    assert_fits_width(again)
    shoot(again, screenshots, "desktop-payments")
    english = again.context.storage_state()

    phone = new_context(viewport=PHONE, storage_state=english).new_page()
    phone.goto("/payments")
    expect(phone.get_by_test_id("payments-row")).to_have_count(2)
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-payments")
    phone.context.close()

    again.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(again.get_by_role("heading", name="Мои платежи")).to_be_visible()
    expect(rows.get_by_test_id("payments-status")).to_have_text(["Ждёт оплаты частей", "Оплачено"])
    assert_fits_width(again)
    shoot(again, screenshots, "desktop-payments-ru")

    phone = new_context(viewport=PHONE, storage_state=again.context.storage_state()).new_page()
    phone.goto("/payments")
    expect(phone.get_by_role("heading", name="Мои платежи")).to_be_visible()
    expect(phone.get_by_test_id("payments-row")).to_have_count(2)
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-payments-ru")
    phone.get_by_test_id("payments-cancel").click()
    expect(phone.get_by_role("alertdialog")).to_contain_text("Оплаченные части вернутся на ваш баланс")
    shoot(phone, screenshots, "phone-payments-cancel-ru")
    phone.context.close()

    # Cancel asks first; "Keep it" changes nothing, the confirmation returns the funded part.
    again.get_by_test_id("payments-cancel").click()
    dialog = again.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Desk lamp")
    shoot(again, screenshots, "desktop-payments-cancel-ru")
    dialog.get_by_role("button", name="Не отменять").click()
    expect(rows.get_by_test_id("payments-status")).to_have_text(["Ждёт оплаты частей", "Оплачено"])
    again.get_by_test_id("payments-cancel").click()
    again.get_by_test_id("payments-cancel-confirm").click()
    expect(rows.get_by_test_id("payments-status")).to_have_text(["Отменён", "Оплачено"])
    expect(again.get_by_test_id("payments-cancel")).to_have_count(0)

    # The paid one's receipt; the balance has the cancelled part back (10 - 1 paid).
    rows.nth(1).get_by_test_id("payments-open").click()
    expect(again).to_have_url(re.compile(r"/payment/\d+$"))
    expect(again.get_by_test_id("result-status")).to_have_text("Оплачено")
    again.goto("/wallet")
    expect(again.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text("9")
