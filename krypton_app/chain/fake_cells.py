"""TL-B writers (block.tlb) for FakeChain: pytoniq-core reads all of these cells but writes few of them.

Internal messages, their bounces, a jetton wallet's transfer notification, ordinary transaction
descriptions and whole transactions: FakeChain builds each transaction as these cells, so the ChainTx
it serves come from `parse_transaction` on the same kind of bytes a real node serves.
"""

from __future__ import annotations

import hashlib

from pytoniq_core import Address, Builder, Cell, HashMap
from pytoniq_core.tlb.block import CurrencyCollection
from pytoniq_core.tlb.transaction import InternalMsgInfo, MessageAny
from pytoniq_core.tlb.utils import HashUpdate

from krypton_app.chain.hot_wallet import comment_cell
from krypton_app.chain.parse import BOUNCE, BOUNCED_BODY_BITS, JETTON_TRANSFER, TRANSFER_NOTIFICATION

REJECTED_BY_CODE = 0xFFFF  # what a contract throws for a message it does not handle


def raw_address(address: str | Address) -> str:
    """`wc:hex`, the form FakeChain keys its accounts by."""
    return Address(address).to_str(is_user_friendly=False)


def made_up_sender(n: int) -> str:
    """The address of the n-th sender from outside that a test did not name."""
    return "0:" + hashlib.sha256(f"krypton-fake-sender-{n}".encode()).hexdigest()


def made_up_jetton_wallet(master: str, owner: str) -> str:
    """`owner`'s jetton wallet of `master`: made up, but the same every time, as get_wallet_address is."""
    return "0:" + hashlib.sha256(f"krypton-fake-jetton-wallet:{master}:{owner}".encode()).hexdigest()


def jetton_transfer_amount(body: Cell) -> int | None:
    """The jettons a TEP-74 `transfer` body sends; None for any other body."""
    slice_ = body.begin_parse()
    if slice_.remaining_bits < 32 + 64 + 4 or slice_.load_uint(32) != JETTON_TRANSFER:
        return None
    slice_.load_uint(64)  # query_id
    return slice_.load_coins()


def jetton_notification(*, query_id: int, amount: int, sender: str, comment: str | None) -> Cell:
    """transfer_notification (TEP-74) of a jetton wallet to its owner, with the comment as forward payload."""
    return (
        Builder()
        .store_uint(TRANSFER_NOTIFICATION, 32)
        .store_uint(query_id, 64)
        .store_coins(amount)
        .store_address(Address(sender))
        .store_maybe_ref(comment_cell(comment) if comment is not None else None)
        .end_cell()
    )


def internal_message(
    *, src: str, dest: str, value: int, bounce: bool, body: Cell, created_lt: int, now: int, bounced: bool = False
) -> MessageAny:
    info = InternalMsgInfo(
        ihr_disabled=True,
        bounce=bounce,
        bounced=bounced,
        src=Address(src),
        dest=Address(dest),
        value=CurrencyCollection(grams=value, other=None),
        ihr_fee=0,
        fwd_fee=0,
        created_lt=created_lt,
        created_at=now,
    )
    return MessageAny(info=info, init=None, body=body)


def bounce_of(message: MessageAny, *, created_lt: int, now: int) -> MessageAny:
    # The bounce body: 0xffffffff and the first 256 bits of the original body.
    original = message.body.begin_parse()
    head = original.load_bits(min(BOUNCED_BODY_BITS, original.remaining_bits))
    body = Builder().store_uint(BOUNCE, 32).store_bits(head).end_cell()
    return internal_message(
        src=raw_address(message.info.dest),
        dest=raw_address(message.info.src),
        value=message.info.value.grams,
        bounce=False,
        bounced=True,
        body=body,
        created_lt=created_lt,
        now=now,
    )


_STATUS_BITS = {"uninitialized": 0b00, "frozen": 0b01, "active": 0b10, "nonexist": 0b11}


