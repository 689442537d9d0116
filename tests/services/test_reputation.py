"""Trader cards derive from deals and reviews only, on SQLite and PostgreSQL."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from builders import make_user

from krypton_app.domain.errors import NotFound
from krypton_app.models import Ad, Deal, Review
from krypton_app.services.reputation import completed_deals, trader_card

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def market(uow):
    users = [make_user(uow, display_name="Alice"), make_user(uow), make_user(uow)]
    with uow.transaction() as s:
        ad = Ad(
            owner_id=users[0],
            side="sell",
            asset="TON",
            fiat="RUB",
            country="RU",
            methods="sbp",
            price_kind="fixed",
            price=42000,
            min_amount=1,
            max_amount=10,
            total_volume=10,
            remaining=10,
        )
        s.add(ad)
        s.flush()
        return uow, ad.id, users


def add_deal(uow, ad_id, seller, buyer, status, *, created, release_after=None):
    with uow.transaction() as s:
        deal = Deal(
            ad_id=ad_id,
            seller_id=seller,
            buyer_id=buyer,
            taker_id=buyer,
            asset="TON",
            amount=1,
            fiat="RUB",
            fiat_amount=1,
            price=42000,
            method="sbp",
            status=status,
            idempotency_key=uuid.uuid4().hex,
            created_at=created,
        )
        if release_after is not None:
            deal.fiat_sent_at = created + timedelta(minutes=5)
            deal.released_at = deal.fiat_sent_at + release_after
        s.add(deal)
        s.flush()
        return deal.id


def test_a_new_trader_has_an_empty_card(market):
    uow, _, (alice, _, _) = market
    card = trader_card(uow, alice, now=NOW)
    assert (card.name, card.completed_deals, card.completion_rate_30d, card.avg_release_s) == ("Alice", 0, None, None)
    assert (card.positive, card.negative) == (0, 0)
    with pytest.raises(NotFound):
        trader_card(uow, 10_000, now=NOW)


def test_figures_derive_from_deals_and_reviews(market):
    uow, ad_id, (alice, bob, carol) = market
    recent = NOW - timedelta(days=2)
    old = NOW - timedelta(days=40)
    first = add_deal(uow, ad_id, alice, bob, "released", created=recent, release_after=timedelta(seconds=60))
    add_deal(uow, ad_id, alice, carol, "released", created=recent, release_after=timedelta(seconds=180))
    add_deal(uow, ad_id, bob, alice, "released", created=old)  # as buyer: counts, no release time
    add_deal(uow, ad_id, alice, bob, "cancelled", created=recent)
    add_deal(uow, ad_id, alice, bob, "expired", created=old)  # outside the 30 days
    add_deal(uow, ad_id, alice, carol, "escrow_locked", created=recent)  # not ended: not in the rate
    add_deal(uow, ad_id, bob, carol, "released", created=recent)  # not Alice's
    with uow.transaction() as s:
        s.add(Review(deal_id=first, author_id=bob, subject_id=alice, positive=True, comment="fast"))
        s.add(Review(deal_id=first, author_id=alice, subject_id=bob, positive=False))
    card = trader_card(uow, alice, now=NOW)
    assert card.completed_deals == 3
    assert card.completion_rate_30d == pytest.approx(2 / 3)
    assert card.avg_release_s == 120
    assert (card.positive, card.negative) == (1, 0)
    with uow.read() as s:
        assert completed_deals(s, bob) == 3 and completed_deals(s, carol) == 2
    assert trader_card(uow, bob, now=NOW).negative == 1
