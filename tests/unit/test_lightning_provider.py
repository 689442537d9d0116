"""LndRestProvider against the fake node over LND's REST protocol (httpx through the node's ASGI app):
the invoices are real BOLT11, signed by the node's key; lookups follow the invoice's life; payments
return the preimage of the invoice they paid."""

from __future__ import annotations

import base64
import hashlib
import json
import warnings
from datetime import UTC, datetime

import bolt11
import httpx
import pytest

from krypton_app.lightning.base import (
    CANCELLED,
    OPEN,
    SETTLED,
    LightningError,
    LightningInvoiceNotFound,
    LightningPaymentFailed,
)
from krypton_app.lightning.fake_node import FakeLightningNode, lnd_rest_app
from krypton_app.lightning.lnd import LndRestProvider

MACAROON = "0201036c6e6402f801"  # any hex: the fake only compares it


class Clock:
    def __init__(self, t: float = 1_900_000_000):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def node(clock):
    return FakeLightningNode(network="regtest", node_key=bytes(range(1, 33)), clock=clock)


def rest(node: FakeLightningNode, macaroon: str = MACAROON) -> LndRestProvider:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's TestClient prefers another httpx; this one is ours
        from starlette.testclient import TestClient

        client = TestClient(lnd_rest_app(node, MACAROON), base_url="https://lnd.test")
    return LndRestProvider("https://lnd.test", macaroon, client=client)


def test_invoice_is_a_signed_bolt11_for_the_amount_hash_and_expiry(node, clock):
    invoice = rest(node).create_invoice(123_456_789, "Krypton payment 7 part 2", 900)
    decoded = bolt11.decode(invoice.bolt11)
    # decode recovers the signer's key from the signature: it is the node's, so the signature is valid.
    assert decoded.payee == node.pubkey
    assert decoded.currency == "bcrt"
    assert decoded.amount_msat == 123_456_789
    assert decoded.payment_hash == invoice.payment_hash
    assert decoded.description == "Krypton payment 7 part 2"
    assert decoded.expiry == 900
    assert invoice.expires_at == datetime.fromtimestamp(clock.t + 900, UTC)


def test_a_tampered_invoice_does_not_verify(node):
    invoice = rest(node).create_invoice(1_000, "x", 900)
    tampered = invoice.bolt11[:-10] + ("q" if invoice.bolt11[-10] != "q" else "p") + invoice.bolt11[-9:]

    def signer(text: str) -> str | None:
        try:
            return bolt11.decode(text).payee
        except Exception:  # a broken checksum or signature: nobody signed it
            return None

    assert signer(invoice.bolt11) == node.pubkey
    assert signer(tampered) != node.pubkey


def test_lookup_follows_open_settled(node, clock):
    provider = rest(node)
    invoice = provider.create_invoice(50_000, "x", 900)
    state = provider.lookup_invoice(invoice.payment_hash)
    assert (state.state, state.amount_paid_msat, state.settled_at) == (OPEN, 0, None)
    clock.t += 10
    node.demo_pay(invoice.bolt11)
    state = provider.lookup_invoice(invoice.payment_hash)
    assert (state.state, state.amount_paid_msat) == (SETTLED, 50_000)
    assert state.settled_at == datetime.fromtimestamp(clock.t, UTC)


def test_lookup_of_an_expired_invoice_says_cancelled_and_it_cannot_be_paid(node, clock):
    provider = rest(node)
    invoice = provider.create_invoice(50_000, "x", 60)
    clock.t += 60
    assert provider.lookup_invoice(invoice.payment_hash).state == CANCELLED
    with pytest.raises(LightningError):
        node.demo_pay(invoice.bolt11)


def test_lookup_of_an_unknown_hash_is_not_found(node):
    with pytest.raises(LightningInvoiceNotFound):
        rest(node).lookup_invoice("ab" * 32)


def test_a_wrong_macaroon_is_refused(node):
    with pytest.raises(LightningError) as refused:
        rest(node, macaroon="00").create_invoice(1_000, "x", 900)
    assert not isinstance(refused.value, LightningInvoiceNotFound)
    assert "verification failed" in str(refused.value)


def test_pay_invoice_returns_the_preimage_of_the_paid_hash(node):
    provider = rest(node)
    invoice = provider.create_invoice(21_000, "x", 900)
    paid = provider.pay_invoice(invoice.bolt11, fee_limit_msat=1_000)
    assert hashlib.sha256(bytes.fromhex(paid.preimage)).hexdigest() == invoice.payment_hash
    assert paid.fee_msat == 0
    assert provider.lookup_invoice(invoice.payment_hash).state == SETTLED


