"""Deals on SQLite and PostgreSQL: open locks escrow, fiat sent, release, cancels, authorisation;
every transition writes an event, a system chat message and notifications; the ledger stays whole."""

import json
import uuid
from datetime import timedelta

import pytest
from builders import (
    NOW,
    RATES,
    SELL,
    SETTINGS,
    TON,
    assert_invariants,
    balances,
    buy_ad,
    deposit,
    make_users,
    open_deal,
    remaining,
    sell_ad,
)
from sqlalchemy import func, select

from krypton_app.domain.errors import (
    AdUnavailable,
    DealClockRefused,
    DealTransitionRefused,
    Forbidden,
    IdempotencyConflict,
    KryptonError,
    NotFound,
)
from krypton_app.i18n.en import CATALOG as EN
from krypton_app.i18n.ru import CATALOG as RU
from krypton_app.models import ChatMessage, Notification
from krypton_app.services import deal_timers, deals
from krypton_app.services.ads import AdDraft, create_ad, pause_ad
from krypton_app.services.rates import StaticRateProvider


def count(uow, model, deal_id):
    with uow.read() as s:
        return s.execute(select(func.count()).select_from(model).where(model.deal_id == deal_id)).scalar_one()


def test_sell_ad_deal_open_paid_released(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    assert deal.status == "escrow_locked" and deal.my_role == "buyer"
    assert (deal.seller_id, deal.buyer_id, deal.amount) == (owner, taker, 2 * TON)
    assert deal.fiat_amount == 800_00 and deal.deadline_at == NOW + timedelta(minutes=15)
    assert [(e.from_status, e.to_status) for e in deal.events] == [("requested", "escrow_locked")]
    assert remaining(uow, ad_id) == 8 * TON
    assert count(uow, Notification, deal.id) == 1  # the owner hears of the request

    later = NOW + timedelta(minutes=5)
    paid = deals.mark_fiat_sent(uow, taker, deal.id, now=later)
    assert paid.status == "fiat_sent" and paid.fiat_sent_at == later
    assert paid.deadline_at == later + timedelta(minutes=60)
    done = deals.release(uow, owner, deal.id, now=later)
    assert done.status == "released" and done.released_at == later and done.deadline_at is None
    assert balances(uow, taker) == (2 * TON, 0)
    assert balances(uow, owner) == (0, 8 * TON)  # the rest is still the ad's reserve
    assert [e.to_status for e in done.events] == ["escrow_locked", "fiat_sent", "released"]
    assert done.events[-1].actor_id == owner
    assert count(uow, ChatMessage, deal.id) == 3
    assert_invariants(uow)


def test_buy_ad_deal_holds_the_taker_and_refunds_on_cancel(uow):
    owner, taker, ad_id = buy_ad(uow)
    deal = open_deal(uow, taker, ad_id, amount="3")
    assert (deal.seller_id, deal.buyer_id, deal.my_role) == (taker, owner, "seller")
    assert balances(uow, taker) == (7 * TON, 3 * TON)
    assert remaining(uow, ad_id) == 7 * TON
    cancelled = deals.cancel(uow, owner, deal.id, now=NOW)  # the buyer alone, before fiat sent
    assert cancelled.status == "cancelled"
    assert balances(uow, taker) == (10 * TON, 0)
    assert remaining(uow, ad_id) == 10 * TON
    assert_invariants(uow)


def test_buy_ad_taker_without_funds_opens_nothing(uow):
    owner, _, ad_id = buy_ad(uow)
    (poor,) = make_users(uow, 1)
    deposit(uow, poor, TON)
    with pytest.raises(KryptonError) as err:
        open_deal(uow, poor, ad_id, amount="2")
    assert err.value.code == "insufficient_funds"
    assert remaining(uow, ad_id) == 10 * TON  # the volume taken in the same transaction is rolled back
    assert balances(uow, poor) == (TON, 0)
    assert_invariants(uow)


def test_open_is_idempotent_per_taker(uow):
    owner, taker, ad_id = sell_ad(uow)
    (other,) = make_users(uow, 1)
    first = open_deal(uow, taker, ad_id, key="k1")
    assert open_deal(uow, taker, ad_id, key="k1").id == first.id
    assert open_deal(uow, other, ad_id, key="k1").id != first.id  # the key is per user
    assert remaining(uow, ad_id) == 6 * TON
    for amount, method in (("2", "card"), ("1", "sbp")):  # the same key for another request is not a retry
        with pytest.raises(IdempotencyConflict):
            deals.open_deal(uow, taker, ad_id, amount=amount, method=method, idempotency_key="k1", rates=RATES, now=NOW)
    assert open_deal(uow, taker, ad_id, amount="2.000", key="k1").id == first.id  # the same amount, written otherwise


def test_floating_ad_is_priced_at_the_current_rate(uow):
    owner, taker = make_users(uow, 2)
    deposit(uow, owner, 10 * TON)
    draft = AdDraft(**{**SELL.__dict__, "price_kind": "floating", "price": None, "margin_percent": "1"})
    ad = create_ad(uow, owner, draft, rates=RATES, idempotency_key=uuid.uuid4().hex)
    rates = {**SETTINGS.rates, "TON/RUB": "500"}
    deal = deals.open_deal(
        uow,
        taker,
        ad.id,
        amount="2",
        method="sbp",
        idempotency_key="f",
        rates=StaticRateProvider(rates),
        now=NOW,
    )
    assert deal.price == 505_00 and deal.fiat_amount == 1010_00  # 500 RUB + 1 %, for 2 TON


def test_every_transition_announces_itself_in_the_chat_and_to_the_other_side(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    deals.release(uow, owner, deal.id, now=NOW)
    with uow.read() as s:
        bodies = s.execute(select(ChatMessage.body).where(ChatMessage.deal_id == deal.id).order_by(ChatMessage.id))
        keys = [json.loads(b)["key"] for b in bodies.scalars()]
        notes = s.execute(
            select(Notification.user_id, Notification.text_key).where(Notification.deal_id == deal.id)
        ).all()
    assert keys == ["deal.sys.opened", "deal.sys.fiat_sent", "deal.sys.released"]
    assert sorted(notes) == sorted(
        [(owner, "notify.deal_opened"), (owner, "deal.sys.fiat_sent"), (taker, "deal.sys.released")]
    )
    for key in keys + ["notify.deal_opened"]:
        assert key in EN and key in RU


def test_open_refusals(uow):
    owner, taker, ad_id = sell_ad(uow)
    with pytest.raises(AdUnavailable) as err:
        open_deal(uow, owner, ad_id)
    assert err.value.code == "ad_own"
    with pytest.raises(AdUnavailable) as err:
        open_deal(uow, taker, ad_id, amount="6")
    assert err.value.code == "ad_amount_out_of_range"
    with pytest.raises(KryptonError) as err:
        deals.open_deal(uow, taker, ad_id, amount="1", method="cash", idempotency_key="m", rates=RATES, now=NOW)
    assert err.value.code == "deal_method_invalid"
    with pytest.raises(KryptonError) as err:
        open_deal(uow, taker, ad_id, amount="0")
    assert err.value.code in ("deal_amount_invalid", "ad_amount_out_of_range")
    with pytest.raises(NotFound):
        open_deal(uow, taker, 999_999)
    assert remaining(uow, ad_id) == 10 * TON


def test_buyer_cancels_alone_before_fiat_sent_volume_returns_to_the_ad(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    assert deals.cancel(uow, taker, deal.id, now=NOW).status == "cancelled"
    assert remaining(uow, ad_id) == 10 * TON
    with pytest.raises(DealTransitionRefused):
        deals.release(uow, owner, deal.id, now=NOW)
    assert balances(uow, taker) == (0, 0)
    assert_invariants(uow)


def test_cancel_of_a_paused_ads_deal_returns_to_the_owners_balance(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    pause_ad(uow, owner, ad_id)  # the ad's remaining 8 go back to the owner
    deals.cancel(uow, taker, deal.id, now=NOW)
    assert balances(uow, owner) == (10 * TON, 0)
    assert_invariants(uow)


def test_seller_cancel_needs_the_buyer_and_after_fiat_sent_both(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    asked = deals.cancel(uow, owner, deal.id, now=NOW)
    assert asked.status == "escrow_locked" and asked.cancel_requested_by == owner
    with pytest.raises(DealTransitionRefused):  # asking twice changes nothing
        deals.cancel(uow, owner, deal.id, now=NOW)
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    # After "fiat sent" the buyer's call completes the seller's standing request.
    assert deals.cancel(uow, taker, deal.id, now=NOW).status == "cancelled"
    assert remaining(uow, ad_id) == 10 * TON

    deal = open_deal(uow, taker, ad_id)
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    assert deals.cancel(uow, taker, deal.id, now=NOW).status == "fiat_sent"  # the buyer asks
    assert deals.cancel(uow, owner, deal.id, now=NOW).status == "cancelled"  # the seller agrees
    assert remaining(uow, ad_id) == 10 * TON
    assert_invariants(uow)


def test_buyer_may_undo_fiat_sent_and_is_back_on_the_original_payment_deadline(uow):
    # Issue 11: an undo used to start the payment window again, so toggling kept the escrow forever.
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    original = NOW + timedelta(minutes=15)  # the ad's payment window, from opening
    assert deal.deadline_at == original
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    later = NOW + timedelta(minutes=3)
    undone = deals.undo_fiat_sent(uow, taker, deal.id, now=later)
    assert undone.status == "escrow_locked" and undone.fiat_sent_at is None and undone.dispute_opens_at is None
    assert undone.deadline_at == original
    with pytest.raises(DealTransitionRefused):
        deals.undo_fiat_sent(uow, taker, deal.id, now=later)


def test_toggling_paid_never_moves_the_payment_deadline_past_the_original(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    original = NOW + timedelta(minutes=15)
    for minute in range(1, 15, 2):
        paid = deals.mark_fiat_sent(uow, taker, deal.id, now=NOW + timedelta(minutes=minute))
        assert paid.deadline_at == NOW + timedelta(minutes=minute + 60)  # the seller's release window
        undone = deals.undo_fiat_sent(uow, taker, deal.id, now=NOW + timedelta(minutes=minute + 1))
        assert undone.deadline_at == original
    # Undone after the deadline: no time given back; "paid" is refused and the timer expires the deal.
    deals.mark_fiat_sent(uow, taker, deal.id, now=original - timedelta(seconds=1))
    undone = deals.undo_fiat_sent(uow, taker, deal.id, now=original + timedelta(minutes=30))
    assert undone.deadline_at == original
    with pytest.raises(DealClockRefused) as refused:
        deals.mark_fiat_sent(uow, taker, deal.id, now=original + timedelta(minutes=30))
    assert refused.value.code == "deal_payment_window_over"
    assert deal_timers.run_timers(uow, now=original + timedelta(minutes=30)) == 1
    assert deals.get_deal(uow, taker, deal.id).status == "expired"
    assert remaining(uow, ad_id) == 10 * TON
    assert_invariants(uow)


def test_paid_at_the_deadline_is_refused_and_changes_nothing(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    with pytest.raises(DealClockRefused):
        deals.mark_fiat_sent(uow, taker, deal.id, now=NOW + timedelta(minutes=15))
    after = deals.get_deal(uow, taker, deal.id)
    assert (after.status, after.deadline_at, after.fiat_sent_at) == ("escrow_locked", deal.deadline_at, None)


def test_roles_and_strangers(uow):
    owner, taker, ad_id = sell_ad(uow)
    (stranger,) = make_users(uow, 1)
    (operator,) = make_users(uow, 1, operator=True)
    deal = open_deal(uow, taker, ad_id)
    with pytest.raises(Forbidden):
        deals.mark_fiat_sent(uow, owner, deal.id, now=NOW)  # the seller cannot say the buyer paid
    with pytest.raises(Forbidden):
        deals.release(uow, taker, deal.id, now=NOW)  # the buyer cannot release to themselves
    for call in (deals.mark_fiat_sent, deals.release, deals.cancel, deals.undo_fiat_sent):
        with pytest.raises(NotFound):
            call(uow, stranger, deal.id, now=NOW)
        with pytest.raises(NotFound):
            call(uow, operator, deal.id, now=NOW)
    with pytest.raises(NotFound):
        deals.get_deal(uow, stranger, deal.id)
    with pytest.raises(NotFound):
        deals.get_deal(uow, operator, deal.id)  # not disputed: not the operator's business
    assert deals.get_deal(uow, owner, deal.id).my_role == "seller"
    assert [d.id for d in deals.list_my_deals(uow, owner)] == [deal.id]
    assert [d.id for d in deals.list_my_deals(uow, taker, status="escrow_locked")] == [deal.id]
    assert deals.list_my_deals(uow, taker, status="released") == []
    assert deals.list_my_deals(uow, stranger) == []


def test_each_view_says_what_its_viewer_may_do_now(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    assert deal.allowed_actions == {"mark_fiat_sent", "cancel"}
    assert deals.get_deal(uow, owner, deal.id).allowed_actions == {"release", "cancel"}
    assert deal.timer_deadline == NOW + timedelta(minutes=15)
    paid = deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    assert paid.allowed_actions == {"undo_fiat_sent", "cancel", "open_dispute"}
    done = deals.release(uow, owner, deal.id, now=NOW)
    assert done.allowed_actions == {"review"} and done.timer_deadline is None
    assert deals.get_deal(uow, taker, deal.id).allowed_actions == {"review"}
