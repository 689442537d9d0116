"""TON account addresses as users type them: raw `0:<hex>` or the 48-character user-friendly form.

The user-friendly form is 36 bytes in base64 (url-safe or standard): a flags byte (0x11 bounceable,
0x51 non-bounceable, +0x80 testnet-only), the workchain, the 32-byte account id and a CRC16 of the
first 34 bytes. The flags tell a wallet how to send: a non-bounceable address belongs to a wallet that
may not be deployed yet, so a payment to it must not bounce.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from pytoniq_core import Address
from pytoniq_core.crypto.crc import crc16

from krypton_app.domain.errors import InvalidDestination

_RAW = re.compile(r"(-?[0-9]+):([0-9a-fA-F]{64})")
_FRIENDLY = re.compile(r"[A-Za-z0-9+/_-]{48}")
_BOUNCEABLE = 0x11
_NON_BOUNCEABLE = 0x51
_TESTNET = 0x80
# Only the basechain: the masterchain costs more and no user wallet lives there.
ACCEPTED_WORKCHAIN = 0


@dataclass(frozen=True)
class TonAddress:
    raw: str  # `0:<64 hex>`, lower case: how the ledger and the chain layer compare addresses
    friendly: str  # url-safe user-friendly form with the flags the user gave
    workchain: int
    bounceable: bool
    testnet: bool


def parse_ton_address(text: str, *, testnet: bool = False) -> TonAddress:
    """Validate an address typed by a user. Raises InvalidDestination with code address_invalid,
    address_checksum, address_testnet (a testnet-only address on mainnet) or address_workchain.

    A raw address carries no flags: it is taken as bounceable (the safe default, value comes back
    if nobody is there) and as belonging to the network we run on."""
    value = (text or "").strip()
    if raw := _RAW.fullmatch(value):
        workchain = int(raw.group(1))
        account_id = bytes.fromhex(raw.group(2))
        bounceable, testnet_only = True, testnet
    elif _FRIENDLY.fullmatch(value):
        workchain, account_id, bounceable, testnet_only = _decode_friendly(value)
        if testnet_only and not testnet:
            raise InvalidDestination(code="address_testnet")
    else:
        raise InvalidDestination(code="address_invalid")
    if workchain != ACCEPTED_WORKCHAIN:
        raise InvalidDestination(code="address_workchain")
    address = Address((workchain, account_id))
    return TonAddress(
        raw=address.to_str(is_user_friendly=False),
        friendly=address.to_str(is_bounceable=bounceable, is_test_only=testnet_only),
        workchain=workchain,
        bounceable=bounceable,
        testnet=testnet_only,
    )


def _decode_friendly(value: str) -> tuple[int, bytes, bool, bool]:
    try:
        data = base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
    except binascii.Error:
        raise InvalidDestination(code="address_invalid") from None
    if crc16(data[:34]) != data[34:]:
        raise InvalidDestination(code="address_checksum")
    flags = data[0]
    testnet_only = bool(flags & _TESTNET)
    tag = flags & ~_TESTNET
    if tag not in (_BOUNCEABLE, _NON_BOUNCEABLE):
        raise InvalidDestination(code="address_invalid")
    workchain = int.from_bytes(data[1:2], "big", signed=True)
    return workchain, data[2:34], tag == _BOUNCEABLE, testnet_only
