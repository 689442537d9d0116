"""What the deal page shows, in one call: the deal as the viewer sees it, the chat after the last
message the page has, the dispute once there is one, the viewer's own review once reviews are open,
and who the viewer trades with (name and reputation; None for an operator, who is neither side).

The ad's terms are public and go to every viewer; the seller's payment details (Ad.payment_details) go
only to the deal's buyer and seller: this is the one place they leave the database for anyone but the
ad's owner, so an operator deciding a dispute and every stranger get "".

The counterparty's card is a few aggregate queries and moves only when deals end, so a page that
polls the room reads it once and again only when the deal's status changed (`counterparty_known_at`).

Each part is read by its own service, which checks the viewer again (NotFound for a stranger)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.models import Ad, User
from krypton_app.models.common import utcnow
from krypton_app.services.buy_deals import BuyDestinationView, buy_destination
from krypton_app.services.chat import ChatMessageView, list_messages
from krypton_app.services.deal_rows import DealView
from krypton_app.services.deals import get_deal
from krypton_app.services.disputes import DisputeView, get_dispute
from krypton_app.services.part_deals import PartDeal, part_deal
from krypton_app.services.reputation import TraderCard, trader_card_in
from krypton_app.services.reviews import ReviewView, my_review
from krypton_app.services.users import public_name


@dataclass(frozen=True)
class DealRoom:
    deal: DealView
    messages: list[ChatMessageView]  # oldest first, after the id asked for
    dispute: DisputeView | None
    my_review: ReviewView | None
    counterparty: TraderCard | None = None
    ad_terms: str = ""
    payment_details: str = ""  # only for the deal's two sides
    # False when the card was not read this time (the caller has it for this status): keep what it shows.
    counterparty_read: bool = True
    # The invoice part the deal pays (SPEC F10), read with the card; None for a plain deal.
    part: PartDeal | None = None
    # Where a purchase's crypto goes (SPEC F7), read every time: the release changes it; None for other deals.
    buy: BuyDestinationView | None = None


def _counterparty(uow: UnitOfWork, deal: DealView, now: datetime) -> TraderCard | None:
    if deal.my_role not in machine.SIDES:
        return None
    other_id = deal.buyer_id if deal.my_role == machine.SELLER else deal.seller_id
    with uow.read() as s:
        card = trader_card_in(s, other_id, now=now)
        user = s.get(User, other_id)
        return replace(card, name=public_name(user.display_name, user.username, user.wallet_address)) if user else card


def _ad_part(uow: UnitOfWork, deal: DealView) -> tuple[str, str]:
    """(terms, payment details) of the deal's ad; the details only when the viewer is a side."""
    with uow.read() as s:
        ad = s.get(Ad, deal.ad_id)
        if ad is None:
            return "", ""
        return ad.terms, ad.payment_details if deal.my_role in machine.SIDES else ""


def read_deal_room(
    uow: UnitOfWork,
    viewer_id: int,
    deal_id: int,
    *,
    after_id: int = 0,
    now: datetime | None = None,
    counterparty_known_at: str = "",
) -> DealRoom:
    """`counterparty_known_at`: the deal status at which the caller last read the counterparty's card;
    while the deal is still in it the card is not read again ("" reads it)."""
    deal = get_deal(uow, viewer_id, deal_id)
    card_read = deal.status != counterparty_known_at
    dispute = get_dispute(uow, viewer_id, deal_id) if deal.status in machine.WITH_DISPUTE else None
    review = my_review(uow, viewer_id, deal_id) if machine.REVIEW in deal.allowed_actions else None
    terms, details = _ad_part(uow, deal)
    return DealRoom(
        deal=deal,
        messages=list_messages(uow, viewer_id, deal_id, after_id=after_id),
        dispute=dispute,
        my_review=review,
        counterparty=_counterparty(uow, deal, now or utcnow()) if card_read else None,
        ad_terms=terms,
        payment_details=details,
        counterparty_read=card_read,
        part=part_deal(uow, viewer_id, deal_id) if card_read and deal.release_to != "buyer" else None,
        buy=buy_destination(uow, viewer_id, deal_id) if deal.purpose.kind == machine.BUY else None,
    )
