"""A shop that talks to Crypto Pay and a shop that talks to Heleket move to Krypton by changing one base URL:
the merchant gets credentials on the Developers card, the SDKs (aiocryptopay, heleket-sdk) create invoices
on the running app, a payer pays them in the browser, and the webhooks reach the shop signed as each API
signs them, checked by the SDKs' own verifiers."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiocryptopay import AioCryptoPay
from heleket_sdk import ClientOptions, HeleketPayment
from heleket_sdk.types import CreateInvoiceRequest, InfoOptions
from heleket_sdk.webhook import WebhookVerifier
from helpers import DESKTOP, PHONE, demo_login, funded_login, shoot, switch_language
from playwright.sync_api import Page, expect


def issued(page: Page, test_id: str) -> str:
    value = page.get_by_test_id(test_id)
    expect(value).to_have_text(re.compile(r"\S{8,}"))
    return value.inner_text().strip()


def pay_on_direct_link(page: Page, pay_url: str) -> None:
    """The payer opens the invoice's direct link (the pay URL's number) and pays from their balance."""
    number = pay_url.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"/i/{number}")
    page.get_by_test_id("direct-pay").click()
    expect(page).to_have_url(re.compile(r"/payment/\d+$"))
    expect(page.get_by_test_id("result-status")).to_have_text("Paid")


def cryptopay(token: str, base: str, call):
    """`call(client)` with aiocryptopay's client, on a thread of its own: Playwright's sync API keeps an
    event loop running in the test's thread, and the SDK is asyncio."""

    async def run():
        client = AioCryptoPay(token, network=f"{base}/cryptopay")
        try:
            return await call(client)
        finally:
            await client.close()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, run()).result()


async def _checks(client: AioCryptoPay, body: str, signature: str) -> bool:
    return client.check_signature(body, signature)


def test_crypto_pay_and_heleket_shops_switch_by_base_url(new_context, base_url, hook_receiver, screenshots: Path):
    merchant = new_context(viewport=DESKTOP).new_page()
    demo_login(merchant)
    merchant.goto("/invoices")
    merchant.get_by_test_id("dev-tab-compat").click()
    expect(merchant.get_by_test_id("cp-base-url")).to_contain_text(f"{base_url}/cryptopay")
    merchant.get_by_test_id("cp-name").fill("Shop bot")
    merchant.locator("input[name=cp_webhook]").fill(hook_receiver.url)
    merchant.get_by_test_id("cp-create").click()
    token = issued(merchant, "cp-token")
    shoot(merchant, screenshots, "desktop-compat-cryptopay-token")
    merchant.get_by_test_id("compat-done").click()
    expect(merchant.get_by_test_id("cp-app-row")).to_have_count(1)
    merchant.get_by_test_id("hk-name").fill("VPN shop")
    merchant.get_by_test_id("hk-create").click()
    heleket_merchant = issued(merchant, "hk-merchant")
    payment_key = issued(merchant, "hk-payment-key")
    shoot(merchant, screenshots, "desktop-compat-heleket-keys")
    merchant.get_by_test_id("compat-done").click()
    shoot(merchant, screenshots, "desktop-compat-tab")

    # Crypto Pay: aiocryptopay creates the invoice; a payer pays it; the shop's webhook checks out.
    invoice = cryptopay(
        token,
        base_url,
        lambda cp: cp.create_invoice(asset="TON", amount=1, payload="order-7", description="VPN, 1 month"),
    )
    payer = new_context(viewport=PHONE).new_page()
    funded_login(payer)
    pay_on_direct_link(payer, invoice.web_app_invoice_url)
    [(headers, body)] = hook_receiver.wait_for(1)
    update = json.loads(body)
    assert update["update_type"] == "invoice_paid" and update["payload"]["payload"] == "order-7"
    signature = {name.lower(): value for name, value in headers.items()}["crypto-pay-api-signature"]
    assert cryptopay(token, base_url, lambda cp: _checks(cp, body.decode(), signature))
    paid = cryptopay(token, base_url, lambda cp: cp.get_invoices(invoice_ids=invoice.invoice_id))
    assert paid.status == "paid"

    # Heleket: heleket-sdk creates the payment with the shop's order id; paid; the sign in the body verifies.
    order_id = f"vpn-{uuid.uuid4().hex[:10]}"
    heleket = HeleketPayment(
        merchant_id=heleket_merchant, api_key=payment_key, options=ClientOptions(base_url=f"{base_url}/heleket")
    )
    payment = heleket.create_invoice(
        CreateInvoiceRequest(amount="1", currency="TON", order_id=order_id, url_callback=hook_receiver.url)
    )
    pay_on_direct_link(payer, payment.url)
    raw = hook_receiver.wait_for(2)[1][1]
    WebhookVerifier(payment_key).verify_raw(raw)  # raises SignatureError on a wrong sign
    assert json.loads(raw)["order_id"] == order_id and json.loads(raw)["status"] == "paid"
    assert heleket.get_info(InfoOptions(order_id=order_id)).status == "paid"

    # The tab on a phone and in Russian.
    phone = new_context(viewport=PHONE).new_page()
    demo_login(phone)
    for page, name in ((phone, "phone"), (merchant, "desktop")):
        page.goto("/invoices")
        page.get_by_test_id("dev-tab-compat").click()
        if name == "phone":
            expect(page.get_by_test_id("compat-panel")).to_contain_text("Base URL")
            shoot(page, screenshots, "phone-compat-tab")
        switch_language(page, "ru")
        expect(page.get_by_test_id("compat-panel")).to_contain_text("Базовый адрес")
        shoot(page, screenshots, f"{name}-compat-tab-ru")
