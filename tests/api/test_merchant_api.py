"""The merchant REST API through Starlette's TestClient: auth, scopes, idempotency, every endpoint."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest
from builders import deposit, make_user, pay_invoice
from sqlmodel import select
from starlette.testclient import TestClient

from krypton_app.api.app import build_api
from krypton_app.api.merchant import OPERATIONS
from krypton_app.bootstrap import app_deps
from krypton_app.models import User
from krypton_app.services import fees
from krypton_app.services.api_keys import create_api_key, revoke_api_key
from krypton_app.services.payments import simulate_test_payment
from krypton_app.services.receipts import verify_receipt
from krypton_app.services.webhook_delivery import deliver_due
from krypton_app.services.webhooks import verify_signature, webhook_secret

ALL = ["invoices:read", "invoices:write", "webhooks:write", "promises:read", "promises:write"]
INVOICE = {"kind": "fixed", "title": "VPN key, 1 month", "asset": "TON", "amount": "1.5", "order_id": "order-1"}


class Merchant:
    def __init__(self, uow, name="shop", scopes=ALL, is_test=False):
        self.uow = uow
        self.id = make_user(uow, display_name=name)
        self.key_view, self.key = create_api_key(uow, self.id, name="server", scopes=scopes, is_test=is_test)
        self.client = TestClient(build_api())
        self._keys = 0

    def headers(self, key=None, **extra):
        return {"Authorization": f"Bearer {key or self.key}", **extra}

    def post(self, path, body=None, *, idempotency_key=None, key=None):
        self._keys += 1
        headers = self.headers(key, **{"Idempotency-Key": idempotency_key or f"k-{self._keys}"})
        return self.client.post(f"/api/v1{path}", json=body, headers=headers)

    def get(self, path, key=None, **params):
        return self.client.get(f"/api/v1{path}", headers=self.headers(key), params=params)


@pytest.fixture
def shop(uow):
    return Merchant(uow)


def error_of(response):
    return response.json()["error"]["code"]


def test_create_invoice_returns_its_json_with_amounts_links_and_counters(shop):
    response = shop.post("/invoices", INVOICE)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "open" and body["kind"] == "fixed" and body["test"] is False
    assert (body["amount"], body["amount_minor"], body["decimals"]) == ("1.5", 1_500_000_000, 9)
    assert body["counters"] == {
        "payments_count": 0,
        "collected": "0",
        "collected_minor": 0,
        "fees": "0",
        "fees_minor": 0,
        "net": "0",
        "net_minor": 0,
    }
    number = body["number"]
    app_url = app_deps().settings.app_url.rstrip("/")
    assert body["links"]["direct_url"] == f"{app_url}/i/{number}"
    assert body["links"]["helper_url"] == f"{app_url}/pay/{number}"
    assert shop.get(f"/invoices/{number}").json() == body
    assert shop.get(f"/invoices/{number.lower()}").json()["number"] == number  # typed in any case


def test_repeated_order_id_returns_the_existing_invoice(shop):
    first = shop.post("/invoices", INVOICE).json()
    again = shop.post("/invoices", {**INVOICE, "amount": "99"})
    assert again.status_code == 200 and again.json()["number"] == first["number"]
    assert again.json()["amount"] == "1.5"


def test_idempotency_key_replays_the_first_response_and_conflicts_on_another_body(shop):
    body = {**INVOICE, "order_id": None}
    first = shop.post("/invoices", body, idempotency_key="create-1")
    replay = shop.post("/invoices", dict(reversed(body.items())), idempotency_key="create-1")  # key order ignored
    assert replay.status_code == first.status_code == 201
    assert replay.json() == first.json() and replay.headers["Idempotent-Replayed"] == "true"
    assert shop.get("/invoices").json()["total"] == 1  # created once
    conflict = shop.post("/invoices", {**body, "amount": "2"}, idempotency_key="create-1")
    assert conflict.status_code == 409 and error_of(conflict) == "idempotency_conflict"
    # The same key on another endpoint is another request too.
    other = shop.post(f"/invoices/{first.json()['number']}/close", None, idempotency_key="create-1")
    assert other.status_code == 409


def test_idempotency_keys_belong_to_one_merchant(uow, shop):
    other = Merchant(uow, name="other")
    mine = shop.post("/invoices", INVOICE, idempotency_key="same")
    theirs = other.post("/invoices", INVOICE, idempotency_key="same")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["number"] != theirs.json()["number"]


def test_domain_errors_are_replayed_too(shop):
    first = shop.post("/invoices", {**INVOICE, "amount": None}, idempotency_key="no-amount")
    assert first.status_code == 422
    assert shop.post("/invoices", {**INVOICE, "amount": None}, idempotency_key="no-amount").json() == first.json()


@pytest.mark.parametrize("key", [None, "", "has space", "x" * 201, "ключ"])
def test_every_post_needs_a_valid_idempotency_key(shop, key):
    headers = shop.headers() if key is None else shop.headers(**{"Idempotency-Key": key.encode()})
    response = shop.client.post("/api/v1/invoices", json=INVOICE, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] | {"message": ""} == {
        "code": "invalid_request",
        "field": "Idempotency-Key",
        "message": "",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**INVOICE, "amount": 1.5}, "amount"),  # a float: money is decimal text
        ({**INVOICE, "amount": "1,5"}, "amount"),
        ({**INVOICE, "kind": "weird"}, "kind"),
        ({**INVOICE, "max_parts": "2"}, "max_parts"),
        ({**INVOICE, "surprise": 1}, "surprise"),
        ({k: v for k, v in INVOICE.items() if k != "title"}, "title"),
        ({**INVOICE, "title": "a\x00b"}, "title"),
        ([1, 2], "body"),
    ],
)
def test_invalid_bodies_are_400_naming_the_field_and_are_not_remembered(shop, body, field):
    response = shop.post("/invoices", body, idempotency_key="v")
    assert response.status_code == 400
    assert (error_of(response), response.json()["error"]["field"]) == ("invalid_request", field)
    assert response.json()["error"]["message"]
    assert shop.post("/invoices", INVOICE, idempotency_key="v").status_code == 201  # the key is still free


def test_malformed_json_is_400(shop):
    response = shop.client.post(
        "/api/v1/invoices", content=b"{not json", headers=shop.headers(**{"Idempotency-Key": "j"})
    )
    assert response.status_code == 400 and response.json()["error"]["field"] == "body"
    assert error_of(response) == "invalid_json"


def nested(depth: int, kind: str) -> bytes:
    return b"[" * depth + b"]" * depth if kind == "arrays" else b'{"a":' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize("kind", ["arrays", "objects"])
@pytest.mark.parametrize("depth", [33, 900, 10_000])
def test_deeply_nested_json_is_400_invalid_json_on_every_route_that_reads_a_body(shop, depth, kind):
    number = shop.post("/invoices", INVOICE).json()["number"]
    posts = [operation for operation in OPERATIONS if operation.method == "POST"]
    assert len(posts) == 6
    for operation in posts:
        path = operation.path.replace("{number}", number).replace("{delivery_id}", "1").replace("{promise_id}", "1")
        headers = shop.headers(**{"Idempotency-Key": f"deep-{operation.operation_id}"})
        response = shop.client.post(f"/api/v1{path}", content=nested(depth, kind), headers=headers)
        assert (response.status_code, error_of(response)) == (400, "invalid_json"), operation.operation_id
        assert response.json()["error"]["field"] == "body" and response.json()["error"]["message"]
    assert shop.get(f"/invoices/{number}").json()["status"] == "open"  # nothing ran
    assert (
        shop.post("/invoices", {**INVOICE, "order_id": "o-2"}, idempotency_key="deep-createInvoice").status_code == 201
    )


def test_oversized_bodies_are_refused(shop):
    huge = {**INVOICE, "description": "x" * 70_000}
    response = shop.post("/invoices", huge)
    assert response.status_code == 400 and response.json()["error"]["field"] == "body"


def test_business_rules_are_422_with_their_code(shop):
    response = shop.post("/invoices", {**INVOICE, "kind": "fixed", "amount": None})
    assert response.status_code == 422 and error_of(response) == "invoice_amount_required"
    for url in ("https://[::1/hook", "https://☃.example/hook"):  # an unbalanced IPv6 literal, no valid name
        response = shop.post("/invoices", {**INVOICE, "order_id": None, "webhook_url": url})
        assert (response.status_code, error_of(response)) == (422, "webhook_url_invalid")
    private = shop.post("/invoices", {**INVOICE, "kind": "private", "order_id": "p", "payer_contact": "@nobody"})
    assert private.status_code == 422 and error_of(private) == "invoice_payer_unknown"


def test_an_invoice_paid_out_in_fiat_needs_a_deposit_of_one_payment(shop):
    payout = {"payout_country": "RU", "payout_fiat": "RUB", "payout_method": "sbp"}
    short = shop.post("/invoices", {**INVOICE, **payout})
    assert (short.status_code, error_of(short), short.json()["error"]["field"]) == (
        422,
        "invoice_deposit_short",
        "payout_method",
    )
    deposit(shop.uow, shop.id, 2 * 10**9)
    made = shop.post("/invoices", {**INVOICE, **payout, "order_id": "fiat-1"})
    assert made.status_code == 201
    assert {k: made.json()[k] for k in payout} == payout
    assert shop.post("/invoices", {**INVOICE, "order_id": "crypto-1"}).json()["payout_method"] is None


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "api_key_missing"),
        ({"Authorization": "Bearer kr_live_000000000000_nope"}, 401, "api_key_invalid"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401, "api_key_invalid"),
    ],
)
def test_missing_and_unknown_keys_are_401(shop, headers, status, code):
    response = shop.client.get("/api/v1/invoices", headers=headers)
    assert (response.status_code, error_of(response)) == (status, code)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_revoked_key_is_401_and_auth_comes_before_body_validation(shop):
    revoke_api_key(shop.uow, shop.id, shop.key_view.id)
    response = shop.post("/invoices", ["not", "an", "invoice"])
    assert (response.status_code, error_of(response)) == (401, "api_key_invalid")


def test_scopes_are_enforced_per_operation(uow):
    reader = Merchant(uow, scopes=["invoices:read"])
    assert reader.get("/invoices").status_code == 200
    for response in (
        reader.post("/invoices", INVOICE),
        reader.post("/invoices/ABCDEFG/close"),
        reader.post("/webhooks/test", {"invoice": "ABCDEFG"}),
    ):
        assert (response.status_code, error_of(response)) == (403, "api_scope_missing")
    writer = Merchant(uow, name="writer", scopes=["invoices:write"])
    assert writer.post("/invoices", INVOICE).status_code == 201
    assert error_of(writer.get("/invoices")) == "api_scope_missing"


def test_other_merchants_invoices_are_404(uow, shop):
    other = Merchant(uow, name="other")
    payer = make_user(uow, display_name="payer", username="payer")
    number = shop.post("/invoices", {**INVOICE, "kind": "private", "payer_contact": "@payer"}).json()["number"]
    assert payer
    for response in (
        other.get(f"/invoices/{number}"),
        other.get(f"/invoices/{number}/payments"),
        other.get(f"/invoices/{number}/webhook-deliveries"),
        other.post(f"/invoices/{number}/close"),
        other.get("/invoices/NOSUCH23"),
    ):
        assert (response.status_code, error_of(response)) == (404, "not_found")
    assert other.get("/invoices").json()["total"] == 0
    assert shop.get(f"/invoices/{number}").status_code == 200


def test_list_is_paginated_newest_first_and_filters_by_status(shop):
    numbers = [shop.post("/invoices", {**INVOICE, "order_id": f"o-{n}"}).json()["number"] for n in range(5)]
    shop.post(f"/invoices/{numbers[0]}/close")
    page = shop.get("/invoices", page=1, page_size=2).json()
    assert (page["total"], page["pages"], page["page"], page["page_size"]) == (5, 3, 1, 2)
    assert [i["number"] for i in page["items"]] == numbers[::-1][:2]
    assert [i["number"] for i in shop.get("/invoices", page=3, page_size=2).json()["items"]] == [numbers[0]]
    closed = shop.get("/invoices", status="closed").json()
    assert [i["number"] for i in closed["items"]] == [numbers[0]]
    for params in ({"status": "paid"}, {"page": "0"}, {"page_size": "500"}, {"page": "x"}):
        response = shop.get("/invoices", **params)
        assert response.status_code == 400 and response.json()["error"]["field"] == next(iter(params))


def test_close_invoice(shop):
    number = shop.post("/invoices", INVOICE).json()["number"]
    closed = shop.post(f"/invoices/{number}/close")
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["close_reason"]) == ("closed", "merchant")
    assert closed.json()["closed_at"] is not None
    assert shop.post(f"/invoices/{number}/close").json()["status"] == "closed"  # twice: no change


def test_payments_of_a_test_invoice_with_receipt(uow):
    shop = Merchant(uow, is_test=True)  # a sandbox key makes sandbox invoices
    invoice = shop.post("/invoices", INVOICE).json()
    assert invoice["test"] is True
    simulate_test_payment(
        uow,
        shop.id,
        invoice["number"],
        amount=None,
        settings=app_deps().settings,
        rates=app_deps().rates,
        now=datetime.now(UTC),
    )
    payments = shop.get(f"/invoices/{invoice['number']}/payments").json()["items"]
    assert len(payments) == 1
    payment = payments[0]
    assert (payment["status"], payment["amount"], payment["amount_minor"], payment["test"]) == (
        "completed",
        "1.5",
        1_500_000_000,
        True,
    )
    assert [(p["position"], p["amount"]) for p in payment["parts"]] == [(1, "1.5")]
    assert payment["secrets_delivered"] is False
    # A simulation has nobody behind it: no payer, said so rather than left out.
    assert (payment["payer"], payment["payer_name"], payment["invoice_title"]) == (None, None, INVOICE["title"])
    counters = shop.get(f"/invoices/{invoice['number']}").json()["counters"]
    assert counters == {
        "payments_count": 1,
        "collected": "1.5",
        "collected_minor": 1_500_000_000,
        "fees": "0",
        "fees_minor": 0,
        "net": "1.5",
        "net_minor": 1_500_000_000,
    }
    # A public invoice's payment has a receipt, checked offline with the published key.
    key = shop.client.get("/.well-known/krypton-receipt-key").json()
    receipt = verify_receipt(payment["receipt"], public_key=bytes.fromhex(key["public_key_hex"]))
    assert receipt.invoice == invoice["number"]


def test_a_payment_and_its_invoice_show_gross_fee_and_net(uow, shop):
    """SPEC F12: the merchant's API says what the payer paid, the fee taken out and what arrived."""
    operator = make_user(uow, operator=True)
    fees.set_fee_rule(uow, operator, "invoice_payment", "TON", percent="1")
    number = shop.post("/invoices", INVOICE).json()["number"]
    pay_invoice(uow, make_user(uow, balance=5 * 10**9), number, ("1.5",))
    [payment] = shop.get(f"/invoices/{number}/payments").json()["items"]
    assert (payment["amount"], payment["fee"], payment["net"]) == ("1.5", "0.015", "1.485")
    assert (payment["amount_minor"], payment["fee_minor"], payment["net_minor"]) == (
        1_500_000_000,
        15_000_000,
        1_485_000_000,
    )
    counters = shop.get(f"/invoices/{number}").json()["counters"]
    assert (counters["collected"], counters["fees"], counters["net"]) == ("1.5", "0.015", "1.485")
    schemas = shop.client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"fee", "fee_minor", "net", "net_minor"} <= set(schemas["Payment"]["required"])
    assert {"fees", "fees_minor", "net", "net_minor"} <= set(schemas["InvoiceCounters"]["required"])


