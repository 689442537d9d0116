"""Heleket's own Python SDK (heleket-sdk 0.3.0) against Krypton, over real HTTP: only the base URL and the
credentials change. A payment is created, found, paid through Krypton by a user, its webhook delivered to a
real receiver on loopback and verified with the SDK's own verifier."""

import asyncio
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest
from builders import TON, deposit, heleket_merchant, make_user, new_wallet, pay_invoice
from heleket_sdk import (
    ApiError,
    ClientOptions,
    HeleketPayment,
    HeleketPayout,
    PaymentStatus,
    PayoutStatus,
    ValidationError,
    WebhookVerifier,
)
from heleket_sdk.types import (
    CreateInvoiceRequest,
    CreatePayoutRequest,
    HistoryOptions,
    InfoOptions,
    RefundRequest,
)
from heleket_sdk.types import (
    TestWebhookRequest as WebhookTest,
)

from krypton_app.bootstrap import app_deps
from krypton_app.services.webhook_delivery import deliver_due


class Receiver:
    """A merchant's webhook endpoint: a tiny HTTP server on loopback keeping the raw bodies it got."""

    def __init__(self):
        self.bodies: list[bytes] = []
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/heleket-hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def deliver(uow) -> None:
    async def run():
        async with httpx.AsyncClient() as client:
            await deliver_due(uow, settings=app_deps().settings, client=client, now=datetime.now(UTC))

    asyncio.run(run())


def test_a_heleket_merchant_works_with_the_sdk(uow, compat_server, receiver):
    _merchant_id, credentials = heleket_merchant(uow)
    options = ClientOptions(base_url=f"{compat_server}/heleket")
    client = HeleketPayment(merchant_id=credentials.merchant, api_key=credentials.payment_key, options=options)

    request = CreateInvoiceRequest(amount="1.5", currency="TON", order_id="sdk-1", url_callback=receiver.url)
    invoice = client.create_invoice(request)
    assert (invoice.status, invoice.is_final, invoice.payer_amount, invoice.network) == (
        PaymentStatus.CHECK,
        False,
        "1.50",
        "ton",
    )
    assert client.create_invoice(request).uuid == invoice.uuid  # the same order_id: the same payment
    fiat = client.create_invoice(
        CreateInvoiceRequest(amount="52", currency="USD", to_currency="TON", order_id="sdk-fiat")
    )
    assert (fiat.amount, fiat.currency, fiat.payer_amount, fiat.payer_currency) == ("52", "USD", "10.00", "TON")
    assert client.get_info(InfoOptions.by_uuid(invoice.uuid)).order_id == "sdk-1"
    assert client.get_info(InfoOptions.by_order_id("sdk-1")).uuid == invoice.uuid

    payer = make_user(uow)
    deposit(uow, payer, 2 * TON)
    pay_invoice(uow, payer, invoice.url.rsplit("/", 1)[1], ("1.5",), now=datetime.now(UTC))
    deliver(uow)
    [raw] = receiver.bodies
    webhook = WebhookVerifier(credentials.payment_key).verify_raw(raw)
    assert (webhook.type, webhook.uuid, webhook.status, webhook.raw["is_final"]) == (
        "payment",
        invoice.uuid,
        "paid",
        True,
    )
    assert (webhook.payment_amount, webhook.merchant_amount, webhook.raw["payer_currency"]) == ("1.50", "1.50", "TON")

    paid = client.get_info(InfoOptions.by_uuid(invoice.uuid))
    assert (paid.status, paid.is_final, paid.payment_amount) == (PaymentStatus.PAID, True, "1.50")
    history = client.list_history(HistoryOptions())
    assert {item.order_id for item in history.items} == {"sdk-1", "sdk-fiat"}
    assert history.paginate is not None and history.paginate.per_page == 15
    assert [(s.currency, s.network) for s in client.list_services()] == [("TON", "ton"), ("USDT", "ton")]
    balance = client.get_balance()
    assert next(b for b in balance.merchant if b.currency_code == "TON").balance == "1.50"
    rates = client.get_exchange_rates("TON")
    assert any(rate.to == "USD" and rate.course == "5.20000000" for rate in rates)

    client.resend_webhook(InfoOptions.by_uuid(invoice.uuid))
    deliver(uow)
    assert receiver.bodies == [raw, raw]  # the same webhook again
    client.test_webhook(WebhookTest(type="payment", url_callback=receiver.url, uuid=invoice.uuid))
    deliver(uow)
    assert WebhookVerifier(credentials.payment_key).verify_raw(receiver.bodies[-1]).uuid == invoice.uuid

    payouts = HeleketPayout(merchant_id=credentials.merchant, api_key=credentials.payout_key, options=options)
    refund = payouts.refund(RefundRequest(uuid=invoice.uuid, address=new_wallet(), is_subtract=False))
    assert (refund.amount, refund.commission, refund.status) == ("1.45", "0.05", "refund_process")
    assert client.get_info(InfoOptions.by_uuid(invoice.uuid)).status == PaymentStatus.REFUND_PROCESS

    wrong = HeleketPayment(merchant_id=credentials.merchant, api_key="not-the-key", options=options)
    with pytest.raises(ApiError) as refused:
        wrong.get_info(InfoOptions.by_uuid(invoice.uuid))
    assert (refused.value.http_status, str(refused.value)) == (401, "Invalid Sign.")


def test_a_payout_through_the_sdk_is_a_krypton_withdrawal(uow, compat_server):
    merchant_id, credentials = heleket_merchant(uow)
    deposit(uow, merchant_id, 3 * TON)
    options = ClientOptions(base_url=f"{compat_server}/heleket")
    client = HeleketPayout(merchant_id=credentials.merchant, api_key=credentials.payout_key, options=options)
    request = CreatePayoutRequest(amount="1.5", currency="TON", order_id="po-1", address=new_wallet(), is_subtract=True)
    payout = client.create_payout(request)
    assert (payout.status, payout.is_final, payout.commission, payout.merchant_amount) == (
        PayoutStatus.PROCESS,
        False,
        "0.05",
        "1.55",
    )
    assert client.create_payout(request).uuid == payout.uuid
    assert client.get_info(InfoOptions.by_order_id("po-1")).uuid == payout.uuid
    [listed] = client.list_history(HistoryOptions()).items
    assert listed.uuid == payout.uuid and listed.address == payout.address
    fees = [(service.currency, service.commission.fee_amount) for service in client.list_services()]
    assert fees == [("TON", "0.05"), ("USDT", "0.30")]
    with pytest.raises(ValidationError) as refused:
        client.create_payout(CreatePayoutRequest(**{**request.model_dump(), "order_id": "po-2", "address": "x"}))
    assert list(refused.value.fields) == ["address"]
