"""Plain data the chain layer hands to services: no pytoniq objects cross this line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class TxId:
    """A transaction's place in its account's chain: logical time, then the cell hash (hex)."""

    lt: int
    hash: str


@dataclass(frozen=True)
class OutMessage:
    destination: str | None  # raw `wc:hex`; None for external-out (logs)
    amount: int  # nanotons
    bounce: bool  # the message is a bounce of the transaction's incoming message


@dataclass(frozen=True)
class ChainTx:
    """One transaction of a watched account, parsed from its BOC (see chain/parse.py)."""

    hash: str  # hex of the transaction cell hash
    lt: int
    prev_lt: int  # the account's previous transaction: lets the monitor detect gaps
    prev_hash: str
    utime: int
    account: str  # raw address of the account that executed it
    source: str | None  # sender of the incoming internal message; None for external-in
    destination: str | None
    amount: int  # nanotons carried by the incoming message
    comment: str | None  # op-0 text comment of the incoming message, or of the jetton forward payload
    is_bounce: bool  # the incoming message is itself a bounce
    bounced_back: bool  # this transaction sent the value back to the sender as a bounce
    aborted: bool
    in_msg_hash: str | None  # normalised hash of an external-in message: how withdrawals are confirmed
    out_messages: tuple[OutMessage, ...] = ()
    op: int | None = None  # first 32 bits of the incoming internal message's body; None if shorter
    # query_id of a jetton message coming in (transfer_notification, excesses), or of our own jetton
    # transfer that came back as a bounce: how the jetton wallet's answers name our withdrawal.
    query_id: int | None = None
    # A bounce carries 0xFFFFFFFF and the first 256 bits of the body that bounced: those bits, whole bytes.
    bounced_body: bytes | None = None
    jetton_amount: int | None = None  # transfer_notification (0x7362d09c) from our own jetton wallet only
    jetton_sender: str | None = None
    # Why the incoming message's body could not be read as its op says (chain/parse.py: BODY_MALFORMED,
    # COMMENT_UNDECODABLE, NOTIFICATION_MALFORMED); None when it could, or when there is none.
    body_error: str | None = None
    mc_seqno: int | None = None  # masterchain block that made it final, when the gateway knows it
    boc: bytes = field(default=b"", repr=False, compare=False)

    @property
    def id(self) -> TxId:
        return TxId(self.lt, self.hash)
