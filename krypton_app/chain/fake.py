"""An in-process TON chain for local runs and tests.

FakeChain executes messages between accounts and records each transaction as a real TL-B cell
(`Transaction` with its messages and an ordinary description: credit, compute, action and bounce
phases), so the ChainTx it returns come from `parse_transaction` on the same kind of bytes a real node
serves. It checks wallet v4R2 external messages like the wallet contract does (signature, wallet id,
seqno, valid_until) and can misbehave on purpose for tests: errors, duplicated or overlapping pages,
hidden transactions (a gap), lost messages and bouncing destinations.

Simplifications, all on the side of things the services never read: no fees (values arrive whole),
state hashes are stand-ins, every account that is not a wallet accepts any message, and jetton
wallets are emulated only as a balance: a deposit's notification adds to the owner's, a `transfer`
the owner sends takes from it (the TON it carries stays with the jetton wallet, no excesses come back).

Beside it: fake_cells.py writes the cells, fake_wallet.py checks external messages, fake_store.py
keeps the accounts in a file.
"""

from __future__ import annotations

import bisect
import dataclasses
import time
from collections import deque
from pathlib import Path

from pytoniq_core import Cell
from pytoniq_core.tlb.transaction import MessageAny

from krypton_app.chain import fake_store
from krypton_app.chain.fake_cells import (
    bounce_of,
    internal_message,
    jetton_notification,
    jetton_transfer_amount,
    made_up_jetton_wallet,
    made_up_sender,
    ordinary_description,
    raw_address,
    transaction_cell,
)
from krypton_app.chain.fake_store import FakeAccount, Snapshot
from krypton_app.chain.fake_wallet import Accepted, accept_external, send_actions
from krypton_app.chain.gateway import ChainError
from krypton_app.chain.hot_wallet import comment_cell
from krypton_app.chain.parse import normalized_message_hash, parse_transaction
from krypton_app.chain.types import ChainTx, TxId

# USDT (Tether) jetton master on mainnet, the default of settings.usdt_master.
USDT_MASTER = "0:b113a994b5024a16719f69139328eb759596c38a25f59028b146fecdc3621dfe"


