"""An in-process TON chain for local runs and tests.

FakeChain executes messages between accounts and records each transaction as a real TL-B cell
(`Transaction` with its messages and an ordinary description: credit, compute, action and bounce
phases), so the ChainTx it returns come from `parse_transaction` on the same kind of bytes a real node
serves. It checks wallet v4R2 external messages like the wallet contract does (signature, wallet id,
seqno, valid_until) and can misbehave on purpose for tests: errors, duplicated or overlapping pages,
hidden transactions (a gap), lost messages and bouncing destinations.

Simplifications, all on the side of things the services never read: no fees (values arrive whole),
state hashes are stand-ins, every account that is not a wallet accepts any message, and jetton
wallets are not emulated beyond the notification a deposit produces.
"""

from __future__ import annotations

import base64
import bisect
import dataclasses
import hashlib
import json
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from pytoniq.contract.wallets.wallet import WALLET_V4_R2_CODE
from pytoniq_core import Address, Builder, Cell, HashMap, Slice
from pytoniq_core.boc.tvm_bitarray import TvmBitarrayException
from pytoniq_core.tlb.block import CurrencyCollection
from pytoniq_core.tlb.custom.wallet import WalletV4Data
from pytoniq_core.tlb.transaction import InternalMsgInfo, MessageAny
from pytoniq_core.tlb.utils import HashUpdate

from krypton_app.chain.gateway import ChainError
from krypton_app.chain.hot_wallet import comment_cell
from krypton_app.chain.parse import (
    BOUNCE,
    BOUNCED_BODY_BITS,
    TRANSFER_NOTIFICATION,
    normalized_message_hash,
    parse_transaction,
)
from krypton_app.chain.types import ChainTx, TxId

# USDT (Tether) jetton master on mainnet, the default of settings.usdt_master.
USDT_MASTER = "0:b113a994b5024a16719f69139328eb759596c38a25f59028b146fecdc3621dfe"
# wallet v4 exit codes for a refused external message
_SEQNO_MISMATCH, _WALLET_ID_MISMATCH, _BAD_SIGNATURE, _EXPIRED = 33, 34, 35, 36
_REJECTED_BY_CODE = 0xFFFF  # what a contract throws for a message it does not handle
_STORE_VERSION = 1


@dataclass(frozen=True)
class _Accepted:
    """An external message the wallet would accept: whose key signed it, and its actions."""

    public_key: bytes
    wallet_id: int
    actions: Slice  # (send_mode:uint8 ^MessageRelaxed)*


@dataclass
class _Account:
    balance: int = 0
    status: str = "uninitialized"
    seqno: int = 0  # wallet seqno, once deployed
    public_key: bytes | None = None
    wallet_id: int | None = None
    txs: list[ChainTx] = field(default_factory=list)
    lts: list[int] = field(default_factory=list)  # txs' lts, for bisect

    @property
    def last(self) -> TxId:
        return self.txs[-1].id if self.txs else TxId(0, "00" * 32)


