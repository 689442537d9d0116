"""The compatibility APIs' signature constructions against the published vectors (the reference's LAB runs)
and against the SDKs' own verifiers: Crypto Pay's webhook HMAC and Heleket's md5(base64(body) + key)."""

from __future__ import annotations

import asyncio
import hashlib

from aiocryptopay import AioCryptoPay
from heleket_sdk._signature import sign as heleket_sdk_sign

from krypton_app.services.compat_keys import cryptopay_signature, heleket_sign


def test_cryptopay_webhook_signature_vector():
    body = b'{"update_id":1,"update_type":"invoice_paid"}'
    assert hashlib.sha256(b"123:TEST").hexdigest() == "d1776fec91e97af50386e704a38b0164968e907f0ea16ce7ce32ec087ccd8ab1"
    assert cryptopay_signature("123:TEST", body) == "cb75febdc61532067df52e5d655e9c9f2131de04de56adee521e01b960c844dc"


def test_cryptopay_signature_is_what_aiocryptopay_checks():
    body = '{"update_id":7,"payload":{"description":"Чай","url":"https://x.io/a"}}'

    async def made() -> AioCryptoPay:  # its constructor takes the current event loop: one must be running
        return AioCryptoPay("123456789:AAtoken", network="http://127.0.0.1:9")

    client = asyncio.run(made())
    assert client.check_signature(body, cryptopay_signature("123456789:AAtoken", body.encode()))
    assert not client.check_signature(body, cryptopay_signature("123456789:AAother", body.encode()))


def test_heleket_sign_vectors():
    assert heleket_sign(b"", "KEY123") == "0f4333edd5fad6f1ec842acab5d02a16" == hashlib.md5(b"KEY123").hexdigest()
    assert heleket_sign(b'{"order_id":"o-1"}', "KEY123") == "05dca0419eede35e61d77d882dcc0dfe"
    assert heleket_sign(b'{"url":"https:\\/\\/x.io\\/a"}', "KEY123") == "19db4cddf124ba08f92ef97dc6c86a70"


def test_heleket_sign_is_what_heleket_sdk_sends():
    for body in (b"", b'{"amount":"15","currency":"USDT","order_id":"o-1"}', '{"c":"Чай"}'.encode()):
        assert heleket_sign(body, "KEY123") == heleket_sdk_sign(body, "KEY123")
