"""The double-entry ledger: accounts, postings and holds. Reading it back (balances, the invariant
check) is services/ledger_reads.py.

Two layers. `user_account`, `system_account` and `post` take an open `Session`, so a use case (a
deposit, an invoice payment, a deal) moves money in its own transaction, atomically with its own state
change. `transfer`, `hold`, `release` and `capture_held` are use cases of their own: one transaction each.

Every posting locks the accounts it changes (`SELECT … FOR UPDATE`, ascending id) before it reads
balances or the idempotency key, so concurrent spends queue up instead of overdrawing or deadlocking,
and a concurrent retry finds the transaction its twin committed. On PostgreSQL a posting is one round
trip: the `ledger_post()` function (migration 0038) takes those steps server-side, and leaves a refusal
or a replay to the same steps in Python, which SQLite always takes. The use cases go one step further:
`ledger_post_keys()` (migration 0039) also finds the two accounts by key and sends the wake-up, so a
transfer is that one statement and its commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Insert, Table, bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import catalog_data
from krypton_app.domain.errors import (
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    KryptonError,
    UnbalancedTransaction,
    UserBlocked,
)
from krypton_app.domain.ledger import (
    AVAILABLE,
    CAPTURE,
    HELD,
    HOLD,
    MAY_GO_NEGATIVE,
    RELEASE,
    TRANSFER,
    AccountRef,
    Leg,
    PostingLine,
    account_owner,
    move_hash,
    postings_for,
    request_hash,
    system_account_key,
    user_account_key,
)
from krypton_app.domain.money import MAX_MINOR
from krypton_app.models.common import as_utc, utcnow
from krypton_app.models.ledger import Account, LedgerTransaction, Posting
from krypton_app.services.users import blocked_among
from krypton_app.wakeup_bus import CHANNEL, payloads
from krypton_app.wakeups import announce, announce_sent, balances_topic

# Core tables: the ledger reads and writes rows, never ORM objects that could go stale under a lock.
_accounts: Table = Account.__table__
_transactions: Table = LedgerTransaction.__table__
_postings: Table = Posting.__table__

# Built once: a statement built per call costs more Python than its round trip.
_ACCOUNT_ID = select(_accounts.c.id).where(_accounts.c.key == bindparam("key"))
_TWO_ACCOUNT_IDS = select(_accounts.c.key, _accounts.c.id).where(_accounts.c.key.in_([bindparam("a"), bindparam("b")]))
_POST_BY_KEYS = "SELECT ledger_post_keys(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
_POST_ON_SERVER = text(
    "SELECT ledger_post(:key, :kind, :memo, :hash, :created_at,"
    " CAST(:accounts AS integer[]), CAST(:assets AS text[]), CAST(:amounts AS bigint[]))"
)


@dataclass(frozen=True)
class PostingView:
    account_id: int
    account_key: str
    asset: str
    amount: int


@dataclass(frozen=True)
class LedgerTransactionView:
    id: int
    idempotency_key: str
    kind: str
    memo: str
    created_at: datetime
    # One signed posting per account, ascending account id.
    postings: tuple[PostingView, ...]


# --- inside the caller's transaction -------------------------------------------------------------


def user_account(session: Session, user_id: int, asset: str, kind: str = AVAILABLE) -> AccountRef:
    """The user's `available` or `held` account in `asset`, created on first use."""
    key = user_account_key(user_id, asset, kind)
    return _account(session, key, user_id=user_id, asset=asset, kind=kind, may_go_negative=False)


def system_account(session: Session, kind: str, asset: str) -> AccountRef:
    """The platform's `hot_wallet`, `fees`, `promise_backing` or `external` account in `asset`."""
    key = system_account_key(kind, asset)
    return _account(session, key, user_id=None, asset=asset, kind=kind, may_go_negative=kind in MAY_GO_NEGATIVE)


