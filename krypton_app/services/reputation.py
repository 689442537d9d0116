"""Trader reputation (SPEC F8, F9): derived from deals and reviews on every read, never stored by hand.

- completed deals: deals that ended in `released`, as either side (a dispute's `resolved` is not counted:
  the trade did not go as agreed).
- completion rate (30 days): released / deals that ended (released, cancelled, expired, resolved) among
  the user's deals created in the last 30 days; None with no ended deal.
- average release time: mean seconds from "fiat sent" to release over deals the user released as seller.
- positive / negative: reviews of which the user is the subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, func, or_, select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import NotFound
from krypton_app.models import Deal, Review, User

RELEASED = "released"
ENDED = ("released", "cancelled", "expired", "resolved")
RATE_WINDOW = timedelta(days=30)

_deals: Table = Deal.__table__
_reviews: Table = Review.__table__
_users: Table = User.__table__


@dataclass(frozen=True)
class TraderCard:
    user_id: int
    name: str
    completed_deals: int
    completion_rate_30d: float | None  # 0..1; None before the first ended deal
    avg_release_s: int | None
    positive: int
    negative: int


def completed_deals(session: Session, user_id: int) -> int:
    """Deals the user took part in that ended `released` (inside the caller's transaction)."""
    return session.execute(
        select(func.count())
        .select_from(_deals)
        .where(_deals.c.status == RELEASED, or_(_deals.c.seller_id == user_id, _deals.c.buyer_id == user_id))
    ).scalar_one()


def completed_deals_expr(user_column):
    """The same count as a correlated subquery, for sorting ads by their owner's reputation."""
    return (
        select(func.count())
        .select_from(_deals)
        .where(_deals.c.status == RELEASED, or_(_deals.c.seller_id == user_column, _deals.c.buyer_id == user_column))
        .scalar_subquery()
    )


def trader_card(uow: UnitOfWork, user_id: int, *, now: datetime) -> TraderCard:
    with uow.read() as s:
        return trader_card_in(s, user_id, now=now)


def trader_card_in(s: Session, user_id: int, *, now: datetime) -> TraderCard:
    user = s.execute(select(_users.c.display_name, _users.c.username).where(_users.c.id == user_id)).one_or_none()
    if user is None:
        raise NotFound(f"user {user_id} not found")
    mine = or_(_deals.c.seller_id == user_id, _deals.c.buyer_id == user_id)
    recent = dict(
        s.execute(
            select(_deals.c.status, func.count())
            .where(mine, _deals.c.status.in_(ENDED), _deals.c.created_at >= now - RATE_WINDOW)
            .group_by(_deals.c.status)
        ).all()
    )
    ended = sum(recent.values())
    # Durations in Python: date arithmetic differs between SQLite and PostgreSQL.
    releases = s.execute(
        select(_deals.c.fiat_sent_at, _deals.c.released_at).where(
            _deals.c.seller_id == user_id,
            _deals.c.status == RELEASED,
            _deals.c.fiat_sent_at.is_not(None),
            _deals.c.released_at.is_not(None),
        )
    ).all()
    seconds = [(released - sent).total_seconds() for sent, released in releases]
    votes = dict(
        s.execute(
            select(_reviews.c.positive, func.count())
            .where(_reviews.c.subject_id == user_id)
            .group_by(_reviews.c.positive)
        ).all()
    )
    return TraderCard(
        user_id=user_id,
        name=user.display_name or user.username or f"#{user_id}",
        completed_deals=completed_deals(s, user_id),
        completion_rate_30d=recent.get(RELEASED, 0) / ended if ended else None,
        avg_release_s=round(sum(seconds) / len(seconds)) if seconds else None,
        positive=votes.get(True, 0),
        negative=votes.get(False, 0),
    )
