"""The start page (SPEC F7, issue 13 item 1): the three questions route different answers into their
flows with the answers in the URL, a later question never offers an answer that leads nowhere (it says
why instead), and the page fits a phone in both languages. Screenshots desktop and phone, en and ru."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, demo_login, shoot, switch_language
from playwright.sync_api import Page, expect


def _answer(page: Page, what: str, pay_with: str | None = None, result: str | None = None) -> None:
    page.goto("/start")
    page.get_by_test_id(f"start-what-{what}").click()
    if pay_with:
        page.get_by_test_id(f"start-pay_with-{pay_with}").click()
    if result:
        page.get_by_test_id(f"start-result-{result}").click()


def _go_to(page: Page, path_and_query: str) -> None:
    page.get_by_test_id("start-go").click()
    expect(page).to_have_url(re.compile(rf"^http://localhost:\d+{re.escape(path_and_query)}$"))


def test_the_start_page_routes_each_answer_into_its_flow(new_context, screenshots: Path):
    page = new_context(viewport=DESKTOP).new_page()
    demo_login(page)
    # The landing page's button leads here.
    page.goto("/")
    expect(page.get_by_test_id("landing-start")).to_be_visible()
    shoot(page, screenshots, "desktop-landing-start")
    page.get_by_test_id("landing-start").click()
    expect(page).to_have_url(re.compile(r"/start/?$"))
    expect(page.get_by_test_id("start-go")).to_be_disabled()

    # Buy crypto with fiat, as a promise: the buy wizard with the destination chosen.
    _answer(page, "buy", "fiat", "promise")
    shoot(page, screenshots, "desktop-start-en")
    _go_to(page, "/buy?to=promise")

    # Buy crypto: Lightning and a promise are not offered as payment, and the page says why.
    _answer(page, "buy")
    expect(page.get_by_test_id("start-pay_with-fiat")).to_be_visible()
    expect(page.get_by_test_id("start-pay_with-balance")).to_be_visible()
    expect(page.get_by_test_id("start-pay_with-lightning")).to_have_count(0)
    expect(page.get_by_test_id("start-pay_with-promise")).to_have_count(0)
    refused = page.get_by_test_id("start-question-pay_with").get_by_test_id("start-refused")
    expect(refused).to_have_count(2)
    expect(refused.first).to_contain_text("Lightning pays invoices here; it does not buy crypto.")
    # From the balance the crypto is already there: "my balance" is not a result, Bitcoin is a payout.
    page.get_by_test_id("start-pay_with-balance").click()
    expect(page.get_by_test_id("start-result-balance")).to_have_count(0)
    expect(page.get_by_test_id("start-question-result")).to_contain_text("The crypto is already on your balance.")
    page.get_by_test_id("start-result-bitcoin").click()
    _go_to(page, "/wallet?withdraw=bitcoin")
    expect(page.get_by_test_id("withdraw-tab-bitcoin")).to_have_attribute("aria-selected", "true")

    # Pay an invoice with Lightning: no result question (the merchant receives it), the method goes along.
    _answer(page, "pay", "lightning")
    expect(page.get_by_test_id("start-merchant-note")).to_be_visible()
    expect(page.get_by_test_id("start-result")).to_have_count(0)
    _go_to(page, "/pay?method=lightning")

    # Sell a promise: it is the only way to pay (chosen by itself); a promise for a promise is not offered.
    _answer(page, "sell")
    expect(page.get_by_test_id("start-pay_with-fiat")).to_have_count(0)
    expect(page.get_by_test_id("start-result-promise")).to_have_count(0)
    page.get_by_test_id("start-result-fiat").click()
    _go_to(page, "/promises/sell?to=fiat")

    # Put a promise on my balance: the page asks for the code, refuses what is not one, opens its page.
    _answer(page, "redeem")
    expect(page.get_by_test_id("start-result-bitcoin")).to_have_count(0)
    page.get_by_test_id("start-code").fill("not a code")
    page.get_by_test_id("start-go").click()
    expect(page.get_by_text("This is not a promise's code: paste the code or its link.")).to_be_visible()
    code = "kOq1raEkSaq1ysGF6O7CmGWHOb4NWliA"
    page.get_by_test_id("start-code").fill(f"http://localhost/p/{code}")
    _go_to(page, f"/p/{code}")

    # Russian, and a phone.
    switch_language(page, "RU")
    _answer(page, "buy", "balance")
    expect(page.get_by_test_id("start-question-result")).to_contain_text("Криптовалюта уже на вашем балансе.")
    shoot(page, screenshots, "desktop-start-ru")
    phone = new_context(viewport=PHONE).new_page()
    phone.goto("/")
    expect(phone.get_by_test_id("landing-start")).to_be_visible()
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-landing-start")
    demo_login(phone)
    for lang in ("EN", "RU"):
        switch_language(phone, lang)
        _answer(phone, "sell", None, "bitcoin")
        expect(phone.get_by_test_id("start-go")).to_be_enabled()
        assert_fits_width(phone)
        shoot(phone, screenshots, f"phone-start-{lang.lower()}")
