"""A deal that goes to dispute, in three browsers: the seller posts a sell ad; the buyer opens a deal,
marks it paid and opens a dispute; the bell tells the seller; each side writes a statement (and reads
only its own); the seller attaches an image to the chat that a stranger cannot fetch; an operator
finds the dispute in the console, reads both statements and the chat, splits the escrow 25 / 75;
both sides see the decision live and the buyer's wallet holds the share."""

from __future__ import annotations

from pathlib import Path

from builders import image_bytes
from helpers import DESKTOP, PHONE, assert_fits_width, demo_login, funded_login, open_deal_on, post_sell_ad, shoot
from playwright.sync_api import expect

LIVE_TIMEOUT_MS = 10_000
TERMS = "Dispute flow ad: SBP, name must match."


def test_dispute_statements_image_and_operator_split(new_context, screenshots: Path):
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)
    post_sell_ad(seller, terms=TERMS)

    buyer = new_context(viewport=DESKTOP).new_page()
    demo_login(buyer)
    deal_id = open_deal_on(buyer, terms=TERMS, amount="2")

    # The seller's bell counts the new deal; its entry opens the deal.
    seller.goto("/wallet")
    expect(seller.get_by_test_id("bell-count")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    seller.get_by_test_id("bell").click()
    entry = seller.get_by_test_id("notification").filter(has_text=f"New deal #{deal_id}")
    expect(entry).to_be_visible()
    shoot(seller, screenshots, "desktop-notifications")
    entry.click()
    expect(seller.get_by_test_id("deal-role")).to_have_text("Seller")

    operator = new_context(viewport=DESKTOP).new_page()
    demo_login(operator)
    buyer.get_by_test_id("deal-mark-paid").click()
    buyer.get_by_test_id("deal-mark-paid-confirm").click()
    expect(seller.get_by_test_id("deal-status")).to_have_text("Payment sent", timeout=LIVE_TIMEOUT_MS)
    # The dispute opens only after the wait after "paid" (15 s here): the button waits for it.
    expect(buyer.get_by_test_id("deal-dispute")).to_be_enabled(timeout=20_000)
    buyer.get_by_test_id("deal-dispute").click()
    buyer.get_by_test_id("deal-dispute-confirm").click()
    expect(buyer.get_by_test_id("deal-status")).to_have_text("In dispute")
    expect(seller.get_by_test_id("deal-status")).to_have_text("In dispute", timeout=LIVE_TIMEOUT_MS)
    expect(seller.get_by_test_id("dispute-card")).to_contain_text("Opened by the buyer")

    # Statements: an empty one is refused with its message; each side learns only that the other wrote.
    buyer.get_by_test_id("dispute-statement-save").click()
    expect(buyer.get_by_text("A statement is 1 to 5000 characters.")).to_be_visible()
    buyer.get_by_test_id("dispute-statement").fill("I paid 500 RUB by SBP at 12:01, receipt attached by the bank.")
    buyer.get_by_test_id("dispute-statement-save").click()
    expect(buyer.get_by_text("Saved.")).to_be_visible()
    expect(seller.get_by_test_id("dispute-other")).to_have_text(
        "The other side has written a statement.", timeout=LIVE_TIMEOUT_MS
    )
    expect(seller.get_by_text("I paid 500 RUB")).to_have_count(0)
    seller.get_by_test_id("dispute-statement").fill("Nothing arrived on my SBP account.")
    seller.get_by_test_id("dispute-statement-save").click()
    expect(seller.get_by_text("Saved.")).to_be_visible()

    # An image in the chat: the other side sees it drawn; a stranger's request for it is a 404.
    seller.locator("input[type=file]").set_input_files(
        files=[{"name": "statement.png", "mimeType": "image/png", "buffer": image_bytes("png")}]
    )
    image = buyer.get_by_test_id("chat-image")
    expect(image).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    # Drawn, not a broken-image icon: the browser fetched and decoded it through /files/chat.
    buyer.wait_for_function("img => img.complete && img.naturalWidth === 48", arg=image.element_handle())
    src = image.get_attribute("src")
    stranger = new_context().new_page()
    assert stranger.request.get(src).status == 404
    assert buyer.request.get(src).headers["content-type"] == "image/png"
    # A wrong file type is refused with its message, and nothing is posted.
    seller.locator("input[type=file]").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"not an image at all"}]
    )
    expect(seller.get_by_text("Attach a PNG, JPEG or WebP image.")).to_be_visible()

    # The operator: the console lists the dispute; the deal page shows both statements and decides.
    # Demo logins are operators here, so the operator who logged in earlier was told of the dispute.
    operator.get_by_test_id("bell").click()
    expect(
        operator.get_by_test_id("notification").filter(
            has_text=f"Deal #{deal_id} is in dispute: an operator is needed."
        )
    ).to_be_visible()
    operator.keyboard.press("Escape")
    operator.goto("/operator")
    operator.get_by_test_id("operator-tab-disputes").click()
    item = operator.get_by_test_id("dispute-item").filter(has_text=f"#{deal_id}")
    expect(item).to_contain_text("2/2")
    item.click()
    expect(operator.get_by_test_id("deal-role")).to_have_text("Operator")
    expect(operator.get_by_test_id("dispute-buyer-statement")).to_contain_text("I paid 500 RUB")
    expect(operator.get_by_test_id("dispute-seller-statement")).to_have_text("Nothing arrived on my SBP account.")
    expect(operator.get_by_test_id("chat-image")).to_be_visible()
    operator.get_by_test_id("chat-input").fill("Operator here: I have read both statements.")
    operator.get_by_test_id("chat-send").click()
    expect(buyer.get_by_test_id("chat-message").filter(has_text="Operator here")).to_be_visible(timeout=LIVE_TIMEOUT_MS)

    operator.get_by_text("Split: the buyer gets a share").click()
    operator.get_by_test_id("dispute-share").fill("250")
    operator.get_by_test_id("dispute-propose").click()
    expect(operator.get_by_text("The buyer's share is a percentage from 0 to 100, for example 50.")).to_be_visible()
    operator.get_by_test_id("dispute-share").fill("25")
    operator.get_by_test_id("dispute-propose").click()
    expect(operator.get_by_test_id("dispute-confirm-text")).to_contain_text("Buyer gets 0.5 TON · seller gets 1.5 TON")
    shoot(operator, screenshots, "desktop-dispute-operator")
    operator.get_by_test_id("dispute-decide").click()
    expect(operator.get_by_test_id("deal-status")).to_have_text("Resolved")

    for side in (buyer, seller):
        expect(side.get_by_test_id("deal-status")).to_have_text("Resolved", timeout=LIVE_TIMEOUT_MS)
        expect(side.get_by_test_id("dispute-outcome")).to_contain_text("The operator split the escrow.")
    # The sides review each other after a decided dispute; the operator does not.
    expect(buyer.get_by_test_id("review-send")).to_be_visible()
    expect(operator.get_by_test_id("review-send")).to_have_count(0)
    operator.goto("/operator")
    operator.get_by_test_id("operator-tab-disputes").click()
    # Other tests share this server and may leave their own disputes open: look for this deal's only.
    expect(operator.get_by_test_id("dispute-item").filter(has_text=f"#{deal_id}")).to_have_count(0)

    buyer.goto("/wallet")
    expect(buyer.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text("0.5")

    phone = buyer.context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(f"/deals/{deal_id}")
    expect(phone.get_by_test_id("dispute-outcome")).to_be_visible()
    phone_image = phone.get_by_test_id("chat-image")
    phone.wait_for_function("img => img.complete && img.naturalWidth === 48", arg=phone_image.element_handle())
    assert_fits_width(phone)
    shoot(phone, screenshots, "phone-dispute")


def test_deals_list_is_live(new_context):
    seller = new_context(viewport=DESKTOP).new_page()
    funded_login(seller)
    terms = "Live list ad"
    post_sell_ad(seller, terms=terms)
    seller.goto("/deals")
    expect(seller.get_by_test_id("deal-row")).to_have_count(0)

    buyer = new_context(viewport=DESKTOP).new_page()
    demo_login(buyer)
    deal_id = open_deal_on(buyer, terms=terms, amount="1")
    row = seller.get_by_test_id("deal-row").filter(has_text=f"#{deal_id}")
    expect(row).to_contain_text("Awaiting payment", timeout=LIVE_TIMEOUT_MS)
    buyer.get_by_test_id("deal-mark-paid").click()
    buyer.get_by_test_id("deal-mark-paid-confirm").click()
    expect(row).to_contain_text("Payment sent", timeout=LIVE_TIMEOUT_MS)
