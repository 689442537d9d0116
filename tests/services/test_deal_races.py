"""Racing deal actions on PostgreSQL (SQLite's single writer cannot show a race): of two actions
from the same state exactly one wins, and the ledger stays whole."""

from datetime import timedelta

import pytest
from builders import NOW, TON, assert_invariants, balances, make_users, open_deal, race, remaining, sell_ad

from krypton_app.domain.errors import AdUnavailable, DealTransitionRefused
from krypton_app.services import deal_timers, deals

ROUNDS = 5


def test_release_vs_cancel(pg_uow):
    uow = pg_uow
    owner, taker, ad_id = sell_ad(uow)
    for _ in range(ROUNDS):
        deal = open_deal(uow, taker, ad_id, amount="1")
        released, cancelled = race(
            lambda d=deal: deals.release(uow, owner, d.id, now=NOW),
            lambda d=deal: deals.cancel(uow, taker, d.id, now=NOW),
        )
        outcomes = [r for r in (released, cancelled) if not isinstance(r, Exception)]
        assert len(outcomes) == 1, (released, cancelled)
        loser = cancelled if outcomes[0] is released else released
        assert isinstance(loser, DealTransitionRefused)
        final = deals.get_deal(uow, taker, deal.id)
        assert final.status == outcomes[0].status
        assert len(final.events) == 2
    got, _ = balances(uow, taker)
    assert got + remaining(uow, ad_id) == 10 * TON  # every TON either released or back in the ad
    assert_invariants(uow)


def test_mark_fiat_sent_vs_timer(pg_uow):
    uow = pg_uow
    owner, taker, ad_id = sell_ad(uow)
    due = NOW + timedelta(minutes=15)
    for _ in range(ROUNDS):
        deal = open_deal(uow, taker, ad_id, amount="1")
        # The buyer presses "paid" in the window's last second while the timer runs at its end: one wins
        # (at the deadline itself "paid" is refused by the clock, so nothing would race).
        paid, moved = race(
            lambda d=deal: deals.mark_fiat_sent(uow, taker, d.id, now=due - timedelta(seconds=1)),
            lambda: deal_timers.run_timers(uow, now=due),
        )
        final = deals.get_deal(uow, taker, deal.id).status
        if isinstance(paid, Exception):
            assert isinstance(paid, DealTransitionRefused) and moved == 1 and final == "expired"
        else:
            assert moved == 0 and final == "fiat_sent"
    assert_invariants(uow)


def test_two_takers_on_the_last_volume(pg_uow):
    uow = pg_uow
    for _ in range(ROUNDS):
        owner, first, ad_id = sell_ad(uow)
        (second,) = make_users(uow, 1)
        open_deal(uow, first, ad_id, amount="5")
        open_deal(uow, first, ad_id, amount="4")
        a, b = race(*[lambda u=u, ad=ad_id: open_deal(uow, u, ad, amount="1") for u in (first, second)])
        wins = [r for r in (a, b) if not isinstance(r, Exception)]
        losses = [r for r in (a, b) if isinstance(r, Exception)]
        assert len(wins) == 1 and len(losses) == 1
        assert isinstance(losses[0], AdUnavailable) and losses[0].code == "ad_volume_exhausted"
        assert remaining(uow, ad_id) == 0
        assert balances(uow, owner) == (0, 10 * TON)
    assert_invariants(uow)


@pytest.mark.parametrize("workers", [3])
def test_several_timer_workers_move_each_deal_once(pg_uow, workers):
    uow = pg_uow
    owner, taker, ad_id = sell_ad(uow)
    opened = [open_deal(uow, taker, ad_id, amount="1") for _ in range(8)]
    for d in opened[:4]:
        deals.mark_fiat_sent(uow, taker, d.id, now=NOW)
    late = NOW + timedelta(hours=2)
    moved = race(*[lambda: deal_timers.run_timers(uow, now=late) for _ in range(workers)])
    assert sum(moved) == 8
    statuses = sorted(deals.get_deal(uow, taker, d.id).status for d in opened)
    assert statuses == ["disputed"] * 4 + ["expired"] * 4
    for d in opened:
        assert len(deals.get_deal(uow, taker, d.id).events) == (3 if d in opened[:4] else 2)
    assert remaining(uow, ad_id) == 6 * TON
    assert_invariants(uow)


def test_racing_opens_with_one_key_open_one_deal(pg_uow):
    uow = pg_uow
    owner, taker, ad_id = sell_ad(uow)
    for round_ in range(ROUNDS):
        key = f"same-{round_}"
        a, b = race(*[lambda k=key: open_deal(uow, taker, ad_id, amount="1", key=k) for _ in range(2)])
        assert not isinstance(a, Exception) and not isinstance(b, Exception), (a, b)
        assert a.id == b.id
    assert remaining(uow, ad_id) == (10 - ROUNDS) * TON
    assert_invariants(uow)
