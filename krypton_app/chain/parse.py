"""Reading TON cells into plain data: transactions of watched accounts and external messages.

Everything here is a pure function of the bytes the chain gives, so the same code runs on FakeChain,
toncenter and liteserver data.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytoniq_core import Address, Builder, Cell, Slice
from pytoniq_core.boc.address import ExternalAddress
from pytoniq_core.boc.slice import SliceError
from pytoniq_core.boc.tvm_bitarray import TvmBitarrayException
from pytoniq_core.tlb.transaction import ExternalMsgInfo, MessageAny, Transaction

from krypton_app.chain.types import ChainTx, OutMessage

COMMENT = 0x00000000
BOUNCE = 0xFFFFFFFF
JETTON_TRANSFER = 0x0F8A7EA5
TRANSFER_NOTIFICATION = 0x7362D09C
EXCESSES = 0xD53276DB
BOUNCED_BODY_BITS = 256  # how much of a refused message's body its bounce carries back

# Why an incoming message's body could not be read as what its op says (ChainTx.body_error). Anyone
# can send any body: parsing never raises on one, it says what was wrong.
BODY_MALFORMED = "body_malformed"  # not even a whole op code
COMMENT_UNDECODABLE = "comment_undecodable"  # op 0 (or a jetton forward payload) without UTF-8 text
NOTIFICATION_MALFORMED = "notification_malformed"  # our jetton wallet's notification without amount/sender
_READ_ERRORS = (TvmBitarrayException, SliceError, IndexError, ValueError)


class _Undecodable(Exception):
    """A text comment that is no whole UTF-8: carries what could be read, for the operator."""

    def __init__(self, partial: str | None):
        super().__init__(partial)
        self.partial = partial


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


def parse_transaction(boc: bytes, *, jetton_wallet: str | None = None) -> ChainTx:
    """One transaction (a BOC as the chain serves it) as plain data.

    `jetton_wallet` is the raw address of the account's own USDT jetton wallet: only a
    transfer_notification from it proves that jettons arrived (anyone can send the same op code)."""
    cell = Cell.one_from_boc(boc)
    tx = Transaction.deserialize(cell.begin_parse())
    message = tx.in_msg
    out_messages = tuple(_out_message(m) for m in tx.out_msgs)
    description = tx.description
    bounce_phase = getattr(description, "bounce", None)
    source = destination = in_msg_hash = None
    amount = 0
    is_bounce = False
    if message is not None:
        destination = _raw(message.info.dest)
        if message.is_internal:
            source = _raw(message.info.src)
            amount = message.info.value.grams
            is_bounce = bool(message.info.bounced)
        elif message.is_external:
            in_msg_hash = normalized_message_hash(message)
    body = _read_body(message, is_bounce=is_bounce, source=source, jetton_wallet=jetton_wallet)
    return ChainTx(
        hash=cell.hash.hex(),
        lt=tx.lt,
        prev_lt=tx.prev_trans_lt,
        prev_hash=tx.prev_trans_hash.hex(),
        utime=tx.now,
        account=f"{_workchain(tx)}:{tx.account_addr_hex}",
        source=source,
        destination=destination,
        amount=amount,
        comment=body.comment,
        is_bounce=is_bounce,
        # The value went back only if a bounce message left; an aborted compute phase alone keeps it here
        # (a non-bounceable message is credited to the account even when its code fails).
        bounced_back=(bounce_phase is not None and bounce_phase.type_ == "ok") or any(m.bounce for m in out_messages),
        aborted=bool(getattr(description, "aborted", False)),
        in_msg_hash=in_msg_hash,
        out_messages=out_messages,
        jetton_amount=body.jetton_amount,
        jetton_sender=body.jetton_sender,
        op=body.op,
        query_id=body.query_id,
        bounced_body=body.bounced_body,
        body_error=body.error,
        boc=boc,
    )


@dataclass
class _Body:
    """What an incoming internal message's body says, as far as it could be read."""

    op: int | None = None
    comment: str | None = None
    query_id: int | None = None
    bounced_body: bytes | None = None
    jetton_amount: int | None = None
    jetton_sender: str | None = None
    error: str | None = None