class FakeChain:
    """ChainGateway in memory (optionally persisted to `store_path`, which several processes may share), safe
    to call from several threads.

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
        self.usdt_master = raw_address(usdt_master)
        self.bounce_destinations: set[str] = set()
        self.duplicate_pages = False  # every transaction of a page is listed twice
        self.overlap_pages = False  # a page starts again with the cursor's own transaction
        # Bounces wait until release_bounces(), as a bounce from another shard can arrive after our next
        # messages executed. Not persisted: for tests.
        self.delay_bounces = False
        self._delayed: deque[MessageAny] = deque()
        self._lock = fake_store.StoreLock(Path(store_path) if store_path else None, self._load)
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
        self._accounts: dict[str, FakeAccount] = {}
        self._jettons: dict[str, int] = {}  # jetton wallet -> the jettons it holds
        with self._lock:  # reads the store file, if there is one
            pass

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
            sender = raw_address(sender) if sender else self._next_sender()
            source = raw_address(notifier) if notifier else made_up_jetton_wallet(self.usdt_master, raw_address(owner))
            body = jetton_notification(query_id=self._lt, amount=jetton_amount, sender=sender, comment=comment)
            if notifier is None:  # a forged notification brings no jettons
                self._jettons[source] = self._jettons.get(source, 0) + jetton_amount
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
            account = self._accounts.get(raw_address(address))
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
            address = raw_address(message.info.dest)
            account = self._accounts.setdefault(address, FakeAccount())
            accepted = accept_external(address, account, message, now=self.now)
            message_hash = normalized_message_hash(message)
            if self._drop:
                self._drop -= 1
                return message_hash
            self._execute_wallet_message(address, account, message, accepted)
            return message_hash

    async def get_seqno(self, address: str) -> int:
        with self._lock:
            self._gate()
            account = self._accounts.get(raw_address(address))
            return account.seqno if account and account.status == "active" else 0

    async def jetton_wallet_address(self, master: str, owner: str) -> str:
        with self._lock:
            self._gate()
            return made_up_jetton_wallet(raw_address(master), raw_address(owner))

    async def account_balance(self, address: str) -> int:
        with self._lock:
            self._gate()
            account = self._accounts.get(raw_address(address))
            return account.balance if account else 0

    async def jetton_wallet_balance(self, jetton_wallet: str) -> int:
        with self._lock:
            self._gate()
            return self._jettons.get(raw_address(jetton_wallet), 0)

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
        return made_up_sender(self._senders)

    def _deliver_from_outside(
        self, to: str, amount: int, body: Cell, *, sender: str | None, bounce: bool, reject: bool = False
    ) -> ChainTx:
        with self._lock:
            self._produce_blocks()
            source = raw_address(sender) if sender else self._next_sender()
            message = internal_message(
                src=source,
                dest=raw_address(to),
                value=amount,
                bounce=bounce,
                body=body,
                created_lt=self._lt,
                now=self.now,
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
                    queue.append((out, raw_address(out.info.dest) in self._bounce_set()))
        return first

    def _receive(self, message: MessageAny, *, reject: bool) -> tuple[ChainTx, list[MessageAny]]:
        address = raw_address(message.info.dest)
        account = self._accounts.setdefault(address, FakeAccount())
        value = message.info.value.grams
        lt = self._next_lt()
        out: list[MessageAny] = []
        bounced = reject and message.info.bounce
        if bounced:
            out.append(bounce_of(message, created_lt=lt + 1, now=self.now))
        else:
            account.balance += value
            self._move_jettons(address, message)
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

    def _execute_wallet_message(
        self, address: str, account: FakeAccount, message: MessageAny, accepted: Accepted
    ) -> None:
        orig_status = account.status
        if account.status != "active":
            account.status, account.public_key, account.wallet_id = "active", accepted.public_key, accepted.wallet_id
        account.seqno += 1
        lt = self._next_lt()
        out, skipped = send_actions(address, account, accepted.actions, lt=lt, now=self.now)
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
        self._run(deque((m, raw_address(m.info.dest) in bounce_set) for m in out))
        self._save()

    def _move_jettons(self, address: str, message: MessageAny) -> None:
        """A `transfer` from an owner to its own jetton wallet sends that many jettons out of it."""
        sent = jetton_transfer_amount(message.body)
        if sent is None or address != made_up_jetton_wallet(self.usdt_master, raw_address(message.info.src)):
            return
        if sent <= self._jettons.get(address, 0):  # a real jetton wallet refuses to overdraw
            self._jettons[address] -= sent

    def _next_lt(self) -> int:
        self._lt += 10  # room for the lts of the messages a transaction creates
        return self._lt

    def _bounce_set(self) -> set[str]:
        return {raw_address(a) for a in self.bounce_destinations}

    def _record(
        self,
        address: str,
        account: FakeAccount,
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
        account.append(tx)
        return tx

    def _parse(self, address: str, boc: bytes, mc_seqno: int) -> ChainTx:
        tx = parse_transaction(boc, jetton_wallet=made_up_jetton_wallet(self.usdt_master, address))
        return dataclasses.replace(tx, mc_seqno=mc_seqno)

    # --- persistence ----------------------------------------------------------------------------

    def _save(self) -> None:
        if self._store_path:
            snapshot = Snapshot(
                self._seqno, self._last_block_at, self._lt, self._senders, self._accounts, self._jettons
            )
            fake_store.save(self._store_path, snapshot)

    def _load(self) -> None:
        snapshot = fake_store.load(self._store_path, self._parse)
        self._seqno, self._last_block_at = snapshot.seqno, snapshot.last_block_at
        self._lt, self._senders, self._accounts = snapshot.lt, snapshot.senders, snapshot.accounts
        self._jettons = snapshot.jettons
