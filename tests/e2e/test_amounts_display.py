"""Amounts, dates and counts as people read them, in a browser: the wallet and its lists show a rounded
amount with every digit on hover, in English and Russian (decimal comma, no-break group space, the
language's date and plural forms); the bell's badge sits clear of the glyph, toasts appear below the
header, and each kind of notification a trader gets opens its deal."""

from __future__ import annotations

import os
import re
from pathlib import Path

from helpers import (
    DEAL_URL,
    DESKTOP,
    PHONE,
    assert_fits_width,
    demo_login,
    funded_login,
    open_deal_on,
    post_sell_ad,
    shoot,
    url_of,
)
from playwright.sync_api import Page, expect
from pytoniq_core import Address

CHAIN_TIMEOUT_MS = 30_000
LIVE_TIMEOUT_MS = 10_000
TERMS = "Formatting e2e ad: SBP only."
# More digits than a list shows: the wallet rounds to four, the tooltip keeps all nine.
ODD_AMOUNT = "1.123456789"


def fresh_ton_address() -> str:
    return Address((0, os.urandom(32))).to_str(is_user_friendly=True, is_bounceable=False, is_url_safe=True)


def available(page: Page):
    return page.get_by_test_id("balance-TON").get_by_test_id("balance-available")


def switch_language(page: Page, name: str, history_tab: str) -> None:
    """Press the header's switch and wait until the page shows it (the cookie is set with that update),
    so the next page load is read in the new language."""
    page.get_by_test_id("language-switch").get_by_role("radio", name=name).click()
    expect(page.get_by_test_id("wallet-tab-history")).to_have_text(history_tab)


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found


def overlap_area(a: dict, b: dict) -> float:
    width = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    height = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return max(width, 0) * max(height, 0)


def test_amounts_round_for_lists_with_every_digit_on_hover_in_both_languages(page: Page, screenshots: Path):
    page.set_viewport_size(DESKTOP)
    funded_login(page)

    withdraw = page.get_by_test_id("withdraw-card")
    withdraw.locator("#ton_address").fill(fresh_ton_address())
    withdraw.locator("#ton_amount").fill(ODD_AMOUNT)
    withdraw.get_by_test_id("withdraw-review").click()
    # What is confirmed is exact: the quote shows every digit.
    expect(withdraw.get_by_test_id("withdraw-quote")).to_contain_text(f"{ODD_AMOUNT} TON")
    withdraw.get_by_test_id("withdraw-confirm").click()

    # The toast appears below the header, clear of its controls (the bell, language, account).
    toast = page.locator("[data-sonner-toast]").filter(has_text="Withdrawal requested.")
    expect(toast).to_be_visible()
    # It slides in from above: measured where it comes to rest.
    page.wait_for_function("el => el.getBoundingClientRect().top >= 64", arg=toast.element_handle(), timeout=3000)
    toast_box = box(toast)
    for control in ("language-switch", "bell", "account-address"):
        if page.get_by_test_id(control).is_visible():
            assert overlap_area(toast_box, box(page.get_by_test_id(control))) == 0, control

    # 10 - 1.123456789 - 0.05 fee = 8.826543211: the card rounds down, the tooltip has every digit.
    expect(available(page)).to_have_text("8.8265")
    expect(available(page)).to_have_attribute("title", "8.826543211 TON")
    recent = page.get_by_test_id("recent-card").get_by_test_id("recent-row").first
    expect(recent.get_by_test_id("recent-amount")).to_have_text("1.1234 TON")
    expect(recent.get_by_test_id("recent-amount")).to_have_attribute("title", f"{ODD_AMOUNT} TON")
    expect(recent).to_contain_text(re.compile(r"[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} UTC"))
    shoot(page, screenshots, "desktop-wallet-amounts-en")

    page.get_by_test_id("wallet-tab-history").click()
    expect(page).to_have_url(url_of("/history"))
    history = page.get_by_test_id("history")
    expect(history.get_by_test_id("history-change").filter(has_text="−1.1734").first).to_have_attribute(
        "title", "−1.173456789"
    )
    expect(page.get_by_test_id("history-total")).to_have_text(re.compile(r"^\d+ movements$"))
    shoot(page, screenshots, "desktop-history-amounts-en")

    # Russian: a decimal comma, its own date form and plural. The open page re-formats by itself (its
    # watcher's next round), and so does the wallet when the tab goes there.
    switch_language(page, "RU", "История")
    expect(page.get_by_test_id("history-total")).to_have_text(re.compile(r"^\d+ движени(е|я|й)$"))
    expect(page.get_by_test_id("history-change").filter(has_text="−1,1734").first).to_be_visible()
    page.get_by_test_id("wallet-tab-wallet").click()
    expect(available(page)).to_have_text("8,8265")
    expect(available(page)).to_have_attribute("title", "8,826543211 TON")
    recent = page.get_by_test_id("recent-card").get_by_test_id("recent-row").first
    expect(recent.get_by_test_id("recent-amount")).to_have_text("1,1234 TON")
    expect(recent).to_contain_text(re.compile(r"\d{1,2} [а-я]{3,4}\.? \d{4}\s?г\., \d{2}:\d{2} UTC"))
    shoot(page, screenshots, "desktop-wallet-amounts-ru")
    page.goto("/history")
    expect(page.get_by_test_id("history-total")).to_have_text(re.compile(r"^\d+ движени(е|я|й)$"))
    shoot(page, screenshots, "desktop-history-amounts-ru")

    # The phone: the same amounts, nothing wider than the screen.
    page.set_viewport_size(PHONE)
    page.goto("/wallet")
    expect(available(page)).to_have_text("8,8265")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-wallet-amounts-ru")
    page.goto("/history")
    expect(page.get_by_test_id("history-total")).to_be_visible()
    assert_fits_width(page)
    shoot(page, screenshots, "phone-history-amounts-ru")
    switch_language(page, "EN", "History")
    page.goto("/wallet")
    expect(available(page)).to_have_text("8.8265")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-wallet-amounts-en")
    page.goto("/history")
    expect(page.get_by_test_id("history-total")).to_have_text(re.compile(r"^\d+ movements$"))
    shoot(page, screenshots, "phone-history-amounts-en")


