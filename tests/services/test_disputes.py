"""Disputes on SQLite and PostgreSQL: opened by either side from fiat sent, statements, the
operator's release / refund / split as one ledger transaction; nobody else decides or reads."""

from datetime import timedelta

import pytest
from builders import (
    DISPUTABLE,
    NOW,
    SETTINGS,
    TON,
    assert_invariants,
    balances,
    disputed_deal,
    grant_operator,
    make_users,
    open_deal,
    remaining,
    sell_ad,
)
from sqlalchemy import select

from krypton_app.domain.errors import (
    DealClockRefused,
    DealTransitionRefused,
    Forbidden,
    InvalidAmount,
    KryptonError,
    NotFound,
)
from krypton_app.i18n.en import CATALOG as EN
from krypton_app.i18n.ru import CATALOG as RU
from krypton_app.models import ChatMessage, LedgerTransaction, User
from krypton_app.services import deals, disputes
from krypton_app.services.deal_room import read_deal_room
from krypton_app.services.notifications import list_notifications
from krypton_app.services.reviews import leave_review


@pytest.mark.parametrize("opener", ["buyer", "seller"])
def test_either_side_opens_from_fiat_sent_only(uow, opener):
    owner, taker, operator, ad_id, dispute = disputed_deal(uow, opener)
    assert dispute.deal.status == "disputed" and dispute.outcome == "open"
    assert dispute.opened_by == (taker if opener == "buyer" else owner)
    assert dispute.deal.deadline_at is None
    with pytest.raises(DealTransitionRefused):
        disputes.open_dispute(uow, owner, dispute.deal.id, now=NOW)
    for call in (deals.release, deals.cancel, deals.undo_fiat_sent):
        with pytest.raises((DealTransitionRefused, Forbidden)):
            call(uow, owner if call is deals.release else taker, dispute.deal.id, now=NOW)
    # Now the operator may read the deal.
    assert deals.get_deal(uow, operator, dispute.deal.id).my_role == "operator"


def operator_alerts(uow, deal_id):
    """(user, text key, params) of the dispute_opened notifications of a deal."""
    with uow.read() as s:
        users = s.execute(select(User.id)).scalars().all()
    return sorted(
        (user, n.text_key, n.params)
        for user in users
        for n in list_notifications(uow, user)
        if n.kind == "dispute_opened" and n.deal_id == deal_id
    )


@pytest.mark.parametrize("opener", ["buyer", "seller"])
def test_every_operator_is_told_when_a_side_opens_a_dispute(uow, opener):
    owner, taker, ad_id = sell_ad(uow)
    first, second = make_users(uow, 2, operator=True)
    (bystander,) = make_users(uow, 1)
    deal = open_deal(uow, taker, ad_id, amount="1")
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    assert operator_alerts(uow, deal.id) == []
    disputes.open_dispute(uow, taker if opener == "buyer" else owner, deal.id, now=DISPUTABLE)
    params = {"deal_id": deal.id}
    assert operator_alerts(uow, deal.id) == sorted(
        [(first, "notify.dispute_opened", params), (second, "notify.dispute_opened", params)]
    )
    assert EN["notify.dispute_opened"].format(**params) == f"Deal #{deal.id} is in dispute: an operator is needed."
    assert str(deal.id) in RU["notify.dispute_opened"].format(**params)
    # A refused second opening tells nobody again (the notifications share its transaction).
    with pytest.raises(DealTransitionRefused):
        disputes.open_dispute(uow, owner, deal.id, now=NOW)
    assert len(operator_alerts(uow, deal.id)) == 2


def test_an_operator_who_is_a_side_is_not_called_to_their_own_dispute(uow):
    owner, taker, ad_id = sell_ad(uow)
    (operator,) = make_users(uow, 1, operator=True)
    with uow.transaction() as s:
        grant_operator(s.get(User, taker).wallet_address)
    deal = open_deal(uow, taker, ad_id, amount="1")
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    disputes.open_dispute(uow, owner, deal.id, now=DISPUTABLE)
    assert [user for user, _, _ in operator_alerts(uow, deal.id)] == [operator]