def test_payments_name_their_payer_and_invoice(uow, shop):
    """The payments list says who paid: the wallet address the receipt and the webhook carry, and the
    public name the app shows (display name, else @username)."""
    number = shop.post("/invoices", {**INVOICE, "max_parts": 2}).json()["number"]
    anna = make_user(uow, display_name="Anna K.", balance=5 * 10**9)
    nameless = make_user(uow, username="bob_pays", balance=5 * 10**9)
    pay_invoice(uow, anna, number, ("1.5",))
    pay_invoice(uow, nameless, number, ("0.5", "1"))
    with uow.read() as s:
        wallets = {u.id: u.wallet_address for u in s.exec(select(User).where(User.id.in_((anna, nameless))))}
    items = shop.get(f"/invoices/{number}/payments").json()["items"]
    assert sorted((p["payer"], p["payer_name"], p["invoice_title"], p["amount"]) for p in items) == sorted(
        [
            (wallets[anna], "Anna K.", INVOICE["title"], "1.5"),
            (wallets[nameless], "@bob_pays", INVOICE["title"], "1.5"),
        ]
    )
    # The OpenAPI document is generated from the same schema: it documents the new fields.
    payment_schema = shop.client.get("/api/v1/openapi.json").json()["components"]["schemas"]["Payment"]
    assert {"payer", "payer_name", "invoice_title"} <= set(payment_schema["required"]) & set(
        payment_schema["properties"]
    )


