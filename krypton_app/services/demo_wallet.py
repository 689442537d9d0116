"""The demo wallet for local runs: a real wallet v4R2 key that signs a real `ton_proof`,
so a demo login goes through the same verifier as Tonkeeper's."""

from __future__ import annotations

import base64
import secrets

from nacl.signing import SigningKey
from pytoniq.contract.wallets.wallet import WALLET_V4_R2_CODE, WalletV4R2
from pytoniq_core.tlb.account import StateInit

from krypton_app.services.ton_proof import ton_proof_signing_hash

WORKCHAIN = 0


def new_demo_seed() -> bytes:
    """A fresh ed25519 seed for one browser session; it is never written to the database."""
    return secrets.token_bytes(32)


def demo_wallet_proof(seed: bytes, *, payload: str, domain: str, now: int, network: str = "-239") -> tuple[dict, dict]:
    """(account, proof) in TON Connect's shapes, as a wallet would send them after connecting."""
    key = SigningKey(seed)
    public_key = bytes(key.verify_key)
    # pytoniq's default wallet id (698983191 + workchain), as wallets use for the first account.
    data = WalletV4R2.create_data_cell(public_key, wc=WORKCHAIN)
    state_init = StateInit(code=WALLET_V4_R2_CODE, data=data).serialize()
    address_hash = state_init.hash
    signed = ton_proof_signing_hash(WORKCHAIN, address_hash, domain, now, payload)
    account = {
        "address": f"{WORKCHAIN}:{address_hash.hex()}",
        "chain": network,
        "publicKey": public_key.hex(),
        "walletStateInit": base64.b64encode(state_init.to_boc()).decode(),
    }
    proof = {
        "timestamp": now,
        "domain": {"lengthBytes": len(domain.encode()), "value": domain},
        "payload": payload,
        "signature": base64.b64encode(key.sign(signed).signature).decode(),
    }
    return account, proof
