"""A user's money history: every ledger transaction that touched their available or held balance.

One movement per ledger transaction and asset, with the net change of each of the two balances (a hold
shows available -x and held +x). Only the user's own accounts are read, so another party's side of a
transfer never shows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, Table, case, func, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.ledger import AVAILABLE, HELD, USER_KINDS
from krypton_app.domain.money import format_amount
from krypton_app.models import Account, Asset, LedgerTransaction, Posting
from krypton_app.models.common import as_utc

# Every ledger transaction kind that can touch a user's balance, for the history filter.
MOVEMENT_KINDS: tuple[str, ...] = (
    "deposit",
    "deposit_review_credit",
    "withdrawal_hold",
    "withdrawal",
    "withdrawal_refund",
    "payout_hold",
    "payout",
    "payout_refund",
    "transfer",
    "hold",
    "release",
    "capture",
)
PAGE_SIZE_MAX = 100
CSV_HEADER = ("time", "transaction", "kind", "asset", "available_change", "held_change", "memo")

_accounts: Table = Account.__table__
_postings: Table = Posting.__table__
_transactions: Table = LedgerTransaction.__table__


@dataclass(frozen=True)
class Movement:
    transaction_id: int
    created_at: datetime
    kind: str
    asset: str
    decimals: int
    available_change: int  # signed minor units
    held_change: int
    memo: str


@dataclass(frozen=True)
class HistoryPage:
    items: list[Movement]
    page: int
    page_size: int
    total: int
    pages: int


def list_movements(
    uow: UnitOfWork,
    user_id: int,
    *,
    asset: str | None = None,
    kind: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> HistoryPage:
    """Newest first; `page` counts from 1. Two queries: the page and the count."""
    page = max(page, 1)
    page_size = min(max(page_size, 1), PAGE_SIZE_MAX)
    query = _movements(user_id, asset, kind)
    with uow.read() as s:
        rows = s.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
        total = s.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    return HistoryPage(
        items=[_movement(row) for row in rows],
        page=page,
        page_size=page_size,
        total=total,
        pages=max(1, -(-total // page_size)),
    )


def movements_csv(uow: UnitOfWork, user_id: int, *, asset: str | None = None, kind: str | None = None) -> str:
    """The whole filtered history as CSV: a header row, ISO-8601 UTC times, amounts as decimal strings
    with every decimal place of the asset (`-1.500000000`)."""
    with uow.read() as s:
        movements = [_movement(row) for row in s.execute(_movements(user_id, asset, kind))]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for m in movements:
        writer.writerow(
            (
                m.created_at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                m.transaction_id,
                m.kind,
                m.asset,
                format_amount(m.available_change, m.decimals, trim=False),
                format_amount(m.held_change, m.decimals, trim=False),
                _cell(m.memo),
            )
        )
    return out.getvalue()


def _movements(user_id: int, asset: str | None, kind: str | None) -> Select:
    # The user's (at most two per asset) accounts first, so postings are found through the
    # (account_id, transaction_id) index instead of a scan.
    accounts = select(_accounts.c.id).where(_accounts.c.user_id == user_id, _accounts.c.kind.in_(USER_KINDS))
    if asset is not None:
        accounts = accounts.where(_accounts.c.asset == asset)
    available = func.sum(case((_accounts.c.kind == AVAILABLE, _postings.c.amount), else_=0))
    held = func.sum(case((_accounts.c.kind == HELD, _postings.c.amount), else_=0))
    query = (
        select(
            _transactions.c.id,
            _transactions.c.created_at,
            _transactions.c.kind,
            _postings.c.asset,
            Asset.decimals,
            available,
            held,
            _transactions.c.memo,
        )
        .select_from(_postings)
        .join(_accounts, _accounts.c.id == _postings.c.account_id)
        .join(_transactions, _transactions.c.id == _postings.c.transaction_id)
        .join(Asset, Asset.code == _postings.c.asset)
        .where(_postings.c.account_id.in_(accounts.scalar_subquery()))
        .group_by(
            _transactions.c.id,
            _transactions.c.created_at,
            _transactions.c.kind,
            _transactions.c.memo,
            _postings.c.asset,
            Asset.decimals,
        )
        .order_by(_transactions.c.id.desc(), _postings.c.asset)
    )
    if kind is not None:
        query = query.where(_transactions.c.kind == kind)
    return query


def _movement(row) -> Movement:
    tx_id, created_at, kind, asset, decimals, available, held, memo = row
    return Movement(tx_id, as_utc(created_at), kind, asset, decimals, int(available), int(held), memo)


def _cell(text: str) -> str:
    # A memo may carry user text; a leading = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
