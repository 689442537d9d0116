"""The deal fee in the browser (SPEC F12): with a 1 % deal fee paid by the taker, the ad's page states the
fee beside "Open deal" and, once an amount is typed, what it takes from what the buyer receives; the deal
page says who pays it; after the release the buyer has the amount less the fee and the fee account has the
fee. Screenshots of the deal-opening screen (desktop and 390 px, English and Russian). The rule in force
before the test is set back at the end: the tests share one server."""

from __future__ import annotations

from pathlib import Path

from builders import fees_collected, set_fee
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
    url_of,
)
from playwright.sync_api import expect

from krypton_app.db import UnitOfWork, make_engine
from krypton_app.domain.fees import DEAL, TAKER
from krypton_app.domain.money import format_amount
from krypton_app.services.fees import fee_rule

TERMS = "Fee test: SBP, name must match."
LIVE_TIMEOUT_MS = 10_000


def test_the_deal_fee_is_shown_before_opening_and_charged_as_shown(new_context, app_database_url, screenshots: Path):
    uow = UnitOfWork(make_engine(app_database_url))
    before = fee_rule(uow, DEAL, "TON")
    fees_before = fees_collected(uow)
    operator = set_fee(uow, DEAL, percent="1", payer=TAKER)
    try:
        seller = new_context(viewport=DESKTOP).new_page()
        funded_login(seller)
        post_sell_ad(seller, terms=TERMS)

        buyer = new_context(viewport=DESKTOP).new_page()
        demo_login(buyer)
        card = market_card(buyer, TERMS)
        expect(card.get_by_test_id("deal-fee")).to_have_text(
            "Platform fee: 1 % of the amount, taken from the TON you receive."
        )
        card.get_by_test_id("ad-details").click()
        # The ad's own page, not the market's card still on screen while the browser navigates.
        expect(buyer).to_have_url(url_of(r"/market/ads/\d+"))
        expect(buyer.get_by_test_id("trader-card")).to_be_visible()
        expect(buyer.get_by_test_id("deal-fee")).to_contain_text("taken from the TON you receive")
        buyer.get_by_test_id("deal-amount").fill("2")
        fee = buyer.get_by_test_id("deal-fee")
        expect(fee).to_have_text("Fee on this amount: 0.02 TON; you receive 1.98 TON.")
        for lang, text in (
            ("EN", "Fee on this amount: 0.02 TON; you receive 1.98 TON."),
            ("RU", "Комиссия с этой суммы: 0,02 TON; вы получите 1,98 TON."),
        ):
            switch_language(buyer, lang)
            expect(fee).to_have_text(text)
            buyer.set_viewport_size(DESKTOP)
            shoot(buyer, screenshots, f"desktop-deal-fee-open-{lang.lower()}")
            buyer.set_viewport_size(PHONE)
            assert_fits_width(buyer)
            # The form in the window: a full-page picture draws the fixed bottom bar over it.
            fee.evaluate("e => e.scrollIntoView({block: 'center'})")
            buyer.wait_for_timeout(300)
            buyer.screenshot(path=str(screenshots / f"phone-deal-fee-open-{lang.lower()}.png"))
        switch_language(buyer, "EN")
        buyer.set_viewport_size(DESKTOP)

        buyer.get_by_test_id("open-deal").click()
        expect(buyer).to_have_url(DEAL_URL)
        deal_id = DEAL_URL.match(buyer.url).group(1)
        expect(buyer.get_by_test_id("deal-fee")).to_have_text("0.02 TON · paid by you")
        expect(buyer.get_by_test_id("deal-owed")).to_contain_text("Release: 1.98 TON to the buyer's balance.")
        shoot(buyer, screenshots, "desktop-deal-fee-deal")
        buyer.get_by_test_id("deal-mark-paid").click()
        buyer.get_by_test_id("deal-mark-paid-confirm").click()
        expect(buyer.get_by_test_id("deal-status")).to_have_text("Payment sent")

        seller.goto(f"/deals/{deal_id}")
        expect(seller.get_by_test_id("deal-fee")).to_have_text("0.02 TON · paid by the buyer, out of the release")
        seller.get_by_test_id("deal-release").click()
        seller.get_by_test_id("deal-release-confirm").click()
        expect(seller.get_by_test_id("deal-status")).to_have_text("Completed")
        expect(buyer.get_by_test_id("deal-status")).to_have_text("Completed", timeout=LIVE_TIMEOUT_MS)

        buyer.goto("/wallet")
        expect(buyer.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text("1.98")
        assert fees_collected(uow) - fees_before == 2 * 10**7  # where the screen said: 0.02 TON
    finally:
        set_fee(
            uow, DEAL, operator=operator, percent=str(before.percent), minimum=format_amount(before.minimum, 9),
            payer=before.payer,
        )  # fmt: skip
        uow.engine.dispose()
