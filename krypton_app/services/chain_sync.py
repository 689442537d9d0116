"""Chain monitor: reads the hot wallet's transactions in order and applies each one exactly once.

- One stream per watched account (`ton:<raw address>`), with a persistent cursor (ChainCursor): the
  last applied (lt, hash). Before anything is applied the cursor is (0, ""), the account's start.
- A run of consecutive deposits (at most a page; a withdrawal's own transaction or a bounce on its
  own) is applied in one database transaction, which also records each one (AppliedChainTransaction,
  primary key = tx hash) and moves the cursor past them, under a lock on the cursor row. A crash at any
  point leaves all of it or none of it; a second monitor that raced us finds the cursor moved and
  stops. Grouping saves a commit and the cursor statements per deposit; the accounts a run credits
  are locked up front in ascending id, the ledger's lock order, so it cannot deadlock with transfers.
- A transaction the monitor cannot apply never blocks the ones after it: one whose amount is not
  positive or larger than a balance can hold, whose body cannot be read (a comment that is no text, an
  op we take no deposits by, our jetton wallet's notification without an amount), or whose settlement
  raises for any reason, is recorded as `held` and put in the operator's review queue with the reason
  (UnmatchedDeposit.reason / detail), and the cursor moves past it, in the same database transaction.
  A group that raises is applied again with a savepoint per transaction, so a failure rolls back only
  its own transaction's effects; if it fails outside those, its transactions are applied one at a time.
  Only errors that say the database is away or busy (`_retry_later`) roll the round back to be run again.
- Gaps: a transaction is applied only if its (prev_lt, prev_hash) is the cursor, so a node that
  leaves one out cannot make us skip it for good: the round stops and the next one asks again.
- Duplicate or overlapping pages are harmless: transactions at or below the cursor are skipped.
- Finality: a transaction waits until `mc_seqno + confirmations <= masterchain_seqno()`. When a
  gateway cannot tell the masterchain block (mc_seqno None; toncenter and the liteserver gateway do
  tell), it waits `confirmations` block intervals (MASTERCHAIN_BLOCK_S) after the transaction's utime
  instead, so the setting means about the same on every gateway.

The monitor starts at the account's first transaction; to start a new deployment from a later point,
insert the chain_cursors row by hand. One runner at a time is the worker's job (workers.py), but the
cursor lock keeps even two concurrent monitors correct.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, replace

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from krypton_app.chain.gateway import ChainError, ChainGateway
from krypton_app.chain.hot_wallet import HotWallet
from krypton_app.chain.parse import COMMENT, EXCESSES, NOTIFICATION_MALFORMED, TRANSFER_NOTIFICATION
from krypton_app.chain.types import ChainTx, TxId
from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.ledger import EXTERNAL
from krypton_app.domain.money import MAX_MINOR
from krypton_app.models.chain import AppliedChainTransaction, ChainCursor
from krypton_app.models.common import utcnow
from krypton_app.models.ledger import Account
from krypton_app.services import deposits, withdrawals
from krypton_app.services.ledger import system_account, user_account
from krypton_app.settings import Settings

log = logging.getLogger(__name__)

_cursors: Table = ChainCursor.__table__
_applied: Table = AppliedChainTransaction.__table__
_accounts: Table = Account.__table__

PAGE_SIZE = 100
# TON's masterchain makes a block about every 5 s: the wait per confirmation when a gateway gives no
# masterchain seqno for a transaction.
MASTERCHAIN_BLOCK_S = 5
START = TxId(0, "")


class CursorMoved(Exception):
    """Another monitor applied transactions since this one read the cursor: stop the round."""


class ChainMonitor:
    def __init__(self, uow: UnitOfWork, gateway: ChainGateway, *, settings: Settings, hot_wallet: HotWallet):
        self.uow = uow
        self.gateway = gateway
        self.settings = settings
        self.address = hot_wallet.address
        self.stream = f"ton:{hot_wallet.address}"

    async def run(self, stop: asyncio.Event) -> None:
        """Apply new transactions every `monitor_poll_s` until `stop` is set (without a leader lock:
        the app runs it through workers.chain_worker)."""
        while not stop.is_set():
            try:
                await self.run_once()
            except ChainError as error:
                log.warning("chain monitor %s: node unavailable, retrying next round: %s", self.stream, error)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.monitor_poll_s)

    async def run_once(self) -> int:
        """Apply every final transaction after the cursor, in order; return how many were applied."""
        jetton_wallet = await withdrawals.our_jetton_wallet(self.gateway, self.settings, self.address)
        cursor = await asyncio.to_thread(self._read_cursor)
        final_seqno = await self.gateway.masterchain_seqno()
        applied = 0
        while True:
            page = await self.gateway.transactions_after(
                self.address, None if cursor == START else cursor, limit=PAGE_SIZE
            )
            batch, blocked = self._ready(page, cursor, final_seqno)
            for group in _groups(batch):
                try:
                    await asyncio.to_thread(self._apply, group, cursor, jetton_wallet)
                except CursorMoved:
                    log.warning("chain monitor %s: cursor moved under us; another monitor is running", self.stream)
                    return applied
                cursor = group[-1].id
                applied += len(group)
            if blocked or not batch or len(page) < PAGE_SIZE:
                return applied

    def _ready(self, page: list[ChainTx], cursor: TxId, final_seqno: int) -> tuple[list[ChainTx], bool]:
        """The transactions of the page that may be applied now, in order; and whether a gap or an
        unconfirmed transaction stopped the run before the end of the page."""
        batch: list[ChainTx] = []
        for tx in page:
            if cursor != START and tx.lt <= cursor.lt:
                continue  # a duplicate or an overlapping page
            if not _follows(tx, cursor):
                log.warning(
                    "chain monitor %s: gap before tx %s (lt %s): its previous is lt %s, cursor is lt %s; "
                    "waiting for the node to return it",
                    self.stream,
                    tx.hash,
                    tx.lt,
                    tx.prev_lt,
                    cursor.lt,
                )
                return batch, True
            if not self._is_final(tx, final_seqno):
                return batch, True
            batch.append(tx)
            cursor = tx.id
        return batch, False

    def _is_final(self, tx: ChainTx, final_seqno: int) -> bool:
        if tx.mc_seqno is not None:
            return tx.mc_seqno + self.settings.confirmations <= final_seqno
        return tx.utime + self.settings.confirmations * MASTERCHAIN_BLOCK_S <= time.time()

    def _read_cursor(self) -> TxId:
        with self.uow.transaction() as s:
            dialect = postgresql if self.uow.is_postgres else sqlite
            s.execute(
                dialect.insert(_cursors)
                .values(stream=self.stream, lt=START.lt, hash=START.hash, updated_at=utcnow())
                .on_conflict_do_nothing(index_elements=["stream"])
            )
            row = s.execute(select(_cursors.c.lt, _cursors.c.hash).where(_cursors.c.stream == self.stream)).one()
        return TxId(row.lt, row.hash)

    def _apply(self, group: list[ChainTx], expected: TxId, jetton_wallet: str) -> None:
        """Apply consecutive transactions and move the cursor past them, in one database transaction.

        First without savepoints (they cost two statements per transaction, and nearly every group
        applies cleanly); if that fails, again with a savepoint per transaction, so that one that raises
        is held and the rest apply. If even that fails (outside the savepoints: the memo lookup, the
        account locks), the group is applied one transaction at a time, and one that still fails alone
        is held for review in a database transaction of its own."""
        for careful in (False, True):
            try:
                self._apply_group(group, expected, jetton_wallet, careful=careful)
                return
            except CursorMoved:
                raise
            except Exception as error:
                if _retry_later(error):
                    raise
                failure = error
                if not careful:
                    log.warning(
                        "chain monitor %s: a group of %s failed (%r); again with a savepoint per transaction",
                        self.stream,
                        len(group),
                        error,
                    )
        if len(group) == 1:
            log.error(
                "chain monitor %s: tx %s cannot be applied; held for review",
                self.stream,
                group[0].hash,
                exc_info=failure,
            )
            self._hold_alone(group[0], expected, jetton_wallet, failure)
            return
        log.error(
            "chain monitor %s: a group failed outside its savepoints; one at a time", self.stream, exc_info=failure
        )
        cursor = expected
        for tx in group:
            self._apply([tx], cursor, jetton_wallet)
            cursor = tx.id

    def _apply_group(self, group: list[ChainTx], expected: TxId, jetton_wallet: str, *, careful: bool) -> None:
        with self.uow.transaction() as s:
            self._lock_cursor(s, expected)
            hashes = [tx.hash for tx in group]
            already = set(s.execute(select(_applied.c.hash).where(_applied.c.hash.in_(hashes))).scalars())
            todo = [tx for tx in group if tx.hash not in already]
            owners = deposits.memo_owners(s, [tx.comment for tx in todo])
            incoming = {tx.hash: _incoming(tx, jetton_wallet) for tx in todo}
            credits = [
                (user_id, found.asset)
                for tx in todo
                if (found := incoming[tx.hash]) is not None
                and found.problem is None
                and (user_id := owners.get(deposits.normalise_memo(tx.comment))) is not None
            ]
            _lock_accounts(s, credits)
            for tx in todo:
                if careful:
                    self._settle_alone(s, tx, incoming[tx.hash], jetton_wallet, owners)
                else:
                    self._settle(s, tx, incoming[tx.hash], jetton_wallet, owners)
            _save_cursor(s, self.stream, group[-1])

    def _hold_alone(self, tx: ChainTx, expected: TxId, jetton_wallet: str, error: Exception) -> None:
        with self.uow.transaction() as s:
            self._lock_cursor(s, expected)
            if s.execute(select(_applied.c.hash).where(_applied.c.hash == tx.hash)).first() is None:
                self._hold(s, tx, _incoming(tx, jetton_wallet), *_failure(error))
            _save_cursor(s, self.stream, tx)

    def _lock_cursor(self, s: Session, expected: TxId) -> None:
        row = s.execute(
            select(_cursors.c.lt, _cursors.c.hash).where(_cursors.c.stream == self.stream).with_for_update()
        ).one()
        if TxId(row.lt, row.hash) != expected:
            raise CursorMoved(self.stream)

    def _settle_alone(
        self, s: Session, tx: ChainTx, incoming: Incoming | None, jetton_wallet: str, owners: dict[str, int]
    ) -> None:
        """Settle one transaction under a savepoint: if anything fails, only its own effects roll back and
        it is held for review instead, in the same database transaction."""
        try:
            with s.begin_nested():
                self._settle(s, tx, incoming, jetton_wallet, owners)
        except Exception as error:
            if _retry_later(error):
                raise
            log.exception(
                "chain monitor %s: tx %s (lt %s) cannot be applied; held for review", self.stream, tx.hash, tx.lt
            )
            self._hold(s, tx, incoming, *_failure(error))

    def _settle(
        self, s: Session, tx: ChainTx, incoming: Incoming | None, jetton_wallet: str, owners: dict[str, int]
    ) -> None:
        """What the transaction means for us; every branch records it once, then acts."""
        if tx.in_msg_hash is not None:
            self._settle_own_message(s, tx)
        elif tx.is_bounce:
            self._settle_bounce(s, tx, jetton_wallet)
        elif tx.bounced_back:
            # The value went back to the sender: nothing arrived, nothing to credit.
            _record_applied(s, tx, self.stream, "bounce_ignored")
        elif incoming is None:
            _record_applied(s, tx, self.stream, "ignored")
        elif incoming.problem is not None:
            self._hold(s, tx, incoming, incoming.problem)
        else:
            self._settle_deposit(s, tx, incoming, owners.get(deposits.normalise_memo(tx.comment)))

    def _hold(self, s: Session, tx: ChainTx, incoming: Incoming | None, reason: str, detail: str | None = None) -> None:
        """A transaction the monitor cannot apply: recorded as held, and into the operator's review
        queue with the reason; nothing moves on any balance."""
        if incoming is None:  # not a deposit (our own message, a bounce): the value it brought, if any
            incoming = Incoming("TON", tx.amount or None, tx.source, reason)
        amount = incoming.amount
        if amount is not None and not 0 <= amount <= MAX_MINOR:
            # More than a BIGINT holds: the number goes to the operator as text.
            too_large = f"{amount} ({incoming.asset} minor units)"
            detail, amount = f"{too_large}; {detail}" if detail else too_large, None
        _record_applied(s, tx, self.stream, "held", asset=incoming.asset, amount=amount)
        deposits.record_unmatched(
            s,
            tx_hash=tx.hash,
            asset=incoming.asset,
            amount=amount,
            sender=incoming.sender,
            comment=tx.comment if not tx.is_bounce else _bounce_note(tx),
            reason=reason,
            detail=detail,
        )

    def _settle_deposit(self, s: Session, tx: ChainTx, incoming: Incoming, user_id: int | None) -> None:
        if user_id is None:
            _record_applied(s, tx, self.stream, "unmatched", asset=incoming.asset, amount=incoming.amount)
            deposits.record_unmatched(
                s,
                tx_hash=tx.hash,
                asset=incoming.asset,
                amount=incoming.amount,
                sender=incoming.sender,
                comment=tx.comment,
            )
            return
        _record_applied(s, tx, self.stream, "deposit", user_id=user_id, asset=incoming.asset, amount=incoming.amount)
        deposits.credit_deposit(s, tx_hash=tx.hash, user_id=user_id, asset=incoming.asset, amount=incoming.amount)

    def _settle_own_message(self, s: Session, tx: ChainTx) -> None:
        """An external message into the hot wallet: one of our signed withdrawals executing."""
        found = withdrawals.find_by_message(s, tx.in_msg_hash)
        if found is None or found.status != "sent":
            log.error(
                "chain tx %s executes message %s, which is no sent withdrawal (%s)",
                tx.hash,
                tx.in_msg_hash,
                "unknown" if found is None else f"withdrawal {found.id} is {found.status}",
            )
            _record_applied(s, tx, self.stream, "ignored")
            return
        if tx.aborted or not any(m.destination for m in tx.out_messages):
            # Accepted and paid for, but it sent nothing (e.g. not enough balance): the money stayed.
            _record_applied(s, tx, self.stream, "withdrawal_failed", user_id=found.user_id, asset=found.asset)
            withdrawals.refund_held(s, found.id, from_status="sent", failure=f"sent nothing in chain tx {tx.hash}")
            return
        _record_applied(
            s, tx, self.stream, "withdrawal_confirmed", user_id=found.user_id, asset=found.asset, amount=found.amount
        )
        withdrawals.confirm(s, found.id, chain_tx_hash=tx.hash)

    def _settle_bounce(self, s: Session, tx: ChainTx, jetton_wallet: str) -> None:
        """A message of ours came back: never a deposit. It refunds the one withdrawal it names; a bounce
        that names none goes to the operator's review queue, since refunding a guess could pay twice."""
        found = withdrawals.find_bounced(
            s, source=tx.source, bounced_body=tx.bounced_body, query_id=tx.query_id, jetton_wallet=jetton_wallet
        )
        if found is None:
            _record_applied(s, tx, self.stream, "unmatched", asset="TON", amount=tx.amount)
            deposits.record_unmatched(
                s,
                tx_hash=tx.hash,
                asset="TON",
                amount=tx.amount,
                sender=tx.source,
                comment=_bounce_note(tx),
                reason=deposits.BOUNCE_UNMATCHED,
            )
            return
        _record_applied(
            s, tx, self.stream, "withdrawal_bounced", user_id=found.user_id, asset=found.asset, amount=found.amount
        )
        withdrawals.refund_bounced(s, found.id, bounce_tx_hash=tx.hash)


