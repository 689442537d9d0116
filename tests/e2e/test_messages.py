"""Messages say what is wrong (issue 11, item 10): an ad with a 300-character unbroken word keeps the
market within a phone's width; a refused amount says why, and "1,5" is read as 1.5; a chat message
the service refuses stays in the input to be shortened, with a counter against the limit."""

from __future__ import annotations

from pathlib import Path

from helpers import (
    DEAL_URL,
    DESKTOP,
    PHONE,
    assert_fits_width,
    demo_login,
    funded_login,
    market_card,
    post_sell_ad,
    shoot,
    switch_language,
)
from playwright.sync_api import Page, expect

WORD = "W" * 300
TERMS = f"Wrap test ad {WORD}"


def shoot_four(page: Page, screenshots: Path, name: str) -> None:
    """Desktop and phone, English and Russian, each checked for fitting the width."""
    for lang in ("EN", "RU"):
        page.set_viewport_size(DESKTOP)
        switch_language(page, lang)
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.wait_for_timeout(200)
            assert_fits_width(page)
            shoot(page, screenshots, f"{label}-{name}-{lang.lower()}")
    page.set_viewport_size(DESKTOP)
    switch_language(page, "EN")


def test_long_terms_wrap_amounts_say_why_and_chat_keeps_a_refused_message(new_context, screenshots: Path):
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)
    post_sell_ad(seller, terms=TERMS)

    buyer = new_context(viewport=PHONE).new_page()
    demo_login(buyer)
    ad = market_card(buyer, "Wrap test ad")
    expect(ad).to_be_visible()
    assert_fits_width(buyer)  # was 14,000 px wide on a phone

    # A refused amount says why; a decimal comma is a decimal point.
    ad.get_by_test_id("deal-amount").fill("1.0000000001")
    ad.get_by_test_id("open-deal").click()
    expect(ad).to_contain_text("At most 9 digits after the decimal point.")
    ad.get_by_test_id("deal-amount").fill("1,500")
    ad.get_by_test_id("open-deal").click()
    expect(ad).to_contain_text("Write the amount without thousands separators")
    shoot_four(buyer, screenshots, "market-amount-message")

    # The ad's own page wraps the terms too.
    ad.get_by_test_id("ad-details").click()
    expect(buyer.get_by_test_id("ad-terms")).to_contain_text(WORD)
    shoot_four(buyer, screenshots, "ad-long-terms")
    buyer.go_back()
    expect(ad).to_be_visible()

    ad.get_by_test_id("deal-amount").fill("1,5")
    ad.get_by_test_id("open-deal").click()
    expect(buyer).to_have_url(DEAL_URL)
    expect(buyer.get_by_test_id("deal-amount-value")).to_contain_text("1.5")

    # The input stops at the service's limit and counts...
    chat = buyer.get_by_test_id("chat-input")
    assert chat.get_attribute("maxlength") == "2000"
    chat.fill("x" * 10)
    expect(buyer.get_by_test_id("chat-counter")).to_have_text("10 / 2000")
    # ...and a message the service refuses anyway (maxlength taken off, as a script could) is kept.
    chat.evaluate("el => el.removeAttribute('maxlength')")
    chat.fill("y" * 5000)
    buyer.get_by_test_id("chat-send").click()
    expect(buyer.get_by_text("A message may be at most 2000 characters.")).to_be_visible()
    assert len(chat.input_value()) == 5000
    shoot_four(buyer, screenshots, "deal-chat-refused")
    chat.fill("Shorter now")
    buyer.get_by_test_id("chat-send").click()
    expect(buyer.get_by_test_id("chat-message").filter(has_text="Shorter now")).to_be_visible()
    expect(chat).to_have_value("")
    # A long unbroken word in the chat wraps inside its bubble on a phone.
    chat.fill(WORD)
    buyer.get_by_test_id("chat-send").click()
    expect(buyer.get_by_test_id("chat-message").filter(has_text=WORD)).to_be_visible()
    buyer.set_viewport_size(PHONE)
    assert_fits_width(buyer)
