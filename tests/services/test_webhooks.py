import asyncio
import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import pytest
from builders import make_user
from sqlmodel import select

from krypton_app.domain.errors import Forbidden, InvalidState, NotFound, WebhookUrlRefused
from krypton_app.models.invoices import Invoice, InvoicePayment
from krypton_app.models.merchant import WebhookDelivery, WebhookEvent, WebhookSecret
from krypton_app.services.crypto import seal, unseal
from krypton_app.services.invoices import InvoiceDraft, create_invoice
from krypton_app.services.payments import get_payment, simulate_test_payment
from krypton_app.services.rates import StaticRateProvider
from krypton_app.services.webhook_delivery import deliver_due, retry_delay
from krypton_app.services.webhook_urls import check_webhook_url
from krypton_app.services.webhooks import (
    enqueue_event,
    list_deliveries,
    redeliver,
    rotate_webhook_secret,
    send_test_event,
    verify_signature,
    webhook_secret,
)
from krypton_app.settings import Settings
from krypton_app.workers.housekeeping import run_housekeeping
from krypton_app.workers.webhook_delivery import run_webhook_delivery

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def make_merchant_invoice(
    uow, *, name="m", number="INV2345", webhook_url="https://shop.example/hook"
) -> tuple[int, int]:
    merchant_id = make_user(uow, display_name=name)
    with uow.transaction() as s:
        invoice = Invoice(
            number=number,
            merchant_id=merchant_id,
            kind="fixed",
            title="VPN key",
            asset="TON",
            amount=1_500_000_000,
            webhook_url=webhook_url,
        )
        s.add(invoice)
        s.flush()
        return merchant_id, invoice.id


