"""Heleket's merchant API (/heleket/v1) through Starlette's TestClient: signing over the raw bytes, the
envelope and its errors, null as absent, what one merchant may see, sandbox merchants, and a fuzz."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from builders import TON, balances, deposit, heleket_merchant, make_user, new_wallet, pay_invoice, race
from heleket_sdk import WebhookVerifier
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select
from starlette.testclient import TestClient

from krypton_app.api.app import build_api
from krypton_app.models import WebhookEvent, Withdrawal
from krypton_app.services import invoices
from krypton_app.services.compat_keys import heleket_sign
from krypton_app.services.withdrawal_settlement import confirm, transition

# Every key of a Payment object, as aioheleket's strict model requires (COMPAT_APIS.md B8).
PAYMENT_KEYS = {
    "uuid", "order_id", "amount", "status", "commission", "payment_amount", "payment_amount_usd",
    "discount_percent", "discount", "payer_amount", "payer_currency", "payer_amount_exchange_rate",
    "currency", "merchant_amount", "network", "address", "from", "txid", "payment_status", "url",
    "expired_at", "is_final", "additional_data", "created_at", "updated_at", "comments", "address_qr_code",
}  # fmt: skip
AMOUNTS = ("amount", "payment_amount", "payment_amount_usd", "payer_amount", "merchant_amount", "commission")
# What aioheleket sends for create_invoice: every optional field, null (COMPAT_APIS.md B8).
AIOHELEKET = (
    '{"amount":"15","currency":"USDT","order_id":"o-1","network":null,"url_return":null,"url_success":null,'
    '"url_callback":null,"is_payment_multiple":true,"lifetime":3600,"to_currency":null,"subtract":0,'
    '"accuracy_payment_percent":0,"additional_data":null,"currencies":null,"except_currencies":null,'
    '"course_source":null,"from_referral_code":null,"discount_percent":null,"is_refresh":false,"payer_email":null}'
)


class Shop:
    def __init__(self, uow, *, is_test=False):
        self.uow = uow
        self.id, self.credentials = heleket_merchant(uow, is_test=is_test)
        self.client = TestClient(build_api())

    def send(self, path, raw=b"", *, key=None, merchant=None, method="POST", sign=None):
        key = key or self.credentials.payment_key
        headers = {
            "merchant": merchant or self.credentials.merchant,
            "sign": sign or heleket_sign(raw, key),
            "Content-Type": "application/json",
        }
        return self.client.request(method, f"/heleket/v1/{path}", content=raw, headers=headers)

    def post(self, path, body=None, **options):
        raw = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        return self.send(path, raw, **options)

    def create(self, **fields):
        response = self.post("payment", {"amount": "1.5", "currency": "TON", "order_id": "order-1", **fields})
        assert response.status_code == 200, response.text
        return response.json()["result"]


@pytest.fixture
def shop(uow):
    return Shop(uow)


def test_create_answers_the_whole_payment_object_in_the_envelope(shop):
    response = shop.post("payment", {"amount": "1.5", "currency": "TON", "order_id": "order-1"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["state"] == 0 and set(body["result"]) == PAYMENT_KEYS
    payment = body["result"]
    assert all(isinstance(payment[name], str) for name in AMOUNTS)
    assert (payment["status"], payment["payment_status"], payment["is_final"]) == ("check", "check", False)
    assert (payment["amount"], payment["payer_amount"], payment["payer_currency"]) == ("1.5", "1.50", "TON")
    assert payment["network"] == "ton" and "/pay/" in payment["url"]
    created = datetime.fromisoformat(payment["created_at"])
    assert created.utcoffset() == timedelta(0) and payment["expired_at"] == int(created.timestamp()) + 3600


def test_the_same_order_id_returns_the_first_payment_and_creates_nothing(shop):
    first = shop.create()
    again = shop.create(amount="99")
    assert again == first
    assert invoices.list_invoices(shop.uow, shop.id).total == 1


def test_twin_creates_with_one_order_id_make_one_payment(shop):
    def create(order_id):
        raw = json.dumps({"amount": "1", "currency": "TON", "order_id": order_id}).encode()
        headers = {"merchant": shop.credentials.merchant, "sign": heleket_sign(raw, shop.credentials.payment_key)}
        with TestClient(build_api()) as client:  # one client per thread
            return client.post("/heleket/v1/payment", content=raw, headers=headers).json()["result"]["uuid"]

    for round_ in range(3):
        first, second = race(*[lambda order=f"twin-{round_}": create(order) for _ in range(2)])
        assert first == second
    assert invoices.list_invoices(shop.uow, shop.id).total == 3
    refund = {"address": new_wallet(), "is_subtract": True, "order_id": "twin-0"}
    assert shop.post("payment/refund", refund, key=shop.credentials.payout_key).status_code == 400  # unpaid


def test_a_fiat_amount_is_priced_in_the_coin_through_the_rates(shop):
    payment = shop.create(amount="52", currency="USD", to_currency="TON", order_id="fiat")
    assert (payment["amount"], payment["currency"]) == ("52", "USD")
    assert (payment["payer_amount"], payment["payer_currency"], payment["payer_amount_exchange_rate"]) == (
        "10.00",
        "TON",
        "5.2",
    )


def test_the_sign_is_over_the_raw_bytes_php_escaping_included(shop):
    raw = b'{"amount":"1","currency":"TON","order_id":"php-1","url_success":"https:\\/\\/shop.example\\/ok"}'
    assert shop.send("payment", raw).json()["state"] == 0
    reserialised = json.dumps(json.loads(raw), separators=(",", ":")).encode()  # `/` no longer escaped
    refused = shop.send("payment", reserialised, sign=heleket_sign(raw, shop.credentials.payment_key))
    assert (refused.status_code, refused.json()) == (401, {"state": 1, "message": "Invalid Sign."})


def test_a_bad_sign_an_unknown_merchant_or_the_payout_key_is_invalid_sign(shop):
    body = {"uuid": "x"}
    for response in (
        shop.post("payment/info", body, key="wrong"),
        shop.post("payment/info", body, merchant="00000000-0000-0000-0000-000000000000"),
        shop.post("payment/info", body, key=shop.credentials.payout_key),
        shop.client.post("/heleket/v1/payment/info", json=body),
    ):
        assert (response.status_code, response.json()) == (401, {"state": 1, "message": "Invalid Sign."})
        assert response.headers["content-type"] == "application/json"


def test_validation_errors_name_every_field(shop):
    response = shop.post("payment", {"amount": "abc", "order_id": "bad id!", "lifetime": 10, "network": "tron"})
    assert response.status_code == 422
    body = response.json()
    assert body["state"] == 1
    assert body["errors"] == {
        "amount": ["validation.numeric"],
        "currency": ["validation.required"],
        "order_id": ["validation.alpha_dash"],
        "network": ["validation.in"],
        "lifetime": ["validation.between.numeric"],
    }
    for fields, errors in (
        ({"currency": "BTC"}, {"to_currency": ["validation.required"]}),
        ({"currency": "USD", "to_currency": "BTC"}, {"to_currency": ["validation.in"]}),
        ({"currency": "XYZ", "to_currency": "TON"}, {"currency": ["validation.in"]}),
        ({"amount": "1.0000000001"}, {"amount": ["validation.decimal"]}),
        (
            {"amount": "9" * 20 + "." + "9" * 18, "currency": "USD", "to_currency": "TON"},
            {"amount": ["validation.max.numeric"]},
        ),
        ({"amount": "9" * 20}, {"amount": ["validation.amount_too_large"]}),
        ({"url_callback": "ftp://x.example"}, {"url_callback": ["validation.url"]}),
        ({"additional_data": "x" * 256}, {"additional_data": ["validation.max.string"]}),
    ):
        refused = shop.post("payment", {"amount": "1", "currency": "TON", "order_id": "v", **fields})
        assert (refused.status_code, refused.json()) == (422, {"state": 1, "errors": errors})
    info = shop.post("payment/info", {})
    assert info.status_code == 422 and set(info.json()["errors"]) == {"uuid", "order_id"}


def test_null_is_absent(shop):
    response = shop.send("payment", AIOHELEKET.encode())
    assert response.status_code == 200, response.text
    payment = response.json()["result"]
    assert (payment["order_id"], payment["payer_currency"], payment["additional_data"]) == ("o-1", "USDT", None)
    history = shop.send("payment/list", b'{"data_from":null,"date_to":null}')
    assert [item["order_id"] for item in history.json()["result"]["items"]] == ["o-1"]


def test_info_by_uuid_or_order_id_and_another_merchant_sees_nothing(shop):
    payment = shop.create(additional_data="note")
    assert shop.post("payment/info", {"uuid": payment["uuid"]}).json()["result"] == payment
    assert shop.post("payment/info", {"order_id": "order-1"}).json()["result"] == payment
    # order_id wins over uuid
    assert shop.post("payment/info", {"uuid": "nope", "order_id": "order-1"}).json()["result"] == payment
    other = Shop(shop.uow)
    for body in ({"uuid": payment["uuid"]}, {"order_id": "order-1"}):
        refused = other.post("payment/info", body)
        assert (refused.status_code, refused.json()["state"]) == (404, 1)
    assert other.post("payment/list").json()["result"]["items"] == []
    assert other.create()["uuid"] != payment["uuid"]  # its own order-1


def test_a_sandbox_merchants_payments_are_sandbox_invoices(uow):
    sandbox = Shop(uow, is_test=True)
    sandbox.create()
    [invoice] = invoices.list_invoices(uow, sandbox.id).items
    assert invoice.is_test


def test_history_pages_with_a_cursor(shop):
    for n in range(17):
        shop.create(order_id=f"o{n}")
    first = shop.post("payment/list").json()["result"]
    assert len(first["items"]) == 15 and first["paginate"]["hasPages"] and first["paginate"]["previousCursor"] is None
    raw = b""
    second = shop.client.post(
        f"/heleket/v1/payment/list?cursor={first['paginate']['nextCursor']}",
        content=raw,
        headers={"merchant": shop.credentials.merchant, "sign": heleket_sign(raw, shop.credentials.payment_key)},
    ).json()["result"]
    assert len(second["items"]) == 2 and second["paginate"]["nextCursor"] is None
    orders = [item["order_id"] for item in first["items"] + second["items"]]
    assert sorted(orders) == sorted(f"o{n}" for n in range(17))
    future = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    assert shop.post("payment/list", {"date_from": future}).json()["result"]["items"] == []
    assert shop.post("payment/list", {"date_to": "yesterday"}).status_code == 422


def test_test_webhooks_are_signed_with_the_key_of_their_kind(shop):
    payment = shop.create()
    hook = {"url_callback": "https://shop.example/test"}
    assert shop.post("test-webhook/payment", hook).json() == {"state": 0, "result": []}
    assert shop.post("test-webhook/payment", {**hook, "uuid": payment["uuid"], "status": "cancel"}).status_code == 200
    assert shop.post("test-webhook/payout", hook, key=shop.credentials.payout_key).status_code == 200
    assert shop.post("test-webhook/payout", hook).status_code == 401  # the payment key
    assert shop.post("test-webhook/payment", {**hook, "status": "nope"}).json()["errors"] == {
        "status": ["validation.in"]
    }
    sample, named, payout = heleket_webhooks(shop.uow)
    verifier = WebhookVerifier(shop.credentials.payment_key)
    assert (verifier.verify_raw(sample.encode()).status, verifier.verify_raw(sample.encode()).type) == (
        "paid",
        "payment",
    )
    assert verifier.verify_raw(named.encode()).raw["uuid"] == payment["uuid"]
    assert verifier.verify_raw(named.encode()).raw["status"] == "cancel"
    assert WebhookVerifier(shop.credentials.payout_key).verify_raw(payout.encode()).type == "payout"


def test_a_payments_qr_code_is_its_pay_page(shop):
    payment = shop.create()
    image = shop.post("payment/qr", {"merchant_payment_uuid": payment["uuid"]}).json()["result"]["image"]
    assert image.startswith("data:image/")
    assert Shop(shop.uow).post("payment/qr", {"merchant_payment_uuid": payment["uuid"]}).status_code == 404
    assert shop.post("payment/qr", {}).json()["errors"] == {"merchant_payment_uuid": ["validation.required"]}


def test_services_balance_and_rates(shop):
    services = shop.post("payment/services").json()["result"]
    assert [(s["currency"], s["network"], s["is_available"]) for s in services] == [
        ("TON", "ton", True),
        ("USDT", "ton", True),
    ]
    [wrapper] = shop.post("balance").json()["result"]
    ton = next(item for item in wrapper["balance"]["merchant"] if item["currency_code"] == "TON")
    assert set(ton) == {"uuid", "balance", "currency_code", "balance_usd"} and ton["balance"] == "0.00"
    assert wrapper["balance"]["user"] == []
    rates = shop.send("exchange-rate/TON/list", method="GET").json()["result"]
    assert {"from": "TON", "to": "USD", "course": "5.20000000"} in rates
    assert shop.send("exchange-rate/NOPE/list", method="GET").status_code == 422


def test_expiry_queues_a_signed_cancel_webhook_and_resend_is_for_paid_only(shop):
    payment = shop.create(url_callback="https://shop.example/hook", lifetime=300)
    invoices.expire_invoices(shop.uow, now=datetime.now(UTC) + timedelta(seconds=301))
    with shop.uow.read() as s:
        [event] = s.exec(select(WebhookEvent).where(WebhookEvent.flavour == "heleket")).all()
    assert (event.type, event.url, event.signature) == ("invoice.expired", "https://shop.example/hook", None)
    assert event.body.index('"sign":') > event.body.index('"txid":')  # sign is the last key
    assert '"https:\\/\\/' not in event.body  # nothing to escape here, but the payload stays PHP-style
    verified = WebhookVerifier(shop.credentials.payment_key).verify_raw(event.body.encode())
    assert (verified.uuid, verified.status, verified.raw["is_final"]) == (payment["uuid"], "cancel", True)
    refused = shop.post("payment/resend", {"uuid": payment["uuid"]})
    assert refused.status_code == 400 and refused.json()["state"] == 1


def test_unknown_paths_methods_and_big_bodies_answer_in_the_envelope(shop):
    assert shop.post("nothing/here").json() == {"state": 1, "message": "Not found."}
    assert shop.send("payment", method="GET").status_code == 405
    assert shop.send("payment", b"[1,2]").json()["errors"] == {"body": ["validation.json"]}
    assert shop.send("payment", b"{nope").status_code == 422
    big = shop.send("payment", b'{"a":"' + b"x" * 70_000 + b'"}')
    assert big.status_code == 413 and big.json()["state"] == 1
    assert make_user(shop.uow)  # the database is still fine


def test_a_payout_is_a_withdrawal_signed_with_the_payout_key(shop):
    deposit(shop.uow, shop.id, 5 * TON)
    address = new_wallet()
    body = {"amount": "1", "currency": "TON", "order_id": "po-1", "address": address, "is_subtract": True}
    refused = shop.post("payout", body)  # the payment key
    assert (refused.status_code, refused.json()["message"]) == (401, "Invalid Sign.")
    payout_key = shop.credentials.payout_key
    response = shop.post("payout", body, key=payout_key)
    assert response.status_code == 200, response.text
    payout = response.json()["result"]
    assert (payout["amount"], payout["currency"], payout["status"]) == ("1", "TON", "process")
    assert (payout["commission"], payout["merchant_amount"], payout["balance"]) == ("0.05", "1.05", "3.95")
    assert shop.post("payout", {**body, "amount": "2"}, key=payout_key).json()["result"] == payout  # same order
    assert shop.post("payout/info", {"uuid": payout["uuid"]}, key=payout_key).json()["result"] == payout
    assert shop.post("payment/info", {"uuid": payout["uuid"]}, key=payout_key).status_code == 401
    taken = shop.post("payout", {**body, "order_id": "po-2", "is_subtract": False}, key=payout_key).json()["result"]
    assert (taken["merchant_amount"], taken["commission"]) == ("1.00", "0.05")  # 0.95 sent, the fee out of it
    with shop.uow.read() as s:
        sent = sorted(w.amount for w in s.exec(select(Withdrawal).where(Withdrawal.user_id == shop.id)))
    assert sent == [950_000_000, TON]
    assert balances(shop.uow, shop.id) == (5 * TON - 2 * TON - 50_000_000, 2 * TON + 50_000_000)
    for fields, status in (
        ({"order_id": "po-3", "amount": "100"}, 400),
        ({"order_id": "po-4", "address": "nope"}, 422),
        ({"order_id": "po-5", "currency": "BTC"}, 422),
        ({"order_id": "po-6", "is_subtract": None}, 422),
    ):
        assert shop.post("payout", {**body, **fields}, key=payout_key).status_code == status
    sandbox = Shop(shop.uow, is_test=True)
    assert sandbox.post("payout", body, key=sandbox.credentials.payout_key).status_code == 400
    history = shop.post("payout/list", key=payout_key).json()["result"]
    assert [item["order_id"] for item in history["items"]] == ["po-2", "po-1"] and history["paginate"]["count"] == 2
    assert sandbox.post("payout/list", key=sandbox.credentials.payout_key).json()["result"]["items"] == []


def test_a_paid_payment_is_refunded_from_the_merchants_balance_once(shop):
    payment = shop.create()
    unpaid = shop.create(order_id="unpaid")
    payer = make_user(shop.uow)
    deposit(shop.uow, payer, 2 * TON)
    pay_invoice(shop.uow, payer, payment["url"].rsplit("/", 1)[1], ("1.5",), now=datetime.now(UTC))
    deposit(shop.uow, shop.id, TON)
    body = {"uuid": payment["uuid"], "address": new_wallet(), "is_subtract": True}
    payout_key = shop.credentials.payout_key
    assert shop.post("payment/refund", {**body, "uuid": unpaid["uuid"]}, key=payout_key).status_code == 400
    assert shop.post("payment/refund", {**body, "amount": "2"}, key=payout_key).status_code == 422
    response = shop.post("payment/refund", body, key=payout_key)
    assert response.status_code == 200, response.text
    refund = response.json()["result"]
    assert (refund["amount"], refund["commission"], refund["currency"], refund["status"]) == (
        "1.50",
        "0.05",
        "TON",
        "refund_process",
    )
    assert shop.post("payment/refund", body).status_code == 401  # the payment key moves no money out
    assert shop.post("payment/refund", body, key=payout_key).json()["result"] == refund  # once
    info = shop.post("payment/info", {"uuid": payment["uuid"]}).json()["result"]
    assert (info["status"], info["is_final"]) == ("refund_process", False)
    assert balances(shop.uow, shop.id) == (TON + 1_500_000_000 - 1_550_000_000, 1_550_000_000)


def heleket_webhooks(uow) -> list[str]:
    with uow.read() as s:
        events = s.exec(select(WebhookEvent).where(WebhookEvent.flavour == "heleket").order_by(WebhookEvent.id))
        return [event.body for event in events]


def send_and_confirm(uow, withdrawal_id: int) -> None:
    """What the sender and the chain monitor do to a withdrawal that goes through."""
    with uow.transaction() as s:
        transition(s, withdrawal_id, "requested", "sent")
    with uow.transaction() as s:
        confirm(s, withdrawal_id, chain_tx_hash="ab" * 32)


def test_a_payouts_and_a_refunds_withdrawal_send_their_webhooks(shop):
    payment = shop.create(url_callback="https://shop.example/paid")
    payer = make_user(shop.uow)
    deposit(shop.uow, payer, 2 * TON)
    pay_invoice(shop.uow, payer, payment["url"].rsplit("/", 1)[1], ("1.5",), now=datetime.now(UTC))
    deposit(shop.uow, shop.id, 3 * TON)
    payout_key = shop.credentials.payout_key
    body = {"amount": "1", "currency": "TON", "order_id": "po", "address": new_wallet(), "is_subtract": True}
    shop.post("payout", {**body, "url_callback": "https://shop.example/payout"}, key=payout_key)
    refund = {"uuid": payment["uuid"], "address": new_wallet(), "is_subtract": True}
    assert shop.post("payment/refund", refund, key=payout_key).status_code == 200
    [paid] = heleket_webhooks(shop.uow)
    with shop.uow.read() as s:
        payout_withdrawal, refund_withdrawal = sorted(w.id for w in s.exec(select(Withdrawal)))
    send_and_confirm(shop.uow, payout_withdrawal)
    send_and_confirm(shop.uow, refund_withdrawal)
    bodies = heleket_webhooks(shop.uow)[1:]
    payouts = [WebhookVerifier(payout_key).verify_raw(b.encode()) for b in bodies if '"type":"payout"' in b]
    assert [(p.status, p.raw["is_final"]) for p in payouts] == [("check", False), ("paid", True)]
    assert payouts[-1].txid == "ab" * 32 and payouts[-1].raw["commission"] == "0.05"
    verifier = WebhookVerifier(shop.credentials.payment_key)
    assert verifier.verify_raw(paid.encode()).status == "paid"
    refunds = [verifier.verify_raw(b.encode()) for b in bodies if '"type":"payment"' in b]
    assert [(r.uuid, r.status) for r in refunds] == [(payment["uuid"], s) for s in ("refund_process", "refund_paid")]
    assert shop.post("payment/info", {"uuid": payment["uuid"]}).json()["result"]["is_final"] is True


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    ["amount", "currency", "order_id", "to_currency", "lifetime", "uuid", "url_callback", "network",
     "date_from", "date_to", "additional_data", "is_refresh", "subtract", "accuracy_payment_percent"]
)  # fmt: skip
SEGMENTS = st.sampled_from(
    ["payment", "payout", "info", "list", "services", "resend", "balance", "exchange-rate", "TON", "refund", ""]
)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    segments=st.lists(SEGMENTS, min_size=1, max_size=3),
    body=st.dictionaries(FIELDS, JSON, max_size=5) | JSON,
    method=st.sampled_from(["POST", "GET"]),
    payout_key=st.booleans(),
)
def test_fuzz_never_a_5xx_and_always_the_envelope(shop, segments, body, method, payout_key):
    raw = json.dumps(body).encode()
    key = shop.credentials.payout_key if payout_key else None
    response = shop.send("/".join(segments), raw, method=method, key=key)
    assert response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    envelope = response.json()
    assert envelope["state"] in (0, 1)
    if response.status_code == 200:
        assert envelope["state"] == 0 and envelope["result"] is not None
    else:
        assert envelope["state"] == 1 and ("message" in envelope or "errors" in envelope)
