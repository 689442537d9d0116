"""The deal room (services/deal_room.py) for issue 11 item 8: who the viewer trades with, the ad's terms,
and the seller's payment details, which only the deal's two sides ever get."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from builders import NOW, RATES, SELL, TON, deposit, disputed_deal, make_user, open_deal

from krypton_app.domain.ads import AdInvalid
from krypton_app.domain.errors import Forbidden, NotFound
from krypton_app.services import deal_room, deals
from krypton_app.services.ad_views import AdView, get_ad, list_my_ads, payment_details_of
from krypton_app.services.ads import create_ad
from krypton_app.services.deal_room import read_deal_room

DETAILS = "SBP +7 900 000-00-00, Ivan I."
TERMS = "SBP only, name must match."


def _ad(uow, owner: int, **fields) -> int:
    draft = dataclasses.replace(SELL, **{"terms": TERMS, "payment_details": DETAILS, **fields})
    return create_ad(uow, owner, draft, rates=RATES, idempotency_key=uuid.uuid4().hex).id


def _seller(uow, **columns) -> int:
    seller = make_user(uow, **columns)
    deposit(uow, seller, 10 * TON)
    return seller


def test_the_buyer_and_the_seller_see_the_payment_details_and_the_terms(uow):
    seller, buyer = _seller(uow, display_name="Bob"), make_user(uow, username="alice")
    deal = open_deal(uow, buyer, _ad(uow, seller))
    as_buyer = read_deal_room(uow, buyer, deal.id, now=NOW)
    as_seller = read_deal_room(uow, seller, deal.id, now=NOW)
    assert (as_buyer.payment_details, as_buyer.ad_terms) == (DETAILS, TERMS)
    assert (as_seller.payment_details, as_seller.ad_terms) == (DETAILS, TERMS)
    # Each side sees the other by name: the display name, else @username.
    assert as_buyer.counterparty.name == "Bob"
    assert as_seller.counterparty.name == "@alice"
    assert as_buyer.counterparty.completed_deals == 0


def test_a_nameless_trader_is_named_by_a_short_address(uow):
    seller, buyer = _seller(uow), make_user(uow)
    deal = open_deal(uow, buyer, _ad(uow, seller))
    name = read_deal_room(uow, buyer, deal.id, now=NOW).counterparty.name
    assert len(name) == 9 and name[4] == "…"


def test_reputation_counts_completed_deals(uow):
    seller, buyer = _seller(uow), make_user(uow)
    ad_id = _ad(uow, seller)
    first = open_deal(uow, buyer, ad_id)
    deals.mark_fiat_sent(uow, buyer, first.id, now=NOW)
    deals.release(uow, seller, first.id, now=NOW)
    second = open_deal(uow, buyer, ad_id)
    other = read_deal_room(uow, buyer, second.id, now=NOW).counterparty
    assert other.completed_deals == 1
    assert other.completion_rate_30d == 1.0


def test_a_polling_page_reads_the_counterpartys_card_again_only_when_the_status_changed(uow, monkeypatch):
    """The deal page polls the room; the card (aggregate queries) is read on load and on a status change."""
    seller, buyer = _seller(uow, display_name="Bob"), make_user(uow)
    deal = open_deal(uow, buyer, _ad(uow, seller))
    cards = []
    original = deal_room.trader_card_in
    monkeypatch.setattr(deal_room, "trader_card_in", lambda *a, **k: cards.append(1) or original(*a, **k))
    first = read_deal_room(uow, buyer, deal.id, now=NOW)
    assert (first.counterparty_read, first.counterparty.name, len(cards)) == (True, "Bob", 1)
    again = read_deal_room(uow, buyer, deal.id, now=NOW, counterparty_known_at=first.deal.status)
    assert (again.counterparty_read, again.counterparty, len(cards)) == (False, None, 1)
    deals.mark_fiat_sent(uow, buyer, deal.id, now=NOW)
    moved = read_deal_room(uow, buyer, deal.id, now=NOW, counterparty_known_at=first.deal.status)
    assert (moved.counterparty_read, moved.counterparty.name, len(cards)) == (True, "Bob", 2)


def test_strangers_and_the_market_never_get_the_payment_details(uow):
    seller, buyer, stranger = _seller(uow), make_user(uow), make_user(uow)
    ad_id = _ad(uow, seller)
    deal = open_deal(uow, buyer, ad_id)
    with pytest.raises(NotFound):
        read_deal_room(uow, stranger, deal.id, now=NOW)
    # The public view of an ad (market, ad page, the owner's list) has no such field at all.
    assert "payment_details" not in {f.name for f in dataclasses.fields(AdView)}
    assert DETAILS not in repr(get_ad(uow, ad_id)) + repr(list_my_ads(uow, seller))
    # Only the owner reads them back (the edit form).
    assert payment_details_of(uow, seller, ad_id) == DETAILS
    with pytest.raises(Forbidden):
        payment_details_of(uow, buyer, ad_id)


def test_an_operator_deciding_a_dispute_does_not_get_the_payment_details(uow):
    case = disputed_deal(uow)
    room = read_deal_room(uow, case.operator, case.dispute.deal.id, now=NOW)
    assert room.payment_details == "" and room.counterparty is None


def test_payment_details_are_length_limited(uow):
    seller = _seller(uow)
    with pytest.raises(AdInvalid) as refused:
        _ad(uow, seller, payment_details="x" * 201)
    assert refused.value.code == "ad_payment_details_invalid"
    assert payment_details_of(uow, seller, _ad(uow, seller, payment_details="  " + "x" * 200 + " ")) == "x" * 200