def test_each_notification_opens_its_deal_and_the_badge_leaves_the_bell_visible(new_context, screenshots: Path):
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)
    post_sell_ad(seller, terms=TERMS)
    buyer = new_context(viewport=DESKTOP).new_page()
    demo_login(buyer)
    deal_id = open_deal_on(buyer, terms=TERMS, amount="1")
    deal_path = f"/deals/{deal_id}"
    # Three kinds reach the seller: the new deal, a chat message and the status change "paid".
    buyer.get_by_test_id("chat-input").fill("Hello, paying now.")
    buyer.get_by_test_id("chat-send").click()
    expect(buyer.get_by_test_id("chat-message").filter(has_text="Hello, paying now.")).to_be_visible()
    buyer.get_by_test_id("deal-mark-paid").click()
    buyer.get_by_test_id("deal-mark-paid-confirm").click()
    expect(buyer.get_by_test_id("deal-status")).to_have_text("Payment sent")

    seller.goto("/wallet")
    badge = seller.get_by_test_id("bell-count")
    expect(badge).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    # The count sits above the glyph's top-right corner: at most that empty corner of the glyph's
    # square is under it (the old badge covered a third of the bell).
    glyph = box(seller.get_by_test_id("bell").locator("svg"))
    pill = box(badge)
    assert overlap_area(pill, glyph) <= 0.1 * glyph["width"] * glyph["height"], (pill, glyph)
    assert pill["y"] + pill["height"] <= glyph["y"] + 0.25 * glyph["height"], (pill, glyph)
    assert pill["y"] >= 0, pill
    shoot(seller, screenshots, "desktop-bell-badge")

    texts = (f"New deal #{deal_id}", f"New message in deal #{deal_id}", f"Deal #{deal_id}: the buyer says")
    for text in texts:
        seller.get_by_test_id("bell").click()
        entry = seller.get_by_test_id("notification").filter(has_text=text).first
        expect(entry).to_be_visible()
        entry.click()
        expect(seller).to_have_url(DEAL_URL)
        assert seller.url.rstrip("/").endswith(deal_path), seller.url
        expect(seller.get_by_test_id("deal-role")).to_have_text("Seller")
        seller.goto("/wallet")
    seller.set_viewport_size(PHONE)
    seller.get_by_test_id("bell").click()
    expect(seller.get_by_test_id("notifications")).to_be_visible()
    shoot(seller, screenshots, "phone-notifications")