def test_a_sandbox_key_cannot_touch_live_invoices(uow, shop):
    live = shop.post("/invoices", {**INVOICE, "webhook_url": "https://shop.example/h"}).json()["number"]
    _, sandbox_key = create_api_key(uow, shop.id, name="dev box", scopes=ALL, is_test=True)
    sandbox = shop.post("/invoices", {**INVOICE, "order_id": "t-1"}, key=sandbox_key).json()
    assert sandbox["test"] is True
    for response in (
        shop.get(f"/invoices/{live}", key=sandbox_key),
        shop.get(f"/invoices/{live}/payments", key=sandbox_key),
        shop.get(f"/invoices/{live}/webhook-deliveries", key=sandbox_key),
        shop.post(f"/invoices/{live}/close", key=sandbox_key),
        shop.post("/webhooks/test", {"invoice": live}, key=sandbox_key),
    ):
        assert (response.status_code, error_of(response)) == (404, "not_found")
    assert shop.get(f"/invoices/{live}").json()["status"] == "open"
    assert shop.get(f"/invoices/{sandbox['number']}", key=sandbox_key).status_code == 200
    assert shop.get(f"/invoices/{sandbox['number']}").status_code == 200  # a live key sees both
    assert [i["number"] for i in shop.get("/invoices", key=sandbox_key).json()["items"]] == [sandbox["number"]]
    assert {i["number"] for i in shop.get("/invoices").json()["items"]} == {live, sandbox["number"]}


