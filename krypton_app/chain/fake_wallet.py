"""What a wallet v4R2 contract does with an external message, for FakeChain.

Before it accepts one it checks the signature over the signed part, the wallet id, the seqno and
valid_until, like the contract does; a message it would refuse raises ChainError with the contract's
exit code, as a node reports it. Then its action phase sends the messages the balance covers.
"""

from __future__ import annotations

from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from pytoniq.contract.wallets.wallet import WALLET_V4_R2_CODE
from pytoniq_core import Slice
from pytoniq_core.boc.tvm_bitarray import TvmBitarrayException
from pytoniq_core.tlb.custom.wallet import WalletV4Data
from pytoniq_core.tlb.transaction import MessageAny

from krypton_app.chain.fake_cells import internal_message, raw_address
from krypton_app.chain.fake_store import FakeAccount
from krypton_app.chain.gateway import ChainError

# wallet v4 exit codes for a refused external message
SEQNO_MISMATCH, WALLET_ID_MISMATCH, BAD_SIGNATURE, EXPIRED = 33, 34, 35, 36


@dataclass(frozen=True)
class Accepted:
    """An external message the wallet would accept: whose key signed it, and its actions."""

    public_key: bytes
    wallet_id: int
    actions: Slice  # (send_mode:uint8 ^MessageRelaxed)*


def accept_external(address: str, account: FakeAccount, message: MessageAny, *, now: int) -> Accepted:
    """The wallet at `address` (deployed, or deployed by this message's state init) accepts `message`
    at `now`; ChainError if it would not."""
    if account.status != "active":
        init = message.init
        if init is None or init.serialize().hash.hex() != address.split(":")[1]:
            raise ChainError("external message not accepted: wallet is not deployed")
        if init.code is None or init.code.hash != WALLET_V4_R2_CODE.hash:
            raise ChainError("external message not accepted: not a wallet v4R2")
        data = WalletV4Data.deserialize(init.data.begin_parse())
        public_key, wallet_id, seqno = data.public_key, data.wallet_id, data.seqno
    else:
        public_key, wallet_id, seqno = account.public_key, account.wallet_id, account.seqno
    body = message.body.begin_parse()
    try:
        signature = body.load_bytes(64)
        signed = body.to_cell()
        VerifyKey(public_key).verify(signed.hash, signature)
        fields = signed.begin_parse()
        got_wallet_id, valid_until, got_seqno, op = (fields.load_uint(n) for n in (32, 32, 32, 8))
    except (BadSignatureError, TvmBitarrayException):
        raise ChainError(f"external message not accepted: exit code {BAD_SIGNATURE}") from None
    if got_wallet_id != wallet_id:
        raise ChainError(f"external message not accepted: exit code {WALLET_ID_MISMATCH}")
    if valid_until <= now:
        raise ChainError(f"external message not accepted: exit code {EXPIRED} (expired)")
    if got_seqno != seqno:
        raise ChainError(f"external message not accepted: exit code {SEQNO_MISMATCH} (seqno)")
    if op != 0:
        raise ChainError("external message not accepted: only simple transfers are supported")
    return Accepted(public_key, wallet_id, fields)


def send_actions(
    address: str, account: FakeAccount, actions: Slice, *, lt: int, now: int
) -> tuple[list[MessageAny], int]:
    """The action phase of the transaction at `lt`: the messages sent, each paid from the balance, and
    how many were skipped for want of funds."""
    out: list[MessageAny] = []
    skipped = 0
    while actions.remaining_refs:
        actions.load_uint(8)  # send mode: fees are free here, errors are always skipped (mode +2)
        wanted = MessageAny.deserialize(actions.load_ref().begin_parse())
        value = wanted.info.value.grams
        if value > account.balance:
            skipped += 1
            continue
        account.balance -= value
        out.append(
            internal_message(
                src=address,
                dest=raw_address(wanted.info.dest),
                value=value,
                bounce=wanted.info.bounce,
                body=wanted.body,
                created_lt=lt + 1 + len(out),
                now=now,
            )
        )
    return out, skipped
