"""Operator console use cases: the review queue of chain transactions the monitor could not credit
(a memo that matched no user, or another reason: services/deposits.py REVIEW_REASONS).

Who is an operator is decided in services/roles.py; the payout queue's operator actions live with the
payouts (services/payout_queue.py) and use the same check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pytoniq_core import Address
from pytoniq_core.boc.address import AddressError
from sqlalchemy import Table, or_, select, true, update
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import InvalidState, NotFound
from krypton_app.domain.ledger import EXTERNAL, Leg
from krypton_app.models import Asset, UnmatchedDeposit, User
from krypton_app.models.common import as_utc, utcnow
from krypton_app.services import audit
from krypton_app.services.ledger import post, system_account, user_account
from krypton_app.services.roles import require_operator

DEPOSIT_REVIEW_CREDIT = "deposit_review_credit"
PENDING, CREDITED, RETURNED, DISMISSED = "pending", "credited", "returned", "dismissed"
UNMATCHED_STATUSES = (PENDING, CREDITED, RETURNED, DISMISSED)
# What the operator may do with a pending item: credit it to a user, record that it was sent back, or
# close it with no movement (nothing arrived to credit or return: 0 USDT, a stranger's notification).
CREDIT, RETURN, DISMISS = "credit", "return", "dismiss"

_deposits: Table = UnmatchedDeposit.__table__


@dataclass(frozen=True)
class UnmatchedDepositView:
    id: int
    chain_tx_hash: str
    asset: str
    decimals: int
    amount: int | None  # None: unknown, or more than a balance holds (see `detail`)
    sender: str | None
    comment: str | None
    reason: str  # why it waits here: services/deposits.py REVIEW_REASONS, shown as operator.reason.<reason>
    detail: str | None  # the error that stopped it, or the amount too large to store
    status: str
    created_at: datetime
    allowed_actions: tuple[str, ...]


def list_unmatched_deposits(
    uow: UnitOfWork, operator_id: int, *, status: str = PENDING, limit: int = 100
) -> list[UnmatchedDepositView]:
    """The review queue, oldest first (the order they should be worked through)."""
    if status not in UNMATCHED_STATUSES:
        raise ValueError(f"unknown unmatched deposit status {status!r}")
    with uow.read() as s:
        require_operator(s, operator_id)
        rows = s.execute(
            _select_views().where(_deposits.c.status == status).order_by(_deposits.c.id).limit(limit)
        ).all()
    return [_to_view(row) for row in rows]


def credit_unmatched_deposit(
    uow: UnitOfWork, operator_id: int, deposit_id: int, *, user_ref: str
) -> UnmatchedDepositView:
    """Credit a deposit whose memo matched nobody to the user the operator identified.

    `user_ref` is the user's TON wallet address (raw or friendly) or their user number (`42` or `#42`, shown
    on their profile): never an email, phone or username, which anyone can type into their own profile. The
    ledger key derives from the deposit, so a double click (or two operators at once) credits it once; a
    repeat for the same user returns the same result.
    """
    user_id = _find_user(uow, user_ref)
    with uow.transaction() as s:
        require_operator(s, operator_id)
        # The status check is in the UPDATE itself, so credit and return cannot both win.
        moved = s.execute(
            update(_deposits)
            .where(_deposits.c.id == deposit_id, _deposits.c.status == PENDING, _creditable())
            .values(status=CREDITED, resolved_user_id=user_id, resolved_by=operator_id, resolved_at=utcnow())
        ).rowcount
        deposit = s.execute(select(_deposits).where(_deposits.c.id == deposit_id)).one_or_none()
        if deposit is None:
            raise NotFound(f"unmatched deposit {deposit_id}")
        if not moved:
            if deposit.status == CREDITED and deposit.resolved_user_id == user_id:
                return _view(s, deposit_id)
            if deposit.status == PENDING:
                raise InvalidState(
                    f"deposit {deposit_id} has no amount to credit ({deposit.reason})", code="deposit_not_creditable"
                )
            raise InvalidState(f"deposit {deposit_id} is {deposit.status}", status=deposit.status)
        leg = Leg(system_account(s, EXTERNAL, deposit.asset), user_account(s, user_id, deposit.asset), deposit.amount)
        post(
            s,
            idempotency_key=f"deposit_review_credit:{deposit_id}",
            kind=DEPOSIT_REVIEW_CREDIT,
            legs=[leg],
            memo=f"deposit {deposit.chain_tx_hash} credited after review",
        )
        audit.record(s, operator_id, audit.DEPOSIT_CREDITED, f"deposit:{deposit_id}", user_id=user_id)
        return _view(s, deposit_id)


def mark_unmatched_returned(uow: UnitOfWork, operator_id: int, deposit_id: int) -> UnmatchedDepositView:
    """Record that the operator sent the deposit back to its sender.

    The transfer back is made by hand from the hot wallet for now; this only closes the review item
    (pending -> returned) so it can never be credited as well. No ledger movement: the deposit was never
    credited to anyone.
    """
    return _close(uow, operator_id, deposit_id, RETURNED, _returnable())


def dismiss_unmatched_deposit(uow: UnitOfWork, operator_id: int, deposit_id: int) -> UnmatchedDepositView:
    """Close a review item with no movement and nothing sent back: for what brought nothing to credit
    or return (0 USDT, a notification without an amount), or what the operator decided to keep out of
    the ledger. The item and its reason stay on record."""
    return _close(uow, operator_id, deposit_id, DISMISSED, true())


def _close(uow: UnitOfWork, operator_id: int, deposit_id: int, to_status: str, allowed) -> UnmatchedDepositView:
    """pending -> returned | dismissed, with no ledger movement; a repeat returns the same result."""
    with uow.transaction() as s:
        require_operator(s, operator_id)
        moved = s.execute(
            update(_deposits)
            .where(_deposits.c.id == deposit_id, _deposits.c.status == PENDING, allowed)
            .values(status=to_status, resolved_by=operator_id, resolved_at=utcnow())
        ).rowcount
        status = s.execute(select(_deposits.c.status).where(_deposits.c.id == deposit_id)).scalar_one_or_none()
        if status is None:
            raise NotFound(f"unmatched deposit {deposit_id}")
        if not moved and status != to_status:
            raise InvalidState(f"deposit {deposit_id} is {status}: it cannot be {to_status}", status=status)
        if moved:
            action = audit.DEPOSIT_RETURNED if to_status == RETURNED else audit.DEPOSIT_DISMISSED
            audit.record(s, operator_id, action, f"deposit:{deposit_id}")
        return _view(s, deposit_id)


def _creditable():
    return _deposits.c.amount > 0  # not NULL (unknown or too large), not 0 (nothing arrived)


def _returnable():
    return or_(_deposits.c.amount.is_(None), _deposits.c.amount > 0)  # something arrived to send back


def _actions(status: str, amount: int | None) -> tuple[str, ...]:
    """What the operator may do with an item: the page shows these, the updates above check the same."""
    if status != PENDING:
        return ()
    actions = [CREDIT] if amount is not None and amount > 0 else []
    if amount is None or amount > 0:
        actions.append(RETURN)
    return (*actions, DISMISS)


def _find_user(uow: UnitOfWork, user_ref: str) -> int:
    text = (user_ref or "").strip()
    number = text.removeprefix("#")
    with uow.read() as s:
        if number.isascii() and number.isdigit() and len(number) <= 18:
            found = s.execute(select(User.id).where(User.id == int(number))).scalar_one_or_none()
        else:
            try:
                raw = Address(text).to_str(is_user_friendly=False)
            except (AddressError, IndexError):
                raw = None
            found = (
                s.execute(select(User.id).where(User.wallet_address == raw)).scalar_one_or_none()
                if raw is not None
                else None
            )
    if found is None:
        raise NotFound(f"no user with wallet address or number {text!r}", code="user_ref_not_found")
    return found


def _select_views():
    return select(
        _deposits.c.id,
        _deposits.c.chain_tx_hash,
        _deposits.c.asset,
        Asset.decimals,
        _deposits.c.amount,
        _deposits.c.sender,
        _deposits.c.comment,
        _deposits.c.reason,
        _deposits.c.detail,
        _deposits.c.status,
        _deposits.c.created_at,
    ).join(Asset, Asset.code == _deposits.c.asset)


def _to_view(row) -> UnmatchedDepositView:
    *values, created_at = row
    return UnmatchedDepositView(*values, as_utc(created_at), _actions(row.status, row.amount))


def _view(session: Session, deposit_id: int) -> UnmatchedDepositView:
    return _to_view(session.execute(_select_views().where(_deposits.c.id == deposit_id)).one())