def test_paying_twice_or_a_foreign_invoice_fails(node):
    provider = rest(node)
    invoice = provider.create_invoice(21_000, "x", 900)
    provider.pay_invoice(invoice.bolt11, fee_limit_msat=0)
    with pytest.raises(LightningPaymentFailed):
        provider.pay_invoice(invoice.bolt11, fee_limit_msat=0)
    other = FakeLightningNode(network="regtest").create_invoice(21_000, "x", 900)
    with pytest.raises(LightningPaymentFailed):
        provider.pay_invoice(other.bolt11, fee_limit_msat=0)


def test_an_unreachable_node_is_a_lightning_error():
    provider = LndRestProvider("http://127.0.0.1:9", MACAROON, timeout_s=2)
    with pytest.raises(LightningError):
        provider.lookup_invoice("ab" * 32)


def test_the_settings_pick_the_node(tmp_path):
    from krypton_app.lightning.factory import build_lightning
    from krypton_app.settings import Settings

    fake = build_lightning(Settings())
    assert isinstance(fake, FakeLightningNode) and fake.currency == "bcrt"  # never a real network's invoices
    macaroon = tmp_path / "invoice.macaroon"
    macaroon.write_bytes(b"\x02\x01\x03lnd")
    lnd = Settings(
        KRYPTON_LIGHTNING="lnd", KRYPTON_LND_URL="https://127.0.0.1:8080", KRYPTON_LND_MACAROON_PATH=macaroon
    )
    provider = build_lightning(lnd)
    assert isinstance(provider, LndRestProvider)
    assert provider._headers == {"Grpc-Metadata-macaroon": "0201036c6e64"}
    # the macaroon is a secret: never in the settings' repr
    assert "cafe" not in repr(Settings(KRYPTON_LIGHTNING="lnd", KRYPTON_LND_MACAROON="cafe"))


def test_production_needs_a_complete_lnd_setup_and_has_no_fake_lightning():
    from krypton_app.settings import Settings

    production = {
        "KRYPTON_ENV": "production",
        "KRYPTON_APP_URL": "https://krypton.example",
        "KRYPTON_SECRET_KEY": "s" * 40,
        "KRYPTON_CHAIN": "toncenter",
        "KRYPTON_HOT_WALLET_SEED": "11" * 32,
        "KRYPTON_PROOF_DOMAINS": ["krypton.example"],
    }
    fake = Settings(**production)
    fake.check()
    assert not fake.lightning_enabled and not fake.lightning_demo_wallet
    with pytest.raises(RuntimeError):
        Settings(**production, KRYPTON_LIGHTNING="lnd").check()
    lnd = Settings(**production, KRYPTON_LIGHTNING="lnd", KRYPTON_LND_URL="https://lnd:8080", KRYPTON_LND_MACAROON="ab")
    lnd.check()
    assert lnd.lightning_enabled and not lnd.lightning_demo_wallet


def lnd_answering(status: int, body: str) -> LndRestProvider:
    """An LND whose every answer is `body` with `status` (for what the fake node never says)."""
    client = httpx.Client(
        base_url="https://lnd.test", transport=httpx.MockTransport(lambda request: httpx.Response(status, text=body))
    )
    return LndRestProvider("https://lnd.test", MACAROON, client=client)


def test_a_payment_stream_that_ends_in_flight_is_not_taken_for_a_failure():
    provider = lnd_answering(200, '{"result": {"status": "IN_FLIGHT"}}\n')
    with pytest.raises(LightningError) as pending:
        provider.pay_invoice("lnbcrt1", fee_limit_msat=0)
    assert pending.value.code == "lightning_payment_pending"
    assert not isinstance(pending.value, LightningPaymentFailed)


def test_a_stream_error_and_a_refusal_are_lightning_errors():
    with pytest.raises(LightningPaymentFailed):
        lnd_answering(200, '{"error": {"code": 2, "message": "invoice is already paid"}}\n').pay_invoice(
            "lnbcrt1", fee_limit_msat=0
        )
    with pytest.raises(LightningError) as refused:
        lnd_answering(500, '{"code": 2, "message": "permission denied"}').create_invoice(1_000, "x", 900)
    assert "permission denied" in str(refused.value)
    with pytest.raises(LightningError):
        lnd_answering(200, "not json").lookup_invoice("ab" * 32)
    with pytest.raises(LightningError):
        lnd_answering(200, '{"state": "SOMETHING_NEW"}').lookup_invoice("ab" * 32)


