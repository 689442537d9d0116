"""The operator console's users, audit and reconciliation tabs in the browser: an operator finds a trader
by their user number, reads the card, blocks them (the trader's open browser is logged out and a new login
is refused; their open deal waits in the disputes tab, opened by an operator), reads the audit lines,
unblocks (the trader logs in again), and the reconciliation of the fake chain's hot wallet is equal. The
console's ten tabs wrap on a 390 px phone; screenshots in English and Russian, desktop and phone."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from helpers import (
    DESKTOP,
    LANDING_URL,
    PHONE,
    assert_fits_width,
    demo_login,
    funded_login,
    open_deal_on,
    post_sell_ad,
    shoot,
    switch_language,
    url_of,
)
from playwright.sync_api import Page, expect

TERMS = "Console block ad: SBP only."
REASON = "E2E: the wallet was reported stolen"


def open_tab(page: Page, tab: str) -> None:
    page.get_by_test_id(f"operator-tab-{tab}").click()


def test_operator_finds_blocks_and_unblocks_a_user(new_context, screenshots: Path):
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)
    post_sell_ad(seller, terms=TERMS)
    seller.goto("/profile")
    number = seller.get_by_test_id("profile-user-number").inner_text()  # "#12"
    subject = f"user:{number.removeprefix('#')}"

    buyer = new_context(viewport=DESKTOP).new_page()
    demo_login(buyer)
    deal_id = open_deal_on(buyer, terms=TERMS, amount="2")

    operator = new_context(viewport=DESKTOP).new_page()
    demo_login(operator)  # demo logins are operators in the browser tests
    operator.goto("/operator")
    expect(operator).to_have_url(url_of("/operator"))
    open_tab(operator, "users")
    operator.get_by_test_id("user-search").fill(number)
    operator.get_by_test_id("user-search").press("Enter")
    card = operator.get_by_test_id("user-card")
    expect(card).to_contain_text(number)
    expect(card.get_by_test_id("user-active")).to_be_visible()
    ton = card.get_by_test_id("user-balance").filter(has_text="TON")
    expect(ton).to_contain_text("available: 5 TON")
    expect(ton).to_contain_text("held: 5 TON")  # the sell ad's volume
    expect(card.get_by_test_id("user-deal").filter(has_text=f"#{deal_id}")).to_contain_text("Awaiting payment")
    expect(card.get_by_test_id("user-session")).not_to_have_count(0)
    shoot(operator, screenshots, "desktop-operator-user-card")

    # Block: the card says so, with the reason; the trader's sessions are gone.
    operator.get_by_test_id("block-reason").fill(REASON)
    operator.get_by_test_id("user-block").click()
    expect(card.get_by_test_id("user-blocked")).to_be_visible()
    expect(card.get_by_test_id("user-block-reason")).to_contain_text(REASON)
    expect(card.get_by_test_id("user-session")).to_have_count(0)

    # The trader's open browser: the next page needs a session it no longer has; a new login is refused.
    seller.get_by_role("link", name="Deals").click()
    expect(seller).to_have_url(LANDING_URL)
    seller.get_by_test_id("demo-login").click()
    expect(seller.get_by_text("This account is blocked by an operator. Contact support.")).to_be_visible()
    expect(seller).to_have_url(LANDING_URL)

    # Their open deal waits for an operator's decision.
    open_tab(operator, "disputes")
    dispute = operator.get_by_test_id("dispute-item").filter(has_text=f"#{deal_id}")
    expect(dispute).to_contain_text("Opened by an operator")

    open_tab(operator, "audit")
    blocked_line = operator.get_by_test_id("audit-line").filter(has_text=subject).first
    expect(blocked_line.get_by_test_id("audit-action")).to_have_text("User blocked")
    expect(blocked_line).to_contain_text(REASON)
    expect(blocked_line).to_contain_text(str(deal_id))

    open_tab(operator, "users")
    operator.get_by_test_id("user-unblock").click()
    expect(card.get_by_test_id("user-active")).to_be_visible()
    open_tab(operator, "audit")
    expect(
        operator.get_by_test_id("audit-line").filter(has_text=subject).first.get_by_test_id("audit-action")
    ).to_have_text("User unblocked")
    shoot(operator, screenshots, "desktop-operator-audit")

    # Unblocked: the same wallet logs in again, and lands on the page it was sent away from.
    seller.get_by_test_id("demo-login").click()
    expect(seller).to_have_url(url_of("/deals"))

    # The reconciliation of the fake chain's hot wallet as the whole run left it: other tests' USDT transfers
    # leave the TON they carry with the jetton wallets (gas the ledger does not record), so the TON figure
    # need not be equal; what must hold is the card's own arithmetic and the status it gives
    # (tests/services/test_reconciliation.py checks short, equal and over exactly).
    open_tab(operator, "reconciliation")
    for asset in ("TON", "USDT"):
        row = operator.get_by_test_id("recon-asset").filter(has_text=asset)
        expect(row.get_by_test_id("recon-chain")).to_contain_text(asset)
        chain = amount_of(row.get_by_test_id("recon-chain").inner_text())
        owed = sum(amount_of(line.inner_text()) for line in row.get_by_test_id("recon-owed").all())
        items = sum(amount_of(line.inner_text()) for line in row.get_by_test_id("recon-item").all())
        remainder = amount_of(row.get_by_test_id("recon-remainder").inner_text())
        assert chain - owed - items == remainder, (asset, chain, owed, items, remainder)
        status = "Reconciled" if remainder == 0 else ("Chain short" if remainder < 0 else "Chain over")
        expect(row.get_by_test_id("recon-status")).to_have_text(status)
    shoot(operator, screenshots, "desktop-operator-reconciliation")

    # Ten tabs: they wrap on a phone and nothing scrolls sideways, in both languages.
    for lang in ("en", "ru"):
        switch_language(operator, lang.upper())
        operator.set_viewport_size(DESKTOP)
        open_tab(operator, "users")
        shoot(operator, screenshots, f"desktop-operator-users-{lang}")
        operator.set_viewport_size(PHONE)
        for tab in ("users", "reconciliation", "audit"):
            open_tab(operator, tab)
            assert_fits_width(operator)
        shoot(operator, screenshots, f"phone-operator-audit-{lang}")
        open_tab(operator, "users")
        shoot(operator, screenshots, f"phone-operator-users-{lang}")
    expect(operator.get_by_test_id("operator-tab-reconciliation")).to_contain_text("Сверка")
    switch_language(operator, "EN")


def amount_of(text: str) -> Decimal:
    """The last figure of a card line ("Users' available 10.5 TON", "-0.05 TON") as a Decimal."""
    figure = text.replace("\u2212", "-").replace(",", "").replace("\u00a0", " ").replace("\u202f", " ")
    return Decimal(re.findall(r"-?[0-9]+(?:\.[0-9]+)?", figure)[-1])