class FakeChain:
    """ChainGateway in memory (optionally persisted to `store_path`), safe to call from several threads.

    Time: pass `now` for a fixed clock (tests; move it with `set_time`), otherwise it follows the wall
    clock. Blocks: every transaction gets the next masterchain block; `advance(n)` adds empty blocks, and
    with `block_interval_s` blocks also appear as time passes, as on the real chain."""

    def __init__(
        self,
        *,
        usdt_master: str = USDT_MASTER,
        now: int | None = None,
        block_interval_s: float | None = None,
        store_path: str | Path | None = None,
    ):
        self.usdt_master = _raw(usdt_master)
        self.bounce_destinations: set[str] = set()
        self.duplicate_pages = False  # every transaction of a page is listed twice
        self.overlap_pages = False  # a page starts again with the cursor's own transaction
        # Bounces wait until release_bounces(), as a bounce from another shard can arrive after our next
        # messages executed. Not persisted: for tests.
        self.delay_bounces = False
        self._delayed: deque[MessageAny] = deque()
        self._lock = threading.RLock()
        self._pinned_now = now
        self._block_interval_s = block_interval_s
        self._store_path = Path(store_path) if store_path else None
        self._fail = 0
        self._drop = 0
        self._hidden: set[str] = set()
        self._seqno = 1
        self._last_block_at = float(self.now)
        self._lt = 1_000_000
        self._senders = 0
        self._accounts: dict[str, _Account] = {}
        if self._store_path and self._store_path.exists():
            self._load()

    # --- clock, blocks and fault injection -------------------------------------------------------

    @property
    def now(self) -> int:
        return self._pinned_now if self._pinned_now is not None else int(time.time())

    def set_time(self, unix: int) -> None:
        with self._lock:
            self._pinned_now = unix

    def advance(self, blocks: int = 1) -> None:
        """Produce `blocks` empty masterchain blocks: confirmations for what is already on chain."""
        with self._lock:
            self._seqno += blocks
            self._last_block_at = float(self.now)
            self._save()

    def fail_next(self, n: int) -> None:
        """The next `n` gateway calls raise ChainError, as an unreachable node would."""
        with self._lock:
            self._fail += n

    def drop_sends(self, n: int) -> None:
        """The next `n` messages are accepted by send_boc but never executed (lost on the way)."""
        with self._lock:
            self._drop += n

    def release_bounces(self) -> None:
        """Deliver the bounces held back by `delay_bounces`, in the order they were made."""
        with self._lock:
            queue, self._delayed = deque((m, False) for m in self._delayed), deque()
            if queue:
                self._run(queue)
                self._save()

    def hide(self, tx_hash: str) -> None:
        """Leave this transaction out of pages until `reveal()`: a gap, as a lagging indexer shows."""
        with self._lock:
            self._hidden.add(tx_hash)

    def reveal(self) -> None:
        with self._lock:
            self._hidden.clear()

    # --- making things happen -------------------------------------------------------------------

    def deposit(
        self,
        to: str,
        amount: int,
        *,
        comment: str | None = None,
        body: Cell | None = None,
        sender: str | None = None,
        bounceable: bool = True,
    ) -> ChainTx:
        """Someone sends `amount` nanotons to `to` with an optional text comment, or with `body` as another
        contract would (excesses, other operations); returns `to`'s transaction."""
        if body is None:
            body = comment_cell(comment) if comment is not None else Cell.empty()
        return self._deliver_from_outside(to, amount, body, sender=sender, bounce=bounceable)

    def bounced_deposit(
        self,
        to: str,
        amount: int,
        *,
        comment: str | None = None,
        body: Cell | None = None,
        sender: str | None = None,
        bounceable: bool = True,
    ) -> ChainTx:
        """A deposit (comment or `body`) that `to`'s code refuses. Bounceable: the value goes back (a later
        transaction of the sender). Not bounceable: the compute phase aborts but the value stays with `to`."""
        if body is None:
            body = comment_cell(comment) if comment is not None else Cell.empty()
        return self._deliver_from_outside(to, amount, body, sender=sender, bounce=bounceable, reject=True)

    def jetton_deposit(
        self,
        owner: str,
        jetton_amount: int,
        *,
        comment: str | None = None,
        sender: str | None = None,
        notifier: str | None = None,
    ) -> ChainTx:
        """USDT arrives for `owner`: the transfer_notification from owner's USDT jetton wallet (or from
        `notifier`, to forge one) with the comment as forward payload; returns owner's transaction."""
        with self._lock:
            sender = _raw(sender) if sender else self._next_sender()
            source = _raw(notifier) if notifier else self._jetton_wallet(self.usdt_master, _raw(owner))
            body = (
                Builder()
                .store_uint(TRANSFER_NOTIFICATION, 32)
                .store_uint(self._lt, 64)  # query_id
                .store_coins(jetton_amount)
                .store_address(Address(sender))
                .store_maybe_ref(comment_cell(comment) if comment is not None else None)
                .end_cell()
            )
            # Jetton wallets notify with 1 nanoton in a non-bounceable message (TEP-74).
            return self._deliver_from_outside(owner, 1, body, sender=source, bounce=False)

    # --- ChainGateway ---------------------------------------------------------------------------

    async def masterchain_seqno(self) -> int:
        with self._lock:
            self._gate()
            return self._seqno

    async def transactions_after(self, address: str, after: TxId | None, *, limit: int = 50) -> list[ChainTx]:
        with self._lock:
            self._gate()
            account = self._accounts.get(_raw(address))
            if account is None:
                return []
            start = bisect.bisect_right(account.lts, after.lt) if after else 0
            if self.overlap_pages and start > 0:
                start -= 1
            page = [tx for tx in account.txs[start:] if tx.hash not in self._hidden][:limit]
            if self.duplicate_pages:
                page = [tx for tx in page for _ in range(2)][:limit]
            return page

    async def send_boc(self, boc: bytes) -> str:
        with self._lock:
            self._gate()
            try:
                message = MessageAny.deserialize(Cell.one_from_boc(boc).begin_parse())
            except Exception as error:  # pytoniq raises many kinds on bad bytes; a node just refuses them
                raise ChainError(f"cannot parse message: {error}") from None
            if not message.is_external:
                raise ChainError("not an external message")
            address = _raw(message.info.dest)
            account = self._accounts.setdefault(address, _Account())
            accepted = self._check_wallet_message(address, account, message)
            message_hash = normalized_message_hash(message)
            if self._drop:
                self._drop -= 1
                return message_hash
            self._execute_wallet_message(address, account, message, accepted)
            return message_hash

    async def get_seqno(self, address: str) -> int:
        with self._lock:
            self._gate()
            account = self._accounts.get(_raw(address))
            return account.seqno if account and account.status == "active" else 0

    async def jetton_wallet_address(self, master: str, owner: str) -> str:
        with self._lock:
            self._gate()
            return self._jetton_wallet(_raw(master), _raw(owner))

    # --- execution ------------------------------------------------------------------------------

    def _gate(self) -> None:
        if self._fail:
            self._fail -= 1
            raise ChainError("fake chain: injected failure")
        self._produce_blocks()

    def _produce_blocks(self) -> None:
        if self._block_interval_s:
            passed = int((self.now - self._last_block_at) // self._block_interval_s)
            if passed > 0:
                self._seqno += passed
                self._last_block_at += passed * self._block_interval_s

    def _next_sender(self) -> str:
        self._senders += 1
        return "0:" + hashlib.sha256(f"krypton-fake-sender-{self._senders}".encode()).hexdigest()

    @staticmethod
    def _jetton_wallet(master: str, owner: str) -> str:
        return "0:" + hashlib.sha256(f"krypton-fake-jetton-wallet:{master}:{owner}".encode()).hexdigest()

    def _deliver_from_outside(
        self, to: str, amount: int, body: Cell, *, sender: str | None, bounce: bool, reject: bool = False
    ) -> ChainTx:
        with self._lock:
            self._produce_blocks()
            source = _raw(sender) if sender else self._next_sender()
            message = internal_message(
                src=source, dest=_raw(to), value=amount, bounce=bounce, body=body, created_lt=self._lt, now=self.now
            )
            self._lt += 10
            tx = self._run(deque([(message, reject)]))
            self._save()
            return tx

    def _run(self, queue: deque[tuple[MessageAny, bool]]) -> ChainTx:
        """Deliver internal messages one after another, following the messages each transaction sends;
        returns the first transaction."""
        first = None
        while queue:
            message, reject = queue.popleft()
            tx, sent = self._receive(message, reject=reject)
            first = first or tx
            for out in sent:
                if out.info.bounced and self.delay_bounces:
                    self._delayed.append(out)
                else:
                    queue.append((out, _raw(out.info.dest) in self._bounce_set()))
        return first

    def _receive(self, message: MessageAny, *, reject: bool) -> tuple[ChainTx, list[MessageAny]]:
        address = _raw(message.info.dest)
        account = self._accounts.setdefault(address, _Account())
        value = message.info.value.grams
        lt = self._next_lt()
        out: list[MessageAny] = []
        bounced = reject and message.info.bounce
        if bounced:
            out.append(_bounce_of(message, created_lt=lt + 1, now=self.now))
        else:
            account.balance += value
        # A bounceable message is credited after the storage phase, a non-bounceable one before it.
        description = ordinary_description(
            credit_first=not message.info.bounce,
            credit=value,
            compute="failed" if reject else ("vm" if account.status == "active" else "skipped"),
            action=None,
            aborted=reject,
            bounce=bounced,
        )
        tx = self._record(address, account, lt, message, out, description, account.status)
        return tx, out

    def _check_wallet_message(self, address: str, account: _Account, message: MessageAny) -> _Accepted:
        """What wallet v4R2 checks before it accepts an external message; ChainError if it would not."""
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
            raise ChainError(f"external message not accepted: exit code {_BAD_SIGNATURE}") from None
        if got_wallet_id != wallet_id:
            raise ChainError(f"external message not accepted: exit code {_WALLET_ID_MISMATCH}")
        if valid_until <= self.now:
            raise ChainError(f"external message not accepted: exit code {_EXPIRED} (expired)")
        if got_seqno != seqno:
            raise ChainError(f"external message not accepted: exit code {_SEQNO_MISMATCH} (seqno)")
        if op != 0:
            raise ChainError("external message not accepted: only simple transfers are supported")
        return _Accepted(public_key, wallet_id, fields)

    def _execute_wallet_message(
        self, address: str, account: _Account, message: MessageAny, accepted: _Accepted
    ) -> None:
        actions = accepted.actions
        orig_status = account.status
        if account.status != "active":
            account.status, account.public_key, account.wallet_id = "active", accepted.public_key, accepted.wallet_id
        account.seqno += 1
        lt = self._next_lt()
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
                    dest=_raw(wanted.info.dest),
                    value=value,
                    bounce=wanted.info.bounce,
                    body=wanted.body,
                    created_lt=lt + 1 + len(out),
                    now=self.now,
                )
            )
        description = ordinary_description(
            credit_first=False,
            credit=None,
            compute="vm",
            action=(len(out), skipped),
            aborted=False,
            bounce=False,
        )
        self._record(address, account, lt, message, out, description, orig_status)
        bounce_set = self._bounce_set()
        self._run(deque((m, _raw(m.info.dest) in bounce_set) for m in out))
        self._save()

    def _next_lt(self) -> int:
        self._lt += 10  # room for the lts of the messages a transaction creates
        return self._lt

    def _bounce_set(self) -> set[str]:
        return {_raw(a) for a in self.bounce_destinations}

    def _record(
        self,
        address: str,
        account: _Account,
        lt: int,
        in_msg: MessageAny,
        out: list[MessageAny],
        description: Cell,
        orig_status: str,
    ) -> ChainTx:
        previous = account.last
        cell = transaction_cell(
            account=address,
            lt=lt,
            prev_hash=bytes.fromhex(previous.hash),
            prev_lt=previous.lt,
            now=self.now,
            orig_status=orig_status,
            end_status=account.status,
            in_msg=in_msg,
            out_msgs=out,
            description=description,
        )
        self._seqno += 1  # the transaction's block is final in the next masterchain block
        self._last_block_at = float(self.now)
        tx = self._parse(address, cell.to_boc(), self._seqno)
        account.txs.append(tx)
        account.lts.append(tx.lt)
        return tx

    def _parse(self, address: str, boc: bytes, mc_seqno: int) -> ChainTx:
        tx = parse_transaction(boc, jetton_wallet=self._jetton_wallet(self.usdt_master, address))
        return dataclasses.replace(tx, mc_seqno=mc_seqno)

    # --- persistence ----------------------------------------------------------------------------

    def _save(self) -> None:
        if not self._store_path:
            return
        state = {
            "version": _STORE_VERSION,
            "seqno": self._seqno,
            "last_block_at": self._last_block_at,
            "lt": self._lt,
            "senders": self._senders,
            "accounts": {
                address: {
                    "balance": a.balance,
                    "status": a.status,
                    "seqno": a.seqno,
                    "public_key": a.public_key.hex() if a.public_key else None,
                    "wallet_id": a.wallet_id,
                    "txs": [[base64.b64encode(t.boc).decode(), t.mc_seqno] for t in a.txs],
                }
                for address, a in self._accounts.items()
            },
        }
        temporary = self._store_path.with_name(self._store_path.name + ".tmp")
        temporary.write_text(json.dumps(state))
        os.replace(temporary, self._store_path)  # a crash mid-write never leaves half a chain

    def _load(self) -> None:
        state = json.loads(self._store_path.read_text())
        if state.get("version") != _STORE_VERSION:
            raise ValueError(f"{self._store_path}: unknown fake chain store version")
        self._seqno, self._last_block_at = state["seqno"], state["last_block_at"]
        self._lt, self._senders = state["lt"], state["senders"]
        for address, saved in state["accounts"].items():
            account = _Account(
                balance=saved["balance"],
                status=saved["status"],
                seqno=saved["seqno"],
                public_key=bytes.fromhex(saved["public_key"]) if saved["public_key"] else None,
                wallet_id=saved["wallet_id"],
            )
            for boc, mc_seqno in saved["txs"]:
                tx = self._parse(address, base64.b64decode(boc), mc_seqno)
                account.txs.append(tx)
                account.lts.append(tx.lt)
            self._accounts[address] = account


# --- TL-B writers (block.tlb); pytoniq-core reads all of these but writes few of them -------------


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


def _bounce_of(message: MessageAny, *, created_lt: int, now: int) -> MessageAny:
    # The bounce body: 0xffffffff and the first 256 bits of the original body.
    original = message.body.begin_parse()
    head = original.load_bits(min(BOUNCED_BODY_BITS, original.remaining_bits))
    body = Builder().store_uint(BOUNCE, 32).store_bits(head).end_cell()
    return internal_message(
        src=_raw(message.info.dest),
        dest=_raw(message.info.src),
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
            .store_int(0 if success else _REJECTED_BY_CODE, 32)  # exit_code
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


def _raw(address: str) -> str:
    return Address(address).to_str(is_user_friendly=False)
