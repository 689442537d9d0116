"""The fee schedule end to end (SPEC F12): an operator changes the invoice-payment fee in the console's
fees tab; the merchant's invoice form then says what a payment brings after it, the payer's card says the
merchant pays it, and the next payment shows gross, fee and net on the merchant's invoice page and in its
verified receipt, the fee having reached the fee account. The fee goes back to 0 at the end (the server
and its database serve the whole run). Desktop and phone screenshots, English and Russian."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, demo_login, funded_login, shoot, switch_language, url_of
from playwright.sync_api import Page, expect
from sqlalchemy import delete, select

from krypton_app.db import UnitOfWork, make_engine
from krypton_app.models import Account
from krypton_app.models.fees import FeeRuleRow


def fee_account(database_url: str) -> int:
    uow = UnitOfWork(make_engine(database_url))
    try:
        with uow.read() as s:
            return s.execute(select(Account.balance).where(Account.key == "system:fees:TON")).scalar() or 0
    finally:
        uow.engine.dispose()


def back_to_the_starting_value(database_url: str) -> None:
    """However the test ended, the invoice fee is the suite's starting value (0) again for the next test."""
    uow = UnitOfWork(make_engine(database_url))
    try:
        with uow.transaction() as s:
            s.execute(delete(FeeRuleRow).where(FeeRuleRow.operation == "invoice_payment", FeeRuleRow.asset == "TON"))
    finally:
        uow.engine.dispose()


def set_invoice_fee(page: Page, percent: str) -> None:
    rule = page.locator('[data-testid="fee-rule"][data-rule="invoice_payment-TON"]')
    rule.get_by_test_id("fee-percent").fill(percent)
    rule.get_by_test_id("fee-save").click()
    expect(rule.get_by_test_id("fee-rule-summary")).to_have_text(f"{percent} %" if percent != "0" else "0")


def open_fees_tab(page: Page) -> None:
    page.goto("/operator")
    expect(page).to_have_url(url_of("/operator"))
    page.get_by_test_id("operator-tab-fees").click()
    expect(page.get_by_test_id("fee-rule").first).to_be_visible()


