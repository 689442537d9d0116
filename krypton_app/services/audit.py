"""The operators' audit log (SPEC F13): every operator action writes one line — who, when, what, to what,
with what values — in the SAME transaction as the action, so an action and its line commit together or
not at all. A repeated click that changes nothing writes nothing. Operators read the log in the console;
nobody can edit it (there is no use case that updates or deletes a line).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.models import OperatorAction, User
from krypton_app.models.common import as_utc
from krypton_app.services.roles import require_operator

# What an operator can do; the console names each as operator.audit.<action> (en / ru).
PAYOUT_PAID = "payout_paid"
PAYOUT_REJECTED = "payout_rejected"
DEPOSIT_CREDITED = "deposit_credited"
DEPOSIT_RETURNED = "deposit_returned"
DEPOSIT_DISMISSED = "deposit_dismissed"
DISPUTE_RESOLVED = "dispute_resolved"
FEE_CHANGED = "fee_changed"
SWEEP_THRESHOLD_CHANGED = "sweep_threshold_changed"
SWEEP_FORCED = "sweep_forced"
USER_BLOCKED = "user_blocked"
USER_UNBLOCKED = "user_unblocked"
SESSIONS_REVOKED = "sessions_revoked"
ACTIONS = (
    PAYOUT_PAID,
    PAYOUT_REJECTED,
    DEPOSIT_CREDITED,
    DEPOSIT_RETURNED,
    DEPOSIT_DISMISSED,
    DISPUTE_RESOLVED,
    FEE_CHANGED,
    SWEEP_THRESHOLD_CHANGED,
    SWEEP_FORCED,
    USER_BLOCKED,
    USER_UNBLOCKED,
    SESSIONS_REVOKED,
)


@dataclass(frozen=True)
class AuditLine:
    id: int
    operator_id: int
    operator_name: str  # display name or username, "" when the operator set neither
    action: str
    subject: str
    details: dict
    created_at: datetime


def record(s: Session, operator_id: int, action: str, subject: str = "", **details: object) -> None:
    """Write one line in the caller's transaction. `details` must be JSON values (str, int, bool, None,
    lists and dicts of them): amounts in minor units, as everywhere."""
    if action not in ACTIONS:
        raise ValueError(f"unknown operator action {action!r}")
    s.add(OperatorAction(operator_id=operator_id, action=action, subject=subject, details=details))
    s.flush()


def list_actions(
    uow: UnitOfWork, operator_id: int, *, before_id: int | None = None, limit: int = 50
) -> list[AuditLine]:
    """The newest lines first, `limit` of them older than `before_id` (the next page); operators only."""
    limit = max(1, min(limit, 200))
    with uow.read() as s:
        require_operator(s, operator_id)
        query = (
            select(OperatorAction, User.display_name, User.username)
            .join(User, User.id == OperatorAction.operator_id)
            .order_by(OperatorAction.id.desc())
            .limit(limit)
        )
        if before_id is not None:
            query = query.where(OperatorAction.id < before_id)
        rows = s.execute(query).all()
        return [
            AuditLine(
                id=row.OperatorAction.id,
                operator_id=row.OperatorAction.operator_id,
                operator_name=row.display_name or row.username or "",
                action=row.OperatorAction.action,
                subject=row.OperatorAction.subject,
                details=dict(row.OperatorAction.details or {}),
                created_at=as_utc(row.OperatorAction.created_at),
            )
            for row in rows
        ]
