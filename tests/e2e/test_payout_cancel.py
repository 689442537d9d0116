"""A Lightning payout above the balance says so on Review; a queued Lightning or Bitcoin payout is
cancelled by its owner from the wallet's recent list, after a confirmation, and the balance comes back.
Desktop in English, a phone in Russian."""

from __future__ import annotations

import time
from pathlib import Path

from builders import lightning_invoice
from helpers import CHAIN_TIMEOUT_MS, DESKTOP, PHONE, assert_fits_width, demo_login, shoot, switch_language
from playwright.sync_api import Page, expect

BITCOIN_ADDRESS = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


def usdt(page: Page, part: str = "available"):
    return page.get_by_test_id("balance-USDT").get_by_test_id(f"balance-{part}")


def review_lightning(page: Page, msat: int) -> None:
    withdraw = page.get_by_test_id("withdraw-card")
    withdraw.get_by_test_id("withdraw-tab-lightning").click()
    withdraw.get_by_test_id("lightning-asset").click()
    page.get_by_role("option", name="USDT").click()
    invoice = lightning_invoice(msat=msat, date=int(time.time()), expiry=3600, currency="bc", description="Coffee")
    withdraw.locator("#lightning_invoice").fill(invoice)
    withdraw.get_by_test_id("withdraw-review").click()


def test_lightning_over_the_balance_and_cancel_a_queued_payout(new_context, screenshots: Path):
    page = new_context(viewport=DESKTOP).new_page()
    demo_login(page)
    page.get_by_test_id("faucet-USDT").click()
    expect(usdt(page)).to_have_text("100", timeout=CHAIN_TIMEOUT_MS)

    # 1 BTC is far above 100 USDT: Review says so on the form instead of doing nothing.
    review_lightning(page, 10**11)
    withdraw = page.get_by_test_id("withdraw-card")
    expect(withdraw.get_by_test_id("withdraw-error")).to_have_text("Not enough on your balance: 100 USDT available.")
    expect(withdraw.get_by_test_id("withdraw-quote")).to_have_count(0)
    shoot(page, screenshots, "desktop-wallet-lightning-over-balance")
    switch_language(page, "RU")
    expect(withdraw.get_by_test_id("withdraw-error")).to_have_text(
        "Недостаточно средств на балансе: доступно 100 USDT."
    )
    shoot(page, screenshots, "desktop-wallet-lightning-over-balance-ru")
    switch_language(page, "EN")
    expect(withdraw.get_by_test_id("withdraw-error")).to_have_text("Not enough on your balance: 100 USDT available.")

    # A payout the balance covers, queued; its owner cancels it before an operator takes it.
    review_lightning(page, 2_000_000)
    withdraw.get_by_test_id("withdraw-quote").get_by_test_id("withdraw-confirm").click()
    expect(page.get_by_text("Lightning payout requested.")).to_be_visible()
    row = page.get_by_test_id("recent-row").first
    expect(row.get_by_test_id("recent-status")).to_have_text("Queued")
    expect(usdt(page, "held")).not_to_have_text("0 USDT")
    shoot(page, screenshots, "desktop-wallet-recent-cancel")
    row.get_by_test_id("recent-cancel").click()
    dialog = page.get_by_test_id("recent-cancel-dialog")
    expect(dialog).to_contain_text("Nothing is sent.")
    shoot(page, screenshots, "desktop-wallet-cancel-dialog")
    # "Keep it" keeps it.
    dialog.get_by_role("button", name="Keep it").click()
    expect(row.get_by_test_id("recent-status")).to_have_text("Queued")
    row.get_by_test_id("recent-cancel").click()
    page.get_by_test_id("recent-cancel-confirm").click()
    expect(page.get_by_text("Payout cancelled.")).to_be_visible()
    expect(row.get_by_test_id("recent-status")).to_have_text("Cancelled")
    expect(row.get_by_test_id("recent-cancel")).to_have_count(0)
    expect(usdt(page)).to_have_text("100")
    expect(usdt(page, "held")).to_have_text("0 USDT")

    # On a phone, in Russian: the same refusal, and a Bitcoin payout cancelled.
    page.set_viewport_size(PHONE)
    review_lightning(page, 10**11)
    expect(withdraw.get_by_test_id("withdraw-error")).to_have_text("Not enough on your balance: 100 USDT available.")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-wallet-lightning-over-balance")
    switch_language(page, "RU")
    expect(withdraw.get_by_test_id("withdraw-error")).to_have_text(
        "Недостаточно средств на балансе: доступно 100 USDT."
    )
    assert_fits_width(page)
    shoot(page, screenshots, "phone-wallet-lightning-over-balance-ru")
    withdraw.get_by_test_id("withdraw-tab-bitcoin").click()
    withdraw.get_by_test_id("bitcoin-asset").click()
    page.get_by_role("option", name="USDT").click()
    withdraw.locator("#bitcoin_address").fill(BITCOIN_ADDRESS)
    withdraw.locator("#bitcoin_amount").fill("5")
    withdraw.get_by_test_id("withdraw-review").click()
    withdraw.get_by_test_id("withdraw-quote").get_by_test_id("withdraw-confirm").click()
    expect(row.get_by_test_id("recent-status")).to_have_text("В очереди")
    expect(usdt(page)).to_have_text("94")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-wallet-recent-cancel-ru")
    row.get_by_test_id("recent-cancel").click()
    expect(page.get_by_test_id("recent-cancel-dialog")).to_contain_text("Ничего не будет отправлено.")
    shoot(page, screenshots, "phone-wallet-cancel-dialog-ru")
    page.set_viewport_size(DESKTOP)
    shoot(page, screenshots, "desktop-wallet-cancel-dialog-ru")
    page.set_viewport_size(PHONE)
    page.get_by_test_id("recent-cancel-confirm").click()
    expect(row.get_by_test_id("recent-status")).to_have_text("Отменён")
    expect(usdt(page)).to_have_text("100")
    expect(usdt(page, "held")).to_have_text("0 USDT")
    assert_fits_width(page)
