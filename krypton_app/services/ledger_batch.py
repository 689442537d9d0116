"""Many ledger transactions at once, in the caller's transaction: the chain monitor credits a page of
deposits with a few set-based statements instead of a few statements per deposit (services/deposits.py
`credit_deposits`, run by services/chain_sync.py).

The same tables and the same rules as `post` in services/ledger.py: each transaction balanced, one
posting per account; the accounts locked (`SELECT … FOR UPDATE`, ascending id) before balances are
read; each idempotency key claimed once (a key already there with the same request posts nothing, with
another request it raises IdempotencyConflict); no balance below zero unless its account may go
negative, none beyond what a BIGINT holds, nothing taken from a blocked user. The transactions are
checked in order, as if posted one after another. A refusal raises and writes nothing the caller's
transaction keeps: a caller that must go on past one refused transaction posts them one at a time
(the monitor does, under a savepoint each).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Insert, Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app.domain import catalog_data
from krypton_app.domain.errors import (
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    UnbalancedTransaction,
    UserBlocked,
)
from krypton_app.domain.ledger import (
    AVAILABLE,
    MAY_GO_NEGATIVE,
    AccountRef,
    Leg,
    account_owner,
    postings_for,
    request_hash,
    system_account_key,
    user_account_key,
)
from krypton_app.domain.money import MAX_MINOR
from krypton_app.models.common import utcnow
from krypton_app.models.ledger import Account, LedgerTransaction, Posting
from krypton_app.services.users import blocked_among
from krypton_app.wakeups import announce, balances_topic

_accounts: Table = Account.__table__
_transactions: Table = LedgerTransaction.__table__
_postings: Table = Posting.__table__
_ASSET_DECIMALS = {code: decimals for code, _name, decimals in catalog_data.ASSETS}


@dataclass(frozen=True)
class Entry:
    """One ledger transaction to post: what `post` takes."""

    idempotency_key: str
    kind: str
    legs: Sequence[Leg]
    memo: str = ""


def user_account_row(user_id: int, asset: str, kind: str = AVAILABLE) -> dict:
    """The row of a user's account, for `accounts`."""
    key = user_account_key(user_id, asset, kind)
    return {"key": key, "user_id": user_id, "asset": asset, "kind": kind, "may_go_negative": False}


def system_account_row(kind: str, asset: str) -> dict:
    """The row of a platform account, for `accounts`."""
    key = system_account_key(kind, asset)
    return {"key": key, "user_id": None, "asset": asset, "kind": kind, "may_go_negative": kind in MAY_GO_NEGATIVE}


def accounts(session: Session, rows: Iterable[dict]) -> dict[str, AccountRef]:
    """The accounts by key, each created on first use, as `user_account` and `system_account` do."""
    wanted = {row["key"]: row for row in rows}
    found = _ids(session, wanted)
    missing = [row for key, row in wanted.items() if key not in found]
    if missing:
        # Two first payments to one user race here; the unique key lets one insert win, the other
        # waits for it and inserts nothing, and both read the same row below.
        session.execute(_insert_unless_exists(session, _accounts, "key"), [{**r, "balance": 0} for r in missing])
        found |= _ids(session, [row["key"] for row in missing])
    return {key: AccountRef(found[key], key, row["asset"]) for key, row in wanted.items()}


