"""Bitcoin addresses (BIP-173 / BIP-350 vectors, base58check) and BOLT11 invoices (spec vectors and
invoices signed here with the bolt11 library)."""

import hashlib

import base58
import bech32
import pytest
from bech32 import CHARSET, bech32_hrp_expand, bech32_polymod, convertbits
from builders import lightning_invoice

from krypton_app.domain.errors import InvalidDestination
from krypton_app.payouts.validation import (
    BITCOIN,
    LIGHTNING,
    InvalidPayoutReference,
    decode_lightning_invoice,
    parse_bitcoin_address,
    parse_payout_reference,
)

# --- Bitcoin addresses ---------------------------------------------------------------------------

# BIP-350 "valid segwit addresses", by network.
MAINNET_SEGWIT = [
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    "BC1SW50QGDZ25J",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",  # taproot
]
TESTNET_SEGWIT = [
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
    "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
    "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",  # taproot
]
# BIP-350 "invalid segwit addresses" (each with the reason the BIP gives).
INVALID_SEGWIT = [
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",  # invalid human-readable part
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # bech32 instead of bech32m
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",  # bech32 instead of bech32m
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # bech32 instead of bech32m
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # bech32m instead of bech32
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",  # bech32m instead of bech32
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # invalid character in checksum
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # invalid witness version
    "bc1pw5dgrnzv",  # program length 1
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # program length 41
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # v0 program length 16
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",  # mixed case
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # zero padding > 4 bits
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",  # non-zero padding
    "bc1gmk9yu",  # empty data section
]
# Base58check: from the BOLT11 spec's fallback addresses, and the genesis block's coinbase address.
MAINNET_BASE58 = ["1RustyRX2oai4EYYDpQGWvEL62BBGqN9T", "3EktnHQD7RiAE6uzMj2ZifT9YgRrkSgzQX"]
GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
TESTNET_P2PKH = "mk2QpYatsKicvFVuTAQLBryyccRXMUaGHP"
TESTNET_P2SH = base58.b58encode_check(bytes([0xC4]) + bytes(range(20))).decode()


def bech32m_address(hrp: str, version: int, program: bytes) -> str:
    """Encode a v1+ segwit address (BIP-350); the pinned bech32 package only encodes bech32."""
    data = [version, *convertbits(program, 8, 5)]
    polymod = bech32_polymod(bech32_hrp_expand(hrp) + data + [0] * 6) ^ 0x2BC830A3
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(CHARSET[d] for d in data + checksum)


def invalid_code(text, network):
    with pytest.raises(InvalidDestination) as caught:
        parse_bitcoin_address(text, network=network)
    return caught.value.code


@pytest.mark.parametrize("address", MAINNET_SEGWIT)
def test_bip350_mainnet_addresses_are_valid_and_lowercased(address):
    assert parse_bitcoin_address(f"  {address} ", network="mainnet") == address.lower()


@pytest.mark.parametrize("address", TESTNET_SEGWIT)
def test_bip350_testnet_addresses_are_valid_on_testnet_only(address):
    assert parse_bitcoin_address(address, network="testnet") == address
    assert invalid_code(address, "mainnet") == "bitcoin_address_network"
    assert invalid_code(address, "regtest") == "bitcoin_address_network"


@pytest.mark.parametrize("address", INVALID_SEGWIT)
@pytest.mark.parametrize("network", ["mainnet", "testnet"])
def test_bip350_invalid_addresses_are_rejected(address, network):
    assert invalid_code(address, network) == "bitcoin_address_invalid"


def test_taproot_is_bech32m_and_its_bech32_twin_is_refused():
    taproot = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
    assert parse_bitcoin_address(taproot, network="mainnet") == taproot
    key = bytes.fromhex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
    assert bech32m_address("bc", 1, key) == taproot


def test_regtest_addresses():
    v0 = bech32.encode("bcrt", 0, bytes(range(20)))
    taproot = bech32m_address("bcrt", 1, bytes(range(32)))
    for address in (v0, taproot, TESTNET_P2PKH, TESTNET_P2SH):
        assert parse_bitcoin_address(address, network="regtest") == address
    assert invalid_code(v0, "mainnet") == "bitcoin_address_network"
    assert invalid_code(taproot, "testnet") == "bitcoin_address_network"
    assert invalid_code(MAINNET_SEGWIT[0], "regtest") == "bitcoin_address_network"


