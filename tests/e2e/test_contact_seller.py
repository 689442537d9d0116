"""Contact the seller, in two browsers (issue 12 items 6 and 7): a payer pays, the result page lists the
part's method; the payer opens the chat and writes; the merchant sees "Messages 1" on the invoice page,
opens the chat and answers; each message appears in the other browser without a reload. The receipt's
verify page names the part's method. Desktop and phone, English and Russian."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, create_invoice, demo_login, funded_login, shoot, switch_language
from playwright.sync_api import expect


def test_payer_and_merchant_chat_live_about_a_paid_payment(new_context, screenshots: Path):
    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    number = create_invoice(merchant, title="VPN key for chat", amount="1")

    payer = new_context(viewport=DESKTOP).new_page()
    funded_login(payer)
    payer.goto(f"/i/{number}")
    payer.get_by_test_id("direct-pay").click()
    expect(payer).to_have_url(re.compile(r"/payment/\d+$"))
    expect(payer.get_by_test_id("result-status")).to_have_text("Paid")
    expect(payer.get_by_test_id("part-method")).to_have_text("From balance")
    payment_path = re.search(r"/payment/\d+", payer.url).group(0)

    # The receipt names the part's method on /verify.
    payer.get_by_test_id("result-verify").click()
    expect(payer.get_by_test_id("verify-part")).to_have_count(1)
    expect(payer.get_by_test_id("verify-part")).to_contain_text("From balance")
    shoot(payer, screenshots, "desktop-verify-parts")

    payer.goto(payment_path)
    contact = payer.get_by_test_id("result-contact-seller")
    expect(contact).to_be_visible()
    shoot(payer, screenshots, "desktop-result-contact")
    contact.click()
    expect(payer).to_have_url(re.compile(r"/payment/\d+/chat$"))
    expect(payer.get_by_test_id("paychat-empty")).to_be_visible()
    payer.get_by_test_id("chat-input").fill("Hello! Where is my VPN key?")
    payer.get_by_test_id("chat-send").click()
    payer_log = payer.get_by_test_id("chat-message")
    expect(payer_log).to_have_count(1)
    expect(payer_log.first).to_contain_text("Where is my VPN key?")

    # The merchant sees one unread message on the invoice page and opens the chat.
    merchant.goto(f"/invoices/{number}")
    messages = merchant.get_by_test_id("payment-messages")
    expect(messages).to_have_count(1)
    expect(messages.get_by_test_id("chat-unread")).to_have_text("1")
    messages.scroll_into_view_if_needed()
    merchant.screenshot(path=str(screenshots / "desktop-invoice-messages.png"))
    messages.click()
    expect(merchant).to_have_url(re.compile(r"/payment/\d+/chat$"))
    merchant_log = merchant.get_by_test_id("chat-message")
    expect(merchant_log).to_have_count(1)
    expect(merchant_log.first).to_contain_text("Payer")
    merchant.get_by_test_id("chat-input").fill("Sent again to your email, sorry!")
    merchant.get_by_test_id("chat-send").click()

    # Live both ways: neither browser reloads.
    expect(payer_log).to_have_count(2)
    expect(payer_log.nth(1)).to_contain_text("Sent again to your email")
    expect(payer_log.nth(1)).to_contain_text("Seller")
    payer.get_by_test_id("chat-input").fill("Got it, thanks")
    payer.get_by_test_id("chat-send").click()
    expect(merchant_log).to_have_count(3)
    expect(merchant_log.nth(2)).to_contain_text("Got it, thanks")
    assert_fits_width(payer)
    shoot(payer, screenshots, "desktop-payment-chat-payer")
    shoot(merchant, screenshots, "desktop-payment-chat-merchant")

    # Once read, the invoice page shows no unread count.
    merchant.goto(f"/invoices/{number}")
    expect(merchant.get_by_test_id("payment-messages")).to_have_count(1)
    expect(merchant.get_by_test_id("chat-unread")).to_have_count(0)

    chat_path = payment_path + "/chat"
    phone = new_context(viewport=PHONE, storage_state=payer.context.storage_state()).new_page()
    phone.goto(chat_path)
    expect(phone.get_by_test_id("chat-message")).to_have_count(3)
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-payment-chat")

    switch_language(phone, "RU")
    expect(phone.get_by_role("heading", name="Сообщения об этом платеже")).to_be_visible()
    phone.goto(chat_path)
    expect(phone.get_by_test_id("chat-message")).to_have_count(3)
    expect(phone.get_by_test_id("chat-message").nth(1)).to_contain_text("Продавец")
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-payment-chat-ru")
    phone.goto(payment_path)
    expect(phone.get_by_test_id("result-contact-seller")).to_contain_text("Сообщения")
    expect(phone.get_by_test_id("part-method")).to_have_text("С баланса")
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-result-contact-ru")

    desktop_ru = new_context(viewport=DESKTOP, storage_state=phone.context.storage_state()).new_page()
    desktop_ru.goto(chat_path)
    expect(desktop_ru.get_by_test_id("chat-message")).to_have_count(3)
    expect(desktop_ru.get_by_test_id("paychat-call-operator")).to_contain_text("Позвать оператора")
    shoot(desktop_ru, screenshots, "desktop-payment-chat-ru")