def _read_body(message: MessageAny | None, *, is_bounce: bool, source: str | None, jetton_wallet: str | None) -> _Body:
    read = _Body()
    if message is None or not message.is_internal:
        return read
    body = message.body.begin_parse()
    try:
        if body.remaining_bits < 32:
            # An empty body is a plain transfer; a few bits are not even an op code.
            if body.remaining_bits:
                read.error = BODY_MALFORMED
            return read
        read.op = body.load_uint(32)
        if is_bounce:
            if read.op == BOUNCE:
                read.bounced_body = body.load_bytes(body.remaining_bits // 8)
                if read.bounced_body[:4] == JETTON_TRANSFER.to_bytes(4, "big") and len(read.bounced_body) >= 12:
                    read.query_id = int.from_bytes(read.bounced_body[4:12], "big")
        elif read.op == COMMENT:
            read.comment = _text(body)
        elif read.op in (TRANSFER_NOTIFICATION, EXCESSES) and body.remaining_bits >= 64:
            read.query_id = body.load_uint(64)
            if read.op == TRANSFER_NOTIFICATION and jetton_wallet is not None and source == _normal(jetton_wallet):
                _notification(body, read)
        elif read.op == TRANSFER_NOTIFICATION and jetton_wallet is not None and source == _normal(jetton_wallet):
            read.error = NOTIFICATION_MALFORMED
    except _Undecodable as error:
        read.comment, read.error = error.partial, COMMENT_UNDECODABLE
    except _READ_ERRORS:
        read.error = read.error or BODY_MALFORMED
    return read


def bounce_prefix(body: Cell) -> bytes:
    """What a bounce of a message with this body carries back after 0xFFFFFFFF, as `bounced_body` holds it."""
    head = body.begin_parse()
    return head.load_bytes(min(BOUNCED_BODY_BITS, head.remaining_bits) // 8)


def _out_message(message: MessageAny) -> OutMessage:
    if message.is_internal:
        return OutMessage(_raw(message.info.dest), message.info.value.grams, bool(message.info.bounced))
    return OutMessage(None, 0, False)


def _notification(body: Slice, read: _Body) -> None:
    """transfer_notification#7362d09c query_id:uint64 amount:(VarUInteger 16) sender:MsgAddress
    forward_payload:(Either Cell ^Cell), after the query_id. The amount and sender come from the jetton
    wallet itself; the forward payload is whatever the sender put there."""
    try:
        amount = body.load_coins()
        sender = _raw(body.load_address())
    except _READ_ERRORS:
        read.error = NOTIFICATION_MALFORMED
        return
    read.jetton_amount, read.jetton_sender = amount, sender
    if body.remaining_bits == 0 and body.remaining_refs == 0:
        return  # no forward payload at all (older jetton wallets)
    try:
        payload = body.load_ref().begin_parse() if body.load_bit() else body
    except _READ_ERRORS:
        read.error = COMMENT_UNDECODABLE  # the jettons arrived; whose they are cannot be read
        return
    if payload.remaining_bits >= 32 and payload.load_uint(32) == COMMENT:
        read.comment = _text(payload)


def _text(body: Slice) -> str:
    """Snake-encoded UTF-8 after an op-0 prefix; _Undecodable when the cells do not hold whole bytes of
    UTF-8 in one chain of references."""
    data = b""
    while True:
        if body.remaining_bits >= 8:
            data += body.load_bytes(body.remaining_bits // 8)
        if body.remaining_bits or body.remaining_refs > 1:
            raise _Undecodable(data.decode("utf-8", errors="replace") if data else None)
        if not body.remaining_refs:
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                raise _Undecodable(data.decode("utf-8", errors="replace")) from None
        body = body.load_ref().begin_parse()


def _raw(address: Address | ExternalAddress | None) -> str | None:
    if isinstance(address, Address):
        return address.to_str(is_user_friendly=False)
    return None


def _normal(address: str) -> str:
    return Address(address).to_str(is_user_friendly=False)


def _workchain(tx: Transaction) -> int:
    # A transaction stores only the account id; its messages carry the workchain.
    if tx.in_msg is not None and isinstance(tx.in_msg.info.dest, Address):
        return tx.in_msg.info.dest.wc
    for message in tx.out_msgs:
        if isinstance(message.info.src, Address):
            return message.info.src.wc
    # Without messages: tick-tock transactions run only on masterchain special accounts.
    return -1 if getattr(tx.description, "type_", None) == "tick_tock" else 0