@dataclass(frozen=True)
class Incoming:
    """What a deposit brings: the asset, the amount in its minor units (None when unknown), who sent it,
    and why it cannot be credited as it stands (a review reason of services/deposits.py), if it cannot."""

    asset: str
    amount: int | None
    sender: str | None
    problem: str | None = None


def _incoming(tx: ChainTx, jetton_wallet: str) -> Incoming | None:
    """What a transaction brings in from someone else, if anything: None for our own messages, bounces,
    value that went back, jetton excesses and transfer notifications from any jetton wallet but ours."""
    if tx.in_msg_hash is not None or tx.is_bounce or tx.bounced_back or tx.source is None:
        return None
    if tx.op == TRANSFER_NOTIFICATION and tx.source == jetton_wallet:
        if tx.jetton_amount is None:
            # Our jetton wallet says jettons arrived but not how many: the operator looks it up.
            return Incoming("USDT", None, tx.source, NOTIFICATION_MALFORMED)
        found = Incoming("USDT", tx.jetton_amount, tx.jetton_sender or tx.source, tx.body_error)
    elif tx.op in (TRANSFER_NOTIFICATION, EXCESSES):
        # Anyone can send a transfer_notification: only our own jetton wallet's proves USDT arrived.
        # Excesses are the change of our own jetton transfers.
        return None
    elif tx.op not in (None, COMMENT):
        # Another contract's operation: we take deposits only as a plain transfer or a text comment.
        found = Incoming("TON", tx.amount, tx.source, deposits.UNKNOWN_OP)
    else:
        found = Incoming("TON", tx.amount, tx.source, tx.body_error)
    amount_problem = _amount_problem(found.amount)
    return replace(found, problem=amount_problem) if amount_problem else found


