"""The phone layout (issue 11, item 13): a bottom tab bar for the main sections, only on a phone and only
with a session, that marks the current section and never covers the page's last control; the header
menu there keeps only what the bar has not. An invoice's links wrap only between their path's pieces and
its expiry stays on one line, so no number is cut in two on a 390 px screen."""

from __future__ import annotations

import re
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
    url_of,
)
from playwright.sync_api import Locator, Page, expect

TABS = ("wallet", "pay", "market", "deals", "invoices")
# iPhone SE and small Androids: narrower than the 390 px phone, so a link must wrap somewhere.
NARROW_PHONE = {"width": 320, "height": 640}


def expect_current(page: Page, current: str) -> None:
    for name in TABS:
        tab = page.get_by_test_id(f"tab-{name}")
        if name == current:
            expect(tab).to_have_attribute("aria-current", "page")
        else:
            expect(tab).not_to_have_attribute("aria-current", "page")


def assert_bar_covers_nothing(page: Page) -> None:
    """At the bottom of the page the last button and the footer are above the bar, not under it."""
    # Until the scroll stays at the end: a list that is still arriving makes the page longer.
    page.wait_for_function(
        """() => {
            const root = document.documentElement;
            window.scrollTo(0, root.scrollHeight);
            return window.scrollY + window.innerHeight >= root.scrollHeight - 1;
        }"""
    )
    page.wait_for_timeout(300)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    bar = page.get_by_test_id("tab-bar").bounding_box()
    assert bar is not None and bar["y"] + bar["height"] <= PHONE["height"] + 1, bar
    last = page.locator("button:visible").last.bounding_box()
    assert last is not None
    assert last["y"] + last["height"] <= bar["y"], f"{page.url}: the last button {last} is under the bar {bar}"
    # The whole footer, to its last line: the page's very end is above the bar.
    footer = page.get_by_test_id("footer").bounding_box()
    assert footer is not None and footer["y"] + footer["height"] <= bar["y"] + 1, f"{page.url}: footer under the bar"


# The line boxes the element's text is laid out in: one rectangle per line fragment of each text node,
# so the distinct tops are the lines (a <wbr> has an empty rectangle and does not count).
LINES_JS = """e => {
    const range = document.createRange();
    range.selectNodeContents(e);
    const rects = [...range.getClientRects()].filter(r => r.width > 0);
    return new Set(rects.map(r => Math.round(r.top))).size;
}"""


def lines(element: Locator) -> int:
    """How many lines the element's text occupies."""
    return element.evaluate(LINES_JS)


