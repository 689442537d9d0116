"""Signed receipts (SPEC F4): `kr1.<base64url(JSON)>.<base64url(Ed25519 signature over the JSON bytes)>`.

The JSON is canonical (sorted keys, no spaces), and the signature covers its exact bytes, so anyone
with the published public key can check a receipt offline:

    from nacl.signing import VerifyKey
    prefix, body, sig = token.split(".")
    VerifyKey(bytes.fromhex(PUBLIC_KEY_HEX)).verify(b64url_decode(body), b64url_decode(sig))
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import nacl.exceptions
import nacl.signing

from krypton_app.domain.errors import ReceiptInvalid
from krypton_app.domain.invoices import normalise_number
from krypton_app.services.crypto import receipt_signing_key
from krypton_app.settings import Settings

PREFIX = "kr1"
# v1: `parts` is the number of parts. v2 (issue 12): `parts` lists each part as {"method", "amount"}
# (amount in decimal asset units), because a payment's parts are now funded by different means. The
# signed bytes of a v1 receipt never change, so both versions verify for as long as the key does.
# v3 (issue 14, SPEC F12): `fee` (the invoice-payment fee the merchant paid) and `net` (what the merchant
# got: amount - fee), decimal asset units; `amount` stays the gross the payer paid.
VERSION = 3
VERSIONS = (1, 2, 3)
SIGNATURE_BYTES = 64
_FIELDS = ("v", "invoice", "payment", "payer", "amount", "asset", "parts", "time", "merchant", "test")
_FEE_FIELDS = ("fee", "net")
PART_METHODS = ("balance", "promise", "lightning", "fiat_deal", "test")


@dataclass(frozen=True)
class ReceiptPart:
    method: str  # one of PART_METHODS
    amount: str  # decimal text in asset units


@dataclass(frozen=True)
class ReceiptView:
    invoice: str
    payment: int
    payer: str | None  # raw address; None for a test-mode simulation
    amount: str  # decimal text in asset units
    asset: str
    parts: int
    time: datetime
    merchant: str | None  # raw address; None for a merchant without a wallet (a Telegram-only user)
    test: bool
    version: int = VERSION
    # Each part's method and amount (v2); empty for a v1 receipt, which signed only the count.
    part_details: tuple[ReceiptPart, ...] = ()
    # The merchant's fee and what they got (v3), decimal text; None for older receipts, which signed none.
    fee: str | None = None
    net: str | None = None


def issue_receipt(settings: Settings, payload: dict) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    signature = receipt_signing_key(settings).sign(body).signature
    return f"{PREFIX}.{_b64(body)}.{_b64(signature)}"


def verify_receipt(token: str, *, public_key: bytes, invoice_number: str | None = None) -> ReceiptView:
    """Check the signature first, then (when given) that the receipt is for `invoice_number`."""
    pieces = (token or "").strip().split(".")
    if len(pieces) != 3 or pieces[0] != PREFIX:
        raise ReceiptInvalid(code="receipt_malformed")
    try:
        body, signature = _unb64(pieces[1]), _unb64(pieces[2])
    except (binascii.Error, ValueError) as error:
        raise ReceiptInvalid(code="receipt_malformed") from error
    if len(signature) != SIGNATURE_BYTES:
        raise ReceiptInvalid(code="receipt_malformed")
    try:
        nacl.signing.VerifyKey(public_key).verify(body, signature)
    except (nacl.exceptions.CryptoError, ValueError) as error:
        raise ReceiptInvalid(code="receipt_signature") from error
    view = _parse(body)
    if invoice_number is not None and normalise_number(invoice_number) != view.invoice:
        raise ReceiptInvalid(code="receipt_wrong_invoice", invoice=view.invoice)
    return view


def receipt_public_key(settings: Settings) -> bytes:
    return bytes(receipt_signing_key(settings).verify_key)


def public_key_document(settings: Settings) -> dict:
    key = receipt_public_key(settings)
    return {
        "alg": "Ed25519",
        "public_key_hex": key.hex(),
        "public_key_b64": base64.b64encode(key).decode(),
        "format": PREFIX,
    }


def _parse(body: bytes) -> ReceiptView:
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or data.get("v") not in VERSIONS:
            raise ValueError("not a known receipt version")
        if set(data) != set(_FIELDS) | (set(_FEE_FIELDS) if data["v"] >= 3 else set()):
            raise ValueError(f"not the fields of a v{data['v']} receipt")
        details = _part_details(data["parts"]) if data["v"] >= 2 else ()
        return ReceiptView(
            invoice=str(data["invoice"]),
            payment=int(data["payment"]),
            payer=data["payer"],
            amount=str(data["amount"]),
            asset=str(data["asset"]),
            parts=len(details) if data["v"] >= 2 else int(data["parts"]),
            time=datetime.fromtimestamp(int(data["time"]), UTC),
            merchant=None if data["merchant"] is None else str(data["merchant"]),
            test=bool(data["test"]),
            version=int(data["v"]),
            part_details=details,
            fee=str(data["fee"]) if data["v"] >= 3 else None,
            net=str(data["net"]) if data["v"] >= 3 else None,
        )
    except (ValueError, TypeError, OverflowError) as error:
        # Signed by us but unreadable: only a key shared with another format could do this.
        raise ReceiptInvalid(code="receipt_malformed") from error


def _part_details(parts: object) -> tuple[ReceiptPart, ...]:
    if not isinstance(parts, list) or not parts:
        raise ValueError("v2 parts must be a non-empty list")
    details = []
    for part in parts:
        if not isinstance(part, dict) or set(part) != {"method", "amount"} or part["method"] not in PART_METHODS:
            raise ValueError("unknown part")
        details.append(ReceiptPart(method=str(part["method"]), amount=str(part["amount"])))
    return tuple(details)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text:
        raise ValueError("empty")
    # Strict: a character outside the URL-safe alphabet is a copy error, not something to skip.
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