@pytest.mark.parametrize("address", [*MAINNET_BASE58, GENESIS])
def test_base58_mainnet(address):
    assert parse_bitcoin_address(address, network="mainnet") == address
    assert invalid_code(address, "testnet") == "bitcoin_address_network"


@pytest.mark.parametrize("address", [TESTNET_P2PKH, TESTNET_P2SH])
def test_base58_testnet(address):
    assert parse_bitcoin_address(address, network="testnet") == address
    assert invalid_code(address, "mainnet") == "bitcoin_address_network"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        GENESIS[:-1] + "b",  # checksum
        GENESIS.lower(),  # base58 is case-sensitive
        base58.b58encode_check(bytes([0x00]) + bytes(19)).decode(),  # 19-byte hash
        base58.b58encode_check(bytes([0x30]) + bytes(20)).decode(),  # Litecoin's P2PKH version
        "0:" + "ab" * 32,  # a TON address
        "bc1",
    ],
)
def test_garbage_is_invalid(text):
    assert invalid_code(text, "mainnet") == "bitcoin_address_invalid"


# --- Lightning invoices --------------------------------------------------------------------------

# BOLT11 spec examples (modern ones, with a payment secret), signed with the spec's key.
SPEC_TIME = 1496314658
PAYMENT_HASH = "0001020304050607080900010203040506070809000102030405060708090102"
COFFEE = (
    "lnbc2500u1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqf"
    "qqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpu9qrsgquk0rl77nj30yxdy8j9vdx85fkpmdla2087ne0xh8nhedh8w27kyke0lp"
    "53ut353s06fv3qfegext0eh0ymjpf39tuven09sam30g4vgpfna3rh"
)
NONSENSE = (
    "lnbc2500u1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqf"
    "qqqsyqcyq5rqwzqfqypqdpquwpc4curk03c9wlrswe78q4eyqc7d8d0xqzpu9qrsgqhtjpauu9ur7fw2thcl4y9vfvh4m9wlfyz2gem29g5gh"
    "e2aak2pm3ps8fdhtceqsaagty2vph7utlgj48u0ged6a337aewvraedendscp573dxr"
)
DONATION = (  # no amount
    "lnbc1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyq"
    "cyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmwwd5kgetjypeh2ursdae8g6twvus8g6rfwvs8qun0dfjkxaq9qrsgq357wnc5r2ueh7ck6q93dj32d"
    "lqnls087fxdwk8qakdyafkq3yap9us6v52vjjsrvywa6rt52cm9r9zqt8r2t7mlcwspyetp5h2tztugp9lfyql"
)
TESTNET_HASHED = (  # description hash, fallback address, testnet
    "lntb20m1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygshp58yjmdan79s6qqdhdzgynm4zwqd5d7xmw5fk"
    "98klysy043l2ahrqspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqfpp3x9et2e20v6pu37c5d9vax37wxq72un989"
    "qrsgqdj545axuxtnfemtpwkc45hx9d2ft7x04mt8q7y6t0k2dge9e7h8kpy9p34ytyslj3yu569aalz2xdk8xkd7ltxqld94u8h2esmsmacgpg"
    "he9k8"
)
COFFEE_BEANS_UPPER = (  # "Same, but all upper case"; features 9, 15 and 99
    "LNBC25M1PVJLUEZPP5QQQSYQCYQ5RQWZQFQQQSYQCYQ5RQWZQFQQQSYQCYQ5RQWZQFQYPQDQ5VDHKVEN9V5SXYETPDEESSP5ZYG3ZYG3ZYG3"
    "ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYGS9Q5SQQQQQQQQQQQQQQQPQSQ67GYE39HFG3ZD8RGC80K32TVY9XK2XUNWM5LZEXNVPX6FD7"
    "7EN8QAQ424DXGT56CAG2DPT359K3SSYHETKTKPQH24JQNJYW6UQD08SGPTQ44QU"
)
LEGACY_NO_SECRET = (  # the spec's pre-2021 coffee invoice: no payment secret, unpayable by today's nodes
    "lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpuaztrnwngzn3"
    "kdzw5hydlzf03qdgm2hdq27cqv3agm2awhz5se903vruatfhq77w3ls4evs3ch9zw97j25emudupq63nyw24cg27h2rspfj9srp"
)


