"""TON Connect's `ton_proof`: the signed payload we hand out and the wallet's proof of its address.

The check follows the TON Connect spec ("Address proof signature"): the wallet signs
sha256(0xffff ++ "ton-connect" ++ sha256(message)) with the key found in its stateInit, where
message = "ton-proof-item-v2/" ++ workchain (int32 BE) ++ address hash ++ domain length (uint32 LE)
++ domain ++ timestamp (uint64 LE) ++ payload. Pure checks: no database (services/auth.py logs in).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from pytoniq.contract.wallets.wallet import WALLET_V3_R2_CODE, WALLET_V4_R2_CODE
from pytoniq.contract.wallets.wallet_v5 import WALLET_V5_R1_CODE, WalletV5WalletID
from pytoniq_core import Cell, CellTypes
from pytoniq_core.tlb.account import StateInit
from pytoniq_core.tlb.custom.wallet import WalletV3Data, WalletV4Data, WalletV5R1Data

from krypton_app.domain.errors import TonProofError

# Every code a login can fail with; the UI has a message for each (`error.<code>`).
TON_PROOF_ERROR_CODES = (
    "malformed_proof",
    "wrong_network",
    "domain_not_allowed",
    "domain_length_mismatch",
    "timestamp_too_old",
    "timestamp_in_future",
    "state_init_mismatch",
    "unsupported_wallet",
    "public_key_mismatch",
    "bad_signature",
    "payload_invalid",
    "payload_expired",
    "payload_used",
)

PAYLOAD_TTL_S = 15 * 60
CLOCK_SKEW_S = 60  # a wallet's clock may run a little ahead of ours

_PROOF_PREFIX = b"ton-proof-item-v2/"
_CONNECT_PREFIX = b"\xff\xffton-connect"
_PAYLOAD_SALT = "krypton.ton-proof-payload"
_RAW_ADDRESS = re.compile(r"(-?\d{1,3}):([0-9a-fA-F]{64})")

# Standard wallets by code hash, with the layout of their data cell.
_WALLET_DATA = {
    WALLET_V3_R2_CODE.hash: WalletV3Data,
    WALLET_V4_R2_CODE.hash: WalletV4Data,
    WALLET_V5_R1_CODE.hash: WalletV5R1Data,
}


def ton_proof_signing_hash(workchain: int, address_hash: bytes, domain: str, timestamp: int, payload: str) -> bytes:
    """The 32 bytes a wallet signs for a ton_proof."""
    domain_bytes = domain.encode()
    message = b"".join(
        [
            _PROOF_PREFIX,
            workchain.to_bytes(4, "big", signed=True),
            address_hash,
            len(domain_bytes).to_bytes(4, "little"),
            domain_bytes,
            timestamp.to_bytes(8, "little"),
            payload.encode(),
        ]
    )
    return hashlib.sha256(_CONNECT_PREFIX + hashlib.sha256(message).digest()).digest()


def verify_ton_proof(
    account: dict,
    proof: dict,
    *,
    allowed_domains: Iterable[str],
    now: int,
    max_age_s: int = PAYLOAD_TTL_S,
    network: str = "-239",
) -> str:
    """Check a TON Connect `ton_proof` in full; return the wallet's raw address `0:<hex>`.

    Pure: the public key comes from the stateInit, never from the chain, so a wallet that is
    not deployed yet can log in too.
    """
    p = _decode(account, proof)
    if p.chain != network:
        raise TonProofError(code="wrong_network")
    if p.domain.lower() not in {d.lower() for d in allowed_domains}:
        raise TonProofError(code="domain_not_allowed")
    if p.domain_length != len(p.domain.encode()):
        raise TonProofError(code="domain_length_mismatch")
    if now - p.timestamp > max_age_s:
        raise TonProofError(code="timestamp_too_old")
    if p.timestamp - now > CLOCK_SKEW_S:
        raise TonProofError(code="timestamp_in_future")
    # The address is the hash of the stateInit: this ties the key we check below to the address.
    if p.state_init_cell.hash != p.address_hash:
        raise TonProofError(code="state_init_mismatch")
    wallet_public_key = _wallet_public_key(p.state_init, p.workchain, network)
    if wallet_public_key != p.public_key:
        raise TonProofError(code="public_key_mismatch")
    signed = ton_proof_signing_hash(p.workchain, p.address_hash, p.domain, p.timestamp, p.payload)
    try:
        VerifyKey(wallet_public_key).verify(signed, p.signature)
    except BadSignatureError:
        raise TonProofError(code="bad_signature") from None
    return f"{p.workchain}:{p.address_hash.hex()}"


def issue_proof_payload(secret_key: str, *, now: int) -> str:
    """A fresh single-use payload for the wallet to sign: `nonce.timestamp.signature`, 73 chars."""
    nonce = secrets.token_urlsafe(16)
    return _payload_signer(secret_key, now).sign(nonce).decode()


def check_proof_payload(secret_key: str, payload: object, *, now: int) -> str:
    """The nonce of a payload we issued less than 15 minutes ago (not yet checked for reuse)."""
    if not isinstance(payload, str):
        raise TonProofError(code="payload_invalid")
    try:
        return _payload_signer(secret_key, now).unsign(payload, max_age=PAYLOAD_TTL_S).decode()
    except SignatureExpired:
        raise TonProofError(code="payload_expired") from None
    except BadSignature:
        raise TonProofError(code="payload_invalid") from None


@dataclass(frozen=True)
class _Proof:
    workchain: int
    address_hash: bytes
    chain: str
    public_key: bytes
    state_init_cell: Cell
    state_init: StateInit
    timestamp: int
    domain: str
    domain_length: int
    payload: str
    signature: bytes


def _decode(account: dict, proof: dict) -> _Proof:
    """Turn the TON Connect JSON into typed values; anything undecodable is `malformed_proof`."""
    try:
        match = _RAW_ADDRESS.fullmatch(account["address"])
        if match is None or not -128 <= int(match[1]) <= 127:
            raise ValueError("address is not raw `wc:hex`")
        state_init_cell = Cell.one_from_boc(base64.b64decode(account["walletStateInit"], validate=True))
        p = _Proof(
            workchain=int(match[1]),
            address_hash=bytes.fromhex(match[2]),
            chain=str(account["chain"]),
            public_key=bytes.fromhex(account["publicKey"]),
            state_init_cell=state_init_cell,
            state_init=StateInit.deserialize(state_init_cell.begin_parse()),
            # The spec sends the timestamp as a decimal string, the JS SDK as a number.
            timestamp=_uint(proof["timestamp"], 64),
            domain=proof["domain"]["value"],
            domain_length=_uint(proof["domain"]["lengthBytes"], 32),
            payload=proof["payload"],
            signature=base64.b64decode(proof["signature"], validate=True),
        )
        if len(p.public_key) != 32 or len(p.signature) != 64:
            raise ValueError("bad key or signature length")
        if not isinstance(p.domain, str) or not isinstance(p.payload, str):
            raise TypeError("domain and payload are strings")
    # pytoniq raises many kinds of errors on a bad BOC; all of them mean the same here.
    except Exception as e:
        raise TonProofError(str(e), code="malformed_proof") from e
    return p


def _uint(value: int | str, bits: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError("expected an integer")
    number = int(value)
    if not 0 <= number < 1 << bits:
        raise ValueError("integer out of range")
    return number


def _wallet_public_key(state_init: StateInit, workchain: int, network: str) -> bytes:
    code = state_init.code
    if code is None or state_init.data is None:
        raise TonProofError(code="unsupported_wallet")
    # Wallets may deploy with a library cell (type byte + 256-bit hash) that names the code.
    if code.type_ == CellTypes.library_ref and len(code.bits) == 8 + 256:
        code_hash = code.bits[8:].tobytes()
    else:
        code_hash = code.hash
    data_scheme = _WALLET_DATA.get(code_hash)
    if data_scheme is None:
        raise TonProofError(code="unsupported_wallet")
    try:
        data = data_scheme.deserialize(state_init.data.begin_parse())
    except Exception as e:
        raise TonProofError(str(e), code="malformed_proof") from e
    if data_scheme is WalletV5R1Data:
        # A v5 wallet id names its workchain; it must be the address's own.
        wallet_id = WalletV5WalletID.unpack(data.wallet_id, network_global_id=int(network))
        if wallet_id.context is None and wallet_id.workchain != workchain:
            raise TonProofError(code="state_init_mismatch")
    return data.public_key


class _FixedClockSigner(TimestampSigner):
    """A timestamp signer that reads the caller's clock, so services stay testable."""

    def __init__(self, secret_key: str, now: int, **kwargs):
        super().__init__(secret_key, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        return self._now


def _payload_signer(secret_key: str, now: int) -> _FixedClockSigner:
    return _FixedClockSigner(secret_key, now, salt=_PAYLOAD_SALT, digest_method=hashlib.sha256)
