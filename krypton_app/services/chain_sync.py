"""Chain monitor: reads the hot wallet's transactions in order and applies each one exactly once.

- One stream per watched account (`ton:<raw address>`), with a persistent cursor (ChainCursor): the
  last applied (lt, hash). Before anything is applied the cursor is (0, ""), the account's start.
- A run of consecutive deposits (at most a page; a withdrawal's own transaction or a bounce on its
  own) is applied in one database transaction, which also records each one (AppliedChainTransaction,
  primary key = tx hash) and moves the cursor past them, under a lock on the cursor row. A crash at any
  point leaves all of it or none of it; a second monitor that raced us finds the cursor moved and
  stops. The run's deposits are written set-based (services/chain_settlement.py `settle_run`): one
  multi-row insert each of their applied rows, ledger transactions and postings, one pipelined batch
  of balance updates and one cursor update, whatever the run's length (services/ledger_batch.py). The
  accounts a run credits are locked together in ascending id, the ledger's lock order, so it cannot
  deadlock with transfers.
- A transaction the monitor cannot apply never blocks the ones after it: one whose amount is not
  positive or larger than a balance can hold, whose body cannot be read (a comment that is no text, an
  op we take no deposits by, our jetton wallet's notification without an amount), or whose settlement
  raises for any reason, is recorded as `held` and put in the operator's review queue with the reason
  (UnmatchedDeposit.reason / detail), and the cursor moves past it, in the same database transaction.
  A group that raises is applied again one transaction after another with a savepoint each (the
  accounts locked up front), so a failure rolls back only its own transaction's effects; if it fails
  outside those, its transactions are applied one at a time.
  Only errors that say the database is away or busy (`_retry_later`) roll the round back to be run again.
- Gaps: a transaction is applied only if its (prev_lt, prev_hash) is the cursor, so a node that
  leaves one out cannot make us skip it for good: the round stops and the next one asks again.
- Duplicate or overlapping pages are harmless: transactions at or below the cursor are skipped.
- Finality: a transaction waits until `mc_seqno + confirmations <= masterchain_seqno()`. When a
  gateway cannot tell the masterchain block (mc_seqno None; toncenter and the liteserver gateway do
  tell), it waits `confirmations` block intervals (MASTERCHAIN_BLOCK_S) after the transaction's utime
  instead, so the setting means about the same on every gateway.

What each transaction means (a deposit, a withdrawal of ours, a bounce, one to hold) is settled by
services/chain_settlement.py; this module keeps the order, the cursor and the exactly-once.

The monitor starts at the account's first transaction; to start a new deployment from a later point,
insert the chain_cursors row by hand. One runner at a time is the worker's job (workers/chain_sync.py),
but the cursor lock keeps even two concurrent monitors correct.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from krypton_app.chain.gateway import ChainGateway
from krypton_app.chain.hot_wallet import HotWallet
from krypton_app.chain.types import ChainTx, TxId
from krypton_app.db import UnitOfWork
from krypton_app.domain.ledger import EXTERNAL
from krypton_app.models.chain import AppliedChainTransaction, ChainCursor
from krypton_app.models.common import utcnow
from krypton_app.models.ledger import Account
from krypton_app.services import chain_settlement as settlement
from krypton_app.services import deposits, ledger_batch
from krypton_app.services.withdrawal_sender import our_jetton_wallet
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
    """The monitor of the hot wallet's stream; `run_once` is one round (workers/chain_sync.py runs them)."""

    def __init__(self, uow: UnitOfWork, gateway: ChainGateway, *, settings: Settings, hot_wallet: HotWallet):
        self.uow = uow
        self.gateway = gateway
        self.settings = settings
        self.address = hot_wallet.address
        self.stream = f"ton:{hot_wallet.address}"
        # Whether the last round stopped at a transaction still waiting for its confirmations: the
        # worker then looks again soon, since the deposit is final at the chain's next block.
        self.unconfirmed = False

    async def run_once(self) -> int:
        """Apply every final transaction after the cursor, in order; return how many were applied."""
        self.unconfirmed = False
        jetton_wallet = await our_jetton_wallet(self.gateway, self.settings, self.address)
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
                self.unconfirmed = True
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

        First set-based without savepoints (a few statements for the whole group, and nearly every
        group applies cleanly); if that fails, again one by one with a savepoint per transaction, so
        that one that raises is held and the rest apply. If even that fails (outside the savepoints:
        the memo lookup, the account locks), the group is applied one transaction at a time, and one
        that still fails alone is held for review in a database transaction of its own."""
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
            todo = group
            if careful:
                # Transactions after the cursor were never applied, unless someone moved the cursor back
                # by hand. The set-based path leaves that to the applied rows' primary key: its insert
                # fails, the group comes here, and here one already applied is skipped.
                hashes = [tx.hash for tx in group]
                already = set(s.execute(select(_applied.c.hash).where(_applied.c.hash.in_(hashes))).scalars())
                todo = [tx for tx in group if tx.hash not in already]
            owners = deposits.memo_owners(s, [tx.comment for tx in todo])
            incoming = {tx.hash: settlement.incoming(tx, jetton_wallet) for tx in todo}
            if careful:
                credits = [
                    (user_id, found.asset)
                    for tx in todo
                    if (found := incoming[tx.hash]) is not None
                    and found.problem is None
                    and (user_id := owners.get(deposits.normalise_memo(tx.comment))) is not None
                ]
                _lock_accounts(s, credits)
                for tx in todo:
                    self._settle_alone(s, tx, incoming[tx.hash], jetton_wallet, owners)
            else:
                # Set-based: the credits' accounts are locked at once, in ascending id, by the ledger batch.
                settlement.settle_run(s, todo, incoming, owners, stream=self.stream, jetton_wallet=jetton_wallet)
            _save_cursor(s, self.stream, group[-1])

    def _hold_alone(self, tx: ChainTx, expected: TxId, jetton_wallet: str, error: Exception) -> None:
        with self.uow.transaction() as s:
            self._lock_cursor(s, expected)
            if s.execute(select(_applied.c.hash).where(_applied.c.hash == tx.hash)).first() is None:
                found = settlement.incoming(tx, jetton_wallet)
                settlement.hold(s, tx, found, *settlement.failure(error), stream=self.stream)
            _save_cursor(s, self.stream, tx)

    def _lock_cursor(self, s: Session, expected: TxId) -> None:
        row = s.execute(
            select(_cursors.c.lt, _cursors.c.hash).where(_cursors.c.stream == self.stream).with_for_update()
        ).one()
        if TxId(row.lt, row.hash) != expected:
            raise CursorMoved(self.stream)

    def _settle_alone(
        self,
        s: Session,
        tx: ChainTx,
        found: settlement.Incoming | None,
        jetton_wallet: str,
        owners: dict[str, int],
    ) -> None:
        """Settle one transaction under a savepoint: if anything fails, only its own effects roll back and
        it is held for review instead, in the same database transaction."""
        try:
            with s.begin_nested():
                settlement.settle(s, tx, found, owners, stream=self.stream, jetton_wallet=jetton_wallet)
        except Exception as error:
            if _retry_later(error):
                raise
            log.exception(
                "chain monitor %s: tx %s (lt %s) cannot be applied; held for review", self.stream, tx.hash, tx.lt
            )
            settlement.hold(s, tx, found, *settlement.failure(error), stream=self.stream)


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
    rows = [ledger_batch.system_account_row(EXTERNAL, asset) for _user, asset in credits]
    rows += [ledger_batch.user_account_row(user_id, asset) for user_id, asset in credits]
    accounts = [ref.id for ref in ledger_batch.accounts(s, rows).values()]
    s.execute(
        select(_accounts.c.id).where(_accounts.c.id.in_(accounts)).order_by(_accounts.c.id).with_for_update()
    ).all()


def _follows(tx: ChainTx, cursor: TxId) -> bool:
    if cursor == START:
        return tx.prev_lt == 0
    return (tx.prev_lt, tx.prev_hash) == (cursor.lt, cursor.hash)


def _save_cursor(s: Session, stream: str, tx: ChainTx) -> None:
    s.execute(update(_cursors).where(_cursors.c.stream == stream).values(lt=tx.lt, hash=tx.hash, updated_at=utcnow()))