def test_receipt_key_is_public(shop):
    document = shop.client.get("/.well-known/krypton-receipt-key").json()
    assert document["alg"] == "Ed25519" and len(bytes.fromhex(document["public_key_hex"])) == 32


def test_test_webhook_is_signed_and_shows_in_the_delivery_log(shop):
    invoice = shop.post("/invoices", {**INVOICE, "webhook_url": "https://shop.example/hook"}).json()
    queued = shop.post("/webhooks/test", {"invoice": invoice["number"]})
    assert queued.status_code == 202
    event_id = queued.json()["event_id"]
    received = []

    def receiver(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(200)

    async def run():
        async with httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as client:
            await deliver_due(shop.uow, settings=app_deps().settings, client=client, now=datetime.now(UTC))

    asyncio.run(run())
    [request] = received
    secret = webhook_secret(shop.uow, shop.id, is_test=False, settings=app_deps().settings)
    now = datetime.now(UTC).timestamp()
    assert verify_signature(secret, request.headers["Krypton-Signature"], request.content, now=now)
    assert json.loads(request.content)["type"] == "webhook.test"
    [delivery] = shop.get(f"/invoices/{invoice['number']}/webhook-deliveries").json()["items"]
    assert (delivery["event_id"], delivery["status"], delivery["log"][0]["status_code"]) == (event_id, "delivered", 200)

    again = shop.post(f"/webhook-deliveries/{delivery['id']}/redeliver")
    assert again.status_code == 202 and again.json()["event_id"] == event_id
    assert shop.get(f"/invoices/{invoice['number']}/webhook-deliveries").json()["items"][0]["status"] == "pending"


def test_test_webhook_errors(uow, shop):
    number = shop.post("/invoices", INVOICE).json()["number"]  # no webhook_url
    response = shop.post("/webhooks/test", {"invoice": number})
    assert (response.status_code, error_of(response)) == (422, "webhook_url_missing")
    assert error_of(shop.post("/webhooks/test", {"invoice": "NOSUCH23"})) == "not_found"
    assert error_of(shop.post("/webhooks/test", {})) == "invalid_request"
    other = Merchant(uow, name="other")
    hooked = shop.post("/invoices", {**INVOICE, "order_id": "h", "webhook_url": "https://shop.example/h"}).json()
    shop.post("/webhooks/test", {"invoice": hooked["number"]})
    [delivery] = shop.get(f"/invoices/{hooked['number']}/webhook-deliveries").json()["items"]
    for path in (
        f"/webhook-deliveries/{delivery['id']}/redeliver",
        "/webhook-deliveries/999999/redeliver",
        "/webhook-deliveries/abc/redeliver",
        "/webhook-deliveries/%C2%B2/redeliver",  # "²" is a digit to str.isdigit, not to int()
        f"/webhook-deliveries/{2**31}/redeliver",
    ):
        assert other.post(path).status_code == 404


def test_unknown_api_paths_are_json_404(shop):
    response = shop.client.get("/api/v1/nothing/here")
    assert response.status_code == 404 and error_of(response) == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("HEAD", "/invoices", "GET, POST"),  # was a 500: KeyError 'HEAD'
        ("PUT", "/invoices", "GET, POST"),
        ("DELETE", "/invoices", "GET, POST"),
        ("PATCH", "/invoices/7", "GET"),
        ("DELETE", "/invoices/7/close", "POST"),
        ("GET", "/webhooks/test", "POST"),
    ],
)
def test_other_methods_on_a_served_path_are_405_with_allow(shop, method, path, allow):
    response = shop.client.request(method, f"/api/v1{path}", headers=shop.headers())
    assert (response.status_code, response.headers["allow"]) == (405, allow)
    if method != "HEAD":  # a HEAD answer has no body
        assert error_of(response) == "method_not_allowed"
        assert "Allow" in response.json()["error"]["message"]
    # Without a key too: which methods a path takes is public (the OpenAPI document says it).
    anonymous = shop.client.request(method, f"/api/v1{path}")
    assert (anonymous.status_code, anonymous.headers["allow"]) == (405, allow)


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])
def test_unknown_paths_stay_404_whatever_the_method(shop, method):
    response = shop.client.request(method, "/api/v1/nothing/here", headers=shop.headers())
    assert response.status_code == 404
    if method != "HEAD":
        assert error_of(response) == "not_found"


