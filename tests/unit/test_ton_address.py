"""TON address validation: raw and user-friendly forms, flags, checksum, network and workchain."""

import base64

import pytest
from pytoniq_core import Address
from pytoniq_core.crypto.crc import crc16

from krypton_app.domain.errors import InvalidDestination
from krypton_app.domain.ton_address import parse_ton_address

# The pair toncenter's API documentation uses for packAddress / unpackAddress.
RAW = "0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8"
BOUNCEABLE = "EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N"


def _friendly(raw: str, *, bounceable: bool = True, testnet: bool = False, url_safe: bool = True) -> str:
    return Address(raw).to_str(is_bounceable=bounceable, is_test_only=testnet, is_url_safe=url_safe)


def _code(text: str, **kwargs) -> str:
    with pytest.raises(InvalidDestination) as error:
        parse_ton_address(text, **kwargs)
    return error.value.code


def test_known_bounceable_address():
    address = parse_ton_address(BOUNCEABLE)
    assert address.raw == RAW
    assert address.friendly == BOUNCEABLE
    assert (address.workchain, address.bounceable, address.testnet) == (0, True, False)


def test_non_bounceable_keeps_its_flag():
    text = _friendly(RAW, bounceable=False)
    assert text.startswith("UQ")
    address = parse_ton_address(text)
    assert address.raw == RAW
    assert address.bounceable is False
    assert address.friendly == text


def test_standard_base64_is_accepted_and_shown_url_safe():
    raw = "0:" + "0a" * 32  # an account id whose base64 needs "/"
    text = _friendly(raw, url_safe=False)
    assert "/" in text
    assert parse_ton_address(f"  {text}\n").friendly == _friendly(raw)


def test_raw_form_upper_case_is_normalised_and_taken_as_bounceable():
    address = parse_ton_address(RAW.upper())
    assert address.raw == RAW
    assert address.bounceable is True
    assert address.friendly == BOUNCEABLE


def test_checksum_error():
    data = bytearray(base64.urlsafe_b64decode(BOUNCEABLE))
    data[10] ^= 0x01
    assert _code(base64.urlsafe_b64encode(bytes(data)).decode()) == "address_checksum"


def test_testnet_only_address_refused_on_mainnet_accepted_on_testnet():
    text = _friendly(RAW, testnet=True)
    assert _code(text) == "address_testnet"
    address = parse_ton_address(text, testnet=True)
    assert address.testnet is True
    assert address.friendly == text


def test_masterchain_refused():
    masterchain = "-1:" + RAW.split(":")[1]
    assert _code(masterchain) == "address_workchain"
    assert _code(_friendly(masterchain)) == "address_workchain"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "0:1234",
        RAW + "00",
        "x:" + RAW.split(":")[1],
        BOUNCEABLE[:-1],
        BOUNCEABLE + "A",
        "EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xq!2N",
    ],
)
def test_malformed(text):
    assert _code(text) == "address_invalid"


def test_unknown_flags_byte():
    body = bytes([0x22, 0]) + bytes.fromhex(RAW.split(":")[1])
    text = base64.urlsafe_b64encode(body + crc16(body)).decode()
    assert _code(text) == "address_invalid"