def post(
    session: Session, *, idempotency_key: str, kind: str, legs: Sequence[Leg], memo: str = ""
) -> LedgerTransactionView:
    """Write one balanced ledger transaction and update the balances, in the caller's transaction.

    A second call with the same key and the same request returns the first transaction; with the same
    key and another request it raises IdempotencyConflict.
    """
    lines = postings_for(legs)
    fingerprint = request_hash(kind, memo, legs)
    # Every tab showing one of these users' balances reads them again once this commits.
    owners = {account_owner(line.account.key) for line in lines} - {None}
    announce(session, *(balances_topic(owner) for owner in owners))
    # On PostgreSQL, unless a posting is beyond a BIGINT (the steps refuse it with InvalidAmount).
    if session.get_bind().dialect.name == "postgresql" and all(abs(line.amount) <= MAX_MINOR for line in lines):
        created_at = utcnow()
        # One round trip: ledger_post() (migration 0038) makes the checks of `_post_in_steps` under the
        # same locks and writes the same rows, or writes nothing and answers NULL (a refusal, a replay):
        # `_post_in_steps` then finds what it found, under the locks it holds, and raises or replays.
        transaction_id = session.execute(
            _POST_ON_SERVER,
            {
                "key": idempotency_key,
                "kind": kind,
                "memo": memo,
                "hash": fingerprint,
                "created_at": created_at,
                "accounts": [line.account.id for line in lines],
                "assets": [line.account.asset for line in lines],
                "amounts": [line.amount for line in lines],
            },
        ).scalar_one()
        if transaction_id is not None:
            return _view(transaction_id, idempotency_key, kind, memo, created_at, lines)
    return _post_in_steps(session, idempotency_key, kind, memo, fingerprint, lines)


def _post_in_steps(
    session: Session,
    idempotency_key: str,
    kind: str,
    memo: str,
    fingerprint: str,
    lines: Sequence[PostingLine],
) -> LedgerTransactionView:
    """`post` one statement at a time: lock, check, claim the key, write."""
    ids = [line.account.id for line in lines]
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
    shortfall = _shortfall(lines, locked) or _blocked(session, lines, locked)
    if shortfall is not None:
        # A retry of a spend that went through may find the balance already spent (or full): it gets
        # the first result, not an error. (Under the locks, so a twin that raced it has committed by now.)
        existing = _find_transaction(session, idempotency_key)
        if existing is not None:
            return _replay(session, existing, fingerprint)
        raise shortfall

    created_at = utcnow()
    # The key is claimed under the locks, so a retry racing its twin waits for the twin's commit and
    # then inserts nothing; so does the same key for other accounts, which shares no lock with it.
    transaction_id = session.execute(
        _insert_unless_exists(session, _transactions, "idempotency_key")
        .values(
            idempotency_key=idempotency_key,
            kind=kind,
            memo=memo,
            request_hash=fingerprint,
            created_at=created_at,
        )
        .returning(_transactions.c.id)
    ).scalar_one_or_none()
    if transaction_id is None:
        return _replay(session, _find_transaction(session, idempotency_key), fingerprint)

    session.execute(
        insert(_postings),
        [
            {
                "transaction_id": transaction_id,
                "account_id": line.account.id,
                "asset": line.account.asset,
                "amount": line.amount,
            }
            for line in lines
        ],
    )
    session.execute(
        update(_accounts)
        .where(_accounts.c.id == bindparam("account"))
        .values(balance=_accounts.c.balance + bindparam("delta")),
        [{"account": line.account.id, "delta": line.amount} for line in lines],
    )
    return _view(transaction_id, idempotency_key, kind, memo, created_at, lines)


# --- use cases: one transaction each -------------------------------------------------------------


def transfer(
    uow: UnitOfWork,
    from_user_id: int,
    to_user_id: int,
    asset: str,
    amount: int,
    idempotency_key: str,
    *,
    memo: str = "",
) -> LedgerTransactionView:
    """Move `amount` from one user's available balance to another's."""
    with uow.transaction() as s:
        return _post_leg(
            s, TRANSFER, asset, (from_user_id, AVAILABLE), (to_user_id, AVAILABLE), amount, idempotency_key, memo
        )


def hold(
    uow: UnitOfWork, user_id: int, asset: str, amount: int, idempotency_key: str, *, memo: str = ""
) -> LedgerTransactionView:
    """Freeze `amount` of the user's available balance (escrow, pending withdrawal)."""
    with uow.transaction() as s:
        return _post_leg(s, HOLD, asset, (user_id, AVAILABLE), (user_id, HELD), amount, idempotency_key, memo)


def release(
    uow: UnitOfWork, user_id: int, asset: str, amount: int, idempotency_key: str, *, memo: str = ""
) -> LedgerTransactionView:
    """Give held funds back to the same user's available balance."""
    with uow.transaction() as s:
        return _post_leg(s, RELEASE, asset, (user_id, HELD), (user_id, AVAILABLE), amount, idempotency_key, memo)