def _amount_problem(amount: int) -> str | None:
    if amount <= 0:
        return deposits.AMOUNT_NOT_POSITIVE
    if amount > MAX_MINOR:  # the ledger's limit: what a BIGINT balance holds
        return deposits.AMOUNT_TOO_LARGE
    return None


def _failure(error: Exception) -> tuple[str, str]:
    """The review reason and the detail the operator reads for a settlement that raised."""
    kind = error.code if isinstance(error, KryptonError) else type(error).__name__
    return deposits.APPLY_FAILED, f"{kind}: {error}"


def _retry_later(error: Exception) -> bool:
    """Whether an error says the database is away or busy rather than that the transaction being applied
    is bad: then the round rolls back and runs again next time, as after a node error."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None)  # psycopg
    if sqlstate:
        # connection, transaction rollback (deadlock, serialization), resources, operator intervention
        # (statement timeout, shutdown), lock not available
        return sqlstate[:2] in ("08", "40", "53", "57") or sqlstate == "55P03"
    return isinstance(error, OperationalError)  # SQLite: locked, busy, I/O


def _bounce_note(tx: ChainTx) -> str:
    """What the operator sees of a bounce nobody's withdrawal matched: the start of the message that bounced."""
    body = tx.bounced_body or b""
    if body[:4] == bytes(4):
        return "bounce of: " + body[4:].decode("utf-8", errors="replace")
    return f"bounce of op 0x{body[:4].hex()}" if len(body) >= 4 else "bounce"