def post_many(session: Session, entries: Sequence[Entry]) -> None:
    """Write the ledger transactions and update the balances: one statement (or one batch of the same
    statement: SQLAlchemy's insertmanyvalues, psycopg's pipelined executemany) each for the account
    locks, the transactions, the postings and the balances, whatever the number of entries."""
    if not entries:
        return
    lines = [postings_for(entry.legs) for entry in entries]  # validates every leg first
    fingerprints = [request_hash(entry.kind, entry.memo, entry.legs) for entry in entries]
    ids = sorted({line.account.id for group in lines for line in group})
    locked = {
        row.id: row
        for row in session.execute(
            select(
                _accounts.c.id,
                _accounts.c.asset,
                _accounts.c.balance,
                _accounts.c.may_go_negative,
                _accounts.c.user_id,
                _accounts.c.kind,
            )
            .where(_accounts.c.id.in_(ids))
            .order_by(_accounts.c.id)
            .with_for_update()
        )
    }
    # Keys are claimed under the locks, as `post` does: a twin racing us waits for our commit.
    created_at = utcnow()
    claimed = dict(
        session.execute(
            _insert_unless_exists(session, _transactions, "idempotency_key").returning(
                _transactions.c.idempotency_key, _transactions.c.id
            ),
            [
                {
                    "idempotency_key": entry.idempotency_key,
                    "kind": entry.kind,
                    "memo": entry.memo,
                    "request_hash": fingerprint,
                    "created_at": created_at,
                }
                for entry, fingerprint in zip(entries, fingerprints, strict=True)
            ],
        ).all()
    )
    fresh = []
    for entry, fingerprint, group in zip(entries, fingerprints, lines, strict=True):
        if entry.idempotency_key in claimed:
            fresh.append((claimed[entry.idempotency_key], group))
        else:
            _replay(session, entry.idempotency_key, fingerprint)
    deltas = _checked_deltas(session, fresh, locked)
    if not fresh:
        return
    # RETURNING makes SQLAlchemy send one multi-row INSERT (insertmanyvalues), not one INSERT per row.
    session.execute(
        insert(_postings).returning(_postings.c.id),
        [
            {"transaction_id": tx_id, "account_id": line.account.id, "asset": line.account.asset, "amount": line.amount}
            for tx_id, group in fresh
            for line in group
        ],
    )
    if deltas:
        session.execute(
            update(_accounts)
            .where(_accounts.c.id == bindparam("account"))
            .values(balance=_accounts.c.balance + bindparam("delta")),
            [{"account": account_id, "delta": delta} for account_id, delta in deltas.items()],
        )
    # Every tab showing one of these users' balances reads them again once this commits, as after `post`.
    owners = {account_owner(line.account.key) for _tx_id, group in fresh for line in group} - {None}
    announce(session, *(balances_topic(owner) for owner in owners))


def _checked_deltas(session: Session, fresh: list, locked: dict) -> dict[int, int]:
    """Each account's change, after checking every transaction in turn against the balances before it
    (what `post` checks one at a time); raise the first refusal."""
    balances = {account_id: row.balance for account_id, row in locked.items()}
    payers: dict[int, str] = {}
    for _tx_id, group in fresh:
        for line in group:
            row = locked.get(line.account.id)
            if row is None:
                raise LookupError(f"no ledger account {line.account.key} with id {line.account.id}")
            if row.asset != line.account.asset:
                raise UnbalancedTransaction(f"account {line.account.key} is not a {line.account.asset} account")
            balance = balances[line.account.id]
            if not -MAX_MINOR - 1 <= balance + line.amount <= MAX_MINOR:
                raise InvalidAmount(
                    f"{line.account.key} holds {balance}: {line.amount:+} is beyond what a balance holds",
                    account=line.account.key,
                    balance=balance,
                    amount=line.amount,
                )
            if balance + line.amount < 0 and not row.may_go_negative:
                # A user's spendable balance is what the message names ("4.1 TON available").
                spendable = {"available": balance} if row.user_id and row.kind == AVAILABLE else {}
                raise InsufficientFunds(
                    f"{line.account.key} holds {balance}, needs {-line.amount}",
                    account=line.account.key,
                    asset=row.asset,
                    balance=balance,
                    required=-line.amount,
                    decimals=_ASSET_DECIMALS.get(row.asset),
                    **spendable,
                )
            balances[line.account.id] = balance + line.amount
            if line.amount < 0 and row.user_id and row.kind == AVAILABLE:
                payers[row.user_id] = line.account.key
    blocked = sorted(blocked_among(session, payers))
    if blocked:
        raise UserBlocked(f"user {blocked[0]} is blocked", user_id=blocked[0], account=payers[blocked[0]])
    return {i: balances[i] - row.balance for i, row in locked.items() if balances[i] != row.balance}


def _ids(session: Session, keys: Iterable[str]) -> dict[str, int]:
    return dict(session.execute(select(_accounts.c.key, _accounts.c.id).where(_accounts.c.key.in_(list(keys)))).all())


def _replay(session: Session, idempotency_key: str, fingerprint: str) -> None:
    existing = session.execute(
        select(_transactions.c.request_hash).where(_transactions.c.idempotency_key == idempotency_key)
    ).scalar_one()
    if existing != fingerprint:
        raise IdempotencyConflict(
            f"idempotency key {idempotency_key!r} was used for another request", idempotency_key=idempotency_key
        )


def _insert_unless_exists(session: Session, table: Table, unique_column: str) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING: a lost race on a unique column without an aborted transaction."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=[unique_column])