def ordinary_description(
    *,
    credit_first: bool,
    credit: int | None,
    compute: str,
    action: tuple[int, int] | None,
    aborted: bool,
    bounce: bool,
) -> Cell:
    """trans_ord$0000 credit_first:Bool storage_ph:(Maybe TrStoragePhase) credit_ph:(Maybe TrCreditPhase)
    compute_ph:TrComputePhase action:(Maybe ^TrActionPhase) aborted:Bool bounce:(Maybe TrBouncePhase)
    destroyed:Bool.

    compute: "vm" (success), "failed" (the code threw) or "skipped" (no code: an uninitialised account);
    action: (messages created, messages skipped) when the action phase ran; bounce: a bounce was sent."""
    b = Builder().store_uint(0b0000, 4).store_bool(credit_first)
    b.store_bit(1).store_coins(0).store_bit(0).store_bit(0)  # storage phase: nothing collected or due, unchanged
    if credit is None:
        b.store_bit(0)
    else:
        b.store_bit(1).store_bit(0).store_cell(CurrencyCollection(grams=credit, other=None).serialize())
    if compute == "skipped":
        b.store_bit(0).store_uint(0b00, 2)  # cskip_no_state
    else:
        success = compute == "vm"
        b.store_bit(1).store_bool(success).store_bool(False).store_bool(False).store_coins(0)
        b.store_ref(
            Builder()
            .store_var_uint(1000, 3)  # gas_used
            .store_var_uint(1000, 3)  # gas_limit
            .store_bit(0)  # gas_credit
            .store_int(0, 8)  # mode
            .store_int(0 if success else REJECTED_BY_CODE, 32)  # exit_code
            .store_bit(0)  # exit_arg
            .store_uint(10, 32)  # vm_steps
            .store_bytes(bytes(32))
            .store_bytes(bytes(32))
            .end_cell()
        )
    if action is None:
        b.store_bit(0)
    else:
        created, skipped = action
        b.store_bit(1).store_ref(
            Builder()
            .store_bool(True)  # success
            .store_bool(True)  # valid
            .store_bool(skipped > 0)  # no_funds
            .store_bit(0)  # status unchanged
            .store_bit(0)  # total_fwd_fees
            .store_bit(0)  # total_action_fees
            .store_int(0, 32)  # result_code
            .store_bit(0)  # result_arg
            .store_uint(created + skipped, 16)  # tot_actions
            .store_uint(0, 16)  # spec_actions
            .store_uint(skipped, 16)
            .store_uint(created, 16)  # msgs_created
            .store_bytes(bytes(32))  # action_list_hash
            .store_var_uint(0, 3)  # tot_msg_size.cells
            .store_var_uint(0, 3)  # tot_msg_size.bits
            .end_cell()
        )
    b.store_bool(aborted)
    if bounce:
        # tr_phase_bounce_ok$1 msg_size:StorageUsedShort msg_fees:Grams fwd_fees:Grams
        b.store_bit(1).store_bit(1).store_var_uint(1, 3).store_var_uint(288, 3).store_coins(0).store_coins(0)
    else:
        b.store_bit(0)
    return b.store_bool(False).end_cell()  # destroyed


def transaction_cell(
    *,
    account: str,
    lt: int,
    prev_hash: bytes,
    prev_lt: int,
    now: int,
    orig_status: str,
    end_status: str,
    in_msg: MessageAny | None,
    out_msgs: list[MessageAny],
    description: Cell,
) -> Cell:
    """transaction$0111 account_addr:bits256 lt:uint64 prev_trans_hash:bits256 prev_trans_lt:uint64 now:uint32
    outmsg_cnt:uint15 orig_status:AccountStatus end_status:AccountStatus
    ^[ in_msg:(Maybe ^(Message Any)) out_msgs:(HashmapE 15 ^(Message Any)) ]
    total_fees:CurrencyCollection state_update:^(HASH_UPDATE Account) description:^TransactionDescr."""
    account_id = Address(account).hash_part
    out = HashMap(15, map_=dict(enumerate(out_msgs)), value_serializer=lambda m, b: b.store_ref(m.serialize()))
    messages = (
        Builder().store_maybe_ref(in_msg.serialize() if in_msg is not None else None).store_dict(out.serialize())
    ).end_cell()
    # Stand-ins for the account state hashes: unique per transaction, as real ones are.
    old_state = hashlib.sha256(account_id + prev_lt.to_bytes(8, "big")).digest()
    new_state = hashlib.sha256(account_id + lt.to_bytes(8, "big")).digest()
    return (
        Builder()
        .store_uint(0b0111, 4)
        .store_bytes(account_id)
        .store_uint(lt, 64)
        .store_bytes(prev_hash)
        .store_uint(prev_lt, 64)
        .store_uint(now, 32)
        .store_uint(len(out_msgs), 15)
        .store_uint(_STATUS_BITS[orig_status], 2)
        .store_uint(_STATUS_BITS[end_status], 2)
        .store_ref(messages)
        .store_cell(CurrencyCollection(grams=0, other=None).serialize())
        .store_ref(HashUpdate(old_state, new_state).serialize())
        .store_ref(description)
        .end_cell()
    )
