"""Chain monitor: reads the hot wallet's transactions in order and applies each one exactly once.

- One stream per watched account (`ton:<raw address>`), with a persistent cursor (ChainCursor): the
  last applied (lt, hash). Before anything is applied the cursor is (0, ""), the account's start.
- Each chain transaction is applied in its own database transaction, which also records it
  (AppliedChainTransaction, primary key = tx hash) and moves the cursor, under a lock on the cursor
  row. A crash at any point leaves all of it or none of it; a second monitor that raced us finds the
  cursor moved and stops.
- Gaps: a transaction is applied only if its (prev_lt, prev_hash) is the cursor, so a node that
  leaves one out cannot make us skip it for good: the round stops and the next one asks again.
- Duplicate or overlapping pages are harmless: transactions at or below the cursor are skipped.
- Finality: a transaction waits until `mc_seqno + confirmations <= masterchain_seqno()`. A gateway
  that cannot tell the masterchain block (mc_seqno None) only returns transactions a masterchain block
  already committed (liteservers read committed state); we still wait `confirmations` block intervals
  after its utime, so the setting means the same on every gateway.

The monitor starts at the account's first transaction; to start a new deployment from a later point,
insert the chain_cursors row by hand. One runner at a time is the worker's job (workers.py), but the
cursor lock keeps even two concurrent monitors correct.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import suppress

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app.chain.gateway import ChainGateway
from krypton_app.chain.hot_wallet import HotWallet
from krypton_app.chain.types import ChainTx, TxId
from krypton_app.db import UnitOfWork
from krypton_app.models.chain import AppliedChainTransaction, ChainCursor
from krypton_app.models.common import utcnow
from krypton_app.services import deposits, withdrawals
from krypton_app.settings import Settings

log = logging.getLogger(__name__)

_cursors: Table = ChainCursor.__table__
_applied: Table = AppliedChainTransaction.__table__

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
        """Apply new transactions every `monitor_poll_s` until `stop` is set."""
        while not stop.is_set():
            await self.run_once()
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.monitor_poll_s)

    async def run_once(self) -> int:
        """Apply every final transaction after the cursor, in order; return how many were applied."""
        jetton_wallet = await withdrawals.our_jetton_wallet(self.gateway, self.settings, self.address)
        cursor = await asyncio.to_thread(self._read_cursor)
        final_seqno = await self.gateway.masterchain_seqno()
        applied = 0
        while True:
            after = None if cursor == START else cursor
            page = await self.gateway.transactions_after(self.address, after, limit=PAGE_SIZE)
            progressed = False
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
                    return applied
                if not self._is_final(tx, final_seqno):
                    return applied
                try:
                    await asyncio.to_thread(self._apply, tx, cursor, jetton_wallet)
                except CursorMoved:
                    log.warning("chain monitor %s: cursor moved under us; another monitor is running", self.stream)
                    return applied
                cursor = tx.id
                applied += 1
                progressed = True
            if not progressed or len(page) < PAGE_SIZE:
                return applied

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

    def _apply(self, tx: ChainTx, expected: TxId, jetton_wallet: str) -> None:
        with self.uow.transaction() as s:
            row = s.execute(
                select(_cursors.c.lt, _cursors.c.hash).where(_cursors.c.stream == self.stream).with_for_update()
            ).one()
            if TxId(row.lt, row.hash) != expected:
                raise CursorMoved(self.stream)
            already = s.execute(select(_applied.c.hash).where(_applied.c.hash == tx.hash)).first()
            if already is None:
                self._settle(s, tx, jetton_wallet)
            _save_cursor(s, self.stream, tx)

    def _settle(self, s: Session, tx: ChainTx, jetton_wallet: str) -> None:
        """What the transaction means for us; every branch records it once, then acts."""
        if tx.in_msg_hash is not None:
            self._settle_own_message(s, tx)
        elif tx.is_bounce:
            self._settle_bounce(s, tx, jetton_wallet)
        elif tx.bounced_back:
            # The value went back to the sender: nothing arrived, nothing to credit.
            _record_applied(s, tx, self.stream, "bounce_ignored")
        elif tx.jetton_amount is not None:
            if tx.source == jetton_wallet:
                self._settle_deposit(s, tx, "USDT", tx.jetton_amount, sender=tx.jetton_sender or tx.source)
            else:
                # Anyone can send a transfer_notification from a jetton wallet of their own making.
                log.warning("chain tx %s: jetton notification from %s, not our USDT wallet", tx.hash, tx.source)
                _record_applied(s, tx, self.stream, "ignored")
        elif tx.source is None or tx.source == jetton_wallet or tx.amount <= 0:
            # An external message not ours, gas returned by our jetton wallet, or an empty message.
            _record_applied(s, tx, self.stream, "ignored")
        else:
            self._settle_deposit(s, tx, "TON", tx.amount, sender=tx.source)

    def _settle_deposit(self, s: Session, tx: ChainTx, asset: str, amount: int, *, sender: str | None) -> None:
        user_id = deposits.memo_owner(s, tx.comment)
        if user_id is None:
            _record_applied(s, tx, self.stream, "unmatched", asset=asset, amount=amount)
            deposits.record_unmatched(s, tx_hash=tx.hash, asset=asset, amount=amount, sender=sender, comment=tx.comment)
            return
        _record_applied(s, tx, self.stream, "deposit", user_id=user_id, asset=asset, amount=amount)
        deposits.credit_deposit(s, tx_hash=tx.hash, user_id=user_id, asset=asset, amount=amount)

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
        """A message of ours came back: never a deposit; it refunds the withdrawal it belongs to."""
        if tx.source == jetton_wallet:
            # Our jetton wallet refused a transfer (e.g. not enough USDT): the jettons never left.
            found = withdrawals.find_bounced(s, asset="USDT", destination=None, bounced_value=None)
        else:
            found = withdrawals.find_bounced(s, asset="TON", destination=tx.source, bounced_value=tx.amount)
        if found is None:
            _record_applied(s, tx, self.stream, "bounce_ignored")
            return
        _record_applied(
            s, tx, self.stream, "withdrawal_bounced", user_id=found.user_id, asset=found.asset, amount=found.amount
        )
        withdrawals.refund_bounced(s, found.id, bounce_tx_hash=tx.hash)


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