def test_error_messages_follow_accept_language(shop):
    response = shop.client.get("/api/v1/invoices", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert response.json()["error"]["message"] == "Передайте API-ключ в заголовке Authorization."


def test_openapi_document_lists_exactly_the_served_operations(shop):
    document = shop.client.get("/api/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearer"] == {
        **document["components"]["securitySchemes"]["bearer"],
        "type": "http",
        "scheme": "bearer",
    }
    served = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert served == {
        ("POST", "/api/v1/invoices"),
        ("GET", "/api/v1/invoices"),
        ("GET", "/api/v1/invoices/{number}"),
        ("POST", "/api/v1/invoices/{number}/close"),
        ("GET", "/api/v1/invoices/{number}/payments"),
        ("GET", "/api/v1/invoices/{number}/webhook-deliveries"),
        ("POST", "/api/v1/webhooks/test"),
        ("POST", "/api/v1/webhook-deliveries/{delivery_id}/redeliver"),
        ("GET", "/.well-known/krypton-receipt-key"),
        ("POST", "/api/v1/promises"),
        ("GET", "/api/v1/promises"),
        ("GET", "/api/v1/promises/{promise_id}"),
        ("POST", "/api/v1/promises/{promise_id}/cancel"),
    }
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "post":
                header = next(p for p in operation["parameters"] if p["in"] == "header")
                assert header["name"] == "Idempotency-Key" and header["required"]
            if path.startswith("/api/v1"):
                assert {"401", "403"} <= set(operation["responses"])


def test_racing_posts_with_one_key_create_one_invoice(pg_uow):
    shop = Merchant(pg_uow)
    body = {**INVOICE, "order_id": None}

    def post(_):
        client = TestClient(build_api())
        headers = shop.headers(**{"Idempotency-Key": "race"})
        return client.post("/api/v1/invoices", json=body, headers=headers)

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(post, range(8)))
    created = [r for r in responses if r.status_code == 201]
    assert created and all(r.json() == created[0].json() for r in created)
    assert {error_of(r) for r in responses if r.status_code != 201} <= {"idempotency_in_progress"}
    assert shop.get("/invoices").json()["total"] == 1


