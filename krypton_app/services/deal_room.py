"""What the deal page shows, in one call: the deal as the viewer sees it, the chat after the last
message the page has, the dispute once there is one, and the viewer's own review once reviews are open.

Each part is read by its own service, which checks the viewer again (NotFound for a stranger)."""

from __future__ import annotations

from dataclasses import dataclass

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.services.chat import ChatMessageView, list_messages
from krypton_app.services.deal_rows import DealView
from krypton_app.services.deals import get_deal
from krypton_app.services.disputes import DisputeView, get_dispute
from krypton_app.services.reviews import ReviewView, my_review


@dataclass(frozen=True)
class DealRoom:
    deal: DealView
    messages: list[ChatMessageView]  # oldest first, after the id asked for
    dispute: DisputeView | None
    my_review: ReviewView | None


def read_deal_room(uow: UnitOfWork, viewer_id: int, deal_id: int, *, after_id: int = 0) -> DealRoom:
    deal = get_deal(uow, viewer_id, deal_id)
    dispute = get_dispute(uow, viewer_id, deal_id) if deal.status in machine.WITH_DISPUTE else None
    review = my_review(uow, viewer_id, deal_id) if machine.REVIEW in deal.allowed_actions else None
    return DealRoom(
        deal=deal,
        messages=list_messages(uow, viewer_id, deal_id, after_id=after_id),
        dispute=dispute,
        my_review=review,
    )
