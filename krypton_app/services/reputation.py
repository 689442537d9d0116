"""Trader reputation (SPEC F8, F9): derived from deals and reviews on every read, never stored by hand.

- completed deals: deals that ended in `released`, as either side (a dispute's `resolved` is not counted:
  the trade did not go as agreed).
- completion rate (30 days): released / deals that ended (released, cancelled, expired, resolved) among
  the user's deals created in the last 30 days; None with no ended deal.
- average release time: mean seconds from "fiat sent" to release over deals the user released as seller.
- positive / negative: reviews of which the user is the subject.
- lapsed: fiat payouts (SPEC F10, services/fiat_payouts.py) the user, as the merchant, let lapse: the
  intermediary said the fiat was sent and the release window passed without the merchant's
  confirmation, so the timer opened a dispute. (An expired payout is the intermediary's lapse: they sent
  no fiat, the merchant lost nothing and picks another.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, func, or_, select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.deals import DISPUTED, FIAT_PAYOUT
from krypton_app.domain.errors import NotFound
from krypton_app.models import Deal, DealEvent, Review, User

RELEASED = "released"
ENDED = ("released", "cancelled", "expired", "resolved")
RATE_WINDOW = timedelta(days=30)

_deals: Table = Deal.__table__
_reviews: Table = Review.__table__
_users: Table = User.__table__
_events: Table = DealEvent.__table__


@dataclass(frozen=True)
class TraderCard:
    user_id: int
    name: str
    completed_deals: int
    completion_rate_30d: float | None  # 0..1; None before the first ended deal
    avg_release_s: int | None
    positive: int
    negative: int
    lapsed: int = 0  # fiat payouts the user as merchant left unconfirmed until the timer disputed them


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
    card = trader_cards_in(s, [user_id], now=now).get(user_id)
    if card is None:
        raise NotFound(f"user {user_id} not found")
    return card


def trader_cards_in(s: Session, user_ids: list[int], *, now: datetime) -> dict[int, TraderCard]:
    """Cards for many users in six grouped queries (a market page shows up to 100 traders)."""
    ids = list(dict.fromkeys(user_ids))
    names = {
        row.id: row.display_name or row.username or f"#{row.id}"
        for row in s.execute(select(_users.c.id, _users.c.display_name, _users.c.username).where(_users.c.id.in_(ids)))
    }
    completed = _per_side(s, ids, _deals.c.status == RELEASED)
    released_30d = _per_side(s, ids, _deals.c.status == RELEASED, _deals.c.created_at >= now - RATE_WINDOW)
    ended_30d = _per_side(s, ids, _deals.c.status.in_(ENDED), _deals.c.created_at >= now - RATE_WINDOW)
    release_time = s.execute(
        select(_deals.c.seller_id, func.avg(_seconds(s, _deals.c.fiat_sent_at, _deals.c.released_at)))
        .where(
            _deals.c.seller_id.in_(ids),
            _deals.c.status == RELEASED,
            _deals.c.fiat_sent_at.is_not(None),
            _deals.c.released_at.is_not(None),
        )
        .group_by(_deals.c.seller_id)
    ).all()
    avg_release = {user: round(float(avg)) for user, avg in release_time if avg is not None}
    votes: dict[tuple[int, bool], int] = {
        (row.subject_id, bool(row.positive)): row.n
        for row in s.execute(
            select(_reviews.c.subject_id, _reviews.c.positive, func.count().label("n"))
            .where(_reviews.c.subject_id.in_(ids))
            .group_by(_reviews.c.subject_id, _reviews.c.positive)
        )
    }
    lapsed = dict(
        s.execute(
            select(_deals.c.seller_id, func.count(func.distinct(_deals.c.id)))
            .join(_events, _events.c.deal_id == _deals.c.id)
            .where(
                _deals.c.seller_id.in_(ids),
                _deals.c.purpose == FIAT_PAYOUT,
                _events.c.to_status == DISPUTED,
                _events.c.actor_id.is_(None),
            )
            .group_by(_deals.c.seller_id)
        ).all()
    )
    return {
        user: TraderCard(
            user_id=user,
            name=name,
            completed_deals=completed.get(user, 0),
            completion_rate_30d=released_30d.get(user, 0) / ended_30d[user] if ended_30d.get(user) else None,
            avg_release_s=avg_release.get(user),
            positive=votes.get((user, True), 0),
            negative=votes.get((user, False), 0),
            lapsed=lapsed.get(user, 0),
        )
        for user, name in names.items()
    }


def _per_side(s: Session, ids: list[int], *conditions) -> dict[int, int]:
    """Deals matching `conditions` per user, as seller plus as buyer (nobody trades with themselves)."""
    counts: dict[int, int] = {}
    for column in (_deals.c.seller_id, _deals.c.buyer_id):
        for user, n in s.execute(
            select(column, func.count()).where(column.in_(ids), *conditions).group_by(column)
        ).all():
            counts[user] = counts.get(user, 0) + n
    return counts


def _seconds(s: Session, start, end):
    # Interval arithmetic differs: PostgreSQL subtracts timestamps, SQLite stores ISO text.
    if s.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400
