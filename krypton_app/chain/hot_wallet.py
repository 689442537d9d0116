"""The service's hot wallet: a standard wallet v4R2 whose key signs withdrawals.

Messages are built with pytoniq-core and signed with pynacl; nothing here talks to the network. The
seed stays inside this object: it is never logged, returned or put into Reflex state.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from nacl.signing import SigningKey
from pytoniq.contract.wallets.wallet import WALLET_V4_R2_CODE, WalletV4R2
from pytoniq_core import Address, Builder, Cell
from pytoniq_core.tlb.account import StateInit
from pytoniq_core.tlb.block import CurrencyCollection
from pytoniq_core.tlb.custom.wallet import WalletMessage
from pytoniq_core.tlb.transaction import ExternalMsgInfo, InternalMsgInfo, MessageAny

from krypton_app.chain.parse import COMMENT, JETTON_TRANSFER, normalized_message_hash

# Pay transfer fees from the wallet balance (+1) and skip a failing action instead of failing all (+2),
# as wallets do for ordinary transfers.
SEND_MODE = 3


@dataclass(frozen=True)
class SignedMessage:
    boc: bytes  # the external-in message, ready for send_boc
    message_hash: str  # its normalised hash (hex): how the withdrawal is recognised on chain


class HotWallet:
    def __init__(self, seed: bytes, *, workchain: int = 0):
        if len(seed) != 32:
            raise ValueError("the hot wallet seed must be 32 bytes")
        self._key = SigningKey(seed)
        self.public_key = bytes(self._key.verify_key)
        # The default wallet id, so the same key opens the same wallet in Tonkeeper or pytoniq.
        self.wallet_id = 698983191 + workchain
        self.state_init = StateInit(
            code=WALLET_V4_R2_CODE, data=WalletV4R2.create_data_cell(self.public_key, self.wallet_id, workchain)
        )
        self._address = Address((workchain, self.state_init.serialize().hash))
        self.address = self._address.to_str(is_user_friendly=False)
        self.friendly = self._address.to_str(is_bounceable=True)

    def __repr__(self) -> str:
        return f"HotWallet({self.address})"

    def transfer(
        self,
        *,
        seqno: int,
        valid_until: int,
        destination: str,
        amount: int,
        comment: str | None = None,
        bounce: bool = True,
    ) -> SignedMessage:
        """Send `amount` nanotons to `destination` (raw or friendly) with an optional text comment."""
        body = comment_cell(comment) if comment is not None else Cell.empty()
        return self._sign(seqno, valid_until, _internal(destination, amount, body, bounce=bounce))

    def jetton_transfer(
        self,
        *,
        seqno: int,
        valid_until: int,
        jetton_wallet: str,
        destination: str,
        jetton_amount: int,
        query_id: int,
        forward_ton: int = 1,
        comment: str | None = None,
        ton_amount: int = 50_000_000,
    ) -> SignedMessage:
        """Send jettons (TEP-74 `transfer`) through our own jetton wallet to `destination`'s owner address.
        The jetton wallets' answers (a bounce, excesses) carry `query_id` back. `ton_amount` pays the
        jetton wallets' fees (the excess comes back here); `forward_ton` makes the recipient's wallet
        notify its owner, carrying the comment."""
        forward = comment_cell(comment) if comment is not None else None
        body = (
            Builder()
            .store_uint(JETTON_TRANSFER, 32)
            .store_uint(query_id, 64)
            .store_coins(jetton_amount)
            .store_address(Address(destination))
            .store_address(self._address)  # response_destination: the excess TON returns to us
            .store_bit(0)  # no custom_payload
            .store_coins(forward_ton)
        )
        if forward is None:
            body.store_bit(0)  # forward_payload inline and empty
        else:
            body.store_bit(1).store_ref(forward)
        return self._sign(seqno, valid_until, _internal(jetton_wallet, ton_amount, body.end_cell(), bounce=True))

    def _sign(self, seqno: int, valid_until: int, message: MessageAny) -> SignedMessage:
        # wallet v4: wallet_id:32 valid_until:32 seqno:32 op:8 (send_mode:8 ^message)*; op 0 = plain send.
        signing = (
            Builder()
            .store_uint(self.wallet_id, 32)
            .store_uint(valid_until, 32)
            .store_uint(seqno, 32)
            .store_uint(0, 8)
            .store_cell(WalletMessage(send_mode=SEND_MODE, message=message).serialize())
            .end_cell()
        )
        signature = self._key.sign(signing.hash).signature
        body = Builder().store_bytes(signature).store_cell(signing).end_cell()
        # The first message of an undeployed wallet carries its code and data.
        init = self.state_init if seqno == 0 else None
        external = MessageAny(info=ExternalMsgInfo(None, self._address, 0), init=init, body=body)
        return SignedMessage(boc=external.serialize().to_boc(), message_hash=normalized_message_hash(external))


def comment_cell(text: str) -> Cell:
    """A text comment: op 0 then the UTF-8 bytes, continued in references when longer than a cell."""
    return Builder().store_uint(COMMENT, 32).store_snake_string(text).end_cell()


def hot_wallet_from_settings(settings) -> HotWallet:
    """The configured hot wallet. Outside production, without a configured seed, a seed derived from the
    secret key gives each installation its own stable demo wallet."""
    if settings.hot_wallet_seed:
        return HotWallet(bytes.fromhex(settings.hot_wallet_seed))
    if settings.is_production:
        raise RuntimeError("KRYPTON_HOT_WALLET_SEED is required in production")
    return HotWallet(hashlib.sha256(b"krypton-hot-wallet:" + settings.secret_key.encode()).digest())


def _internal(destination: str, amount: int, body: Cell, *, bounce: bool) -> MessageAny:
    # src, fees, lt and time are filled in by the chain when the wallet sends.
    info = InternalMsgInfo(
        ihr_disabled=True,
        bounce=bounce,
        bounced=False,
        src=None,
        dest=Address(destination),
        value=CurrencyCollection(grams=amount, other=None),
        ihr_fee=0,
        fwd_fee=0,
        created_lt=0,
        created_at=0,
    )
    return MessageAny(info=info, init=None, body=body)
