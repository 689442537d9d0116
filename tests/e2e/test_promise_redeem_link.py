"""A promise in two browsers: one user makes a promise of 2 TON from the wallet's "My promises" link; the
card shows the code once, with its link and QR (screenshots at desktop and phone width, in English and
Russian); a second user opens the /p/<code> link, sees the amount and note, and redeems it to their
balance; the issuer's list then says Redeemed."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import DESKTOP, PHONE, assert_fits_width, demo_login, funded_login, shoot, switch_language, url_of
from playwright.sync_api import Page, expect


def balance(page: Page) -> str:
    return page.get_by_test_id("balance-TON").get_by_test_id("balance-available")


def test_create_a_promise_and_redeem_it_through_its_link(new_context, screenshots: Path):
    issuer: Page = new_context(viewport=DESKTOP).new_page()
    funded_login(issuer)
    issuer.get_by_test_id("wallet-promises-link").click()
    expect(issuer).to_have_url(url_of("/promises"))

    form = issuer.get_by_test_id("promise-form")
    expect(form.get_by_test_id("promise-available")).to_contain_text("10 TON")
    form.locator("#promise_amount").fill("2")
    form.locator("#promise_note").fill("For the coffee")
    form.get_by_test_id("promise-create").click()

    card = issuer.get_by_test_id("promise-created")
    expect(card).to_be_visible()
    code = card.get_by_test_id("promise-code").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", code), code
    link = card.get_by_test_id("promise-link").inner_text().replace("\n", "").strip()
    assert link.endswith(f"/p/{code}"), link
    assert card.get_by_test_id("promise-qr").get_attribute("src").startswith("data:image/svg+xml")
    expect(card).to_contain_text("shown only this once")
    expect(issuer.get_by_test_id("promises-issued").get_by_test_id("promise-row-issued")).to_have_count(1)
    # The faucet's toast goes first: the pictures are of the card.
    expect(issuer.get_by_text("Deposit received")).to_have_count(0, timeout=15_000)
    shoot(issuer, screenshots, "promise-created-desktop-en")
    issuer.set_viewport_size(PHONE)
    assert_fits_width(issuer)
    shoot(issuer, screenshots, "promise-created-phone-en")
    switch_language(issuer, "RU")
    expect(card).to_contain_text("только один раз")
    assert_fits_width(issuer)
    shoot(issuer, screenshots, "promise-created-phone-ru")
    issuer.set_viewport_size(DESKTOP)
    shoot(issuer, screenshots, "promise-created-desktop-ru")
    switch_language(issuer, "EN")

    # The link's page paints its layout and a skeleton before any script runs (the prerendered shell).
    still = new_context(viewport=PHONE, java_script_enabled=False)
    bare = still.new_page()
    bare.goto(f"/p/{code}")
    expect(bare.get_by_test_id("language-switch")).to_be_visible()
    expect(bare.get_by_test_id("page-skeleton")).to_be_visible()
    expect(bare.get_by_test_id("promise-card")).to_have_count(0)
    still.close()

    # A second user opens the link, sees what it holds, and redeems it.
    redeemer: Page = new_context(viewport=PHONE).new_page()
    demo_login(redeemer)
    redeemer.goto(f"/p/{code}")
    promise = redeemer.get_by_test_id("promise-card")
    expect(promise.get_by_test_id("promise-amount")).to_have_text("2 TON")
    expect(promise.get_by_test_id("promise-note")).to_have_text("For the coffee")
    assert_fits_width(redeemer)
    shoot(redeemer, screenshots, "promise-redeem-phone-en")
    promise.get_by_test_id("promise-redeem").click()
    expect(promise.get_by_test_id("promise-redeemed")).to_be_visible()
    expect(promise.get_by_test_id("promise-status")).to_have_text("Redeemed")
    redeemer.goto("/wallet")
    expect(balance(redeemer)).to_have_text("2")

    # The same link again: already redeemed, said plainly, no button.
    redeemer.goto(f"/p/{code}")
    expect(redeemer.get_by_test_id("promise-status")).to_have_text("Redeemed")
    expect(redeemer.get_by_test_id("promise-redeem")).to_have_count(0)

    # The issuer's list follows: the promise is redeemed, 8 TON are left.
    issuer.goto("/promises")
    row = issuer.get_by_test_id("promises-issued").get_by_test_id("promise-row-issued")
    expect(row.get_by_test_id("promise-status")).to_have_text("Redeemed")
    expect(row.get_by_test_id("promise-cancel")).to_have_count(0)
    issuer.goto("/wallet")
    expect(balance(issuer)).to_have_text("8")
