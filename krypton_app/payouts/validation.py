"""Payout destinations: Bitcoin addresses and Lightning (BOLT11) invoices, checked before money is held.

Pure functions, no database. Every rejection is an `InvalidDestination` with a stable code.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import base58
import bolt11
from bech32 import CHARSET, bech32_hrp_expand, bech32_polymod, convertbits

from krypton_app.domain.errors import InvalidDestination, KryptonError

BITCOIN = "bitcoin"
LIGHTNING = "lightning"
NETWORKS = ("mainnet", "testnet", "regtest")

# Segwit human-readable parts (BIP-173) and base58check version bytes (P2PKH, P2SH) per network.
# Regtest shares testnet's base58 versions; only its bech32 prefix differs.
_SEGWIT_HRP = {"mainnet": "bc", "testnet": "tb", "regtest": "bcrt"}
_BASE58_VERSIONS = {"mainnet": {0x00, 0x05}, "testnet": {0x6F, 0xC4}, "regtest": {0x6F, 0xC4}}
# BOLT11 currency prefixes: `lnbc…`, `lntb…`, `lnbcrt…`; `tbs` is signet, which we never serve.
_INVOICE_CURRENCY = {"mainnet": "bc", "testnet": "tb", "regtest": "bcrt"}

# The checksum constants that tell bech32 (BIP-173, witness v0) from bech32m (BIP-350, v1 and up).
# The pinned `bech32` package predates BIP-350, so the constant is checked here with its polymod.
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_HEX64 = re.compile(r"[0-9a-f]{64}")


class InvalidPayoutReference(KryptonError):
    """What the operator typed as proof of payment is not a txid / preimage, or not this invoice's
    preimage. Codes: payout_reference_invalid, payout_preimage_mismatch."""

    code = "payout_reference_invalid"


@dataclass(frozen=True)
class LightningInvoice:
    amount_msat: int
    expires_at: int  # unix seconds
    payment_hash: str  # hex
    description: str | None  # None when the invoice commits to a description hash instead
    network: str


def parse_bitcoin_address(text: str, *, network: str) -> str:
    """The address in its normal form (bech32 lowercased) if a payment to it on `network` is possible.

    Raises InvalidDestination: `bitcoin_address_network` for a valid address of another network,
    `bitcoin_address_invalid` for anything else.
    """
    if network not in NETWORKS:
        raise ValueError(f"unknown bitcoin network {network!r}")
    address = (text or "").strip()
    lowered = address.lower()
    # Longest prefix first: `bcrt1` also starts with `bc`.
    for net, hrp in sorted(_SEGWIT_HRP.items(), key=lambda item: -len(item[1])):
        if lowered.startswith(hrp + "1"):
            _check_segwit(address, hrp)
            _check_network(net, network)
            return lowered
    try:
        payload = base58.b58decode_check(address)
    except ValueError:
        raise InvalidDestination("not a bitcoin address", code="bitcoin_address_invalid") from None
    if len(payload) != 21:
        raise InvalidDestination("base58 payload is not a 20-byte hash", code="bitcoin_address_invalid")
    if payload[0] not in _BASE58_VERSIONS[network]:
        if any(payload[0] in versions for versions in _BASE58_VERSIONS.values()):
            raise InvalidDestination("address of another network", code="bitcoin_address_network")
        raise InvalidDestination("unknown address version", code="bitcoin_address_invalid")
    return address


def decode_lightning_invoice(text: str, *, network: str, now: int) -> LightningInvoice:
    """Decode and check a BOLT11 invoice we could pay now on `network`.

    Raises InvalidDestination: lightning_invoice_invalid, lightning_invoice_network,
    lightning_invoice_no_amount, lightning_invoice_expired.
    """
    invoice = _decode_bolt11(text)
    if invoice.currency != _INVOICE_CURRENCY[network]:
        raise InvalidDestination("invoice for another network", code="lightning_invoice_network")
    if not invoice.amount_msat:
        # We convert a fixed amount at a quoted rate; an open amount has nothing to quote.
        raise InvalidDestination("invoice has no amount", code="lightning_invoice_no_amount")
    expires_at = invoice.date + invoice.expiry
    if now >= expires_at:
        raise InvalidDestination("invoice expired", code="lightning_invoice_expired")
    return LightningInvoice(
        amount_msat=int(invoice.amount_msat),
        expires_at=expires_at,
        payment_hash=invoice.payment_hash,
        description=invoice.description,
        network=network,
    )


def normalize_invoice(text: str) -> str:
    """The form we store: no `lightning:` URI prefix, no whitespace, lower case (BOLT11 is case-blind)."""
    value = re.sub(r"\s+", "", text or "").lower()
    return value.removeprefix("lightning:")


def parse_payout_reference(network: str, text: str, *, invoice: str | None = None) -> str:
    """Check the operator's proof of payment: a Bitcoin txid, or a Lightning preimage whose SHA-256 is
    the invoice's payment hash (so a typo or another invoice's preimage cannot mark a payout paid)."""
    reference = (text or "").strip().lower()
    if not _HEX64.fullmatch(reference):
        raise InvalidPayoutReference("expected 64 hex characters")
    if network == LIGHTNING:
        if invoice is None:
            raise ValueError("a lightning reference needs the invoice")
        if hashlib.sha256(bytes.fromhex(reference)).hexdigest() != _decode_bolt11(invoice).payment_hash:
            raise InvalidPayoutReference(
                "preimage does not match the invoice's payment hash", code="payout_preimage_mismatch"
            )
    return reference


def _decode_bolt11(text: str) -> bolt11.Bolt11:
    try:
        # The library signals malformed input with its own errors, bitstring's ReadError, ValueError,
        # UnicodeDecodeError or a secp256k1 error; to a payer every one of them means "not an invoice".
        return bolt11.decode(normalize_invoice(text))
    except Exception as error:
        raise InvalidDestination(f"not a BOLT11 invoice: {error}", code="lightning_invoice_invalid") from error


def _check_network(found: str, expected: str) -> None:
    if found != expected:
        raise InvalidDestination(f"{found} address on {expected}", code="bitcoin_address_network")


def _check_segwit(address: str, hrp: str) -> None:
    """BIP-173 / BIP-350 segwit address rules; raise bitcoin_address_invalid on any breach."""

    def invalid(why: str) -> InvalidDestination:
        return InvalidDestination(why, code="bitcoin_address_invalid")

    if address.lower() != address and address.upper() != address:
        raise invalid("mixed case")
    if len(address) > 90:
        raise invalid("too long")
    lowered = address.lower()
    separator = lowered.rfind("1")
    if lowered[:separator] != hrp or len(lowered) - separator - 1 < 7:
        raise invalid("bad separator or data part")
    if any(char not in CHARSET for char in lowered[separator + 1 :]):
        raise invalid("character outside the bech32 alphabet")
    data = [CHARSET.find(char) for char in lowered[separator + 1 :]]
    checksum = bech32_polymod(bech32_hrp_expand(hrp) + data)
    if checksum not in (_BECH32_CONST, _BECH32M_CONST):
        raise invalid("checksum")
    version = data[0]
    program = convertbits(data[1:-6], 5, 8, False)
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        raise invalid("witness version or program")
    if version == 0 and len(program) not in (20, 32):
        raise invalid("witness v0 program must be 20 or 32 bytes")
    # v0 is bech32, every later version bech32m: the wrong one is the BIP-350 insertion guard.
    if checksum != (_BECH32_CONST if version == 0 else _BECH32M_CONST):
        raise invalid("wrong checksum variant for the witness version")
