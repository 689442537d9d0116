"""Refusals name the numbers (issue 11 item 10): the pay page says a floating invoice's minimum, the
withdraw form what is available, the deal form an ad's range; each keeps what was typed, and switching
the language re-words the message on screen. Desktop and phone, English and Russian."""

from __future__ import annotations

import uuid
from pathlib import Path

from helpers import (
    DESKTOP,
    PHONE,
    assert_fits_width,
    create_invoice,
    demo_login,
    funded_login,
    market_card,
    post_sell_ad,
    shoot,
    switch_language,
)
from playwright.sync_api import expect

MINIMUM = {"EN": "The minimum is 0.5 TON for this invoice.", "RU": "Минимум для этого счёта — 0,5 TON."}


def test_pay_withdraw_and_deal_forms_name_the_numbers(new_context, screenshots: Path):
    title = f"Numbers {uuid.uuid4().hex[:6]}"
    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    number = create_invoice(merchant, title=title, kind="floating", min_payment="0.5")

    payer = new_context(viewport=DESKTOP).new_page()
    funded_login(payer)
    payer.goto(f"/pay/{number}")
    expect(payer.get_by_test_id("pay-min-payment")).to_be_visible()
    payer.locator("#pay_amount").fill("0,4")
    payer.get_by_test_id("pay-next").click()
    field = payer.get_by_test_id("pay-field-amount")
    expect(field).to_contain_text(MINIMUM["EN"])
    expect(payer.locator("#pay_amount")).to_have_value("0,4")
    # The message already on screen follows the language, in both layouts.
    # It ends in English, and waits for it to land before leaving the page: the rest of the test reads English.
    for lang in ("RU", "EN"):
        switch_language(payer, lang)
        expect(field).to_contain_text(MINIMUM[lang])
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            payer.set_viewport_size(viewport)
            expect(field).to_contain_text(MINIMUM[lang])
            assert_fits_width(payer)
            shoot(payer, screenshots, f"{label}-pay-minimum-{lang.lower()}")
        payer.set_viewport_size(DESKTOP)
    expect(payer.locator("#pay_amount")).to_have_value("0,4")

    # The withdraw form names the available balance and keeps the amount.
    payer.goto("/wallet")
    withdraw = payer.get_by_test_id("withdraw-card")
    withdraw.locator("#ton_address").fill("EQD__________________________________________0vo")
    withdraw.locator("#ton_amount").fill("12")
    withdraw.get_by_test_id("withdraw-review").click()
    expect(withdraw.get_by_test_id("withdraw-field-amount")).to_contain_text(
        "Not enough on your balance: 10 TON available."
    )
    expect(withdraw.locator("#ton_amount")).to_have_value("12")
    shoot(payer, screenshots, "desktop-withdraw-available-en")

    # The deal form names the ad's range and keeps the amount.
    terms = f"Range ad {uuid.uuid4().hex[:6]}"
    post_sell_ad(payer, terms=terms)  # 1 to 5 TON a deal
    merchant.set_viewport_size(PHONE)
    ad = market_card(merchant, terms)
    ad.get_by_test_id("deal-amount").fill("6")
    ad.get_by_test_id("open-deal").click()
    expect(ad).to_contain_text("This ad takes 1 TON to 5 TON.")
    expect(ad.get_by_test_id("deal-amount")).to_have_value("6")
    switch_language(merchant, "RU")
    expect(ad).to_contain_text("Это объявление принимает от 1 TON до 5 TON.")
    ad.scroll_into_view_if_needed()
    assert_fits_width(merchant)
    merchant.screenshot(path=str(screenshots / "phone-deal-range-ru.png"))
