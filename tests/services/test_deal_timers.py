"""Deal timers with an injected clock: an unpaid deal expires with the escrow back to the seller;
"fiat sent" without a release goes to dispute, never to the buyer."""

import asyncio
from datetime import timedelta

import pytest
from builders import NOW, TON, assert_invariants, balances, buy_ad, make_users, open_deal, remaining, sell_ad
from pydantic import ValidationError
from sqlalchemy import select

from krypton_app.models import Notification
from krypton_app.services import deal_timers, deals, disputes
from krypton_app.settings import Settings
from krypton_app.workers.deal_timers import run_deal_timers


def test_nothing_happens_before_the_deadline(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    assert deal_timers.run_timers(uow, now=NOW + timedelta(minutes=14, seconds=59)) == 0
    assert deals.get_deal(uow, taker, deal.id).status == "escrow_locked"


def test_unpaid_deal_expires_escrow_back_to_the_seller(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    b_owner, b_taker, b_ad = buy_ad(uow)
    b_deal = open_deal(uow, b_taker, b_ad, amount="3")
    assert deal_timers.run_timers(uow, now=NOW + timedelta(minutes=15)) == 2
    view = deals.get_deal(uow, taker, deal.id)
    assert view.status == "expired" and view.events[-1].actor_id is None
    assert remaining(uow, ad_id) == 10 * TON
    assert deals.get_deal(uow, b_owner, b_deal.id).status == "expired"
    assert balances(uow, b_taker) == (10 * TON, 0)
    assert deal_timers.run_timers(uow, now=NOW + timedelta(hours=1)) == 0  # once only
    assert_invariants(uow)


def test_fiat_sent_without_release_goes_to_dispute(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    paid_at = NOW + timedelta(minutes=10)
    deals.mark_fiat_sent(uow, taker, deal.id, now=paid_at)
    # The payment window has passed, but the buyer paid: no expiry.
    assert deal_timers.run_timers(uow, now=NOW + timedelta(minutes=30)) == 0
    assert deal_timers.run_timers(uow, now=paid_at + timedelta(minutes=60)) == 1
    view = deals.get_deal(uow, owner, deal.id)
    assert view.status == "disputed" and view.released_at is None
    assert balances(uow, taker) == (0, 0)  # never released by a timer
    assert disputes.get_dispute(uow, owner, deal.id).opened_by is None
    assert_invariants(uow)


def test_the_release_timer_tells_every_operator(uow):
    owner, taker, ad_id = sell_ad(uow)
    operators = make_users(uow, 2, operator=True)
    deal = open_deal(uow, taker, ad_id)
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    assert deal_timers.run_timers(uow, now=NOW + timedelta(minutes=60)) == 1
    with uow.read() as s:
        rows = s.execute(
            select(Notification.user_id, Notification.text_key, Notification.params)
            .where(Notification.kind == "dispute_opened")
            .order_by(Notification.user_id)
        ).all()
    assert [tuple(r) for r in rows] == [(o, "notify.dispute_opened", f'{{"deal_id": {deal.id}}}') for o in operators]
    assert deal_timers.run_timers(uow, now=NOW + timedelta(hours=3)) == 0
    with uow.read() as s:
        assert len(s.execute(select(Notification.id).where(Notification.kind == "dispute_opened")).all()) == 2


def test_the_release_window_is_a_setting(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    short = Settings(KRYPTON_DEAL_RELEASE_WINDOW_MIN=20)
    paid = deals.mark_fiat_sent(uow, taker, deal.id, now=NOW, settings=short)
    assert paid.deadline_at == NOW + timedelta(minutes=20)
    assert deal_timers.run_timers(uow, now=NOW + timedelta(minutes=19, seconds=59)) == 0
    assert deal_timers.run_timers(uow, now=NOW + timedelta(minutes=20)) == 1
    assert deals.get_deal(uow, owner, deal.id).status == "disputed"


def test_the_release_window_defaults_to_an_hour_from_the_environment(uow, monkeypatch):
    owner, taker, ad_id = sell_ad(uow)
    first, second = open_deal(uow, taker, ad_id), open_deal(uow, taker, ad_id)
    assert deals.mark_fiat_sent(uow, taker, first.id, now=NOW).deadline_at == NOW + timedelta(minutes=60)
    monkeypatch.setenv("KRYPTON_DEAL_RELEASE_WINDOW_MIN", "90")
    from_env = Settings()
    assert from_env.deal_release_window_min == 90
    paid = deals.mark_fiat_sent(uow, taker, second.id, now=NOW, settings=from_env)
    assert paid.deadline_at == NOW + timedelta(minutes=90)


@pytest.mark.parametrize("minutes", ["4", "0", "-60", "soon"])
def test_a_release_window_under_five_minutes_is_refused(minutes):
    with pytest.raises(ValidationError):
        Settings(KRYPTON_DEAL_RELEASE_WINDOW_MIN=minutes)


def test_undo_keeps_the_original_payment_timer(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW + timedelta(minutes=1))
    deals.undo_fiat_sent(uow, taker, deal.id, now=NOW + timedelta(minutes=10))
    assert deal_timers.run_timers(uow, now=NOW + timedelta(minutes=14)) == 0
    assert deal_timers.run_timers(uow, now=NOW + timedelta(minutes=15)) == 1  # opened at NOW, 15 min to pay
    assert deals.get_deal(uow, taker, deal.id).status == "expired"


def test_lifespan_worker_runs_rounds_until_stopped(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)

    async def main():
        stop = asyncio.Event()
        task = asyncio.create_task(
            run_deal_timers(uow, stop=stop, interval_s=0.01, clock=lambda: NOW + timedelta(hours=1))
        )
        await asyncio.sleep(0.1)
        stop.set()
        return await task

    assert asyncio.run(main()) == 1
    assert deals.get_deal(uow, taker, deal.id).status == "expired"


def test_the_side_who_must_act_is_warned_once_per_deadline(uow):
    import json

    from sqlalchemy import select

    from krypton_app.models import Notification

    def warnings():
        with uow.read() as s:
            rows = s.execute(
                select(Notification.user_id, Notification.text_key, Notification.params).where(
                    Notification.kind == "timer_soon"
                )
            ).all()
        return [(u, k, json.loads(p)["minutes"]) for u, k, p in rows]

    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    assert deal_timers.run_timers(uow, now=NOW + timedelta(minutes=9)) == 0
    assert warnings() == []
    deal_timers.run_timers(uow, now=NOW + timedelta(minutes=11))
    deal_timers.run_timers(uow, now=NOW + timedelta(minutes=12))  # not twice for the same deadline
    assert warnings() == [(taker, "deal.sys.pay_soon", 4)]
    paid_at = NOW + timedelta(minutes=13)
    deals.mark_fiat_sent(uow, taker, deal.id, now=paid_at)
    deal_timers.run_timers(uow, now=paid_at + timedelta(minutes=57))
    assert warnings()[1:] == [(owner, "deal.sys.release_soon", 3)]
    assert deals.get_deal(uow, owner, deal.id).status == "fiat_sent"