# --- a sandbox key and a live key of the same merchant: the sandbox never reaches live data ----------

HOOK = "https://shop.example/hook"


@pytest.fixture
def sandbox_key(shop):
    return create_api_key(shop.uow, shop.id, name="dev box", scopes=ALL, is_test=True)[1]


def deliver_now(uow) -> list[httpx.Request]:
    """Run one delivery round against a receiver that answers 200; the requests it got."""
    received: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(200)

    async def run():
        async with httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as client:
            await deliver_due(uow, settings=app_deps().settings, client=client, now=datetime.now(UTC))

    asyncio.run(run())
    return received


def test_a_sandbox_key_repeating_a_live_order_id_gets_a_test_invoice_not_the_live_one(shop, sandbox_key):
    live = shop.post("/invoices", INVOICE).json()
    sandbox = shop.post("/invoices", {**INVOICE, "amount": "99"}, key=sandbox_key)
    assert sandbox.status_code == 201, sandbox.text
    assert sandbox.json()["number"] != live["number"]
    assert (sandbox.json()["test"], sandbox.json()["amount"]) == (True, "99")
    again = shop.post("/invoices", INVOICE, key=sandbox_key)  # the order_id repeats within the sandbox
    assert again.status_code == 200 and again.json()["number"] == sandbox.json()["number"]
    assert shop.post("/invoices", INVOICE).json()["number"] == live["number"]