def test_enqueue_writes_the_outbox_row_in_the_callers_transaction(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    with uow.transaction() as s:
        event_id = enqueue_event(
            s,
            merchant_id=merchant_id,
            invoice_id=invoice_id,
            payment_id=None,
            type="invoice.closed",
            data={"invoice": {"number": "INV2345"}},
            url="https://shop.example/hook",
            is_test=True,
            now=NOW,
        )
    with uow.read() as s:
        row = s.exec(select(WebhookEvent)).one()
    assert row.event_id == event_id and event_id.startswith("evt_")
    assert (row.status, row.attempts, row.url, row.type) == (
        "pending",
        0,
        "https://shop.example/hook",
        "invoice.closed",
    )
    assert json.loads(row.body) == {
        "id": event_id,
        "type": "invoice.closed",
        "created": int(NOW.timestamp()),
        "test": True,
        "data": {"invoice": {"number": "INV2345"}},
    }


def test_enqueue_refuses_an_event_type_merchants_were_not_told_about(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    with pytest.raises(ValueError), uow.transaction() as s:
        enqueue_event(
            s,
            merchant_id=merchant_id,
            invoice_id=invoice_id,
            payment_id=None,
            type="invoice.paid",
            data={},
            url="https://shop.example/hook",
            is_test=False,
        )


def test_enqueue_without_url_writes_nothing_and_a_rollback_drops_the_event(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    with uow.transaction() as s:
        assert (
            enqueue_event(
                s,
                merchant_id=merchant_id,
                invoice_id=invoice_id,
                payment_id=None,
                type="invoice.closed",
                data={},
                url=None,
                is_test=False,
            )
            is None
        )
    try:
        with uow.transaction() as s:
            enqueue_event(
                s,
                merchant_id=merchant_id,
                invoice_id=invoice_id,
                payment_id=None,
                type="invoice.closed",
                data={},
                url="https://shop.example/hook",
                is_test=False,
            )
            raise RuntimeError("the change that caused the event failed")
    except RuntimeError:
        pass
    with uow.read() as s:
        assert s.exec(select(WebhookEvent)).all() == []


# --- delivery -----------------------------------------------------------------------------------

SETTINGS = Settings(KRYPTON_WEBHOOK_ALLOW_PRIVATE=True)


class Receiver:
    """A merchant endpoint behind httpx.MockTransport: records requests, answers from a script."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        status, body = answer
        return httpx.Response(status, json=body) if body is not None else httpx.Response(status)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


def make_payment(uow, invoice_id: int) -> int:
    with uow.transaction() as s:
        payment = InvoicePayment(
            invoice_id=invoice_id,
            asset="TON",
            amount=1_500_000_000,
            parts_count=1,
            status="completed",
            idempotency_key=f"pay-{invoice_id}",
        )
        s.add(payment)
        s.flush()
        return payment.id


def queue(
    uow,
    merchant_id,
    invoice_id,
    *,
    payment_id=None,
    type="invoice.payment_completed",
    now=NOW,
    url="https://shop.example/hook",
    is_test=False,
) -> str:
    with uow.transaction() as s:
        return enqueue_event(
            s,
            merchant_id=merchant_id,
            invoice_id=invoice_id,
            payment_id=payment_id,
            type=type,
            data={"invoice": {"number": "INV2345"}},
            url=url,
            is_test=is_test,
            now=now,
        )


def deliver(uow, receiver, now, settings=SETTINGS):
    async def run():
        async with receiver.client() as client:
            return await deliver_due(uow, settings=settings, client=client, now=now)

    return asyncio.run(run())


def event_row(uow) -> WebhookEvent:
    with uow.read() as s:
        return s.exec(select(WebhookEvent)).one()


def test_delivery_posts_the_stored_bytes_signed_with_the_merchants_secret(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    event_id = queue(uow, merchant_id, invoice_id)
    receiver = Receiver((200, {"ok": True}))
    assert deliver(uow, receiver, NOW) == 1
    [request] = receiver.requests
    row = event_row(uow)
    assert request.content == row.body.encode()
    assert request.headers["Krypton-Event-Id"] == event_id
    assert request.headers["Content-Type"] == "application/json"
    secret = webhook_secret(uow, merchant_id, is_test=False, settings=SETTINGS)
    assert verify_signature(secret, request.headers["Krypton-Signature"], request.content, now=NOW.timestamp())
    assert (row.status, row.attempts) == ("delivered", 1)
    [log] = list_deliveries(uow, merchant_id, "INV2345")
    assert (log.event_id, log.status, log.attempts) == (event_id, "delivered", 1)
    assert [(a.attempt, a.status_code) for a in log.attempts_log] == [(1, 200)]
    assert "Krypton-Signature" in json.loads(_delivery_headers(uow)[0])  # the log keeps the request headers as sent


def _delivery_headers(uow) -> list[str]:
    with uow.read() as s:
        return [d.request_headers for d in s.exec(select(WebhookDelivery)).all()]


def test_failures_back_off_doubling_with_the_same_event_id_then_give_up_after_24_hours(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    event_id = queue(uow, merchant_id, invoice_id)
    receiver = Receiver((500, None), (503, None), httpx.ConnectError("refused"), (200, None))
    assert deliver(uow, receiver, NOW) == 0
    assert event_row(uow).next_attempt_at.replace(tzinfo=UTC) == NOW + timedelta(seconds=30)
    assert deliver(uow, receiver, NOW + timedelta(seconds=29)) == 0 and len(receiver.requests) == 1  # not due
    assert deliver(uow, receiver, NOW + timedelta(seconds=30)) == 0
    assert event_row(uow).next_attempt_at.replace(tzinfo=UTC) == NOW + timedelta(seconds=90)  # +60
    assert deliver(uow, receiver, NOW + timedelta(seconds=90)) == 0  # connection refused
    assert event_row(uow).next_attempt_at.replace(tzinfo=UTC) == NOW + timedelta(seconds=210)  # +120
    assert {r.headers["Krypton-Event-Id"] for r in receiver.requests} == {event_id}
    [log] = list_deliveries(uow, merchant_id, "INV2345")
    assert [(a.status_code, bool(a.error)) for a in log.attempts_log] == [(500, False), (503, False), (None, True)]
    assert log.status == "pending" and log.attempts == 3

    late = NOW + timedelta(hours=24)
    assert deliver(uow, Receiver((500, None)), late) == 0
    assert (event_row(uow).status, event_row(uow).attempts) == ("failed", 4)
    assert deliver(uow, Receiver((200, None)), late + timedelta(hours=2)) == 0  # failed: no more attempts


def test_backoff_is_capped_at_an_hour():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 20)] == [30, 60, 120, 1920, 3600, 3600]


def test_redeliver_is_one_more_attempt_of_the_same_event_and_only_for_its_merchant(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    other_id, _ = make_merchant_invoice(uow, name="other", number="OTHER234")
    event_id = queue(uow, merchant_id, invoice_id)
    deliver(uow, Receiver((200, None)), NOW)
    row_id = event_row(uow).id
    with pytest.raises(Forbidden):
        redeliver(uow, other_id, row_id, now=NOW)
    with pytest.raises(NotFound):
        redeliver(uow, merchant_id, row_id + 100, now=NOW)
    with pytest.raises(NotFound):
        list_deliveries(uow, other_id, "INV2345")
    assert redeliver(uow, merchant_id, row_id, now=NOW + timedelta(minutes=5)) == event_id
    receiver = Receiver((200, None))
    assert deliver(uow, receiver, NOW + timedelta(minutes=5)) == 1
    assert receiver.requests[0].headers["Krypton-Event-Id"] == event_id
    assert receiver.requests[0].content == event_row(uow).body.encode()
    assert [a.attempt for a in list_deliveries(uow, merchant_id, "INV2345")[0].attempts_log] == [1, 2]


def test_secrets_in_the_response_are_sealed_on_the_payment_and_never_replaced(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    payment_id = make_payment(uow, invoice_id)
    queue(uow, merchant_id, invoice_id, payment_id=payment_id)
    deliver(uow, Receiver((200, {"secrets": ["VPN-KEY-1", "instructions: ..."]})), NOW)
    with uow.read() as s:
        payment = s.get(InvoicePayment, payment_id)
    assert "VPN-KEY-1" not in payment.secrets_encrypted  # sealed at rest
    assert unseal(SETTINGS, payment.secrets_encrypted) == ["VPN-KEY-1", "instructions: ..."]

    redeliver(uow, merchant_id, event_row(uow).id, now=NOW)
    deliver(uow, Receiver((200, {"secrets": ["ANOTHER-KEY"]})), NOW)
    with uow.read() as s:
        assert unseal(SETTINGS, s.get(InvoicePayment, payment_id).secrets_encrypted) == [
            "VPN-KEY-1",
            "instructions: ...",
        ]


@pytest.mark.parametrize(
    "answer",
    [
        {"secrets": ["x" * 1001]},
        {"secrets": [str(n) for n in range(11)]},
        {"secrets": ["é" * 1000] * 5},  # 10 KB of UTF-8
        {"secrets": "not a list"},
        {"secrets": [1, 2]},
        {"secrets": []},
    ],
)
def test_secrets_out_of_bounds_are_refused_but_the_event_counts_as_delivered(uow, answer):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    payment_id = make_payment(uow, invoice_id)
    queue(uow, merchant_id, invoice_id, payment_id=payment_id)
    assert deliver(uow, Receiver((200, answer)), NOW) == 1
    with uow.read() as s:
        assert s.get(InvoicePayment, payment_id).secrets_encrypted is None
    [log] = list_deliveries(uow, merchant_id, "INV2345")
    assert log.attempts_log[0].error.startswith("secrets_refused")


def test_secrets_of_a_non_2xx_answer_are_ignored(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    payment_id = make_payment(uow, invoice_id)
    queue(uow, merchant_id, invoice_id, payment_id=payment_id)
    deliver(uow, Receiver((500, {"secrets": ["K"]})), NOW)
    with uow.read() as s:
        assert s.get(InvoicePayment, payment_id).secrets_encrypted is None


def test_private_address_is_refused_again_at_delivery(uow, monkeypatch):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    queue(uow, merchant_id, invoice_id)
    # The name resolved to a public address when the invoice was made; now it points inside.
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *_a, **_k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 0))]
    )
    receiver = Receiver((200, None))

    async def run():
        async with receiver.client() as client:
            strict = Settings(KRYPTON_WEBHOOK_ALLOW_PRIVATE=False)
            return await deliver_due(uow, settings=strict, client=client, now=NOW)

    assert asyncio.run(run()) == 0
    assert receiver.requests == []
    [log] = list_deliveries(uow, merchant_id, "INV2345")
    assert log.attempts_log[0].error == "webhook_url_private" and log.status == "pending"


def test_public_address_is_called_by_the_checked_ip_with_the_original_host(uow, monkeypatch):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    queue(uow, merchant_id, invoice_id)
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *_a, **_k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 0))]
    )
    receiver = Receiver((200, None))

    async def run():
        async with receiver.client() as client:
            strict = Settings(KRYPTON_WEBHOOK_ALLOW_PRIVATE=False)
            return await deliver_due(uow, settings=strict, client=client, now=NOW)

    assert asyncio.run(run()) == 1
    [request] = receiver.requests
    assert str(request.url) == "https://93.184.216.34/hook"
    assert request.headers["Host"] == "shop.example"
    assert request.extensions["sni_hostname"] == "shop.example"


def test_send_test_event_needs_a_webhook_url_and_the_merchants_invoice(uow):
    merchant_id, _ = make_merchant_invoice(uow)
    _, _ = make_merchant_invoice(uow, name="nohook", number="NOHOOK23", webhook_url=None)
    with pytest.raises(NotFound):
        send_test_event(uow, merchant_id, "NOHOOK23", settings=SETTINGS, now=NOW)
    event_id = send_test_event(uow, merchant_id, "inv2345", settings=SETTINGS, now=NOW)
    receiver = Receiver((204, None))
    assert deliver(uow, receiver, NOW) == 1
    body = json.loads(receiver.requests[0].content)
    # A live invoice's test event is a live event: the live endpoint checks it with the live secret.
    assert (body["id"], body["type"], body["test"]) == (event_id, "webhook.test", False)
    live = webhook_secret(uow, merchant_id, is_test=False, settings=SETTINGS)
    signature = receiver.requests[0].headers["Krypton-Signature"]
    assert verify_signature(live, signature, receiver.requests[0].content, now=NOW.timestamp())


def test_a_sandbox_key_reaches_only_sandbox_invoices_events(uow):
    """The sandbox rule (services/api_keys.py): with `only_test` a live invoice does not exist."""
    merchant_id, _ = make_merchant_invoice(uow)
    _, _ = make_merchant_invoice(uow, name="same", number="TEST2345")
    with uow.transaction() as s:
        sandbox = s.exec(select(Invoice).where(Invoice.number == "TEST2345")).one()
        sandbox.merchant_id, sandbox.is_test = merchant_id, True
    for number in ("INV2345", "TEST2345"):
        send_test_event(uow, merchant_id, number, settings=SETTINGS, now=NOW)
    with pytest.raises(NotFound):
        send_test_event(uow, merchant_id, "INV2345", settings=SETTINGS, now=NOW, only_test=True)
    with pytest.raises(NotFound):
        list_deliveries(uow, merchant_id, "INV2345", only_test=True)
    assert send_test_event(uow, merchant_id, "TEST2345", settings=SETTINGS, now=NOW, only_test=True)
    assert [e.is_test for e in list_deliveries(uow, merchant_id, "TEST2345", only_test=True)] == [True, True]
    assert len(list_deliveries(uow, merchant_id, "INV2345")) == 1


def test_send_test_event_without_url_is_refused(uow):
    merchant_id, _ = make_merchant_invoice(uow, webhook_url=None)
    with pytest.raises(InvalidState) as error:
        send_test_event(uow, merchant_id, "INV2345", settings=SETTINGS, now=NOW)
    assert error.value.code == "webhook_url_missing"


@pytest.mark.parametrize("is_test", [False, True])
def test_webhook_secret_is_stable_sealed_and_rotates(uow, is_test):
    merchant_id, _ = make_merchant_invoice(uow)
    first = webhook_secret(uow, merchant_id, is_test=is_test, settings=SETTINGS)
    assert first.startswith("whsec_") and webhook_secret(uow, merchant_id, is_test=is_test, settings=SETTINGS) == first
    with uow.read() as s:
        assert first not in s.get(WebhookSecret, (merchant_id, is_test)).secret_encrypted
    rotated = rotate_webhook_secret(uow, merchant_id, is_test=is_test, settings=SETTINGS)
    assert rotated != first and webhook_secret(uow, merchant_id, is_test=is_test, settings=SETTINGS) == rotated


def test_live_and_test_secrets_are_apart_and_rotate_apart(uow):
    merchant_id, _ = make_merchant_invoice(uow)
    other_id, _ = make_merchant_invoice(uow, name="other", number="OTHER234")
    live = webhook_secret(uow, merchant_id, is_test=False, settings=SETTINGS)
    test = webhook_secret(uow, merchant_id, is_test=True, settings=SETTINGS)
    assert live != test
    assert webhook_secret(uow, other_id, is_test=True, settings=SETTINGS) not in (live, test)
    rotated = rotate_webhook_secret(uow, merchant_id, is_test=True, settings=SETTINGS)
    assert webhook_secret(uow, merchant_id, is_test=False, settings=SETTINGS) == live  # the live one stays
    assert webhook_secret(uow, merchant_id, is_test=True, settings=SETTINGS) == rotated != test
    rotate_webhook_secret(uow, merchant_id, is_test=False, settings=SETTINGS)
    assert webhook_secret(uow, merchant_id, is_test=True, settings=SETTINGS) == rotated


def test_two_workers_racing_never_deliver_one_event_twice_in_a_round(pg_uow):
    merchant_id, invoice_id = make_merchant_invoice(pg_uow)
    events = {queue(pg_uow, merchant_id, invoice_id) for _ in range(40)}
    receiver = Receiver((200, None))

    async def run():
        async with receiver.client() as client:
            return await asyncio.gather(
                *(deliver_due(pg_uow, settings=SETTINGS, client=client, now=NOW) for _ in range(4))
            )

    delivered = asyncio.run(run())
    seen = [r.headers["Krypton-Event-Id"] for r in receiver.requests]
    assert sorted(seen) == sorted(events) and sum(delivered) == 40
    with pg_uow.read() as s:
        assert {e.attempts for e in s.exec(select(WebhookEvent)).all()} == {1}


# --- lifespan loops -------------------------------------------------------------------------------


def test_webhook_worker_delivers_queued_events_until_stopped(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    queue(uow, merchant_id, invoice_id, now=datetime.now(UTC))
    receiver = Receiver((200, None))

    async def run():
        stop = asyncio.Event()
        async with receiver.client() as client:
            worker = asyncio.create_task(
                run_webhook_delivery(uow, settings=SETTINGS, stop=stop, interval_s=0.01, client=client)
            )
            for _ in range(500):
                if event_row(uow).status == "delivered":
                    break
                await asyncio.sleep(0.01)
            stop.set()
            await asyncio.wait_for(worker, 5)

    asyncio.run(run())
    assert event_row(uow).status == "delivered" and len(receiver.requests) == 1


def test_expiry_loop_expires_overdue_invoices_and_queues_the_event(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    with uow.transaction() as s:
        s.get(Invoice, invoice_id).expires_at = NOW

    async def run():
        stop = asyncio.Event()
        loop = asyncio.create_task(
            run_housekeeping(
                uow, settings=SETTINGS, stop=stop, interval_s=0.01, clock=lambda: NOW + timedelta(seconds=1)
            )
        )
        for _ in range(500):
            with uow.read() as s:
                if s.get(Invoice, invoice_id).status == "expired":
                    break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(loop, 5)

    asyncio.run(run())
    with uow.read() as s:
        assert s.get(Invoice, invoice_id).status == "expired"
    assert [e.type for e in list_deliveries(uow, merchant_id, "INV2345")] == ["invoice.expired"]


# --- with the real payment flow and a real HTTP receiver -------------------------------------------


def test_a_completed_payment_reaches_the_merchant_and_its_secrets_reach_the_payer_view(uow):
    merchant_id, _ = make_merchant_invoice(uow, webhook_url=None)
    draft = InvoiceDraft(
        kind="fixed", title="VPN", asset="TON", amount="2", webhook_url="https://shop.example/hook", is_test=True
    )
    invoice, _ = create_invoice(uow, merchant_id, draft, settings=SETTINGS, now=NOW)
    payment = simulate_test_payment(
        uow, merchant_id, invoice.number, amount=None, settings=SETTINGS, rates=StaticRateProvider({}), now=NOW
    )
    assert payment.waiting_for_secrets and payment.secrets is None

    receiver = Receiver((200, {"secrets": ["VPN-KEY-42"]}))
    assert deliver(uow, receiver, NOW) == 1
    body = json.loads(receiver.requests[0].content)
    assert (body["type"], body["test"], body["data"]["invoice"], body["data"]["amount"]) == (
        "invoice.payment_completed",
        True,
        invoice.number,
        "2",
    )
    shown = get_payment(uow, merchant_id, payment.id, settings=SETTINGS)
    assert shown.secrets == ("VPN-KEY-42",) and not shown.waiting_for_secrets


def test_delivery_over_real_http_to_a_local_receiver(uow):
    seen = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((dict(self.headers), body))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        merchant_id, invoice_id = make_merchant_invoice(uow)
        with uow.transaction() as s:
            event_id = enqueue_event(
                s,
                merchant_id=merchant_id,
                invoice_id=invoice_id,
                payment_id=None,
                type="invoice.closed",
                data={"invoice": "INV2345"},
                url=f"http://127.0.0.1:{server.server_port}/hook",
                is_test=False,
                now=NOW,
            )

        async def run():
            async with httpx.AsyncClient() as client:
                return await deliver_due(uow, settings=SETTINGS, client=client, now=NOW)

        assert asyncio.run(run()) == 1
    finally:
        server.shutdown()
        server.server_close()
    [(headers, body)] = seen
    assert headers["Krypton-Event-Id"] == event_id
    secret = webhook_secret(uow, merchant_id, is_test=False, settings=SETTINGS)
    assert verify_signature(secret, headers["Krypton-Signature"], body, now=NOW.timestamp())
    [log] = list_deliveries(uow, merchant_id, "INV2345")
    assert log.attempts_log[0].status_code == 200 and log.attempts_log[0].response_excerpt == '{"ok": true}'


# --- which addresses a webhook may reach (creation and delivery), international hosts -------------

STRICT = Settings(KRYPTON_WEBHOOK_ALLOW_PRIVATE=False)

# Every form of a non-public address; several hide a private IPv4 address inside an IPv6 one.
NOT_PUBLIC = {
    "10.0.0.1": "private",
    "127.0.0.1": "loopback",
    "169.254.169.254": "link-local (cloud metadata)",
    "100.64.0.1": "carrier-grade NAT",
    "0.0.0.0": "this network",
    "192.0.0.8": "IETF protocol assignments",
    "192.88.99.1": "6to4 relay anycast",
    "198.18.0.1": "benchmarking",
    "224.0.0.1": "multicast",
    "240.0.0.1": "reserved",
    "255.255.255.255": "broadcast",
    "::ffff:10.0.0.1": "IPv4-mapped private",
    "::ffff:0:a00:1": "IPv4-translated private",
    "::a00:1": "IPv4-compatible private",
    "64:ff9b::a00:1": "NAT64 of 10.0.0.1",
    "64:ff9b::7f00:1": "NAT64 of 127.0.0.1",
    "64:ff9b::a9fe:a9fe": "NAT64 of 169.254.169.254",
    "64:ff9b:1::a00:1": "local-use NAT64",
    "2002:a00:1::1": "6to4 of 10.0.0.1",
    "2002:c0a8:101::1": "6to4 of 192.168.1.1",
    "2002:7f00:1::1": "6to4 of 127.0.0.1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2": "Teredo",
    "fec0::1": "site-local",
    "fc00::1": "unique local",
    "fd12:3456::1": "unique local",
    "fe80::1": "link-local",
    "ff02::1": "link-local multicast",
    "ff0e::1": "global multicast",
    "::": "unspecified",
    "::1": "loopback",
    "100::1": "discard-only",
    "2001:db8::1": "documentation",
    "3fff::1": "documentation",
    "5f00::1": "segment routing",
}
PUBLIC = ["93.184.216.34", "2606:4700::1111", "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1"]


def resolving_to(monkeypatch, *addresses: str) -> list[str]:
    """Make every name resolve to `addresses`; returns the list of names looked up."""
    asked: list[str] = []

    def getaddrinfo(host, *_args, **_kwargs):
        asked.append(host)
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, 0, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def literal(address: str) -> str:
    return f"[{address}]" if ":" in address else address


@pytest.mark.parametrize("address", list(NOT_PUBLIC), ids=[f"{a} {w}" for a, w in NOT_PUBLIC.items()])
def test_no_form_of_a_non_public_address_is_accepted_at_creation(monkeypatch, address):
    with pytest.raises(WebhookUrlRefused) as as_literal:
        check_webhook_url(f"https://{literal(address)}/hook", settings=STRICT)
    resolving_to(monkeypatch, address)
    with pytest.raises(WebhookUrlRefused) as as_name:
        check_webhook_url("https://hook.example/hook", settings=STRICT)
    assert as_literal.value.code == as_name.value.code == "webhook_url_private"


@pytest.mark.parametrize("address", list(NOT_PUBLIC), ids=[f"{a} {w}" for a, w in NOT_PUBLIC.items()])
def test_no_form_of_a_non_public_address_is_called_at_delivery(uow, monkeypatch, address):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    queue(uow, merchant_id, invoice_id)
    resolving_to(monkeypatch, "93.184.216.34", address)  # the name now also points inside
    receiver = Receiver((200, None))
    assert deliver(uow, receiver, NOW, settings=STRICT) == 0
    assert receiver.requests == []
    [log] = list_deliveries(uow, merchant_id, "INV2345")
    assert log.attempts_log[0].error == "webhook_url_private" and log.status == "pending"


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass_in_every_form(monkeypatch, address):
    assert check_webhook_url(f"https://{literal(address)}/hook", settings=STRICT) == f"https://{literal(address)}/hook"
    resolving_to(monkeypatch, address)
    assert check_webhook_url("https://hook.example/hook", settings=STRICT) == "https://hook.example/hook"


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("https://пример.рф/hook", "https://xn--e1afmkfd.xn--p1ai/hook"),
        ("https://ПРИМЕР。РФ/hook?order=1", "https://xn--e1afmkfd.xn--p1ai/hook?order=1"),
        ("https://user@Bücher.example:8443/h", "https://user@xn--bcher-kva.example:8443/h"),
        ("https://shop.example/hook", "https://shop.example/hook"),
    ],
)
def test_an_international_host_is_stored_in_its_idna_form(uow, monkeypatch, url, stored):
    merchant_id, _ = make_merchant_invoice(uow, webhook_url=None)
    asked = resolving_to(monkeypatch, "93.184.216.34")
    draft = InvoiceDraft(kind="fixed", title="VPN", asset="TON", amount="1", webhook_url=url)
    invoice, _ = create_invoice(uow, merchant_id, draft, settings=STRICT, now=NOW)
    assert invoice.webhook_url == stored
    with uow.read() as s:
        assert s.get(Invoice, invoice.id).webhook_url == stored
    assert asked == [urlsplit(stored).hostname]  # DNS is asked for the ASCII name


@pytest.mark.parametrize(
    "url",
    [
        "https://☃.example/hook",
        "https://a\u200db.example/hook",
        "https://exa mple.com/hook",
        "https://[::1/hook",
        "https://[fe80::1%25eth0]/hook",
    ],
)
def test_a_host_that_is_no_valid_name_is_refused(url):
    with pytest.raises(WebhookUrlRefused) as error:
        check_webhook_url(url, settings=SETTINGS)
    assert error.value.code == "webhook_url_invalid"


def test_an_international_host_stored_before_is_delivered_to_its_idna_form(uow, monkeypatch):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    queue(uow, merchant_id, invoice_id, url="https://пример.рф/hook")  # stored by an older version
    resolving_to(monkeypatch, "93.184.216.34")
    receiver = Receiver((200, None))
    assert deliver(uow, receiver, NOW, settings=STRICT) == 1
    [request] = receiver.requests
    assert request.headers["Host"] == "xn--e1afmkfd.xn--p1ai"
    assert request.extensions["sni_hostname"] == "xn--e1afmkfd.xn--p1ai"


# --- a failed attempt is a logged attempt, whatever failed --------------------------------------------


class Broken(Receiver):
    """Answers 200, except for one host, where the HTTP client itself raises something unexpected."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "broken.example":
            self.requests.append(request)
            raise RuntimeError("client bug")
        return super().__call__(request)


def test_an_unexpected_exception_is_a_failed_attempt_with_its_reason_and_spares_the_others(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    other_id, other_invoice_id = make_merchant_invoice(uow, name="other", number="OTHER234")
    queue(uow, merchant_id, invoice_id, url="https://broken.example/hook")
    queue(uow, other_id, other_invoice_id)
    receiver = Broken((200, None))
    assert deliver(uow, receiver, NOW) == 1  # the other merchant's event went out in the same round
    [broken] = list_deliveries(uow, merchant_id, "INV2345")
    assert (broken.status, broken.attempts) == ("pending", 1)
    assert [a.error for a in broken.attempts_log] == ["RuntimeError: client bug"]
    assert broken.next_attempt_at == NOW + timedelta(seconds=30)  # retried with backoff
    assert list_deliveries(uow, other_id, "OTHER234")[0].status == "delivered"
    assert deliver(uow, receiver, NOW + timedelta(seconds=30)) == 0
    assert deliver(uow, receiver, NOW + timedelta(hours=24)) == 0  # and it ends
    [broken] = list_deliveries(uow, merchant_id, "INV2345")
    assert (broken.status, broken.attempts) == ("failed", 3)
    assert all(a.error == "RuntimeError: client bug" for a in broken.attempts_log)


def test_an_unreadable_signing_secret_fails_only_that_merchants_attempts(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    other_id, other_invoice_id = make_merchant_invoice(uow, name="other", number="OTHER234")
    sealed = seal(Settings(KRYPTON_SECRET_KEY="an older app key"), "whsec_x")  # cannot be opened now
    with uow.transaction() as s:
        s.add(WebhookSecret(user_id=merchant_id, is_test=False, secret_encrypted=sealed))
    queue(uow, merchant_id, invoice_id)
    queue(uow, other_id, other_invoice_id)
    receiver = Receiver((200, None))
    assert deliver(uow, receiver, NOW) == 1
    assert [r.url.path for r in receiver.requests] == ["/hook"]
    [failed] = list_deliveries(uow, merchant_id, "INV2345")
    assert failed.status == "pending" and failed.attempts_log[0].error.startswith("KryptonError")


def test_an_answer_with_nul_bytes_is_logged(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    queue(uow, merchant_id, invoice_id)
    assert deliver(uow, Receiver(httpx.Response(500, content=b"bad\x00answer")), NOW) == 0
    [log] = list_deliveries(uow, merchant_id, "INV2345")
    assert log.attempts_log[0].status_code == 500 and log.attempts_log[0].response_excerpt == "bad\ufffdanswer"


def test_deeply_nested_json_in_an_answer_still_acknowledges(uow):
    merchant_id, invoice_id = make_merchant_invoice(uow)
    payment_id = make_payment(uow, invoice_id)
    queue(uow, merchant_id, invoice_id, payment_id=payment_id)
    nested = httpx.Response(200, content=b"[" * 50_000 + b"]" * 50_000)
    assert deliver(uow, Receiver(nested), NOW) == 1
