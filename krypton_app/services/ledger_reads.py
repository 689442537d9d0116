"""What the ledger reads back: a user's balances, and the invariant check over all of it.

Writing money (accounts, postings, holds) is services/ledger.py; this module only reads, so it takes
no locks.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, func, not_, or_, select

from krypton_app.db import UnitOfWork
from krypton_app.domain import catalog_data
from krypton_app.domain.ledger import AVAILABLE, HELD
from krypton_app.domain.money import format_amount
from krypton_app.models.ledger import Account, Asset, LedgerTransaction, Posting

_accounts: Table = Account.__table__
_transactions: Table = LedgerTransaction.__table__
_postings: Table = Posting.__table__


@dataclass(frozen=True)
class BalanceView:
    asset: str
    decimals: int
    available: int
    held: int


@dataclass(frozen=True)
class InvariantReport:
    ok: bool
    violations: list[str]
    transactions: int
    postings: int
    accounts: int


def list_balances(uow: UnitOfWork, user_id: int) -> list[BalanceView]:
    """One row per catalog asset, in catalog order, zeros where the user has no account yet."""
    with uow.read() as s:
        assets = s.execute(select(Asset.code, Asset.decimals)).all()
        rows = s.execute(
            select(_accounts.c.asset, _accounts.c.kind, _accounts.c.balance).where(_accounts.c.user_id == user_id)
        ).all()
    amounts = {(row.asset, row.kind): row.balance for row in rows}
    order = [code for code, _name, _decimals in catalog_data.ASSETS]
    assets.sort(key=lambda a: (order.index(a.code) if a.code in order else len(order), a.code))
    return [
        BalanceView(a.code, a.decimals, amounts.get((a.code, AVAILABLE), 0), amounts.get((a.code, HELD), 0))
        for a in assets
    ]


def check_invariants(uow: UnitOfWork) -> InvariantReport:
    """Postings sum to zero per transaction and asset; each balance equals the sum of its postings and
    is not below zero unless the account may go negative; postings match their account's asset.

    Each check is one statement, so it sees one consistent snapshot even while money moves.
    """
    with uow.read() as s:
        decimals = dict(s.execute(select(Asset.code, Asset.decimals)).all())

        def amount(minor: int, asset: str) -> str:
            return f"{format_amount(minor, decimals.get(asset, 0))} {asset}"

        violations: list[str] = []
        total = func.sum(_postings.c.amount)
        for tx_id, key, asset, off in s.execute(
            select(_postings.c.transaction_id, _transactions.c.idempotency_key, _postings.c.asset, total)
            .join(_transactions, _transactions.c.id == _postings.c.transaction_id)
            .group_by(_postings.c.transaction_id, _transactions.c.idempotency_key, _postings.c.asset)
            .having(total != 0)
            .order_by(_postings.c.transaction_id)
        ):
            violations.append(f"transaction {tx_id} ({key}): {asset} postings sum to {amount(off, asset)}, not 0")

        derived = func.coalesce(func.sum(_postings.c.amount), 0)
        may_not_go_negative = not_(_accounts.c.may_go_negative)
        for key, asset, balance, may_go_negative, posted in s.execute(
            select(_accounts.c.key, _accounts.c.asset, _accounts.c.balance, _accounts.c.may_go_negative, derived)
            .outerjoin(_postings, _postings.c.account_id == _accounts.c.id)
            .group_by(
                _accounts.c.id,
                _accounts.c.key,
                _accounts.c.asset,
                _accounts.c.balance,
                _accounts.c.may_go_negative,
            )
            .having(
                or_(
                    _accounts.c.balance != derived,
                    may_not_go_negative & ((_accounts.c.balance < 0) | (derived < 0)),
                )
            )
            .order_by(_accounts.c.id)
        ):
            if balance != posted:
                violations.append(
                    f"account {key}: balance {amount(balance, asset)}, postings sum {amount(posted, asset)}"
                )
            if not may_go_negative and min(balance, posted) < 0:
                violations.append(f"account {key}: below zero ({amount(min(balance, posted), asset)})")

        for posting_id, tx_id, posted_asset, key, account_asset in s.execute(
            select(
                _postings.c.id,
                _postings.c.transaction_id,
                _postings.c.asset,
                _accounts.c.key,
                _accounts.c.asset,
            )
            .join(_accounts, _accounts.c.id == _postings.c.account_id)
            .where(_postings.c.asset != _accounts.c.asset)
            .order_by(_postings.c.id)
        ):
            violations.append(
                f"posting {posting_id} (transaction {tx_id}): {posted_asset} on {account_asset} account {key}"
            )

        counted = (_transactions, _postings, _accounts)
        counts = s.execute(select(*(select(func.count()).select_from(t).scalar_subquery() for t in counted))).one()
    return InvariantReport(not violations, violations, *counts)
