"""The deal page says when a dispute becomes possible (issue 11): before "I have paid" the rule, after
it a countdown while the dispute button waits; then the dispute opens. The browser tests' server waits
15 s after "paid" (10 min by default), which the rule shows as "< 1 min"."""

from __future__ import annotations

from pathlib import Path

from helpers import (
    DESKTOP,
    PHONE,
    assert_fits_width,
    demo_login,
    funded_login,
    open_deal_on,
    post_sell_ad,
    shoot,
    switch_language,
)
from playwright.sync_api import Page, expect

TERMS = "Dispute wait ad: SBP only."


def shoot_four(page: Page, screenshots: Path, name: str, texts: dict[str, str], test_id: str) -> None:
    """Desktop and phone, English then Russian, each checked for `texts[lang]` and for fitting the width."""
    for lang in ("EN", "RU"):
        page.set_viewport_size(DESKTOP)
        switch_language(page, lang)
        expect(page.get_by_test_id(test_id)).to_contain_text(texts[lang])
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            assert_fits_width(page)
            shoot(page, screenshots, f"{label}-{name}-{lang.lower()}")
    page.set_viewport_size(DESKTOP)
    switch_language(page, "EN")


def shoot_dialog(page: Page, screenshots: Path, name: str, trigger: str, texts: dict[str, str]) -> None:
    """The confirmation `trigger` opens, desktop and phone, English then Russian; closed with "Go back"
    each time, so nothing happens until the test confirms it."""
    for lang in ("EN", "RU"):
        switch_language(page, lang)
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.get_by_test_id(trigger).click()
            expect(page.get_by_test_id(f"{trigger}-text")).to_contain_text(texts[lang])
            page.wait_for_timeout(300)
            page.screenshot(path=str(screenshots / f"{label}-{name}-{lang.lower()}.png"))
            page.get_by_test_id(f"{trigger}-back").click()
            expect(page.get_by_test_id(f"{trigger}-text")).to_have_count(0)
    page.set_viewport_size(DESKTOP)
    switch_language(page, "EN")


def test_the_deal_page_says_when_a_dispute_becomes_possible(new_context, screenshots: Path):
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)
    post_sell_ad(seller, terms=TERMS)
    buyer = new_context(viewport=DESKTOP).new_page()
    demo_login(buyer)
    open_deal_on(buyer, terms=TERMS, amount="1")

    expect(buyer.get_by_test_id("deal-dispute-rule")).to_have_text(
        "Either side may open a dispute < 1 min after the buyer marks the deal paid."
    )
    expect(buyer.get_by_test_id("deal-dispute-when")).to_have_count(0)
    rule = {"EN": "Either side may open a dispute", "RU": "Любая сторона может открыть спор через"}
    shoot_four(buyer, screenshots, "deal-dispute-rule", rule, "deal-dispute-rule")

    # Cancel asks first too: before "paid" the buyer's cancel ends the deal at once, and says so.
    buyer.get_by_test_id("deal-cancel").click()
    expect(buyer.get_by_test_id("deal-cancel-text")).to_have_text(
        "The deal ends now, and 1 TON goes back to the seller. This cannot be undone."
    )
    buyer.get_by_test_id("deal-cancel-back").click()
    expect(buyer.get_by_test_id("deal-status")).to_have_text("Awaiting payment")

    # "I have paid" asks first, naming the fiat amount and the seller; going back changes nothing.
    paid = {"EN": "Confirm that you sent 250.00 RUB to", "RU": "Подтвердите, что вы перевели 250,00 RUB"}
    shoot_dialog(buyer, screenshots, "deal-confirm-paid", "deal-mark-paid", paid)
    expect(buyer.get_by_test_id("deal-status")).to_have_text("Awaiting payment")
    buyer.get_by_test_id("deal-mark-paid").click()
    buyer.get_by_test_id("deal-mark-paid-confirm").click()
    when = buyer.get_by_test_id("deal-dispute-when")
    expect(when).to_contain_text("A dispute can be opened in 00:")
    expect(buyer.get_by_test_id("deal-dispute")).to_be_disabled()
    expect(buyer.get_by_test_id("deal-dispute-rule")).to_have_count(0)
    countdown = {"EN": "A dispute can be opened in 00:", "RU": "Спор можно будет открыть через 00:"}
    shoot_four(buyer, screenshots, "deal-dispute-countdown", countdown, "deal-dispute-when")

    # The countdown ends by itself (the page's watcher ticks it), and the button opens the dispute.
    expect(when).to_have_count(0, timeout=20_000)
    buyer.get_by_test_id("deal-dispute").click()
    expect(buyer.get_by_test_id("deal-dispute-text")).to_contain_text("decide who gets 1 TON")
    shoot(buyer, screenshots, "desktop-deal-confirm-dispute")
    buyer.get_by_test_id("deal-dispute-confirm").click()
    expect(buyer.get_by_test_id("deal-status")).to_have_text("In dispute")