def test_an_operators_fee_change_shows_on_the_next_invoice_payment(
    new_context, app_database_url: str, screenshots: Path
):
    try:
        # The operator (demo logins are operators here) is also the merchant.
        merchant = new_context(viewport=DESKTOP).new_page()
        demo_login(merchant)
        open_fees_tab(merchant)
        rule = merchant.locator('[data-testid="fee-rule"][data-rule="invoice_payment-TON"]')
        expect(rule).to_contain_text("Starting value")
        set_invoice_fee(merchant, "2")
        expect(rule).to_contain_text("Set by an operator")
        change = merchant.get_by_test_id("fee-change").first
        expect(change).to_contain_text("Invoice payment · TON")
        expect(change.get_by_test_id("fee-change-values")).to_have_text("0 → 2 %")
        # Other tests of the run change other rules: count the history as it stands now.
        changes_now = merchant.get_by_test_id("fee-change").count()
        # A percent that cannot be is refused under its rule, and nothing changes.
        rule.get_by_test_id("fee-percent").fill("51")
        rule.get_by_test_id("fee-save").click()
        expect(rule).to_contain_text("The percent must be a number from 0 to 50")
        expect(merchant.get_by_test_id("fee-change")).to_have_count(changes_now)
        rule.get_by_test_id("fee-percent").fill("2")
        shoot(merchant, screenshots, "desktop-operator-fees")
        switch_language(merchant, "RU")
        open_fees_tab(merchant)
        expect(rule).to_contain_text("Задана оператором")
        shoot(merchant, screenshots, "desktop-operator-fees-ru")
        switch_language(merchant, "EN")

        # The public price list (the footer's link) says the same, to anyone.
        visitor = new_context(viewport=PHONE).new_page()
        visitor.goto("/fees")
        line = visitor.locator('[data-testid="price-line"][data-rule="invoice_payment-TON"]')
        expect(line.get_by_test_id("price-fee")).to_have_text("2 %")
        expect(visitor.locator('[data-rule="withdrawal-TON"]').get_by_test_id("price-fee")).to_have_text("0.05 TON")
        assert_fits_width(visitor)
        shoot(visitor, screenshots, "phone-price-list")
        switch_language(visitor, "RU")
        visitor.reload()
        expect(visitor.locator('[data-rule="withdrawal-TON"]').get_by_test_id("price-fee")).to_have_text("0,05 TON")
        shoot(visitor, screenshots, "phone-price-list-ru")
        visitor.close()

        # The merchant's form says what a payment brings after the new fee, before the invoice exists.
        merchant.goto("/invoices")
        expect(merchant.get_by_test_id("invoices-list")).to_be_visible()
        merchant.get_by_test_id("invoice-new").click()
        note = merchant.get_by_test_id("invoice-fee-note")
        expect(note).to_contain_text("2 % of each payment")
        merchant.locator("#inv_title").fill("Fee check")
        merchant.locator("#inv_amount").fill("5")
        merchant.locator("#inv_amount").blur()
        expect(note).to_have_text("You receive 4.9 TON of each payment after the 2 % fee (0.1 TON).")
        shoot(merchant, screenshots, "desktop-invoice-form-fee")
        merchant.get_by_test_id("invoice-create").click()
        expect(merchant).to_have_url(re.compile(r"/invoices/[0-9A-Z]+/?$"))
        expect(merchant.get_by_role("heading", name="Fee check")).to_be_visible()
        number = merchant.get_by_test_id("detail-number").inner_text().strip()

        # The payer pays the invoice's amount; their card says the merchant pays the fee.
        before = fee_account(app_database_url)
        payer = new_context(viewport=PHONE).new_page()
        funded_login(payer)
        payer.goto(f"/pay/{number}")
        expect(payer.get_by_test_id("pay-amount")).to_have_text("5 TON")
        expect(payer.get_by_test_id("pay-fee-note")).to_have_text(
            "You pay exactly this amount: the merchant pays Krypton's fee."
        )
        assert_fits_width(payer)
        shoot(payer, screenshots, "phone-pay-fee-note")
        payer.get_by_test_id("pay-next").click()
        payer.get_by_test_id("pay-start").click()
        payer.get_by_test_id("pay-fund").first.click()
        expect(payer).to_have_url(re.compile(r"/payment/\d+$"))
        expect(payer.get_by_test_id("result-status")).to_have_text("Paid")
        assert fee_account(app_database_url) - before == 100_000_000  # 2 % of 5 TON reached the fee account

        # The verified receipt signs the fee and what the merchant got.
        payer.get_by_test_id("result-verify").click()
        expect(payer).to_have_url(re.compile(r"/verify\?token="))
        result = payer.get_by_test_id("verify-result")
        expect(result).to_contain_text("Merchant's fee")
        expect(result).to_contain_text("0.1 TON")
        expect(result).to_contain_text("4.9 TON")
        shoot(payer, screenshots, "phone-verify-fee")
        switch_language(payer, "RU")
        payer.reload()
        expect(payer.get_by_test_id("verify-result")).to_contain_text("Комиссия продавца")
        expect(payer.get_by_test_id("verify-result")).to_contain_text("4,9 TON")
        shoot(payer, screenshots, "phone-verify-fee-ru")

        # The merchant's invoice page: collected, fees, and what they received; each payment's fee.
        merchant.reload()
        expect(merchant.get_by_test_id("detail-collected")).to_have_text("5 TON")
        expect(merchant.get_by_test_id("detail-fees")).to_have_text("0.1 TON")
        expect(merchant.get_by_test_id("detail-net")).to_have_text("4.9 TON")
        expect(merchant.get_by_test_id("payment-fee")).to_have_text("Fee: 0.1 TON · you received: 4.9 TON")
        shoot(merchant, screenshots, "desktop-invoice-fees")
        merchant.set_viewport_size(PHONE)
        expect(merchant.get_by_test_id("detail-net")).to_have_text("4.9 TON")
        assert_fits_width(merchant)
        shoot(merchant, screenshots, "phone-invoice-fees")
        open_fees_tab(merchant)
        assert_fits_width(merchant)
        shoot(merchant, screenshots, "phone-operator-fees")
        switch_language(merchant, "RU")
        open_fees_tab(merchant)
        expect(merchant.get_by_test_id("fee-change").first).to_contain_text("Оплата счёта · TON")
        shoot(merchant, screenshots, "phone-operator-fees-ru")
        switch_language(merchant, "EN")

        # Back to no fee, through the console as an operator would.
        merchant.set_viewport_size(DESKTOP)
        open_fees_tab(merchant)
        set_invoice_fee(merchant, "0")
        expect(merchant.get_by_test_id("fee-change").first.get_by_test_id("fee-change-values")).to_have_text("2 % → 0")
    finally:
        back_to_the_starting_value(app_database_url)
