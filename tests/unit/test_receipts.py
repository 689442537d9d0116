"""Receipt tokens: signed, verifiable with the public key alone, and precise about what is wrong."""

import base64
import json

import nacl.signing
import pytest

from krypton_app.domain.errors import ReceiptInvalid
from krypton_app.services.receipts import issue_receipt, public_key_document, receipt_public_key, verify_receipt
from krypton_app.settings import Settings

SETTINGS = Settings(KRYPTON_SECRET_KEY="receipt-test-secret")
PAYLOAD = {
    "v": 1,
    "invoice": "ABCDEFGH",
    "payment": 7,
    "payer": "0:" + "ab" * 32,
    "amount": "1.5",
    "asset": "TON",
    "parts": 2,
    "time": 1_700_000_000,
    "merchant": "0:" + "cd" * 32,
    "test": False,
}


def code_of(token, **kwargs):
    with pytest.raises(ReceiptInvalid) as error:
        verify_receipt(token, public_key=receipt_public_key(SETTINGS), **kwargs)
    return error.value.code


def test_a_receipt_verifies_and_decodes():
    token = issue_receipt(SETTINGS, PAYLOAD)
    assert token.startswith("kr1.")
    view = verify_receipt(token, public_key=receipt_public_key(SETTINGS), invoice_number="abcd-efgh")
    assert (view.invoice, view.payment, view.amount, view.asset, view.parts, view.test) == (
        "ABCDEFGH",
        7,
        "1.5",
        "TON",
        2,
        False,
    )
    assert view.payer == PAYLOAD["payer"] and view.merchant == PAYLOAD["merchant"]
    assert int(view.time.timestamp()) == PAYLOAD["time"]


def test_offline_check_with_the_published_key_and_plain_pynacl():
    token = issue_receipt(SETTINGS, PAYLOAD)
    document = public_key_document(SETTINGS)
    assert document["alg"] == "Ed25519" and document["format"] == "kr1"
    _prefix, body, signature = token.split(".")

    def unb64(text):
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    nacl.signing.VerifyKey(bytes.fromhex(document["public_key_hex"])).verify(unb64(body), unb64(signature))
    assert json.loads(unb64(body)) == PAYLOAD
    assert base64.b64decode(document["public_key_b64"]) == bytes.fromhex(document["public_key_hex"])


def test_a_changed_amount_breaks_the_signature():
    _prefix, body, signature = issue_receipt(SETTINGS, PAYLOAD).split(".")
    forged = base64.urlsafe_b64encode(json.dumps({**PAYLOAD, "amount": "150"}).encode()).rstrip(b"=").decode()
    assert code_of(f"kr1.{forged}.{signature}") == "receipt_signature"


def test_a_receipt_signed_by_another_key_is_refused():
    other = Settings(KRYPTON_SECRET_KEY="someone-else")
    assert code_of(issue_receipt(other, PAYLOAD)) == "receipt_signature"


def test_a_genuine_receipt_for_another_invoice_is_refused():
    assert code_of(issue_receipt(SETTINGS, PAYLOAD), invoice_number="ZZZZ2222") == "receipt_wrong_invoice"


@pytest.mark.parametrize("garbage", ["", "hello", "kr1.", "kr1.a.b.c", "kr2.abc.def", "kr1.!!!!.????", "kr1..sig"])
def test_garbage_is_malformed(garbage):
    assert code_of(garbage) == "receipt_malformed"


def test_a_signed_body_that_is_not_a_receipt_is_malformed():
    key = nacl.signing.SigningKey.generate()
    body = b'{"hello":"world"}'

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    token = f"kr1.{b64(body)}.{b64(key.sign(body).signature)}"
    with pytest.raises(ReceiptInvalid) as error:
        verify_receipt(token, public_key=bytes(key.verify_key))
    assert error.value.code == "receipt_malformed"


PAYLOAD_V2 = {
    **PAYLOAD,
    "v": 2,
    "parts": [{"method": "balance", "amount": "0.5"}, {"method": "promise", "amount": "1"}],
}


def test_a_v2_receipt_lists_each_parts_method_and_amount():
    view = verify_receipt(issue_receipt(SETTINGS, PAYLOAD_V2), public_key=receipt_public_key(SETTINGS))
    assert (view.version, view.parts) == (2, 2)
    assert [(p.method, p.amount) for p in view.part_details] == [("balance", "0.5"), ("promise", "1")]


def test_a_v1_receipt_still_verifies_with_its_count_and_no_details():
    view = verify_receipt(issue_receipt(SETTINGS, PAYLOAD), public_key=receipt_public_key(SETTINGS))
    assert (view.version, view.parts, view.part_details) == (1, 2, ())


@pytest.mark.parametrize(
    "parts",
    [
        2,  # a v1 count under v2
        [],
        [{"method": "cash", "amount": "1"}],
        [{"method": "balance"}],
        [{"method": "balance", "amount": "1", "extra": 1}],
    ],
)
def test_a_v2_receipt_with_unreadable_parts_is_malformed(parts):
    assert code_of(issue_receipt(SETTINGS, {**PAYLOAD_V2, "parts": parts})) == "receipt_malformed"


def test_an_unknown_version_is_malformed():
    assert code_of(issue_receipt(SETTINGS, {**PAYLOAD, "v": 3})) == "receipt_malformed"