def capture_held(
    uow: UnitOfWork,
    user_id: int,
    asset: str,
    amount: int,
    idempotency_key: str,
    *,
    to_user_id: int | None = None,
    to_system: str | None = None,
    memo: str = "",
) -> LedgerTransactionView:
    """Pay held funds out to another user's available balance or to a system account, exactly one."""
    if (to_user_id is None) == (to_system is None):
        raise ValueError("capture_held needs exactly one of to_user_id and to_system")
    destination = (to_user_id, AVAILABLE) if to_user_id is not None else to_system
    with uow.transaction() as s:
        return _post_leg(s, CAPTURE, asset, (user_id, HELD), destination, amount, idempotency_key, memo)


# A use case's account: a user's (user id, kind), or a system account's kind.
Owner = tuple[int, str] | str


def _post_leg(
    session: Session,
    kind: str,
    asset: str,
    source: Owner,
    destination: Owner,
    amount: int,
    idempotency_key: str,
    memo: str,
) -> LedgerTransactionView:
    """`post` one leg between two accounts. On PostgreSQL, when both accounts exist and the posting goes
    through, that is one round trip with its wake-up; otherwise (SQLite, a first payment into an account,
    a refusal, a replay, a bad amount) `post` on the accounts found or created."""
    keys = (_owner_key(source, asset), _owner_key(destination, asset))
    plain_amount = type(amount) is int and 0 < amount <= MAX_MINOR
    if session.get_bind().dialect.name == "postgresql" and plain_amount and keys[0] != keys[1]:
        posted = _post_by_keys(session, idempotency_key, kind, memo, asset, keys, amount)
        if posted is not None:
            return posted
    if isinstance(source, tuple) and isinstance(destination, tuple):
        accounts = _user_accounts(session, asset, source, destination)
    else:
        accounts = [_owner_account(session, owner, asset) for owner in (source, destination)]
    return post(session, idempotency_key=idempotency_key, kind=kind, legs=[Leg(*accounts, amount)], memo=memo)


def _post_by_keys(
    session: Session, idempotency_key: str, kind: str, memo: str, asset: str, keys: tuple[str, str], amount: int
) -> LedgerTransactionView | None:
    """ledger_post_keys() (migration 0039): the posting and its NOTIFY, or None when it wrote nothing."""
    source_key, destination_key = keys
    topics = [balances_topic(owner) for owner in sorted({account_owner(key) for key in keys} - {None})]
    # Two topics always fit one payload.
    payload = next(payloads(topics), None)
    created_at = utcnow()
    fingerprint = move_hash(kind, memo, [(source_key, destination_key, asset, amount)])
    # A plain driver statement: compiling a SQLAlchemy construct per call would cost as much Python as
    # the round trips this function saves.
    ids = (
        session.connection()
        .exec_driver_sql(
            _POST_BY_KEYS,
            (idempotency_key, kind, memo, fingerprint, created_at, *keys, asset, amount, CHANNEL, payload),
        )
        .scalar_one()
    )
    if ids is None:
        return None
    transaction_id, source_id, destination_id = ids
    announce_sent(session, *topics)
    lines = sorted(
        [
            PostingLine(AccountRef(source_id, source_key, asset), -amount),
            PostingLine(AccountRef(destination_id, destination_key, asset), amount),
        ],
        key=lambda line: line.account.id,
    )
    return _view(transaction_id, idempotency_key, kind, memo, created_at, lines)


# --- helpers -------------------------------------------------------------------------------------


def _account(session: Session, key: str, **values) -> AccountRef:
    found = session.execute(_ACCOUNT_ID, {"key": key}).scalar_one_or_none()
    if found is None:
        # Two first payments to one user race here; the unique key lets one insert win, the other
        # waits for it and inserts nothing, and both read the same row below.
        session.execute(_insert_unless_exists(session, _accounts, "key").values(key=key, balance=0, **values))
        found = session.execute(_ACCOUNT_ID, {"key": key}).scalar_one()
    return AccountRef(found, key, values["asset"])


def _owner_key(owner: Owner, asset: str) -> str:
    return system_account_key(owner, asset) if isinstance(owner, str) else user_account_key(owner[0], asset, owner[1])


def _owner_account(session: Session, owner: Owner, asset: str) -> AccountRef:
    if isinstance(owner, str):
        return system_account(session, owner, asset)
    return user_account(session, owner[0], asset, owner[1])


