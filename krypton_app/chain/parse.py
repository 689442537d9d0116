"""Reading TON cells into plain data: transactions of watched accounts and external messages.

Everything here is a pure function of the bytes the chain gives, so the same code runs on FakeChain,
toncenter and liteserver data.
"""

from __future__ import annotations

from pytoniq_core import Builder, Cell
from pytoniq_core.tlb.transaction import ExternalMsgInfo, MessageAny


def normalized_message_hash(message: MessageAny) -> str:
    """TEP-467 normalised hash of an external-in message (hex): src set to addr_none, import_fee to 0,
    init dropped and the body stored as a reference. Relays may rewrite exactly those fields, so this
    is the hash under which a sent withdrawal can be found again in the wallet's transactions."""
    if not isinstance(message.info, ExternalMsgInfo):
        raise ValueError("only external-in messages have a normalised hash")
    cell = (
        Builder()
        .store_cell(ExternalMsgInfo(None, message.info.dest, 0).serialize())
        .store_bit(0)  # init: nothing
        .store_bit(1)  # body: as a reference
        .store_ref(message.body)
        .end_cell()
    )
    return cell.hash.hex()


def external_message_hash(boc: bytes) -> str:
    """Normalised hash (hex) of an external-in message given as a BOC."""
    return normalized_message_hash(MessageAny.deserialize(Cell.one_from_boc(boc).begin_parse()))