def test_a_sandbox_invoice_never_answers_for_a_later_live_order(shop, sandbox_key):
    sandbox = shop.post("/invoices", {**INVOICE, "order_id": "1043"}, key=sandbox_key).json()
    live = shop.post("/invoices", {**INVOICE, "order_id": "1043"})
    assert live.status_code == 201, live.text
    assert live.json()["test"] is False and live.json()["number"] != sandbox["number"]
    # The order_id belongs to the invoice's mode, whichever key asks: a live key's test invoice is a test one.
    as_test = shop.post("/invoices", {**INVOICE, "order_id": "1043", "test": True})
    assert as_test.status_code == 200 and as_test.json()["number"] == sandbox["number"]


def test_a_sandbox_key_neither_replays_nor_takes_the_live_integrations_idempotency_keys(shop, sandbox_key):
    body = {**INVOICE, "order_id": None}
    live = shop.post("/invoices", body, idempotency_key="create-1042")
    assert live.status_code == 201
    # Replay: the same key and body with the sandbox key is a new sandbox request, not the live answer.
    sandbox = shop.post("/invoices", body, idempotency_key="create-1042", key=sandbox_key)
    assert sandbox.status_code == 201 and "Idempotent-Replayed" not in sandbox.headers
    assert sandbox.json()["test"] is True and sandbox.json()["number"] != live.json()["number"]
    # Poison: a key the sandbox took first (with another body) stays free for the live integration.
    shop.post("/invoices", {**body, "amount": "7"}, idempotency_key="create-1043", key=sandbox_key)
    later = shop.post("/invoices", body, idempotency_key="create-1043")
    assert later.status_code == 201 and later.json()["test"] is False
    # Each mode still replays its own first answer.
    replay = shop.post("/invoices", body, idempotency_key="create-1042")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json() == live.json()
    replay = shop.post("/invoices", body, idempotency_key="create-1042", key=sandbox_key)
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json() == sandbox.json()


def test_a_sandbox_key_cannot_redeliver_live_events(shop, sandbox_key):
    live = shop.post("/invoices", {**INVOICE, "webhook_url": HOOK}).json()["number"]
    shop.post("/webhooks/test", {"invoice": live})
    shop.post(f"/invoices/{live}/close")
    test = shop.post("/invoices", {**INVOICE, "order_id": "t-1", "webhook_url": HOOK}, key=sandbox_key).json()
    shop.post("/webhooks/test", {"invoice": test["number"]}, key=sandbox_key)
    assert len(deliver_now(shop.uow)) == 3
    events = shop.get(f"/invoices/{live}/webhook-deliveries").json()["items"]
    assert {e["type"] for e in events} == {"webhook.test", "invoice.closed"}
    for event in events:
        response = shop.post(f"/webhook-deliveries/{event['id']}/redeliver", key=sandbox_key)
        assert (response.status_code, error_of(response)) == (404, "not_found")
    assert {e["status"] for e in shop.get(f"/invoices/{live}/webhook-deliveries").json()["items"]} == {"delivered"}
    assert deliver_now(shop.uow) == []
    [own] = shop.get(f"/invoices/{test['number']}/webhook-deliveries", key=sandbox_key).json()["items"]
    assert shop.post(f"/webhook-deliveries/{own['id']}/redeliver", key=sandbox_key).status_code == 202
    assert shop.post(f"/webhook-deliveries/{events[0]['id']}/redeliver").status_code == 202  # the live key may
    assert len(deliver_now(shop.uow)) == 2


