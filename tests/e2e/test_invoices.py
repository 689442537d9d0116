"""A merchant's invoice end to end in browsers: the merchant creates a public invoice limited to two
payments with a webhook; payer A pays it in two parts from the balance, gets the merchant's secret
(answered by a local webhook receiver that checks Krypton-Signature) and a receipt /verify accepts;
payer B pays through the direct link; the invoice closes; payer C is told it is closed. Also: a
private invoice is "not found" for anyone but its payer, the widget demo page receives postMessage
events, and the widget carries its Content-Security-Policy. Desktop and phone screenshots."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import DESKTOP, PHONE, assert_fits_width, create_invoice, demo_login, shoot, url_of
from playwright.sync_api import Page, expect

CHAIN_TIMEOUT_MS = 30_000
# The webhook worker polls its outbox; a delivery and the payer's page poll take a few seconds.
WEBHOOK_TIMEOUT_MS = 30_000


class WebhookReceiver:
    """The merchant's server: checks the signature with the merchant's secret, answers with a licence."""

    def __init__(self):
        self.secret = ""
        self.events: list[dict] = []
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if not receiver.signature_ok(self.headers.get("Krypton-Signature", ""), body):
                    receiver.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                event = json.loads(body)
                receiver.events.append(event)
                answer = {}
                if event["type"] == "invoice.payment_completed":
                    answer = {"secrets": [f"LICENSE-{event['data']['payment']}"]}
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/krypton"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def signature_ok(self, header: str, body: bytes) -> bool:
        """As the README tells a merchant: `t=<unix>,v1=<hex HMAC-SHA-256 of "t.body">`."""
        fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        if not self.secret or "t" not in fields or "v1" not in fields:
            return False
        expected = hmac.new(self.secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, fields["v1"])

    def types(self) -> list[str]:
        return [e["type"] for e in self.events]


@pytest.fixture
def receiver():
    r = WebhookReceiver()
    yield r
    r.server.shutdown()


def payer(new_context, *, viewport=DESKTOP, funds: bool = True) -> Page:
    page = new_context(viewport=viewport).new_page()
    demo_login(page)
    if funds:
        page.get_by_test_id("faucet-TON").click()
        expect(page.get_by_test_id("balance-TON").get_by_test_id("balance-available")).to_have_text(
            "10", timeout=CHAIN_TIMEOUT_MS
        )
    return page


def test_invoice_paid_in_parts_webhook_secrets_receipt_and_limit(new_context, base_url, receiver, screenshots: Path):
    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)

    # The webhook signing secret, revealed on the Developers card: the receiver checks with it.
    merchant.goto("/invoices")
    expect(merchant.get_by_test_id("invoices-list")).to_be_visible()
    merchant.get_by_test_id("dev-tab-webhooks").click()
    merchant.get_by_test_id("webhook-secret-reveal").click()
    receiver.secret = merchant.get_by_test_id("webhook-secret").inner_text().strip()
    assert len(receiver.secret) >= 16

    # A refused field keeps the input and says why under it.
    merchant.get_by_test_id("invoice-new").click()
    merchant.locator("#inv_title").fill("VPN licence")
    merchant.locator("#inv_amount").fill("abc")
    merchant.get_by_test_id("invoice-create").click()
    expect(merchant.get_by_test_id("invoice-field-amount")).to_contain_text(
        "The amount must be a number, such as 10 or 2.5."
    )
    expect(merchant.locator("#inv_title")).to_have_value("VPN licence")
    shoot(merchant, screenshots, "desktop-invoice-form-error")

    number = create_invoice(
        merchant,
        title="VPN licence",
        amount="1",
        max_payments="2",
        max_parts="2",
        webhook_url=receiver.url,
        allowed_origins=base_url,
    )
    expect(merchant.get_by_test_id("detail-status")).to_have_text("Open")
    expect(merchant.get_by_test_id("link-direct")).to_have_text(re.compile(rf"/i/{number}$"))
    expect(merchant.get_by_test_id("link-helper")).to_have_text(re.compile(rf"/pay/{number}$"))
    expect(merchant.get_by_test_id("link-telegram")).to_have_text(f"https://t.me/krypton_e2e_bot?start=inv_{number}")
    assert merchant.get_by_test_id("direct-qr").get_attribute("src").startswith("data:image/svg+xml")
    shoot(merchant, screenshots, "desktop-invoice-new")

    # The widget: framed by the allowed origin only, and it talks to the page that frames it.
    response = merchant.request.get(f"/widget/invoice/{number}")
    assert response.headers["content-security-policy"] == f"frame-ancestors {base_url}"
    assert "x-frame-options" not in response.headers
    assert merchant.request.get("/widget/invoice/NOSUCH22").headers["content-security-policy"] == (
        "frame-ancestors 'none'"
    )
    demo = new_context(viewport=DESKTOP).new_page()
    demo.goto(f"/widget-demo.html?number={number}&parts=1&currency=USD")
    messages = demo.locator("#messages .message")
    expect(messages.first).to_be_visible()
    first = json.loads(messages.first.inner_text())
    assert first == {"type": "krypton:invoice", "number": number, "parts": 1, "currency": "USD", "amount": "1"}
    widget = demo.frame_locator("#krypton-widget")
    expect(widget.get_by_test_id("widget-price")).to_have_text("1 TON")
    widget.get_by_test_id("widget-parts").fill("2")
    expect(messages.last).to_contain_text('"parts":2')
    expect(widget.get_by_test_id("widget-go")).to_have_attribute("href", re.compile(rf"/pay/{number}\?parts=2$"))
    shoot(demo, screenshots, "desktop-widget-demo")
    demo.close()

    # Payer A: the wizard, two parts of 0.5 TON, each funded from the balance.
    a = payer(new_context)
    a.goto(f"/pay/{number}")
    expect(a.get_by_test_id("pay-title")).to_have_text("VPN licence")
    expect(a.get_by_test_id("pay-amount")).to_have_text("1 TON")
    a.get_by_test_id("pay-parts").get_by_role("radio", name="2").click()
    a.get_by_test_id("pay-next").click()
    amounts = a.get_by_test_id("pay-part-amount")
    expect(amounts).to_have_count(2)
    expect(amounts.nth(0)).to_have_value("0.5")
    expect(amounts.nth(1)).to_have_value("0.5")
    # Parts that do not add up are refused before anything is held.
    amounts.nth(1).fill("0.4")
    a.get_by_test_id("pay-start").click()
    expect(a.get_by_test_id("pay-parts-error")).to_contain_text("make the whole amount")
    amounts.nth(1).fill("0.5")
    a.get_by_test_id("pay-start").click()
    expect(a.get_by_test_id("pay-part")).to_have_count(2)
    shoot(a, screenshots, "desktop-pay-fund")
    a.get_by_test_id("pay-fund").first.click()
    expect(a.get_by_test_id("part-status").first).to_have_text("Funded")
    # A reload in the middle goes on with the same payment.
    a.reload()
    expect(a.get_by_test_id("part-status")).to_have_text(["Funded", "Not funded"])
    a.get_by_test_id("pay-fund").click()
    expect(a).to_have_url(re.compile(r"/payment/\d+$"))
    expect(a.get_by_test_id("result-status")).to_have_text("Paid")

    # The merchant's answer reaches the payer's open page without a reload.
    expect(a.get_by_test_id("result-secret")).to_have_text(re.compile(r"^LICENSE-\d+$"), timeout=WEBHOOK_TIMEOUT_MS)
    assert receiver.bad_signatures == 0
    assert "invoice.payment_completed" in receiver.types()
    token = a.get_by_test_id("result-receipt").inner_text().strip()
    assert token.startswith("kr1.")
    shoot(a, screenshots, "desktop-payment-result")

    # The receipt verifies, for this invoice; a changed one does not.
    a.get_by_test_id("result-verify").click()
    expect(a).to_have_url(re.compile(r"/verify\?token="))
    result = a.get_by_test_id("verify-result")
    expect(result).to_contain_text(number)
    expect(result).to_contain_text("1 TON")
    # The merchant by the name the app shows, the signed raw address beside it.
    expect(result).to_contain_text(re.compile(r"\S.* \(0:[0-9a-f]{64}\)"))
    shoot(a, screenshots, "desktop-verify")
    reader = new_context(viewport=PHONE).new_page()
    reader.goto(a.url)
    reader.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(reader.get_by_test_id("verify-submit")).to_have_text("Проверить")
    # The receipt's lines are read in the language of the page load: a Russian date once reloaded.
    reader.reload()
    expect(reader.get_by_test_id("verify-result")).to_contain_text(re.compile(r"\d{4}\s?г\., \d{2}:\d{2} UTC"))
    shoot(reader, screenshots, "phone-verify-ru")
    a.locator("#receipt_token").fill(token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB"))
    a.get_by_test_id("verify-submit").click()
    expect(a.get_by_test_id("verify-error")).to_contain_text("signature")
    a.locator("#receipt_token").fill(token)
    a.locator("#receipt_invoice").fill("ZZZZ2222")
    a.get_by_test_id("verify-submit").click()
    expect(a.get_by_test_id("verify-error")).to_contain_text("another invoice")
    expect(a.get_by_test_id("receipt-key-link")).to_have_attribute("href", "/.well-known/krypton-receipt-key")

    # Payer B: the direct link, one press. The second payment reaches the limit and closes the invoice.
    b = payer(new_context, viewport=PHONE)
    b.goto(f"/i/{number}")
    expect(b.get_by_test_id("pay-amount")).to_have_text("1 TON")
    assert_fits_width(b)
    shoot(b, screenshots, "phone-direct")
    b.get_by_test_id("direct-pay").click()
    expect(b).to_have_url(re.compile(r"/payment/\d+$"))
    expect(b.get_by_test_id("result-status")).to_have_text("Paid")
    expect(b.get_by_test_id("result-secret")).to_have_text(re.compile(r"^LICENSE-\d+$"), timeout=WEBHOOK_TIMEOUT_MS)
    assert_fits_width(b)
    shoot(b, screenshots, "phone-payment-result")

    # The merchant's open page follows: closed, both payments, the chart and the delivered webhooks.
    expect(merchant.get_by_test_id("detail-status")).to_have_text("Closed")
    expect(merchant.get_by_test_id("detail-payments")).to_have_text("2 / 2")
    expect(merchant.get_by_test_id("detail-collected")).to_have_text("2 TON")
    expect(merchant.get_by_test_id("payment-row")).to_have_count(2)
    expect(merchant.locator(".recharts-surface")).to_be_visible()
    expect(merchant.get_by_test_id("delivery-status").first).to_be_visible()
    expect(merchant.get_by_test_id("delivery-status")).to_have_text(["Delivered"] * 3, timeout=WEBHOOK_TIMEOUT_MS)
    # A test event, then a redelivery of it: the log shows both attempts, the receiver got it twice.
    merchant.get_by_test_id("send-test-event").click()
    expect(merchant.get_by_test_id("delivery-row")).to_have_count(4)
    expect(merchant.get_by_test_id("delivery-status").first).to_have_text("Delivered", timeout=WEBHOOK_TIMEOUT_MS)
    merchant.get_by_test_id("delivery-redeliver").first.click()
    expect(merchant.get_by_test_id("delivery-row").first).to_contain_text("Attempts: 2", timeout=WEBHOOK_TIMEOUT_MS)
    assert receiver.types().count("webhook.test") == 2
    assert receiver.bad_signatures == 0
    shoot(merchant, screenshots, "desktop-invoice-closed")

    # Payer C comes too late.
    c = payer(new_context, viewport=PHONE, funds=False)
    c.goto(f"/pay/{number}")
    expect(c.get_by_test_id("pay-unavailable")).to_contain_text("takes no more payments")
    expect(c.get_by_test_id("pay-next")).to_have_count(0)
    shoot(c, screenshots, "phone-pay-closed")
    c.goto(f"/widget/invoice/{number}")
    expect(c.get_by_test_id("widget-unavailable")).to_contain_text("takes no more payments")
    expect(c.get_by_test_id("widget-go")).to_have_count(0)

    # A private invoice for payer A: payer C gets the same "not found" as for a wrong number.
    a.goto("/profile")
    a.locator("#username").fill("payer_a")
    a.get_by_test_id("profile-save").click()
    expect(a.get_by_text("Profile saved")).to_be_visible()
    private = create_invoice(
        merchant, kind="private", title="Consulting", amount="2", max_parts="2", payer_contact="@payer_a"
    )
    # The merchant's detail page says who it is for and how many parts it allows.
    expect(merchant.get_by_test_id("setting-payer")).to_have_text("@payer_a")
    expect(merchant.get_by_test_id("setting-max-payments")).to_have_text("1 · 1 left")
    expect(merchant.get_by_test_id("setting-max-parts")).to_have_text("2")
    c.goto(f"/pay/{private}")
    expect(c.get_by_test_id("pay-error")).to_have_text("Not found. It may have been removed.")
    c.goto("/pay/NOSUCH22")
    expect(c.get_by_test_id("pay-error")).to_have_text("Not found. It may have been removed.")
    a.goto(f"/pay/{private}")
    expect(a.get_by_test_id("pay-title")).to_have_text("Consulting")

    # Payer A starts it in two parts, funds one, and cancels: the funded part goes back.
    a.get_by_test_id("pay-parts").get_by_role("radio", name="2").click()
    a.get_by_test_id("pay-next").click()
    a.get_by_test_id("pay-start").click()
    a.get_by_test_id("pay-fund").first.click()
    expect(a.get_by_test_id("part-status").first).to_have_text("Funded")
    a.get_by_test_id("pay-cancel").click()
    expect(a).to_have_url(re.compile(r"/payment/\d+$"))
    expect(a.get_by_test_id("result-status")).to_have_text("Cancelled")
    expect(a.get_by_test_id("part-status")).to_have_text(["Returned", "Not funded"])

    # The merchant's list: both invoices with their status and counters.
    merchant.goto("/invoices")
    rows = merchant.get_by_test_id("invoice-row")
    expect(rows).to_have_count(2)
    shoot(merchant, screenshots, "desktop-invoices")
    rows.last.click()
    expect(merchant.get_by_test_id("detail-status")).to_have_text("Closed")
    merchant.get_by_role("button", name="Switch light / dark theme").click()
    shoot(merchant, screenshots, "desktop-invoice-dark")
    merchant.get_by_role("button", name="Switch light / dark theme").click()


def test_merchant_pages_on_a_phone_and_test_mode(new_context, screenshots: Path):
    page = new_context(viewport=PHONE).new_page()
    # A payment link opened before signing in comes back after the login, with its query.
    # The link itself is public: a visitor sees the refusal anyone sees, and signs in from it.
    page.goto("/pay/NOSUCH22?parts=2")
    page.get_by_test_id("pay-sign-in").click()
    expect(page.get_by_test_id("notice")).to_have_text("Please sign in to open that page.")
    page.get_by_test_id("demo-login").click()
    expect(page).to_have_url(re.compile(r"/pay/NOSUCH22\?parts=2$"))
    expect(page.get_by_test_id("pay-error")).to_have_text("Not found. It may have been removed.")
    page.goto("/invoices")
    expect(page.get_by_test_id("invoices-list")).to_be_visible()
    page.get_by_test_id("invoice-new").click()
    page.get_by_test_id("invoice-kind").get_by_role("radio", name=re.compile("Payer chooses")).click()
    page.locator("#inv_title").fill("Donations")
    page.locator("#inv_min_payment").fill("0.1")
    page.locator("#inv_max_parts").fill("3")
    page.get_by_test_id("invoice-test-switch").click()
    assert_fits_width(page)
    shoot(page, screenshots, "phone-invoice-form")
    page.get_by_test_id("invoice-create").click()
    expect(page).to_have_url(re.compile(r"/invoices/[0-9A-Z]+$"))
    expect(page.get_by_test_id("test-mark").first).to_be_visible()
    assert_fits_width(page)
    # Test mode: the simulate button pays it with sandbox funds (a floating one: its minimum).
    page.get_by_test_id("simulate-payment").click()
    expect(page.get_by_test_id("detail-payments")).to_have_text("1")
    expect(page.get_by_test_id("detail-collected")).to_have_text("0.1 TON")
    shoot(page, screenshots, "phone-invoice-test")

    # A test invoice's payer pages say it cannot be paid for real, and offer no payment that would fail.
    number = page.get_by_test_id("detail-number").inner_text().strip()
    for path in (f"/pay/{number}", f"/i/{number}"):
        page.goto(path)
        expect(page.get_by_test_id("pay-test-notice")).to_contain_text("cannot be paid with real money")
        expect(page.get_by_test_id("test-mark")).to_be_visible()
        expect(page.get_by_test_id("pay-next")).to_have_count(0)
        expect(page.get_by_test_id("direct-pay")).to_have_count(0)
        assert_fits_width(page)
    shoot(page, screenshots, "phone-pay-test-invoice")
    page.set_viewport_size(DESKTOP)
    shoot(page, screenshots, "desktop-pay-test-invoice")
    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(page.get_by_test_id("pay-test-notice")).to_contain_text("настоящими деньгами нельзя")
    shoot(page, screenshots, "desktop-pay-test-invoice-ru")
    page.set_viewport_size(PHONE)
    shoot(page, screenshots, "phone-pay-test-invoice-ru")
    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
    expect(page.get_by_test_id("pay-test-notice")).to_contain_text("cannot be paid with real money")

    # The next new form starts live and fixed, after the test one, and after a reload.
    page.goto("/invoices")
    page.get_by_test_id("invoice-new").click()
    expect(page.get_by_test_id("invoice-test-switch")).to_have_attribute("aria-checked", "false")
    expect(page.get_by_test_id("invoice-kind").get_by_role("radio", name="Fixed amount")).to_be_checked()
    page.get_by_test_id("invoice-kind").get_by_role("radio", name=re.compile("Payer chooses")).click()
    page.get_by_test_id("invoice-test-switch").click()
    page.reload()
    page.get_by_test_id("invoice-new").click()
    expect(page.get_by_test_id("invoice-test-switch")).to_have_attribute("aria-checked", "false")
    expect(page.get_by_test_id("invoice-kind").get_by_role("radio", name="Fixed amount")).to_be_checked()
    page.get_by_test_id("invoice-kind").get_by_role("radio", name=re.compile("Payer chooses")).click()
    page.locator("#inv_title").fill("Donations, live")
    page.locator("#inv_min_payment").fill("0.1")
    page.locator("#inv_max_parts").fill("3")
    page.get_by_test_id("invoice-create").click()
    expect(page).to_have_url(re.compile(r"/invoices/[0-9A-Z]+$"))
    expect(page.get_by_text("Donations, live").first).to_be_visible()
    expect(page.get_by_test_id("test-mark")).to_have_count(0)
    expect(page.get_by_test_id("simulate-payment")).to_have_count(0)

    # The wizard in Russian fits a phone.
    number = page.get_by_test_id("detail-number").inner_text().strip()
    page.goto(f"/pay/{number}")
    page.get_by_test_id("language-switch").get_by_role("radio", name="RU").click()
    expect(page.get_by_text("Сколько частей?")).to_be_visible()
    page.locator("#pay_amount").fill("0.3")
    page.get_by_test_id("pay-parts").get_by_role("radio", name="3").click()
    page.get_by_test_id("pay-next").click()
    expect(page.get_by_test_id("pay-part-amount")).to_have_count(3)
    expect(page.get_by_test_id("pay-part-amount").nth(0)).to_have_value("0.1")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-pay-amounts-ru")
    # A live invoice starts (the refusal a test invoice met here is now its notice, before any step).
    page.get_by_test_id("pay-start").click()
    expect(page.get_by_test_id("pay-fund-card")).to_be_visible()
    page.goto("/invoices")
    expect(page.get_by_test_id("invoices-list")).to_be_visible()
    assert_fits_width(page)
    shoot(page, screenshots, "phone-invoices-ru")
    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
    expect(page.get_by_text("Your invoices")).to_be_visible()

    # An API key: its secret is shown once.
    page.goto("/invoices")
    page.locator("#key_name").fill("shop backend")
    page.get_by_test_id("api-key-create").click()
    expect(page.get_by_test_id("api-key-secret")).to_have_text(re.compile(r"^kr_(live|test)_"))
    page.get_by_test_id("api-key-done").click()
    expect(page.get_by_test_id("api-key-row")).to_have_count(1)
    expect(page.get_by_test_id("api-key-secret")).to_have_count(0)
    page.get_by_test_id("api-key-revoke").click()
    expect(page.get_by_test_id("api-key-row")).to_contain_text("Revoked")
    expect(page.get_by_test_id("api-key-revoke")).to_have_count(0)
    assert_fits_width(page)
    shoot(page, screenshots, "phone-invoices")

    # /pay asks for a number and says when there is none.
    page.goto("/pay")
    page.locator("#invoice_number").fill("nosuch22")
    page.get_by_test_id("pay-open").click()
    expect(page.get_by_test_id("pay-entry")).to_contain_text("No invoice has this number")
    assert_fits_width(page)

    # Telegram links land on the wizard (an ad's on its page); unknown ones on the landing page with a message.
    page.goto("/tg?tgWebAppStartParam=inv_nosuch22")
    expect(page).to_have_url(url_of("/pay/NOSUCH22"))
    page.goto("/tg?tgWebAppStartParam=ad_1")
    expect(page).to_have_url(url_of("/market/ads/1"))
    page.goto("/tg?tgWebAppStartParam=deal_1")
    expect(page.get_by_test_id("notice")).to_have_text("This Telegram link does not lead anywhere in Krypton.")

    page.goto("/verify")
    assert_fits_width(page)
    shoot(page, screenshots, "phone-verify")

    # The merchant closes the test invoice.
    page.goto(f"/invoices/{number}")
    page.get_by_test_id("invoice-close").click()
    page.get_by_test_id("invoice-close-confirm").click()
    expect(page.get_by_test_id("detail-status")).to_have_text("Closed")
    expect(page.get_by_test_id("close-reason")).to_have_text("Closed by you.")
    expect(page.get_by_test_id("simulate-payment")).to_have_count(0)
