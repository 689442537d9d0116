import hashlib
import hmac
import socket
import time
from pathlib import Path

import nacl.exceptions
import pytest

from krypton_app.domain.errors import WebhookUrlRefused
from krypton_app.services.receipts import issue_receipt, public_key_document
from krypton_app.services.webhook_urls import check_webhook_url
from krypton_app.services.webhooks import sign, verify_signature
from krypton_app.settings import Settings

BODY = b'{"id":"evt_1","type":"invoice.payment_completed","data":{"amount":"1.5"}}'
STRICT = Settings(KRYPTON_WEBHOOK_ALLOW_PRIVATE=False)
LAX = Settings(KRYPTON_WEBHOOK_ALLOW_PRIVATE=True)


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    header = sign("whsec_abc", 1_700_000_000, BODY)
    expected = hmac.new(b"whsec_abc", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_verify_accepts_the_signature_within_tolerance_only():
    header = sign("whsec_abc", 1_700_000_000, BODY)
    assert verify_signature("whsec_abc", header, BODY, now=1_700_000_299)
    assert not verify_signature("whsec_abc", header, BODY, now=1_700_000_301)  # replayed too late


@pytest.mark.parametrize(
    "mutate",
    [
        lambda h, b: (h, b + b" "),  # one byte more in the body
        lambda h, b: (h.replace("t=1700000000", "t=1700000001"), b),  # another timestamp
        lambda h, b: (h[:-1] + ("0" if h[-1] != "0" else "1"), b),  # tampered digest
        lambda h, b: ("", b),
        lambda h, b: ("v1=" + h.rpartition("v1=")[2], b),  # no timestamp
        lambda h, b: (h.rpartition(",")[0], b),  # no digest
        lambda h, b: (h.replace("t=1700000000", "t=²"), b),  # a digit to str.isdigit, not to int()
    ],
)
def test_verify_rejects_any_change(mutate):
    header, body = mutate(sign("whsec_abc", 1_700_000_000, BODY), BODY)
    assert not verify_signature("whsec_abc", header, body, now=1_700_000_000)


def test_verify_rejects_another_secret_and_accepts_one_of_several_v1():
    good = sign("whsec_new", 1_700_000_000, BODY)
    old = sign("whsec_old", 1_700_000_000, BODY)
    assert not verify_signature("whsec_abc", good, BODY, now=1_700_000_000)
    rotated = f"{old},v1={good.rpartition('v1=')[2]}"
    assert verify_signature("whsec_new", rotated, BODY, now=1_700_000_000)


@pytest.mark.parametrize(
    "url", ["ftp://shop.example/hook", "https://", "shop.example/hook", "javascript:alert(1)", "https://a:bad/x"]
)
def test_url_must_be_http_or_https_with_a_host(url):
    with pytest.raises(WebhookUrlRefused) as error:
        check_webhook_url(url, settings=LAX)
    assert error.value.code == "webhook_url_invalid"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",  # cloud metadata
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",  # carrier-grade NAT: not global
        "http://localhost/hook",
    ],
)
def test_private_and_loopback_addresses_are_refused_unless_allowed(url):
    with pytest.raises(WebhookUrlRefused) as error:
        check_webhook_url(url, settings=STRICT)
    assert error.value.code == "webhook_url_private"
    assert check_webhook_url(url, settings=LAX) == url


def test_a_host_with_any_private_address_is_refused(monkeypatch):
    def resolve(host, *_args, **_kwargs):
        assert host == "rebind.example"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 0)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 0)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(WebhookUrlRefused) as error:
        check_webhook_url("https://rebind.example/hook", settings=STRICT)
    assert error.value.code == "webhook_url_private"


def test_public_host_is_accepted_and_empty_means_none(monkeypatch):
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *_a, **_k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 0))]
    )
    assert check_webhook_url("  https://shop.example/hook?x=1 ", settings=STRICT) == "https://shop.example/hook?x=1"
    assert check_webhook_url("", settings=STRICT) is None
    assert check_webhook_url(None, settings=STRICT) is None


# --- the README's snippets are what merchants copy: they must work --------------------------------

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_snippet(marker: str) -> dict:
    text = README.read_text()
    block = text.split(f"<!-- {marker} -->", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(block, f"README:{marker}", "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


def test_readme_webhook_snippet_verifies_our_signatures():
    verify = readme_snippet("webhook-verify")["verify_krypton_signature"]
    now = int(time.time())
    header = sign("whsec_abc", now, BODY)
    assert verify("whsec_abc", header, BODY)
    assert not verify("whsec_abc", header, BODY + b" ")
    assert not verify("whsec_other", header, BODY)
    assert not verify("whsec_abc", sign("whsec_abc", now - 301, BODY), BODY)
    assert not verify("whsec_abc", "", BODY)
    assert not verify("whsec_abc", header.replace(f"t={now}", "t=²"), BODY)


def test_readme_receipt_snippet_reads_our_receipts():
    read = readme_snippet("receipt-verify")["read_krypton_receipt"]
    settings = Settings()
    payload = {
        "v": 1,
        "invoice": "K7M4Q9TX",
        "payment": 7,
        "payer": None,
        "amount": "1.5",
        "asset": "TON",
        "parts": 2,
        "time": 1_763_913_600,
        "merchant": "0:" + "ab" * 32,
        "test": False,
    }
    token = issue_receipt(settings, payload)
    key = public_key_document(settings)["public_key_hex"]
    assert read(token, key) == payload
    body = token.split(".")[1]
    forged = token.replace(body, body[:-2] + ("AA" if body[-2:] != "AA" else "BB"))
    with pytest.raises(nacl.exceptions.BadSignatureError):
        read(forged, key)
