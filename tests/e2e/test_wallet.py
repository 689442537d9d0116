"""Money through the whole stack in a browser: demo faucet → FakeChain → chain monitor → ledger → the
open tab (no reload); a TON withdrawal that the worker sends and the monitor confirms; history and
its CSV; a Bitcoin payout the operator marks paid; the ledger invariants. Desktop and phone."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from builders import lightning_invoice
from helpers import DESKTOP, PHONE, assert_fits_width, demo_login, shoot, url_of
from playwright.sync_api import Page, expect
from pytoniq_core import Address

# Chain steps (monitor poll 0.5 s, worker, confirmations) take a few seconds, not fifteen.
CHAIN_TIMEOUT_MS = 30_000
# A well-formed mainnet P2WPKH address (BIP-173's example).
# Addresses and invoices of this file only: the operator's queue is shared by the whole run, and other
# tests (a purchase paid out to Bitcoin, a promise cashed out) leave theirs in it.
BITCOIN_ADDRESS = "bc1qhvlk7npm6r7zmwvkspaqz38s8qwl4dnf3ujgmc"
TXID = "ab" * 32
PREIMAGE = os.urandom(32)


def fresh_ton_address() -> str:
    """A wallet nobody has used: non-bounceable, as wallets show an uninitialised address."""
    return Address((0, os.urandom(32))).to_str(is_user_friendly=True, is_bounceable=False, is_url_safe=True)


def balance(page: Page, asset: str, part: str = "available"):
    return page.get_by_test_id(f"balance-{asset}").get_by_test_id(f"balance-{part}")


def test_deposit_withdraw_history_payout(page: Page, screenshots: Path):
    page.set_viewport_size(DESKTOP)
    demo_login(page)

    # Deposit instructions: address, personal memo with its warning, the ton:// link and its QR.
    deposit = page.get_by_test_id("deposit-card")
    expect(deposit.get_by_test_id("deposit-address")).to_have_text(re.compile(r"^[A-Za-z0-9_-]{48}$"))
    memo = deposit.get_by_test_id("deposit-memo").inner_text()
    assert memo.strip()
    expect(deposit.get_by_test_id("deposit-memo-warning")).to_contain_text("cannot be credited automatically")
    link = deposit.get_by_test_id("deposit-link-TON")
    assert link.get_attribute("href").startswith("ton://transfer/")
    assert memo in link.get_attribute("href")
    assert deposit.get_by_test_id("deposit-qr-TON").get_attribute("src").startswith("data:image/svg+xml")
    deposit.get_by_test_id("deposit-tab-USDT").click()
    expect(deposit.get_by_test_id("deposit-memo-warning")).to_contain_text("USDT on TON")
    expect(deposit.get_by_test_id("deposit-qr-USDT")).to_be_visible()
    deposit.get_by_test_id("deposit-tab-TON").click()

    # The demo faucet sends 10 TON through the fake chain; the monitor credits it and the open tab
    # shows it without a reload, with a toast.
    page.get_by_test_id("faucet-TON").click()
    expect(balance(page, "TON")).to_have_text("10", timeout=CHAIN_TIMEOUT_MS)
    expect(page.get_by_text("Deposit received: +10 TON")).to_have_count(1)
    expect(page.get_by_test_id("balance-TON").get_by_test_id("balance-fiat")).to_have_text("≈ 52.00 USD")

    # A wrong address: the catalog's message under the field, the input kept.
    withdraw = page.get_by_test_id("withdraw-card")
    address_input = withdraw.locator("#ton_address")
    address_input.fill("EQ-not-an-address")
    withdraw.locator("#ton_amount").fill("1")
    withdraw.get_by_test_id("withdraw-review").click()
    expect(withdraw.get_by_test_id("withdraw-field-address")).to_contain_text("This is not a TON address.")
    expect(address_input).to_have_value("EQ-not-an-address")

    # Quote first (fee and total), then confirm; a double click still withdraws once.
    address_input.fill(fresh_ton_address())
    withdraw.get_by_test_id("withdraw-review").click()
    quote = withdraw.get_by_test_id("withdraw-quote")
    expect(quote).to_contain_text("1.05 TON")
    shoot(page, screenshots, "desktop-wallet-quote")
    quote.get_by_test_id("withdraw-confirm").dblclick()
    expect(page.get_by_text("Withdrawal requested.")).to_be_visible()
    expect(balance(page, "TON")).to_have_text("8.95")
    recent = page.get_by_test_id("recent-card")
    expect(recent.get_by_test_id("recent-row")).to_have_count(1)
    expect(address_input).to_have_value("")

    # The worker signs and sends it from the hot wallet; the monitor sees it and settles the hold.
    expect(recent.get_by_test_id("recent-status")).to_have_text("Confirmed", timeout=CHAIN_TIMEOUT_MS)
    expect(balance(page, "TON", "held")).to_have_text("0 TON")
    expect(balance(page, "TON")).to_have_text("8.95")
    shoot(page, screenshots, "desktop-wallet-funded")

    # History: the deposit and the withdrawal, and the same rows as CSV.
    page.get_by_test_id("wallet-tab-history").click()
    expect(page).to_have_url(url_of("/history"))
    history = page.get_by_test_id("history")
    # Retrying checks, not one read of whatever rows are drawn at that moment.
    for kind in ("Deposit", "Withdrawal sent", "Withdrawal requested"):
        expect(history.get_by_test_id("history-row").filter(has_text=kind).first).to_be_visible()
    # Each says what it was about, never an internal memo: where the money came from, where it went.
    rows = history.get_by_test_id("history-row")
    expect(rows.filter(has_text="Deposit").get_by_test_id("history-about")).to_have_text("From the TON blockchain")
    sent = rows.filter(has_text="Withdrawal sent").get_by_test_id("history-about")
    expect(sent).to_have_text(re.compile(r"^To [A-Za-z0-9_-]{6}…[A-Za-z0-9_-]{6}$"))
    expect(history).not_to_contain_text("chain tx")
    expect(history).not_to_contain_text(re.compile(r"withdrawal \d+ to"))
    assert_fits_width(page)
    shoot(page, screenshots, "desktop-history")
    # The kind filter lists every kind, those of deals, ads and invoices too.
    history.get_by_test_id("history-kind").click()
    for label in ("Deal escrow", "Deal: operator's decision", "Ad reserve", "Invoice payment", "Invoice part refunded"):
        expect(page.get_by_role("option", name=label, exact=True)).to_be_visible()
    page.get_by_role("option", name="Deposit", exact=True).click()
    expect(rows).to_have_count(1)
    page.get_by_test_id("history-kind").click()
    page.get_by_role("option", name="All kinds").click()
    expect(rows).to_have_count(3)
    # The language switch applies to labels and descriptions at once, without reading the history again.
    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(rows.filter(has_text="Пополнение").get_by_test_id("history-about")).to_have_text("Из блокчейна TON")
    expect(rows.filter(has_text="Вывод отправлен").get_by_test_id("history-about")).to_contain_text("На адрес ")
    shoot(page, screenshots, "desktop-history-ru")
    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
    expect(rows.filter(has_text="Deposit").get_by_test_id("history-about")).to_have_text("From the TON blockchain")
    with page.expect_download() as download_info:
        history.get_by_test_id("history-csv").click()
    download = download_info.value
    assert download.suggested_filename == "krypton-history.csv"
    csv_text = Path(download.path()).read_text()
    header, *lines = csv_text.strip().splitlines()
    assert "kind" in header.lower() and "asset" in header.lower(), header
    assert any("deposit" in line and "TON" in line for line in lines), csv_text
    assert any("withdrawal" in line for line in lines), csv_text
    assert header.endswith(",description"), header
    assert any(line.startswith(tuple("0123456789")) and "From the TON blockchain" in line for line in lines)

    # A Bitcoin payout: converted at the rate, queued for the operator.
    page.get_by_test_id("wallet-tab-wallet").click()
    expect(page).to_have_url(url_of("/wallet"))
    withdraw = page.get_by_test_id("withdraw-card")
    withdraw.get_by_test_id("withdraw-tab-bitcoin").click()
    withdraw.locator("#bitcoin_address").fill(BITCOIN_ADDRESS)
    withdraw.locator("#bitcoin_amount").fill("2")
    withdraw.get_by_test_id("withdraw-review").click()
    quote = withdraw.get_by_test_id("withdraw-quote")
    expect(quote).to_contain_text("sat")
    expect(quote).to_contain_text("1 TON ≈ 0.000052 BTC")
    quote.get_by_test_id("withdraw-confirm").click()
    expect(page.get_by_text("Bitcoin payout requested.")).to_be_visible()
    recent = page.get_by_test_id("recent-card")
    expect(recent.get_by_test_id("recent-row").first.get_by_test_id("recent-status")).to_have_text("Queued")

    # The operator pays it from the queue; the user's hold is settled.
    page.get_by_role("link", name="Operator").click()
    expect(page).to_have_url(url_of("/operator"))
    item = page.get_by_test_id("payout-item").filter(has_text=BITCOIN_ADDRESS)
    expect(item).to_have_count(1)
    expect(item.get_by_test_id("payout-destination")).to_have_text(BITCOIN_ADDRESS)
    shoot(page, screenshots, "desktop-operator")
    item.get_by_placeholder("Transaction id or preimage").fill(TXID)
    item.get_by_test_id("payout-mark-paid").click()
    expect(page.get_by_text("Payout marked as paid.")).to_be_visible()
    expect(item).to_have_count(0)
    page.get_by_test_id("operator-tab-invariants").click()
    expect(page.get_by_test_id("invariants-status")).to_have_text("Ledger OK")
    shoot(page, screenshots, "desktop-operator-invariants")

    page.goto("/wallet")
    expect(page.get_by_test_id("recent-row").first.get_by_test_id("recent-status")).to_have_text("Paid")
    expect(balance(page, "TON", "held")).to_have_text("0 TON")


def test_lightning_payout_history_operator_on_a_phone(new_context, screenshots: Path):
    page = new_context(viewport=PHONE).new_page()
    demo_login(page)
    page.get_by_test_id("faucet-USDT").click()
    expect(balance(page, "USDT")).to_have_text("100", timeout=CHAIN_TIMEOUT_MS)
    expect(page.get_by_test_id("deposit-qr-TON")).to_be_visible()

    # A Lightning invoice: its amount, description and expiry are shown before paying it from USDT.
    withdraw = page.get_by_test_id("withdraw-card")
    withdraw.get_by_test_id("withdraw-tab-lightning").click()
    withdraw.get_by_test_id("lightning-asset").click()
    page.get_by_role("option", name="USDT").click()
    invoice = lightning_invoice(
        msat=2_000_000, preimage=PREIMAGE, date=int(time.time()), expiry=3600, currency="bc",
        description="Coffee for Alice",
    )  # fmt: skip
    withdraw.locator("#lightning_invoice").fill(invoice)
    withdraw.get_by_test_id("withdraw-review").click()
    quote = withdraw.get_by_test_id("withdraw-quote")
    expect(quote).to_contain_text("2,000 sat")
    expect(quote).to_contain_text("Coffee for Alice")
    expect(quote).to_contain_text("Expires")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-wallet-lightning-quote")
    quote.get_by_test_id("withdraw-confirm").click()
    expect(page.get_by_text("Lightning payout requested.")).to_be_visible()
    expect(page.get_by_test_id("recent-status")).to_have_text("Queued")
    expect(balance(page, "USDT", "held")).not_to_have_text("0 USDT")
    assert_fits_width(page)

    # The history is a list of cards on a phone, not a wide table.
    page.get_by_test_id("wallet-tab-history").click()
    expect(page.get_by_test_id("history-card")).to_have_count(2)
    expect(page.get_by_test_id("history-row").first).to_be_hidden()
    cards = page.get_by_test_id("history-card")
    expect(cards.filter(has_text="Deposit").get_by_test_id("history-about")).to_have_text("From the TON blockchain")
    expect(cards.filter(has_text="Payout requested").get_by_test_id("history-about")).to_have_text(
        re.compile(r"^Lightning invoice lnbc\w{2,}…\w{6}$")
    )
    assert_fits_width(page)
    shoot(page, screenshots, "phone-history")
    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(cards.filter(has_text="Запрос на выплату").get_by_test_id("history-about")).to_contain_text("Lightning-счёт")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-history-ru")
    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
    expect(cards.filter(has_text="Deposit").get_by_test_id("history-about")).to_have_text("From the TON blockchain")

    # The operator pays the invoice; its preimage is the proof.
    page.get_by_test_id("menu-button").click()
    page.get_by_role("menuitem", name="Operator").click()
    expect(page).to_have_url(url_of("/operator"))
    item = page.get_by_test_id("payout-item").filter(has_text=invoice)
    expect(item).to_have_count(1)
    assert_fits_width(page)
    shoot(page, screenshots, "phone-operator")
    item.get_by_placeholder("Transaction id or preimage").fill("00" * 32)
    item.get_by_test_id("payout-mark-paid").click()
    expect(item).to_contain_text("This preimage does not belong to the invoice.")
    item.get_by_placeholder("Transaction id or preimage").fill(PREIMAGE.hex())
    item.get_by_test_id("payout-mark-paid").click()
    expect(item).to_have_count(0)
    page.get_by_test_id("operator-tab-invariants").click()
    expect(page.get_by_test_id("invariants-status")).to_have_text("Ledger OK")
    assert_fits_width(page)