def test_no_dispute_before_fiat_sent(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    with pytest.raises(DealTransitionRefused):
        disputes.open_dispute(uow, owner, deal.id, now=NOW)
    (stranger,) = make_users(uow, 1)
    with pytest.raises(NotFound):
        disputes.open_dispute(uow, stranger, deal.id, now=NOW)


def test_a_side_may_dispute_only_once_the_wait_after_paid_is_over(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    paid = deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    assert paid.dispute_opens_at == DISPUTABLE == NOW + timedelta(minutes=10)
    for side in (taker, owner):
        with pytest.raises(DealClockRefused) as refused:
            disputes.open_dispute(uow, side, deal.id, now=DISPUTABLE - timedelta(seconds=1))
        assert (refused.value.code, refused.value.details["opens_at"]) == ("deal_dispute_too_early", DISPUTABLE)
    assert deals.get_deal(uow, taker, deal.id).status == "fiat_sent"
    assert EN["error.deal_dispute_too_early"] and RU["error.deal_dispute_too_early"]
    assert disputes.open_dispute(uow, owner, deal.id, now=DISPUTABLE).deal.status == "disputed"


def test_the_wait_is_a_setting_taken_when_the_buyer_says_paid(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    settings = SETTINGS.model_copy(update={"deal_dispute_after_s": 0})
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW, settings=settings)
    assert disputes.open_dispute(uow, taker, deal.id, now=NOW).deal.status == "disputed"


def test_an_undo_and_a_new_paid_start_the_wait_again(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id)
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW)
    deals.undo_fiat_sent(uow, taker, deal.id, now=NOW + timedelta(minutes=1))
    deals.mark_fiat_sent(uow, taker, deal.id, now=NOW + timedelta(minutes=2))
    with pytest.raises(DealClockRefused):
        disputes.open_dispute(uow, taker, deal.id, now=DISPUTABLE)
    assert disputes.open_dispute(uow, taker, deal.id, now=DISPUTABLE + timedelta(minutes=2)).opener == "buyer"


def test_statements_from_both_sides(uow):
    owner, taker, operator, ad_id, dispute = disputed_deal(uow)
    disputes.submit_statement(uow, taker, dispute.deal.id, "I paid by SBP at 12:01")
    view = disputes.submit_statement(uow, owner, dispute.deal.id, "Nothing arrived")
    # Each side reads its own statement and only learns that the other wrote one.
    assert (view.buyer_statement, view.seller_statement) == (None, "Nothing arrived")
    assert view.buyer_wrote and view.seller_wrote
    buyer_view = disputes.get_dispute(uow, taker, dispute.deal.id)
    assert (buyer_view.buyer_statement, buyer_view.seller_statement) == ("I paid by SBP at 12:01", None)
    operator_view = disputes.get_dispute(uow, operator, dispute.deal.id)
    assert (operator_view.buyer_statement, operator_view.seller_statement) == (
        "I paid by SBP at 12:01",
        "Nothing arrived",
    )
    with pytest.raises(KryptonError) as err:
        disputes.submit_statement(uow, owner, dispute.deal.id, "   ")
    assert err.value.code == "dispute_statement_invalid"
    with pytest.raises(NotFound):
        disputes.submit_statement(uow, operator, dispute.deal.id, "I am not a side")
    listed = disputes.list_open_disputes(uow, operator)
    assert [d.deal.id for d in listed] == [dispute.deal.id]
    assert listed[0].buyer_statement == "I paid by SBP at 12:01"
    with pytest.raises(Forbidden):
        disputes.list_open_disputes(uow, owner)


@pytest.mark.parametrize(
    ("outcome", "share", "buyer_gets", "back_to_ad"),
    [("release", None, 4 * TON, 6 * TON), ("refund", None, 0, 10 * TON), ("split", "0.25", TON, 9 * TON)],
)
def test_operator_decides(uow, outcome, share, buyer_gets, back_to_ad):
    owner, taker, operator, ad_id, dispute = disputed_deal(uow)
    deal_id = dispute.deal.id
    with pytest.raises(Forbidden):
        disputes.resolve_dispute(uow, owner, deal_id, outcome="release", now=NOW)
    later = NOW + timedelta(hours=1)
    done = disputes.resolve_dispute(uow, operator, deal_id, outcome=outcome, buyer_share=share, now=later)
    assert done.deal.status == "resolved" and done.resolved_by == operator and done.buyer_share == buyer_gets
    assert done.outcome == {"release": "released_to_buyer", "refund": "refunded_to_seller", "split": "split"}[outcome]
    assert balances(uow, taker) == (buyer_gets, 0)
    assert remaining(uow, ad_id) == back_to_ad  # the refunded part goes back to the active ad
    assert done.deal.events[-1].to_status == "resolved" and done.deal.events[-1].actor_id == operator
    with uow.read() as s:
        kinds = s.execute(select(LedgerTransaction.kind).where(LedgerTransaction.kind == "deal_resolve")).all()
        last_message = s.execute(select(ChatMessage.body).order_by(ChatMessage.id.desc())).scalars().first()
    assert len(kinds) == (1 if buyer_gets else 0)  # one transaction; a refund into the ad moves no money
    assert f"resolved_{outcome}" in last_message
    with pytest.raises(DealTransitionRefused):
        disputes.resolve_dispute(uow, operator, deal_id, outcome="release", now=later)
    assert_invariants(uow)


def test_split_into_a_closed_ads_owner_balance_is_one_transaction(uow):
    owner, taker, operator, ad_id, dispute = disputed_deal(uow)
    from krypton_app.services.ads import close_ad

    close_ad(uow, owner, ad_id)  # 6 TON back to the owner; the deal's 4 stay in escrow
    assert balances(uow, owner) == (6 * TON, 4 * TON)
    disputes.resolve_dispute(uow, operator, dispute.deal.id, outcome="split", buyer_share="0.5", now=NOW)
    assert balances(uow, owner) == (8 * TON, 0)
    assert balances(uow, taker) == (2 * TON, 0)
    with uow.read() as s:
        assert len(s.execute(select(LedgerTransaction.id).where(LedgerTransaction.kind == "deal_resolve")).all()) == 1
    assert_invariants(uow)


def test_bad_share_changes_nothing(uow):
    owner, taker, operator, ad_id, dispute = disputed_deal(uow)
    with pytest.raises(InvalidAmount):
        disputes.resolve_dispute(uow, operator, dispute.deal.id, outcome="split", buyer_share="1.5", now=NOW)
    assert disputes.get_dispute(uow, operator, dispute.deal.id).deal.status == "disputed"


def test_an_operator_who_trades_cannot_decide_their_own_dispute(uow):
    owner, taker, operator, ad_id, dispute = disputed_deal(uow)
    with uow.transaction() as s:
        grant_operator(s.get(User, owner).wallet_address)
    with pytest.raises(Forbidden):
        disputes.resolve_dispute(uow, owner, dispute.deal.id, outcome="refund", now=NOW)
    # Their view as a side still hides the buyer's statement.
    disputes.submit_statement(uow, taker, dispute.deal.id, "Paid at noon")
    assert disputes.get_dispute(uow, owner, dispute.deal.id).buyer_statement is None
    done = disputes.resolve_dispute(uow, operator, dispute.deal.id, outcome="refund", now=NOW)
    assert done.deal.status == "resolved"


def test_the_views_of_a_dispute_offer_statements_to_the_sides_and_the_decision_to_the_operator(uow):
    owner, taker, operator, _ad_id, dispute = disputed_deal(uow)
    assert dispute.deal.allowed_actions == {"statement"}
    assert deals.get_deal(uow, owner, dispute.deal.id).allowed_actions == {"statement"}
    assert disputes.get_dispute(uow, operator, dispute.deal.id).deal.allowed_actions == {"resolve"}
    decided = disputes.resolve_dispute(uow, operator, dispute.deal.id, outcome="refund", now=NOW)
    assert decided.deal.allowed_actions == frozenset()
    assert deals.get_deal(uow, taker, dispute.deal.id).allowed_actions == {"review"}


def test_the_deal_room_reads_the_dispute_once_there_is_one_and_the_viewers_review_once_reviews_open(uow):
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id, amount="1")
    room = read_deal_room(uow, taker, deal.id)
    assert room.deal == deals.get_deal(uow, taker, deal.id)
    assert (room.dispute, room.my_review) == (None, None)
    assert [m.text_key for m in room.messages] == ["deal.sys.opened"]
    assert read_deal_room(uow, taker, deal.id, after_id=room.messages[-1].id).messages == []
    with pytest.raises(NotFound):
        read_deal_room(uow, make_users(uow, 1)[0], deal.id)

    _owner, buyer, operator, _ad_id, dispute = disputed_deal(uow)
    assert read_deal_room(uow, buyer, dispute.deal.id).dispute == disputes.get_dispute(uow, buyer, dispute.deal.id)
    disputes.resolve_dispute(uow, operator, dispute.deal.id, outcome="release", now=NOW)
    assert read_deal_room(uow, buyer, dispute.deal.id).my_review is None
    leave_review(uow, buyer, dispute.deal.id, positive=True, comment="ok")
    room = read_deal_room(uow, buyer, dispute.deal.id)
    assert room.dispute.outcome == "released_to_buyer" and room.my_review.positive
    assert read_deal_room(uow, operator, dispute.deal.id).my_review is None
