"""ton_proof verification with real proofs: fresh keys, real wallet stateInits, real signatures.

The proofs here are signed by this module's own encoder (struct-based, written apart from the
service's) so that a mistake in the service's message layout cannot hide behind a matching one.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import struct

import pytest
from nacl.signing import SigningKey
from pytoniq.contract.wallets.wallet import (
    WALLET_V3_R1_CODE,
    WALLET_V3_R2_CODE,
    WALLET_V4_R2_CODE,
    WalletV3R1,
    WalletV3R2,
    WalletV4R2,
)
from pytoniq.contract.wallets.wallet_v5 import WALLET_V5_R1_CODE, WalletV5R1
from pytoniq_core import Builder, Cell, CellTypes
from pytoniq_core.tlb.account import StateInit

from krypton_app.domain.errors import TonProofError
from krypton_app.services.demo_wallet import demo_wallet_proof, new_demo_seed
from krypton_app.services.ton_proof import (
    PAYLOAD_TTL_S,
    TON_PROOF_ERROR_CODES,
    check_proof_payload,
    issue_proof_payload,
    ton_proof_signing_hash,
    verify_ton_proof,
)

NOW = 1_760_000_000
DOMAIN = "krypton.example"
ALLOWED = ["krypton.example", "localhost:3000"]
SECRET = "test-secret"


def _code(version: str) -> Cell:
    return {"v3r2": WALLET_V3_R2_CODE, "v4r2": WALLET_V4_R2_CODE, "v5r1": WALLET_V5_R1_CODE}[version]


def _data(version: str, public_key: bytes, wc: int = 0) -> Cell:
    if version == "v3r2":
        return WalletV3R2.create_data_cell(public_key, wc=wc)
    if version == "v4r2":
        return WalletV4R2.create_data_cell(public_key, wc=wc)
    return WalletV5R1.create_data_cell(public_key, wc=wc, network_global_id=-239)


def _message_hash(wc: int, address_hash: bytes, domain: str, ts: int, payload: str) -> bytes:
    d = domain.encode()
    msg = b"ton-proof-item-v2/" + struct.pack(">i", wc) + address_hash
    msg += struct.pack("<I", len(d)) + d + struct.pack("<Q", ts) + payload.encode()
    return hashlib.sha256(b"\xff\xff" + b"ton-connect" + hashlib.sha256(msg).digest()).digest()


def make_proof(
    key: SigningKey,
    *,
    code: Cell,
    data: Cell,
    wc: int = 0,
    domain: str = DOMAIN,
    ts: int = NOW,
    payload: str = "payload-1",
    chain: str = "-239",
) -> tuple[dict, dict]:
    state_init = StateInit(code=code, data=data).serialize()
    address_hash = state_init.hash
    signature = key.sign(_message_hash(wc, address_hash, domain, ts, payload)).signature
    account = {
        "address": f"{wc}:{address_hash.hex()}",
        "chain": chain,
        "publicKey": bytes(key.verify_key).hex(),
        "walletStateInit": base64.b64encode(state_init.to_boc()).decode(),
    }
    proof = {
        "timestamp": ts,
        "domain": {"lengthBytes": len(domain.encode()), "value": domain},
        "payload": payload,
        "signature": base64.b64encode(signature).decode(),
    }
    return account, proof


def wallet_proof(version: str = "v4r2", key: SigningKey | None = None, wc: int = 0, **kwargs):
    key = key or SigningKey.generate()
    pk = bytes(key.verify_key)
    return make_proof(key, code=_code(version), data=_data(version, pk, wc), wc=wc, **kwargs)


def verify(account, proof, now=NOW, **kwargs):
    return verify_ton_proof(account, proof, allowed_domains=ALLOWED, now=now, **kwargs)


def rejects(code: str, account, proof, **kwargs) -> None:
    assert code in TON_PROOF_ERROR_CODES
    with pytest.raises(TonProofError) as exc:
        verify(account, proof, **kwargs)
    assert exc.value.code == code


# Acceptance


@pytest.mark.parametrize("version", ["v3r2", "v4r2", "v5r1"])
def test_accepts_a_real_proof_from_each_supported_wallet(version):
    account, proof = wallet_proof(version)
    assert verify(account, proof) == account["address"]


def test_service_message_matches_the_independent_encoder():
    args = (-1, bytes(range(32)), "example.com", 1_700_000_123, "nonce.ts.sig")
    assert ton_proof_signing_hash(*args) == _message_hash(*args)


def test_accepts_a_masterchain_wallet():
    account, proof = wallet_proof("v4r2", wc=-1)
    assert verify(account, proof).startswith("-1:")


def test_accepts_v5r1_code_given_as_a_library_cell():
    # Wallets may deploy v5r1 with a library reference to the code instead of the code itself.
    key = SigningKey.generate()
    library = Builder(type_=CellTypes.library_ref).store_uint(2, 8).store_bytes(WALLET_V5_R1_CODE.hash)
    account, proof = make_proof(key, code=library.end_cell(), data=_data("v5r1", bytes(key.verify_key)))
    assert verify(account, proof) == account["address"]


def test_returns_lowercase_raw_address_and_accepts_string_timestamp():
    account, proof = wallet_proof()
    account["address"] = account["address"].upper()
    proof["timestamp"] = str(proof["timestamp"])
    assert verify(account, proof) == account["address"].lower()


def test_domains_compare_case_insensitively():
    account, proof = wallet_proof(domain="Krypton.Example")
    assert verify(account, proof)


def test_accepts_testnet_when_configured():
    account, proof = wallet_proof(chain="-3")
    assert verify(account, proof, network="-3")


def test_timestamp_window_edges_are_accepted():
    account, proof = wallet_proof(ts=NOW)
    assert verify(account, proof, now=NOW + 900)
    assert verify(account, proof, now=NOW - 60)


def test_demo_wallet_proof_passes_the_verifier():
    payload = issue_proof_payload(SECRET, now=NOW)
    account, proof = demo_wallet_proof(new_demo_seed(), payload=payload, domain=DOMAIN, now=NOW)
    assert verify(account, proof) == account["address"]
    assert account["address"].startswith("0:")
    assert (
        StateInit.deserialize(Cell.one_from_boc(base64.b64decode(account["walletStateInit"])).begin_parse()).code.hash
        == _code("v4r2").hash
    )


def test_demo_wallet_is_deterministic_per_seed():
    seed = new_demo_seed()
    a1, _ = demo_wallet_proof(seed, payload="p", domain=DOMAIN, now=NOW)
    a2, _ = demo_wallet_proof(seed, payload="q", domain=DOMAIN, now=NOW + 5)
    a3, _ = demo_wallet_proof(new_demo_seed(), payload="p", domain=DOMAIN, now=NOW)
    assert a1 == a2
    assert a1["address"] != a3["address"]


# Rejections: one per code, each made by tampering one thing


def test_error_codes_are_distinct_and_complete():
    assert len(set(TON_PROOF_ERROR_CODES)) == len(TON_PROOF_ERROR_CODES)
    assert set(TON_PROOF_ERROR_CODES) >= {
        "domain_not_allowed",
        "domain_length_mismatch",
        "timestamp_too_old",
        "timestamp_in_future",
        "wrong_network",
        "state_init_mismatch",
        "public_key_mismatch",
        "bad_signature",
        "malformed_proof",
        "unsupported_wallet",
        "payload_invalid",
        "payload_expired",
        "payload_used",
    }


def test_rejects_a_domain_not_allowed_even_when_signed():
    rejects("domain_not_allowed", *wallet_proof(domain="evil.example"))


def test_rejects_a_domain_length_that_does_not_match():
    account, proof = wallet_proof()
    proof["domain"]["lengthBytes"] += 1
    rejects("domain_length_mismatch", account, proof)


def test_rejects_an_old_timestamp():
    rejects("timestamp_too_old", *wallet_proof(ts=NOW - 901))


def test_rejects_a_timestamp_in_the_future():
    rejects("timestamp_in_future", *wallet_proof(ts=NOW + 61))


def test_rejects_the_wrong_network():
    rejects("wrong_network", *wallet_proof(chain="-3"))
    rejects("wrong_network", *wallet_proof(chain="-239"), network="-3")


@pytest.mark.parametrize("version", ["v3r2", "v4r2", "v5r1"])
def test_rejects_a_state_init_of_another_wallet(version):
    account, proof = wallet_proof(version)
    other, _ = wallet_proof(version)
    account["walletStateInit"] = other["walletStateInit"]
    rejects("state_init_mismatch", account, proof)


def test_rejects_a_claimed_address_that_is_not_the_state_init_hash():
    account, proof = wallet_proof()
    flipped = "0" if account["address"][-1] != "0" else "1"
    account["address"] = account["address"][:-1] + flipped
    rejects("state_init_mismatch", account, proof)


def test_rejects_a_v5_wallet_whose_id_names_another_workchain():
    key = SigningKey.generate()
    data = WalletV5R1.create_data_cell(bytes(key.verify_key), wc=-1, network_global_id=-239)
    rejects("state_init_mismatch", *make_proof(key, code=WALLET_V5_R1_CODE, data=data, wc=0))


@pytest.mark.parametrize("version", ["v3r2", "v4r2", "v5r1"])
def test_rejects_a_public_key_that_is_not_the_wallets(version):
    account, proof = wallet_proof(version)
    account["publicKey"] = bytes(SigningKey.generate().verify_key).hex()
    rejects("public_key_mismatch", account, proof)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: p.update(payload=p["payload"] + "x"),
        lambda p: p.update(timestamp=p["timestamp"] - 1),
        lambda p: p["domain"].update(value="localhost:3000", lengthBytes=14),
        lambda p: p.update(signature=base64.b64encode(bytes(64)).decode()),
    ],
    ids=["payload", "timestamp", "domain", "signature"],
)
def test_rejects_a_signature_over_other_fields(tamper):
    account, proof = wallet_proof()
    tamper(proof)
    rejects("bad_signature", account, proof)


def test_rejects_a_signature_by_another_key():
    key, impostor = SigningKey.generate(), SigningKey.generate()
    account, _ = wallet_proof(key=key)
    _, forged = make_proof(impostor, code=_code("v4r2"), data=_data("v4r2", bytes(key.verify_key)))
    rejects("bad_signature", account, forged)


def test_rejects_a_wallet_with_unknown_code():
    key = SigningKey.generate()
    data = WalletV3R1.create_data_cell(bytes(key.verify_key))
    rejects("unsupported_wallet", *make_proof(key, code=WALLET_V3_R1_CODE, data=data))


def test_rejects_a_library_cell_naming_unknown_code():
    key = SigningKey.generate()
    library = Builder(type_=CellTypes.library_ref).store_uint(2, 8).store_bytes(WALLET_V3_R1_CODE.hash)
    data = WalletV3R1.create_data_cell(bytes(key.verify_key))
    rejects("unsupported_wallet", *make_proof(key, code=library.end_cell(), data=data))


def test_rejects_a_state_init_without_code():
    key = SigningKey.generate()
    rejects("unsupported_wallet", *make_proof(key, code=None, data=_data("v4r2", bytes(key.verify_key))))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda a, p: a.update(address="EQBDMWTZnPVO5ccZIb6ttsVArQa1_Pwe47fBggvhG8OtgOf0"),
        lambda a, p: a.update(address="0:abcd"),
        lambda a, p: a.update(address="300:" + "00" * 32),
        lambda a, p: a.pop("walletStateInit"),
        lambda a, p: a.update(walletStateInit="not base64!"),
        lambda a, p: a.update(walletStateInit=base64.b64encode(b"garbage").decode()),
        lambda a, p: a.update(publicKey="zz"),
        lambda a, p: a.update(publicKey="00" * 31),
        lambda a, p: p.update(signature="***"),
        lambda a, p: p.update(signature=base64.b64encode(bytes(63)).decode()),
        lambda a, p: p.update(timestamp="soon"),
        lambda a, p: p.update(timestamp=True),
        lambda a, p: p.update(timestamp=-5),
        lambda a, p: p.update(domain="krypton.example"),
        lambda a, p: p["domain"].update(lengthBytes=None),
        lambda a, p: p.update(payload=123),
        lambda a, p: p.pop("payload"),
    ],
)
def test_rejects_undecodable_input_as_malformed(tamper):
    account, proof = wallet_proof()
    tamper(account, proof)
    rejects("malformed_proof", account, proof)


def test_rejects_non_dict_input_as_malformed():
    rejects("malformed_proof", None, {})


# Payloads


def test_payload_is_short_unique_and_checks_back_to_its_nonce():
    p1, p2 = issue_proof_payload(SECRET, now=NOW), issue_proof_payload(SECRET, now=NOW)
    assert p1 != p2
    assert len(p1.encode()) <= 128
    nonce = check_proof_payload(SECRET, p1, now=NOW + PAYLOAD_TTL_S)
    assert p1.startswith(nonce + ".")


def test_payload_expires_after_15_minutes():
    payload = issue_proof_payload(SECRET, now=NOW)
    with pytest.raises(TonProofError) as exc:
        check_proof_payload(SECRET, payload, now=NOW + PAYLOAD_TTL_S + 1)
    assert exc.value.code == "payload_expired"


@pytest.mark.parametrize(
    "payload",
    [
        # Not the last character: its low bits are base64 padding, so changing it may change nothing.
        lambda p: p[:-5] + ("A" if p[-5] != "A" else "B") + p[-4:],
        lambda p: "x" + p,
        lambda p: "",
        lambda p: None,
        lambda p: issue_proof_payload("another-secret", now=NOW),
        lambda p: secrets.token_urlsafe(32),
    ],
    ids=["signature", "nonce", "empty", "missing", "other-key", "session-token"],
)
def test_payload_tampered_or_foreign_is_invalid(payload):
    good = issue_proof_payload(SECRET, now=NOW)
    with pytest.raises(TonProofError) as exc:
        check_proof_payload(SECRET, payload(good), now=NOW)
    assert exc.value.code == "payload_invalid"