def test_test_events_verify_only_with_the_test_secret_and_live_events_only_with_the_live_secret(shop, sandbox_key):
    live = shop.post("/invoices", {**INVOICE, "webhook_url": HOOK}).json()["number"]
    test = shop.post("/invoices", {**INVOICE, "webhook_url": HOOK}, key=sandbox_key).json()["number"]
    shop.post(f"/invoices/{live}/close")
    shop.post(f"/invoices/{test}/close", key=sandbox_key)
    shop.post("/webhooks/test", {"invoice": live})
    shop.post("/webhooks/test", {"invoice": test}, key=sandbox_key)
    received = deliver_now(shop.uow)
    assert len(received) == 4
    live_secret = webhook_secret(shop.uow, shop.id, is_test=False, settings=app_deps().settings)
    test_secret = webhook_secret(shop.uow, shop.id, is_test=True, settings=app_deps().settings)
    assert live_secret != test_secret
    now = datetime.now(UTC).timestamp()
    for request in received:
        body = json.loads(request.content)
        number = body["data"]["invoice"] if body["type"] != "webhook.test" else body["data"]["invoice"]["number"]
        is_test = number == test
        assert body["test"] is is_test
        right, wrong = (test_secret, live_secret) if is_test else (live_secret, test_secret)
        signature = request.headers["Krypton-Signature"]
        assert verify_signature(right, signature, request.content, now=now), body["type"]
        assert not verify_signature(wrong, signature, request.content, now=now), body["type"]


def test_every_route_keeps_a_sandbox_key_away_from_live_data(shop, sandbox_key):
    live = shop.post("/invoices", {**INVOICE, "webhook_url": HOOK}).json()["number"]
    deposit(shop.uow, shop.id, 5 * 10**9)
    promise = shop.post("/promises", {"asset": "TON", "amount": "1"}).json()
    shop.post("/webhooks/test", {"invoice": live})
    [event] = shop.get(f"/invoices/{live}/webhook-deliveries").json()["items"]
    probes = {
        "createInvoice": lambda: shop.post("/invoices", INVOICE, key=sandbox_key),
        "listInvoices": lambda: shop.get("/invoices", key=sandbox_key),
        "getInvoice": lambda: shop.get(f"/invoices/{live}", key=sandbox_key),
        "closeInvoice": lambda: shop.post(f"/invoices/{live}/close", key=sandbox_key),
        "listInvoicePayments": lambda: shop.get(f"/invoices/{live}/payments", key=sandbox_key),
        "listWebhookDeliveries": lambda: shop.get(f"/invoices/{live}/webhook-deliveries", key=sandbox_key),
        "sendTestWebhook": lambda: shop.post("/webhooks/test", {"invoice": live}, key=sandbox_key),
        "redeliverWebhook": lambda: shop.post(f"/webhook-deliveries/{event['id']}/redeliver", key=sandbox_key),
        "createPromise": lambda: shop.post("/promises", {"asset": "TON", "amount": "1"}, key=sandbox_key),
        "listPromises": lambda: shop.get("/promises", key=sandbox_key),
        "getPromise": lambda: shop.get(f"/promises/{promise['id']}", key=sandbox_key),
        "cancelPromise": lambda: shop.post(f"/promises/{promise['id']}/cancel", key=sandbox_key),
    }
    # A new route must be added here, with what a sandbox key gets from it.
    assert set(probes) == {operation.operation_id for operation in OPERATIONS}
    for name, probe in probes.items():
        response = probe()
        assert live not in response.text and event["event_id"] not in response.text, name
        assert promise["code_hint"] not in response.text, name
        if name == "createPromise":
            assert (response.status_code, error_of(response)) == (422, "promise_sandbox")
        elif name in ("getPromise", "cancelPromise"):
            assert (response.status_code, error_of(response)) == (404, "promise_not_found"), name
        elif name not in ("createInvoice", "listInvoices", "listPromises"):
            assert (response.status_code, error_of(response)) == (404, "not_found"), name
    assert shop.get(f"/invoices/{live}").json()["status"] == "open"
    [after] = shop.get(f"/invoices/{live}/webhook-deliveries").json()["items"]
    assert after == event  # not redelivered, no new event
    assert shop.get(f"/promises/{promise['id']}").json()["status"] == "active"
