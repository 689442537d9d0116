"""Fee sweeps in the browser: the operator lowers the TON threshold, a demo user's withdrawal fee reaches
it, the worker sweeps the fee account to the demo owner's wallet on the fake chain, and the console shows
the last sweep and the chart. English and Russian, desktop and phone."""

from __future__ import annotations

import asyncio
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from helpers import CHAIN_TIMEOUT_MS, DESKTOP, PHONE, assert_fits_width, demo_login, shoot, switch_language
from playwright.sync_api import Page, expect
from pytoniq_core import Address
from sqlalchemy.engine import make_url

from krypton_app.chain.factory import FAKE_CHAIN_FILE
from krypton_app.chain.fake import FakeChain
from krypton_app.settings import DEMO_FEE_OWNER_WALLET

SWEPT = re.compile(r"^([0-9.]+) TON$")


def open_sweeps(page: Page) -> None:
    page.goto("/operator")
    page.get_by_test_id("operator-tab-sweeps").click()
    expect(page.get_by_test_id("sweeps-panel")).to_be_visible()


def owner_transactions(app_database_url: str) -> list:
    """The demo owner's wallet as the app's fake chain keeps it (a file beside the app's database). In a
    thread: Playwright's event loop runs in this one, where asyncio.run() fails."""
    chain = FakeChain(store_path=Path(make_url(app_database_url).database).parent / FAKE_CHAIN_FILE)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, chain.transactions_after(DEMO_FEE_OWNER_WALLET, None)).result()


def test_withdrawal_fees_reach_a_low_threshold_and_are_swept(page: Page, app_database_url: str, screenshots: Path):
    page.set_viewport_size(DESKTOP)
    demo_login(page)  # demo logins are operators in the browser tests
    page.get_by_test_id("faucet-TON").click()
    expect(page.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text(
        "10", timeout=CHAIN_TIMEOUT_MS
    )

    open_sweeps(page)
    owner = Address(DEMO_FEE_OWNER_WALLET).to_str(is_user_friendly=True, is_bounceable=True, is_url_safe=True)
    expect(page.get_by_test_id("sweeps-owner")).to_have_text(owner)
    expect(page.get_by_test_id("sweeps-tile-threshold")).to_have_text("10 TON")
    # A threshold that is no amount: the catalog's message, nothing saved.
    page.get_by_test_id("sweeps-threshold-input").fill("1,000.5")
    page.get_by_test_id("sweeps-threshold-save").click()
    expect(page.get_by_test_id("sweeps-panel")).to_contain_text("Write the amount without thousands separators")
    page.get_by_test_id("sweeps-threshold-input").fill("0.05")
    page.get_by_test_id("sweeps-threshold-save").click()
    expect(page.get_by_text("Threshold saved")).to_be_visible()
    expect(page.get_by_test_id("sweeps-tile-threshold")).to_have_text("0.05 TON")

    # One withdrawal's fee (0.05 TON) reaches the threshold once the chain confirms the withdrawal.
    page.goto("/wallet")
    withdraw = page.get_by_test_id("withdraw-card")
    address = Address((0, os.urandom(32))).to_str(is_user_friendly=True, is_bounceable=False, is_url_safe=True)
    withdraw.locator("#ton_address").fill(address)
    withdraw.locator("#ton_amount").fill("1")
    withdraw.get_by_test_id("withdraw-review").click()
    withdraw.get_by_test_id("withdraw-quote").get_by_test_id("withdraw-confirm").click()
    recent = page.get_by_test_id("recent-card")
    expect(recent.get_by_test_id("recent-status").first).to_have_text("Confirmed", timeout=CHAIN_TIMEOUT_MS)

    # The worker makes the sweep, the sender sends it, the monitor confirms it: the console shows it.
    deadline = time.monotonic() + CHAIN_TIMEOUT_MS / 1000
    while True:
        open_sweeps(page)
        last = page.get_by_test_id("sweeps-last")
        # Fees earlier tests of the run left may be swept first, as soon as the threshold drops: wait for
        # the sweep that took this withdrawal's fee too, which leaves the fee balance empty.
        balance = page.get_by_test_id("sweeps-tile-balance").inner_text()
        if last.count() and "Confirmed" in last.inner_text() and balance == "0 TON":
            break
        assert time.monotonic() < deadline, "no confirmed sweep in the console"
        page.wait_for_timeout(1000)
    amount_text = page.get_by_test_id("sweeps-last-amount").inner_text()
    swept = SWEPT.match(amount_text)
    assert swept, amount_text
    # At least this withdrawal's fee: earlier tests of the run may have left fees in the account too.
    assert float(swept[1]) >= 0.05
    expect(page.get_by_test_id("sweeps-tile-balance")).to_have_text("0 TON")
    tx_hash = page.get_by_test_id("sweeps-last-tx").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", tx_hash), tx_hash
    # The chart draws today's bars: fees collected and swept.
    expect(page.get_by_test_id("sweeps-chart").locator(".recharts-bar-rectangle").first).to_be_visible()

    # On the chain: the owner's wallet received the sweep, with its comment, exactly once.
    arrived = [tx for tx in owner_transactions(app_database_url) if (tx.comment or "").startswith("Fee sweep #")]
    sweep_ids = {tx.comment for tx in arrived}
    assert len(sweep_ids) == len(arrived), "a sweep arrived twice"
    assert round(arrived[-1].amount / 10**9, 9) == float(swept[1])
    print(f"\nsweep seen in the e2e run: {amount_text} to {owner} in chain tx {tx_hash}")

    # Nothing left: a forced sweep is refused with the catalog's message.
    page.get_by_test_id("sweeps-force").click()
    expect(page.get_by_test_id("sweeps-panel")).to_contain_text("There are no fees to sweep in this asset.")
    shoot(page, screenshots, "desktop-operator-sweeps")

    switch_language(page, "RU")
    open_sweeps(page)  # amounts and dates are written in the language of the load, as on every page
    expect(page.get_by_test_id("operator-tab-sweeps")).to_contain_text("Комиссии и выводы")
    expect(page.get_by_test_id("sweeps-tile-threshold")).to_have_text("0,05 TON")
    expect(page.get_by_test_id("sweeps-last")).to_contain_text("Подтверждён")
    shoot(page, screenshots, "desktop-operator-sweeps-ru")

    page.set_viewport_size(PHONE)
    open_sweeps(page)
    expect(page.get_by_test_id("sweeps-last")).to_be_visible()
    assert_fits_width(page)
    shoot(page, screenshots, "phone-operator-sweeps-ru")
    switch_language(page, "EN")
    expect(page.get_by_test_id("sweeps-last")).to_contain_text("Confirmed")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-operator-sweeps")

    # The rest of the run keeps the default threshold.
    page.get_by_test_id("sweeps-threshold-input").fill("10")
    page.get_by_test_id("sweeps-threshold-save").click()
    expect(page.get_by_test_id("sweeps-tile-threshold")).to_have_text("10 TON")