def test_an_invoice_that_does_not_match_the_request_is_refused(node):
    """A node answering another amount than asked (misconfigured, or not ours) is not trusted."""
    other = node.create_invoice(2_000, "x", 900)
    body = {"r_hash": base64.b64encode(bytes.fromhex(other.payment_hash)).decode(), "payment_request": other.bolt11}
    with pytest.raises(LightningError):
        lnd_answering(200, json.dumps(body)).create_invoice(1_000, "x", 900)


# --- lnpayout: looking a payment up (TrackPaymentV2) ----------------------------------------------


def test_a_payment_is_looked_up_by_its_hash_through_track_payment(node):
    from krypton_app.lightning.base import FAILED, IN_FLIGHT, SUCCEEDED, LightningPaymentNotFound

    lnd = rest(node)
    invoice = node.create_invoice(5_000, "payout", 600)
    with pytest.raises(LightningPaymentNotFound):
        lnd.lookup_payment(invoice.payment_hash)  # never tried: nothing can have left
    paid = lnd.pay_invoice(invoice.bolt11, fee_limit_msat=0)
    state = lnd.lookup_payment(invoice.payment_hash)
    assert (state.status, state.preimage, state.fee_msat) == (SUCCEEDED, paid.preimage, 0)
    assert hashlib.sha256(bytes.fromhex(state.preimage)).hexdigest() == invoice.payment_hash
    # A node pays a hash once: a second send is refused, the lookup still says it succeeded.
    with pytest.raises(LightningPaymentFailed):
        lnd.pay_invoice(invoice.bolt11, fee_limit_msat=0)
    assert lnd.lookup_payment(invoice.payment_hash).status == SUCCEEDED

    stalled = node.create_invoice(6_000, "payout", 600)
    node.stall_payments = True
    with pytest.raises(LightningError) as pending:
        lnd.pay_invoice(stalled.bolt11, fee_limit_msat=0)
    assert pending.value.code == "lightning_payment_pending"
    assert lnd.lookup_payment(stalled.payment_hash).status == IN_FLIGHT
    node.finish_stalled()
    assert lnd.lookup_payment(stalled.payment_hash).status == SUCCEEDED

    foreign = FakeLightningNode(network="regtest").create_invoice(7_000, "elsewhere", 600)
    with pytest.raises(LightningPaymentFailed):
        lnd.pay_invoice(foreign.bolt11, fee_limit_msat=0)
    failed = lnd.lookup_payment(foreign.payment_hash)
    assert (failed.status, failed.preimage, failed.failure) == (FAILED, None, "FAILURE_REASON_NO_ROUTE")


def test_track_payment_answers_read_by_the_adapter():
    """What LND itself may say that the fake does not: NOT_FOUND inside the stream, other errors."""
    from krypton_app.lightning.base import LightningPaymentNotFound

    def answer(body: str, status: int = 200):
        def handler(request: httpx.Request) -> httpx.Response:
            assert request.url.path.startswith("/v2/router/track/")
            assert request.headers["Grpc-Metadata-macaroon"] == MACAROON
            return httpx.Response(status, text=body)

        client = httpx.Client(base_url="https://lnd.test", transport=httpx.MockTransport(handler))
        return LndRestProvider("https://lnd.test", MACAROON, client=client)

    payment_hash = "ab" * 32
    with pytest.raises(LightningPaymentNotFound):
        answer('{"error": {"grpc_code": 5, "message": "payment isn\'t initiated"}}\n').lookup_payment(payment_hash)
    with pytest.raises(LightningPaymentNotFound):
        answer('{"code": 5, "message": "payment isn\'t initiated"}', 404).lookup_payment(payment_hash)
    for body, status in (
        ('{"error": {"grpc_code": 2, "message": "boom"}}\n', 200),
        ('{"result": {"status": "WHATEVER"}}\n', 200),
        ("", 200),
        ("not json\n", 200),
        ('{"code": 2, "message": "boom"}', 500),
    ):
        with pytest.raises(LightningError) as refused:
            answer(body, status).lookup_payment(payment_hash)
        assert not isinstance(refused.value, LightningPaymentNotFound)
    in_flight = answer('{"result": {"status": "IN_FLIGHT"}}\n{"result": {"status": "SUCCEEDED"}}\n')
    assert in_flight.lookup_payment(payment_hash).status == "in_flight"  # the current state: the first line
