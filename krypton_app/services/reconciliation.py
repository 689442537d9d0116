"""Reconciliation with the chain (SPEC F13): per asset, the hot wallet's balance on chain against what
the ledger owes, the difference explained item by item, and what no item explains left over.

What the ledger owes (liabilities). Every ledger transaction sums to zero per asset, so the accounts that
may go negative (domain/ledger.py MAY_GO_NEGATIVE: `external`, the outside world, and `lightning`, sats on
the platform's Lightning node) mirror all the rest: users' `available` and `held` (escrow, pending
withdrawals and payouts), `promise_backing` (every unredeemed promise), `fees` (collected, not yet swept)
and `hot_wallet` if ever used. Liabilities are the sum of those other accounts, by kind: a kind added
later is counted without a change here.

Why chain and liabilities differ, each a named item (signed: what it adds to the balance the chain should
show; `EXPLANATIONS`, plus the arrivals read from the chain):
- withdrawals_in_flight: TON / USDT withdrawals sent and not yet confirmed by the monitor: still held
  in the ledger, possibly gone on chain (until the message executes, this item over-explains; it settles
  within a block);
- deposits_in_review: deposits the monitor could not credit, waiting in the operator's review queue: on
  chain, owed to nobody yet;
- arrived_unapplied: value that reached the hot wallet after the monitor's cursor (deposits waiting for
  their confirmations, bounces of our withdrawals): on chain, not yet in the ledger;
- lightning: the Lightning liquidity account: the asset given out for sats the node received is owed but
  was never on chain (negative), and Lightning payouts the node paid left the asset with us (positive);
- paid_outside: Bitcoin and Lightning payouts operators paid by hand (payout_queue): the user's asset
  went to `external` while the value left from elsewhere, so it is still on chain.
- sweeps_in_flight: fee sweeps sent and not yet confirmed (services/fee_sweeps.sent_sweeps): still owed in
  the fee_sweep account, possibly gone on chain, as a withdrawal in flight is.

The remainder (chain - liabilities - items) is what nothing explains: 0 is "equal"; short (below zero)
means the hot wallet holds less than it owes; over, more. On the real chain the network fees the hot
wallet pays and the TON a jetton notification brings in show up there too: the operator sees them.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, func, select
from sqlmodel import Session

from krypton_app.chain.gateway import ChainGateway
from krypton_app.chain.types import TxId
from krypton_app.db import UnitOfWork
from krypton_app.domain.ledger import EXTERNAL, LIGHTNING, MAY_GO_NEGATIVE
from krypton_app.models import Account, Asset, ChainCursor, LedgerTransaction, Posting, UnmatchedDeposit, Withdrawal
from krypton_app.models.common import utcnow
from krypton_app.services.fee_sweeps import sent_sweeps
from krypton_app.services.operator import PENDING
from krypton_app.services.payouts import PAYOUT
from krypton_app.services.roles import require_operator
from krypton_app.services.withdrawal_sender import our_jetton_wallet
from krypton_app.settings import Settings

ASSETS = ("TON", "USDT")  # what the hot wallet holds on chain
EQUAL, SHORT, OVER = "equal", "short", "over"
ARRIVED_UNAPPLIED = "arrived_unapplied"
# Pages of the hot wallet's transactions read after the monitor's cursor: a monitor further behind than
# this is a problem of its own, and the remainder shows it.
_ARRIVAL_PAGES, _PAGE = 5, 100
_accounts: Table = Account.__table__
_postings: Table = Posting.__table__
_transactions: Table = LedgerTransaction.__table__


@dataclass(frozen=True)
class Item:
    name: str  # shown as operator.recon.<name>
    amount: int  # minor units, signed


@dataclass(frozen=True)
class AssetReconciliation:
    asset: str
    decimals: int
    chain: int  # the hot wallet's balance on chain
    liabilities: int
    owed: tuple[Item, ...]  # the liabilities by account kind
    explained: tuple[Item, ...]  # why chain and liabilities may differ
    remainder: int  # chain - liabilities - explained: what nothing explains

    @property
    def status(self) -> str:
        return EQUAL if self.remainder == 0 else (SHORT if self.remainder < 0 else OVER)


@dataclass(frozen=True)
class Reconciliation:
    assets: tuple[AssetReconciliation, ...]
    checked_at: datetime


@dataclass(frozen=True)
class Explanation:
    name: str
    read: Callable[[Session], dict[str, int]]  # per asset, minor units
    sign: int  # +1: the chain holds it beyond the liabilities; -1: the chain lacks it


def _withdrawals_in_flight(s: Session) -> dict[str, int]:
    rows = s.execute(
        select(Withdrawal.asset, func.sum(Withdrawal.amount))
        .where(Withdrawal.status == "sent")
        .group_by(Withdrawal.asset)
    ).all()
    return {asset: int(total) for asset, total in rows}


def _deposits_in_review(s: Session) -> dict[str, int]:
    rows = s.execute(
        select(UnmatchedDeposit.asset, func.sum(UnmatchedDeposit.amount))
        .where(UnmatchedDeposit.status == PENDING, UnmatchedDeposit.amount > 0)
        .group_by(UnmatchedDeposit.asset)
    ).all()
    return {asset: int(total) for asset, total in rows}


def _lightning(s: Session) -> dict[str, int]:
    rows = s.execute(
        select(_accounts.c.asset, _accounts.c.balance).where(
            _accounts.c.user_id.is_(None), _accounts.c.kind == LIGHTNING
        )
    ).all()
    return {asset: int(balance) for asset, balance in rows}


def _paid_outside(s: Session) -> dict[str, int]:
    rows = s.execute(
        select(_accounts.c.asset, func.sum(_postings.c.amount))
        .join(_postings, _postings.c.account_id == _accounts.c.id)
        .join(_transactions, _transactions.c.id == _postings.c.transaction_id)
        .where(_accounts.c.user_id.is_(None), _accounts.c.kind == EXTERNAL, _transactions.c.kind == PAYOUT)
        .group_by(_accounts.c.asset)
    ).all()
    return {asset: int(total) for asset, total in rows}


EXPLANATIONS: tuple[Explanation, ...] = (
    Explanation("withdrawals_in_flight", _withdrawals_in_flight, -1),
    Explanation("deposits_in_review", _deposits_in_review, +1),
    Explanation("lightning", _lightning, +1),
    Explanation("paid_outside", _paid_outside, +1),
    Explanation("sweeps_in_flight", sent_sweeps, -1),
)


def reconcile(
    uow: UnitOfWork,
    operator_id: int,
    *,
    chain: dict[str, int],
    arrived: dict[str, int],
    explanations: tuple[Explanation, ...] = EXPLANATIONS,
) -> Reconciliation:
    """The reconciliation for the chain balances given (`chain`, and `arrived` after the monitor's cursor,
    per asset in minor units), against the ledger read now in one transaction. Operators only."""
    with uow.read() as s:
        require_operator(s, operator_id)
        decimals = dict(s.execute(select(Asset.code, Asset.decimals).where(Asset.code.in_(ASSETS))).all())
        owed: dict[str, dict[str, int]] = defaultdict(dict)
        for asset, kind, total in s.execute(
            select(_accounts.c.asset, _accounts.c.kind, func.sum(_accounts.c.balance))
            .where(_accounts.c.asset.in_(ASSETS), _accounts.c.kind.not_in(sorted(MAY_GO_NEGATIVE)))
            .group_by(_accounts.c.asset, _accounts.c.kind)
            .order_by(_accounts.c.kind)
        ).all():
            owed[asset][kind] = int(total)
        read = [(e, e.read(s)) for e in explanations]
    rows = []
    for asset in ASSETS:
        items = [Item(e.name, e.sign * values.get(asset, 0)) for e, values in read]
        items.append(Item(ARRIVED_UNAPPLIED, arrived.get(asset, 0)))
        liabilities = sum(owed[asset].values())
        remainder = chain.get(asset, 0) - liabilities - sum(i.amount for i in items)
        rows.append(
            AssetReconciliation(
                asset=asset,
                decimals=decimals.get(asset, 0),
                chain=chain.get(asset, 0),
                liabilities=liabilities,
                owed=tuple(Item(kind, amount) for kind, amount in owed[asset].items()),
                explained=tuple(items),
                remainder=remainder,
            )
        )
    return Reconciliation(tuple(rows), utcnow())


async def reconcile_with_chain(
    uow: UnitOfWork, gateway: ChainGateway, operator_id: int, *, hot_wallet_address: str, settings: Settings
) -> Reconciliation:
    """`reconcile` with the hot wallet's balances and arrivals read through `gateway` now (ChainError when
    the node does not answer). The database work runs in threads, as the chain monitor's does."""
    await asyncio.to_thread(_check_operator, uow, operator_id)  # a non-operator learns nothing of the chain
    jetton_wallet = await our_jetton_wallet(gateway, settings, hot_wallet_address)
    chain = {
        "TON": await gateway.account_balance(hot_wallet_address),
        "USDT": await gateway.jetton_wallet_balance(jetton_wallet),
    }
    cursor = await asyncio.to_thread(_monitor_cursor, uow, hot_wallet_address)
    arrived = await arrivals_after(gateway, hot_wallet_address, cursor)
    return await asyncio.to_thread(reconcile, uow, operator_id, chain=chain, arrived=arrived)


async def arrivals_after(gateway: ChainGateway, address: str, cursor: TxId | None) -> dict[str, int]:
    """What reached `address` after `cursor` (None: from its first transaction), per asset: the TON
    incoming messages left with it, and the USDT of our jetton wallet's notifications."""
    totals = {"TON": 0, "USDT": 0}
    for _ in range(_ARRIVAL_PAGES):
        page = await gateway.transactions_after(address, cursor, limit=_PAGE)
        page = [tx for tx in page if cursor is None or tx.lt > cursor.lt]
        for tx in page:
            if tx.source is not None and not tx.bounced_back:
                totals["TON"] += tx.amount
            totals["USDT"] += tx.jetton_amount or 0
        if len(page) < _PAGE:
            break
        cursor = page[-1].id
    return totals


def _check_operator(uow: UnitOfWork, operator_id: int) -> None:
    with uow.read() as s:
        require_operator(s, operator_id)


def _monitor_cursor(uow: UnitOfWork, address: str) -> TxId | None:
    """The chain monitor's cursor on the hot wallet (chain_sync.py's stream), None before its first round."""
    with uow.read() as s:
        row = s.get(ChainCursor, f"ton:{address}")
        return TxId(row.lt, row.hash) if row is not None and row.lt > 0 else None