def _user_accounts(session: Session, asset: str, *owners: tuple[int, str]) -> list[AccountRef]:
    """`user_account` for two (user id, kind), in one query when both exist."""
    keys = [user_account_key(user_id, asset, kind) for user_id, kind in owners]
    found = dict(session.execute(_TWO_ACCOUNT_IDS, dict(zip("ab", keys, strict=True))).all())
    return [
        AccountRef(found[key], key, asset) if key in found else user_account(session, user_id, asset, kind)
        for key, (user_id, kind) in zip(keys, owners, strict=True)
    ]


# The catalog's assets are the ledger's: a refusal's amounts need their decimals to be written.
_ASSET_DECIMALS = {code: decimals for code, _name, decimals in catalog_data.ASSETS}


def _shortfall(lines: Sequence[PostingLine], locked: dict) -> KryptonError | None:
    """The error for the first account the postings would take below zero or out of what its BIGINT
    balance holds (PostgreSQL would refuse the update; SQLite would make the balance a float); raise
    on a wrong account."""
    for line in lines:
        row = locked.get(line.account.id)
        if row is None:
            raise LookupError(f"no ledger account {line.account.key} with id {line.account.id}")
        if row.asset != line.account.asset:
            raise UnbalancedTransaction(f"account {line.account.key} is not a {line.account.asset} account")
        if not -MAX_MINOR - 1 <= row.balance + line.amount <= MAX_MINOR:
            return InvalidAmount(
                f"{line.account.key} holds {row.balance}: {line.amount:+} is beyond what a balance holds",
                account=line.account.key,
                balance=row.balance,
                amount=line.amount,
            )
        if row.balance + line.amount < 0 and not row.may_go_negative:
            # A user's spendable balance is what the message names ("4.1 TON available").
            spendable = {"available": row.balance} if line.account.key.endswith(f":{AVAILABLE}") else {}
            return InsufficientFunds(
                f"{line.account.key} holds {row.balance}, needs {-line.amount}",
                account=line.account.key,
                asset=row.asset,
                balance=row.balance,
                required=-line.amount,
                decimals=_ASSET_DECIMALS.get(row.asset),
                **spendable,
            )
    return None


def _blocked(session: Session, lines: Sequence[PostingLine], locked: dict) -> KryptonError | None:
    """UserBlocked when a posting takes from a blocked user's available balance."""
    payers = {
        locked[line.account.id].user_id: line.account.key
        for line in lines
        if line.amount < 0 and locked[line.account.id].kind == AVAILABLE and locked[line.account.id].user_id
    }
    blocked = sorted(blocked_among(session, payers))
    if not blocked:
        return None
    return UserBlocked(f"user {blocked[0]} is blocked", user_id=blocked[0], account=payers[blocked[0]])


def _view(
    transaction_id: int, idempotency_key: str, kind: str, memo: str, created_at: datetime, lines: Sequence[PostingLine]
) -> LedgerTransactionView:
    return LedgerTransactionView(
        id=transaction_id,
        idempotency_key=idempotency_key,
        kind=kind,
        memo=memo,
        created_at=created_at,
        postings=tuple(
            PostingView(line.account.id, line.account.key, line.account.asset, line.amount) for line in lines
        ),
    )


def _insert_unless_exists(session: Session, table: Table, unique_column: str) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING: a lost race on a unique column without an aborted transaction."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=[unique_column])


def _find_transaction(session: Session, idempotency_key: str):
    return session.execute(
        select(_transactions).where(_transactions.c.idempotency_key == idempotency_key)
    ).one_or_none()


def _replay(session: Session, existing, fingerprint: str) -> LedgerTransactionView:
    if existing.request_hash != fingerprint:
        raise IdempotencyConflict(
            f"idempotency key {existing.idempotency_key!r} was used for another request",
            idempotency_key=existing.idempotency_key,
        )
    postings = session.execute(
        select(_postings.c.account_id, _accounts.c.key, _postings.c.asset, _postings.c.amount)
        .join(_accounts, _accounts.c.id == _postings.c.account_id)
        .where(_postings.c.transaction_id == existing.id)
        .order_by(_postings.c.account_id)
    )
    return LedgerTransactionView(
        id=existing.id,
        idempotency_key=existing.idempotency_key,
        kind=existing.kind,
        memo=existing.memo,
        created_at=as_utc(existing.created_at),
        postings=tuple(PostingView(*row) for row in postings),
    )
