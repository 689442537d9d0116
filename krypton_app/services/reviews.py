"""Reviews (SPEC F9, issue 5 item 6): after a deal is released or its dispute resolved, each side may
rate the other once (+ or -) with a comment. Reputation figures read these rows; nothing is kept by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.domain.errors import KryptonError, NotFound
from krypton_app.models import Deal, Review, User
from krypton_app.models.common import as_utc, utcnow
from krypton_app.services.chat import clean_text

COMMENT_MAX = 1000
PAGE_SIZE_MAX = 100


@dataclass(frozen=True)
class ReviewView:
    id: int
    deal_id: int
    author_id: int
    author_name: str  # display name, else username, else ""
    subject_id: int
    positive: bool
    comment: str  # plain text, escaped by the UI
    created_at: datetime


@dataclass(frozen=True)
class ReviewPage:
    items: list[ReviewView]
    page: int
    page_size: int
    total: int
    pages: int


def _view(row: Review, author: User | None) -> ReviewView:
    name = (author.display_name or author.username or "") if author else ""
    return ReviewView(
        id=row.id,
        deal_id=row.deal_id,
        author_id=row.author_id,
        author_name=name,
        subject_id=row.subject_id,
        positive=row.positive,
        comment=row.comment,
        created_at=as_utc(row.created_at),
    )


def leave_review(
    uow: UnitOfWork, author_id: int, deal_id: int, *, positive: bool, comment: str, now: datetime | None = None
) -> ReviewView:
    """The author's one review of the other side of a completed deal."""
    text = clean_text(comment)
    if len(text) > COMMENT_MAX:
        raise KryptonError(code="review_comment_too_long", limit=COMMENT_MAX)
    try:
        with uow.transaction() as s:
            deal = s.get(Deal, deal_id)
            # Only the two sides review; to anyone else (operators too) the deal does not exist.
            if deal is None or author_id not in (deal.seller_id, deal.buyer_id):
                raise NotFound("deal", deal_id=deal_id)
            if deal.status not in machine.REVIEWABLE:
                raise KryptonError(code="review_too_early", status=deal.status)
            taken = select(Review.id).where(Review.deal_id == deal_id, Review.author_id == author_id)
            if s.execute(taken).first() is not None:
                raise KryptonError(code="review_duplicate")
            subject_id = deal.buyer_id if author_id == deal.seller_id else deal.seller_id
            row = Review(
                deal_id=deal_id,
                author_id=author_id,
                subject_id=subject_id,
                positive=bool(positive),
                comment=text,
                created_at=now or utcnow(),
            )
            s.add(row)
            s.flush()
            return _view(row, s.get(User, author_id))
    except IntegrityError as exc:
        # Two concurrent submissions both passed the check above; the unique constraint lets one in.
        raise KryptonError(code="review_duplicate") from exc


def list_reviews(uow: UnitOfWork, subject_id: int, *, page: int = 1, page_size: int = 20) -> ReviewPage:
    """Reviews about a trader, newest first. Public: the trader card shows them to everyone."""
    page_size = max(1, min(int(page_size), PAGE_SIZE_MAX))
    page = max(1, int(page))
    with uow.read() as s:
        total = int(s.execute(select(func.count()).where(Review.subject_id == subject_id)).scalar_one())
        rows = s.execute(
            select(Review, User)
            .join(User, User.id == Review.author_id)
            .where(Review.subject_id == subject_id)
            .order_by(Review.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
        items = [_view(review, author) for review, author in rows]
    return ReviewPage(items=items, page=page, page_size=page_size, total=total, pages=max(1, -(-total // page_size)))


def my_review(uow: UnitOfWork, author_id: int, deal_id: int) -> ReviewView | None:
    """The viewer's own review of a deal, if any (the deal page hides the form once it exists)."""
    with uow.read() as s:
        row = s.execute(select(Review).where(Review.deal_id == deal_id, Review.author_id == author_id)).scalar()
        return _view(row, s.get(User, author_id)) if row else None