def test_tab_bar_on_a_phone_only(new_context, screenshots: Path):
    page = new_context(viewport=PHONE).new_page()

    # A visitor has no sections to go to: no bar, the menu as before.
    page.goto("/")
    expect(page.get_by_test_id("login-card")).to_be_visible()
    expect(page.get_by_test_id("tab-bar")).to_have_count(0)

    demo_login(page)
    bar = page.get_by_test_id("tab-bar")
    expect(bar).to_be_visible()
    expect(page.get_by_test_id("desktop-nav")).to_be_hidden()
    expect_current(page, "wallet")
    assert_fits_width(page)
    assert_bar_covers_nothing(page)
    shoot(page, screenshots, "phone-tabbar-wallet")
    # The bar as a phone shows it (a full-page picture draws a fixed bar mid-page), at the page's end.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshots / "phone-tabbar-wallet-bottom.png"))

    routes = {"wallet": "/wallet", "pay": "/pay", "market": "/market", "deals": "/deals", "invoices": "/invoices"}
    for name in ("market", "deals", "invoices", "pay", "wallet"):
        page.get_by_test_id(f"tab-{name}").click()
        expect(page).to_have_url(url_of(routes[name]))
        expect_current(page, name)
        assert_fits_width(page)
        assert_bar_covers_nothing(page)

    # A page under a section (the wallet's history) lights up its section.
    page.get_by_test_id("wallet-tab-history").click()
    expect(page).to_have_url(url_of("/history"))
    expect_current(page, "wallet")

    # The header's menu holds only what the bar has not: no section twice on one screen.
    page.get_by_test_id("menu-button").click()
    menu = page.get_by_role("menu")
    expect(menu.get_by_role("menuitem", name="Profile")).to_be_visible()
    expect(menu.get_by_test_id("menu-theme")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Wallet")).to_be_hidden()
    expect(menu.get_by_role("menuitem", name="Market")).to_be_hidden()
    # The theme, out of the phone's header, still switches from the menu.
    dark = page.evaluate("document.documentElement.classList.contains('dark')")
    menu.get_by_test_id("menu-theme").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\blight\b" if dark else r"\bdark\b"))

    # Russian labels fit the five tabs.
    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(page.get_by_test_id("tab-pay")).to_have_text("Оплатить")
    page.get_by_test_id("tab-wallet").click()
    expect(page).to_have_url(url_of("/wallet"))
    expect(page.get_by_test_id("balance-TON")).to_be_visible()
    assert_fits_width(page)
    for name in TABS:
        # Polled: the page the tab left may still be on screen for a moment, with its own bar.
        page.wait_for_function(
            f"sel => {{ const e = document.querySelector(sel); return e && ({LINES_JS})(e) === 1; }}",
            arg=f'[data-testid="tab-{name}"] p',
        )
    shoot(page, screenshots, "phone-tabbar-wallet-ru")

    # A desktop keeps its header navigation; the bar is not there.
    page.set_viewport_size(DESKTOP)
    expect(page.get_by_test_id("desktop-nav")).to_be_visible()
    expect(bar).to_be_hidden()
    shoot(page, screenshots, "desktop-tabbar-wallet-ru")
    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
    expect(page.get_by_test_id("desktop-nav")).to_contain_text("Wallet")
    shoot(page, screenshots, "desktop-tabbar-wallet")


def invoice_from_form(page: Page) -> str:
    """A fixed invoice that expires in 30 days, made from the form; returns its number."""
    page.goto("/invoices")
    page.get_by_test_id("invoice-new").click()
    # The form is drawn afresh once the server has reset it: choose the kind first, as a merchant does.
    page.get_by_test_id("invoice-kind").get_by_role("radio", name=re.compile("Fixed amount")).click()
    page.locator("#inv_title").fill("Phone lamp")
    page.locator("#inv_amount").fill("1.5")
    page.get_by_test_id("invoice-expires_in_s").click()
    page.get_by_role("option", name="In 30 days").click()
    page.get_by_test_id("invoice-create").click()
    expect(page).to_have_url(re.compile(r"/invoices/[0-9A-Z]+$"))
    return page.get_by_test_id("detail-number").inner_text().strip().lstrip("#")


def assert_no_number_cut(page: Page, number: str) -> None:
    # The expiry on one line, in the figures under the title and in the settings.
    expect(page.get_by_test_id("detail-expires")).to_contain_text("UTC")
    assert lines(page.get_by_test_id("detail-expires")) == 1
    assert lines(page.get_by_test_id("setting-expires").locator("span").first) == 1
    # The direct link's number is one unbroken piece on one line, wherever the link wrapped.
    direct = page.get_by_test_id("link-direct")
    expect(direct).to_have_text(re.compile(rf"/i/{number}$"))
    piece = direct.locator("span", has_text=number)
    expect(piece).to_have_text(f"/{number}")
    assert lines(piece) == 1
    # ... and the path stays together: `/i` is on the number's line.
    assert piece.evaluate("e => e.previousElementSibling.textContent") == "/i"
    same_line = "e => Math.round(e.getBoundingClientRect().top - e.previousElementSibling.getBoundingClientRect().top)"
    assert piece.evaluate(same_line) == 0
    assert_fits_width(page)


def test_invoice_links_and_expiry_do_not_break_mid_number(new_context, screenshots: Path):
    page = new_context(viewport=PHONE).new_page()
    demo_login(page)
    number = invoice_from_form(page)
    expect_current(page, "invoices")
    assert_no_number_cut(page, number)
    assert_bar_covers_nothing(page)
    shoot(page, screenshots, "phone-invoice-detail")
    # A toast (here "Copied") rises above the bar instead of covering the tabs.
    page.get_by_test_id("link-direct-copy").click()
    toast = page.locator("[data-sonner-toast]").filter(has_text="Copied")
    expect(toast).to_be_visible()
    page.wait_for_timeout(500)  # its entry animation slides it up from the edge
    toast_box, bar_box = toast.bounding_box(), page.get_by_test_id("tab-bar").bounding_box()
    assert toast_box["y"] + toast_box["height"] <= bar_box["y"], (toast_box, bar_box)

    # Narrower still: the link has to wrap, and it does so before a piece of its path, not inside one.
    page.set_viewport_size(NARROW_PHONE)
    assert_no_number_cut(page, number)
    helper = page.get_by_test_id("link-helper")
    assert lines(helper) >= 2, "the helper link fits 320 px: this check would not see a bad break"
    for piece in helper.locator("span").all():
        assert lines(piece) == 1, piece.inner_text()
    page.set_viewport_size(PHONE)

    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(page.get_by_test_id("tab-invoices")).to_have_text("Счета")
    assert_no_number_cut(page, number)
    shoot(page, screenshots, "phone-invoice-detail-ru")

    page.set_viewport_size(DESKTOP)
    expect(page.get_by_test_id("tab-bar")).to_be_hidden()
    assert_no_number_cut(page, number)
    shoot(page, screenshots, "desktop-invoice-detail-ru")
    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
    expect(page.get_by_test_id("detail-expires")).to_be_visible()
    shoot(page, screenshots, "desktop-invoice-detail")

    # The payer's direct page: its one button spans the phone's column and is not under the bar.
    page.set_viewport_size(PHONE)
    page.goto(f"/i/{number}")
    pay = page.get_by_test_id("direct-pay")
    expect(pay).to_be_visible()
    expect_current(page, "pay")
    assert_bar_covers_nothing(page)
    shoot(page, screenshots, "phone-invoice-direct")


def test_one_large_primary_action_on_a_phone(new_context, screenshots: Path):
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)
    terms = f"Phone primary {seller.get_by_test_id('account-address').inner_text()}"
    post_sell_ad(seller, terms=terms)
    seller.context.close()

    page = new_context(viewport=PHONE).new_page()
    demo_login(page)
    market_card(page, terms).get_by_test_id("ad-details").click()
    expect(page.get_by_test_id("ad-window")).to_be_visible()  # the ad page, not the market's cards
    expect_current(page, "market")
    open_deal = page.get_by_test_id("open-deal")
    expect(open_deal).to_be_visible()
    # The page's one action spans the column (390 px less the page's and the card's padding).
    assert open_deal.bounding_box()["width"] > 280
    assert_fits_width(page)
    assert_bar_covers_nothing(page)
    shoot(page, screenshots, "phone-ad-primary")

    page.get_by_test_id("deal-amount").fill("1")
    open_deal.click()
    expect(page).to_have_url(DEAL_URL)
    mark_paid = page.get_by_test_id("deal-mark-paid")
    expect(mark_paid).to_be_visible()
    expect_current(page, "deals")
    assert mark_paid.bounding_box()["width"] > 280
    assert_fits_width(page)
    assert_bar_covers_nothing(page)
    shoot(page, screenshots, "phone-deal-primary")
    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(page.get_by_test_id("tab-deals")).to_have_text("Сделки")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-deal-primary-ru")

    # On a desktop the same button keeps its natural size beside the others.
    page.set_viewport_size(DESKTOP)
    expect(page.get_by_test_id("tab-bar")).to_be_hidden()
    assert mark_paid.bounding_box()["width"] < 240
    shoot(page, screenshots, "desktop-deal-primary-ru")
    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
    expect(page.get_by_test_id("tab-deals")).to_have_text("Deals")
    shoot(page, screenshots, "desktop-deal-primary")
