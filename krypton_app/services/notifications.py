"""In-app notifications (SPEC F9, issue 5 item 7): deal requests, state changes, chat messages, timers,
and disputes waiting for an operator.

A notification stores a catalog key and its params, not rendered text, so the bell shows it in the
reader's language. `notify` runs inside the caller's transaction: the notification exists exactly
when the change it announces does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import KryptonError
from krypton_app.models import Notification
from krypton_app.models.common import as_utc, utcnow
from krypton_app.wakeups import announce, bell_topic

DEAL_REQUESTED = "deal_requested"
DEAL_STATUS = "deal_status"
CHAT_MESSAGE = "chat_message"
TIMER_SOON = "timer_soon"
DISPUTE_OPENED = "dispute_opened"  # to operators: a deal needs a decision
KINDS = (DEAL_REQUESTED, DEAL_STATUS, CHAT_MESSAGE, TIMER_SOON, DISPUTE_OPENED)
LIST_LIMIT_MAX = 200

_notifications = Notification.__table__


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    deal_id: int | None
    text_key: str
    params: dict[str, Any]
    read: bool
    created_at: datetime


def notify(
    session: Session,
    user_id: int,
    *,
    kind: str,
    deal_id: int | None,
    text_key: str,
    params: dict[str, Any] | None = None,
) -> None:
    """Add a notification for `user_id` in the caller's transaction."""
    if kind not in KINDS:
        # A typo here would hide a notification from every filter the UI has; fail loudly instead.
        raise KryptonError(f"unknown notification kind {kind!r}", code="notification_kind")
    session.add(
        Notification(
            user_id=user_id,
            kind=kind,
            deal_id=deal_id,
            text_key=text_key,
            params=_dump_params(params or {}),
        )
    )
    session.flush()
    announce(session, bell_topic(user_id))


def _dump_params(params: dict[str, Any]) -> str:
    # Params are shown through the catalog's format(); plain JSON values only (ints, strings).
    return json.dumps(params, ensure_ascii=False, sort_keys=True, default=str)


def _view(row: Notification) -> NotificationView:
    return NotificationView(
        id=row.id,
        kind=row.kind,
        deal_id=row.deal_id,
        text_key=row.text_key,
        params=json.loads(row.params or "{}"),
        read=row.read_at is not None,
        created_at=as_utc(row.created_at),
    )


def list_notifications(
    uow: UnitOfWork, user_id: int, *, unread_only: bool = False, limit: int = 50
) -> list[NotificationView]:
    """The user's own notifications, newest first."""
    limit = max(1, min(int(limit), LIST_LIMIT_MAX))
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.id.desc()).limit(limit)
    with uow.read() as s:
        return [_view(row) for row in s.execute(query).scalars()]


def unread_count(uow: UnitOfWork, user_id: int) -> int:
    with uow.read() as s:
        query = select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        return int(s.execute(query).scalar_one())


def mark_read(uow: UnitOfWork, user_id: int, ids: Iterable[int] | None = None, *, now: datetime | None = None) -> int:
    """Mark the user's notifications read (all of them when `ids` is None); returns how many changed.

    Ids of other users' notifications are ignored, not reported: the filter on user_id is the guard,
    and saying "not yours" would tell a stranger that the id exists."""
    stmt = (
        update(_notifications)
        .where(_notifications.c.user_id == user_id, _notifications.c.read_at.is_(None))
        .values(read_at=now or utcnow())
    )
    if ids is not None:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return 0
        stmt = stmt.where(_notifications.c.id.in_(wanted))
    with uow.transaction() as s:
        changed = s.execute(stmt).rowcount
        if changed:  # the user's other tabs show the new count
            announce(s, bell_topic(user_id))
        return changed
