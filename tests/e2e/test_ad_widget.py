"""Ads as integration targets (SPEC F11, issue 13 item 5): the ad page's links (with and without helper,
Telegram), `/tg?start=ad_<id>` opening the ad, and the ad's iframe widget on a site its owner allowed:
framed, it posts `{type: "krypton:ad", ...}` to the page and its button opens the deal in a new tab.
Screenshots of the widget, desktop and phone, en and ru."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from helpers import (
    DESKTOP,
    PHONE,
    assert_fits_width,
    create_invoice,
    demo_login,
    funded_login,
    post_sell_ad,
    shoot,
    switch_language,
    url_of,
)
from playwright.sync_api import expect

EDIT_URL = re.compile(r"^http://localhost:\d+/market/ads/(\d+)/edit/?$")


def test_an_ad_is_shared_by_links_telegram_and_its_widget(new_context, base_url: str, screenshots: Path):
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)
    terms = f"Widget ad {uuid.uuid4().hex[:8]}"
    post_sell_ad(seller, terms=terms)
    seller.goto("/market/new")
    seller.get_by_test_id("my-ad").get_by_test_id("my-ad-edit").click()  # a new trader: this ad only
    expect(seller).to_have_url(EDIT_URL)
    ad_id = EDIT_URL.match(seller.url).group(1)

    # Before the owner allows a site, nobody may frame the widget.
    assert seller.request.get(f"/widget/ad/{ad_id}").headers["content-security-policy"] == "frame-ancestors 'none'"
    create_invoice(seller, title="Shop page", amount="1", allowed_origins=base_url)
    response = seller.request.get(f"/widget/ad/{ad_id}")
    assert response.headers["content-security-policy"] == f"frame-ancestors {base_url}"
    assert "x-frame-options" not in response.headers

    # The ad page's links.
    seller.goto(f"/market/ads/{ad_id}")
    expect(seller.get_by_test_id("ad-link-helper")).to_have_text(re.compile(rf"/buy\?ad={ad_id}$"))
    expect(seller.get_by_test_id("ad-link-direct")).to_have_text(re.compile(rf"/market/ads/{ad_id}$"))
    expect(seller.get_by_test_id("ad-link-telegram")).to_have_text(f"https://t.me/krypton_e2e_bot?start=ad_{ad_id}")
    expect(seller.get_by_test_id("ad-link-telegram-app")).to_have_text(
        f"https://t.me/krypton_e2e_bot?startapp=ad_{ad_id}"
    )
    expect(seller.get_by_test_id("ad-embed")).to_contain_text(f"/widget/ad/{ad_id}")
    expect(seller.get_by_test_id("ad-origins")).to_contain_text(base_url)

    # A Telegram link lands on the ad's page; a start parameter that is no ad on the landing page.
    visitor = new_context(viewport=DESKTOP).new_page()
    visitor.goto(f"/tg?start=ad_{ad_id}")
    expect(visitor).to_have_url(url_of(f"/market/ads/{ad_id}"))
    expect(visitor.get_by_test_id("ad-price")).to_have_text(re.compile(r"250"))
    visitor.goto("/tg?start=ad_12x")
    expect(visitor.get_by_test_id("notice")).to_be_visible()

    # The widget on the owner's site: its message, and its button opens the buy wizard on the ad.
    demo = new_context(viewport=DESKTOP).new_page()
    demo.goto(f"/widget-demo.html?ad={ad_id}")
    messages = demo.locator("#messages .message")
    expect(messages.first).to_be_visible()
    assert json.loads(messages.first.inner_text()) == {
        "type": "krypton:ad",
        "ad": int(ad_id),
        "side": "sell",
        "asset": "TON",
        "fiat": "RUB",
        "price": "250",
        "min": "1",
        "max": "5",
        "methods": ["sbp"],
        "open": True,
    }
    widget = demo.frame_locator("#krypton-widget")
    expect(widget.get_by_test_id("adwidget-side")).to_contain_text("TON")
    go = widget.get_by_test_id("adwidget-go")
    expect(go).to_have_attribute("href", f"{base_url}/buy?ad={ad_id}")
    expect(go).to_have_attribute("target", "_blank")
    shoot(demo, screenshots, "desktop-ad-widget-en")

    # The ad page's links and the widget alone, in both languages, on a desktop and a phone.
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = new_context(viewport=viewport).new_page()
        demo_login(page)
        for lang in ("EN", "RU"):
            page.goto(f"/market/ads/{ad_id}")
            switch_language(page, lang)  # the widget has no header: the switch is on the ad's page
            expect(page.get_by_test_id("ad-links")).to_be_visible()
            assert_fits_width(page)
            shoot(page, screenshots, f"{name}-ad-links-{lang.lower()}")
            page.goto(f"/widget/ad/{ad_id}")
            expect(page.get_by_test_id("adwidget-price")).to_be_visible()
            assert_fits_width(page)
            shoot(page, screenshots, f"{name}-ad-widget-{lang.lower()}")