def _groups(batch: list[ChainTx]) -> Iterator[list[ChainTx]]:
    """Runs of consecutive deposits together; a withdrawal's own transaction or a bounce alone, since
    settling those makes postings whose accounts are known only inside the settlement."""
    run: list[ChainTx] = []
    for tx in batch:
        if tx.in_msg_hash is not None or tx.is_bounce:
            if run:
                yield run
                run = []
            yield [tx]
        else:
            run.append(tx)
    if run:
        yield run


def _lock_accounts(s: Session, credits: list[tuple[int, str]]) -> None:
    """Lock every account a run of deposits will credit, in ascending id as the ledger always locks,
    before the first posting: one database transaction making many postings must not take the locks
    in another order than a transfer between the same users does, or the two could deadlock."""
    if not credits:
        return
    accounts = {system_account(s, EXTERNAL, asset).id for _user, asset in credits}
    accounts |= {user_account(s, user_id, asset).id for user_id, asset in credits}
    s.execute(
        select(_accounts.c.id).where(_accounts.c.id.in_(accounts)).order_by(_accounts.c.id).with_for_update()
    ).all()


def _follows(tx: ChainTx, cursor: TxId) -> bool:
    if cursor == START:
        return tx.prev_lt == 0
    return (tx.prev_lt, tx.prev_hash) == (cursor.lt, cursor.hash)


def _record_applied(
    s: Session,
    tx: ChainTx,
    stream: str,
    outcome: str,
    *,
    user_id: int | None = None,
    asset: str | None = None,
    amount: int | None = None,
) -> None:
    s.execute(
        _applied.insert().values(
            hash=tx.hash,
            lt=tx.lt,
            stream=stream,
            outcome=outcome,
            user_id=user_id,
            asset=asset,
            amount=amount,
            applied_at=utcnow(),
        )
    )


def _save_cursor(s: Session, stream: str, tx: ChainTx) -> None:
    s.execute(update(_cursors).where(_cursors.c.stream == stream).values(lt=tx.lt, hash=tx.hash, updated_at=utcnow()))