def invoice_code(text, *, network="mainnet", now=SPEC_TIME):
    with pytest.raises(InvalidDestination) as caught:
        decode_lightning_invoice(text, network=network, now=now)
    return caught.value.code


def test_spec_coffee_invoice():
    invoice = decode_lightning_invoice(COFFEE, network="mainnet", now=SPEC_TIME)
    assert invoice.amount_msat == 250_000_000
    assert invoice.payment_hash == PAYMENT_HASH
    assert invoice.description == "1 cup coffee"
    assert invoice.expires_at == SPEC_TIME + 60
    assert invoice.network == "mainnet"


def test_spec_unicode_description_and_upper_case():
    assert decode_lightning_invoice(NONSENSE, network="mainnet", now=SPEC_TIME).description == "ナンセンス 1杯"
    beans = decode_lightning_invoice(COFFEE_BEANS_UPPER, network="mainnet", now=SPEC_TIME)
    assert (beans.amount_msat, beans.description) == (2_500_000_000, "coffee beans")
    assert beans.expires_at == SPEC_TIME + 3600  # the default expiry


def test_spec_testnet_invoice_with_description_hash():
    invoice = decode_lightning_invoice(TESTNET_HASHED, network="testnet", now=SPEC_TIME)
    assert invoice.amount_msat == 2_000_000_000
    assert invoice.description is None
    assert invoice_code(TESTNET_HASHED, network="mainnet") == "lightning_invoice_network"
    assert invoice_code(COFFEE, network="testnet") == "lightning_invoice_network"
    assert invoice_code(COFFEE, network="regtest") == "lightning_invoice_network"


def test_an_invoice_without_amount_cannot_be_quoted():
    assert invoice_code(DONATION) == "lightning_invoice_no_amount"


def test_expiry_is_checked_against_the_given_time():
    assert decode_lightning_invoice(COFFEE, network="mainnet", now=SPEC_TIME + 59)
    assert invoice_code(COFFEE, now=SPEC_TIME + 60) == "lightning_invoice_expired"


def test_uri_prefix_and_whitespace_are_tolerated():
    assert decode_lightning_invoice(f" lightning:{COFFEE}\n", network="mainnet", now=SPEC_TIME).amount_msat


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "lnbc1",
        COFFEE[:-1] + ("q" if COFFEE[-1] != "q" else "p"),  # checksum
        COFFEE[:120],
        LEGACY_NO_SECRET,
        MAINNET_SEGWIT[0],
        "lnbc2500x1" + COFFEE[10:],
    ],
)
def test_garbage_is_not_an_invoice(text):
    assert invoice_code(text) == "lightning_invoice_invalid"


def test_self_signed_regtest_and_signet_invoices():
    invoice = decode_lightning_invoice(lightning_invoice(preimage=bytes(32)), network="regtest", now=1_700_000_000)
    assert invoice.amount_msat == 1_500_500
    assert invoice.payment_hash == hashlib.sha256(bytes(32)).hexdigest()
    assert invoice.expires_at == 1_700_000_600
    signet = lightning_invoice(currency="tbs")
    assert invoice_code(signet, network="testnet", now=1_700_000_000) == "lightning_invoice_network"


# --- operator's proof of payment -----------------------------------------------------------------


def test_txid_reference_is_64_hex_lowercased():
    txid = "AB" * 32
    assert parse_payout_reference(BITCOIN, f" {txid} ") == txid.lower()
    for bad in ("", "ab" * 31, "zz" * 32, "ab" * 33):
        with pytest.raises(InvalidPayoutReference) as caught:
            parse_payout_reference(BITCOIN, bad)
        assert caught.value.code == "payout_reference_invalid"


def test_preimage_must_hash_to_the_invoice_payment_hash():
    preimage = bytes(range(32))
    invoice = lightning_invoice(preimage=preimage)
    assert parse_payout_reference(LIGHTNING, preimage.hex(), invoice=invoice) == preimage.hex()
    with pytest.raises(InvalidPayoutReference) as caught:
        parse_payout_reference(LIGHTNING, bytes(32).hex(), invoice=invoice)
    assert caught.value.code == "payout_preimage_mismatch"
    # The spec invoices' payment hash is not a hash of anything we know: nothing matches it.
    with pytest.raises(InvalidPayoutReference):
        parse_payout_reference(LIGHTNING, PAYMENT_HASH, invoice=COFFEE)
