"""The amount inputs show what is available and a "Max" fills in what can be sent: on /wallet's
withdraw form (the balance less the fee the services price) on the TON and Bitcoin tabs, the Bitcoin
tab saying the amount's unit, which may be BTC instead of the asset spent, with the other unit shown
under it; on the payer wizard of a "payer chooses" invoice (the whole balance in its asset). Desktop
and phone, English and Russian."""

from __future__ import annotations

from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, create_invoice, demo_login, funded_login, shoot, switch_language
from playwright.sync_api import Page, expect


def check_withdraw_max(page: Page, screenshots: Path, prefix: str) -> None:
    withdraw = page.get_by_test_id("withdraw-card")
    expect(withdraw.get_by_test_id("withdraw-available")).to_contain_text("10 TON")
    withdraw.get_by_test_id("withdraw-max").click()
    # 10 TON less the 0.05 TON network fee.
    expect(withdraw.locator("#ton_amount")).to_have_value("9.95")
    withdraw.locator("#ton_address").fill("EQD__________________________________________0vo")
    withdraw.get_by_test_id("withdraw-review").click()
    expect(withdraw.get_by_test_id("withdraw-quote")).to_contain_text("10 TON")
    shoot(page, screenshots, f"{prefix}-wallet-withdraw-max")
    withdraw.get_by_role("button", name="Change").or_(withdraw.get_by_role("button", name="Изменить")).click()

    withdraw.get_by_test_id("withdraw-tab-bitcoin").click()
    field = withdraw.get_by_test_id("withdraw-field-amount")
    expect(field).to_contain_text("(TON)")
    withdraw.get_by_test_id("withdraw-max").click()
    # 10 TON less the 0.1 TON payout fee, in TON; what it sends at 0.0000520 BTC per TON beside it.
    expect(withdraw.locator("#bitcoin_amount")).to_have_value("9.9")
    expect(withdraw.get_by_test_id("withdraw-equivalent")).to_have_text("≈ 0.0005148 BTC")
    assert_fits_width(page)
    shoot(page, screenshots, f"{prefix}-wallet-withdraw-bitcoin-max")

    # The amount in BTC instead: the same money, converted in the input, its TON beside it.
    withdraw.get_by_test_id("withdraw-unit").click()
    page.get_by_role("option", name="BTC").click()
    expect(withdraw.locator("#bitcoin_amount")).to_have_value("0.0005148")
    expect(field).to_contain_text("(BTC)")
    expect(withdraw.get_by_test_id("withdraw-equivalent")).to_have_text("≈ 9.9 TON")
    # Typed in BTC: its TON follows as it is typed.
    withdraw.locator("#bitcoin_amount").fill("0.00052")
    expect(withdraw.get_by_test_id("withdraw-equivalent")).to_have_text("≈ 10 TON")
    assert_fits_width(page)
    shoot(page, screenshots, f"{prefix}-wallet-withdraw-bitcoin-in-btc")


def test_withdraw_max_desktop_en_and_ru(new_context, screenshots: Path):
    page = new_context(viewport=DESKTOP).new_page()
    funded_login(page)
    check_withdraw_max(page, screenshots, "desktop-en")
    switch_language(page, "RU")
    # The choice is kept once the page shows it; a reload before that could lose it.
    expect(page.get_by_test_id("withdraw-card")).to_contain_text("Доступно:")
    page.reload()
    expect(page.get_by_test_id("withdraw-card")).to_contain_text("Доступно:")
    page.get_by_test_id("withdraw-card").get_by_test_id("withdraw-tab-ton").click()
    check_withdraw_max(page, screenshots, "desktop-ru")


def test_withdraw_max_phone(new_context, screenshots: Path):
    page = new_context(viewport=PHONE).new_page()
    funded_login(page)
    check_withdraw_max(page, screenshots, "phone-en")
    switch_language(page, "RU")
    expect(page.get_by_test_id("withdraw-card")).to_contain_text("Доступно:")
    page.get_by_test_id("withdraw-card").get_by_test_id("withdraw-tab-ton").click()
    check_withdraw_max(page, screenshots, "phone-ru")


def test_the_payer_sees_the_balance_and_max_fills_the_amount(new_context, screenshots: Path):
    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    number = create_invoice(merchant, title="Tip jar", kind="floating")

    for viewport, prefix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        payer = new_context(viewport=viewport).new_page()
        funded_login(payer)
        payer.goto(f"/pay/{number}")
        expect(payer.get_by_test_id("pay-available")).to_have_text("Available: 10 TON")
        payer.get_by_test_id("pay-max").click()
        expect(payer.locator("#pay_amount")).to_have_value("10")
        assert_fits_width(payer)
        shoot(payer, screenshots, f"{prefix}-en-pay-max")
        switch_language(payer, "RU")
        expect(payer.get_by_test_id("pay-available")).to_have_text("Доступно: 10 TON")
        shoot(payer, screenshots, f"{prefix}-ru-pay-max")
        # What Max filled in is the payment's amount: the next step splits it.
        payer.get_by_test_id("pay-next").click()
        expect(payer.get_by_test_id("pay-part-amount").first).to_have_value("10")
