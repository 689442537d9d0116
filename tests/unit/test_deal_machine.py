from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from krypton_app.domain import deals as d
from krypton_app.domain.errors import DealClockRefused, DealTransitionRefused, Forbidden, InvalidAmount

ROLES = (d.BUYER, d.SELLER, d.OPERATOR, d.TIMER, d.SYSTEM)

# The whole machine spelled out once more, independently of the table: (action, from) -> to.
ALLOWED = {
    ("lock_escrow", d.REQUESTED): d.ESCROW_LOCKED,
    ("mark_fiat_sent", d.ESCROW_LOCKED): d.FIAT_SENT,
    ("undo_fiat_sent", d.FIAT_SENT): d.ESCROW_LOCKED,
    ("release", d.ESCROW_LOCKED): d.RELEASED,
    ("release", d.FIAT_SENT): d.RELEASED,
    ("buyer_cancel", d.REQUESTED): d.CANCELLED,
    ("buyer_cancel", d.ESCROW_LOCKED): d.CANCELLED,
    ("mutual_cancel", d.ESCROW_LOCKED): d.CANCELLED,
    ("mutual_cancel", d.FIAT_SENT): d.CANCELLED,
    ("expire", d.REQUESTED): d.EXPIRED,
    ("expire", d.ESCROW_LOCKED): d.EXPIRED,
    ("open_dispute", d.FIAT_SENT): d.DISPUTED,
    ("operator_dispute", d.ESCROW_LOCKED): d.DISPUTED,
    ("operator_dispute", d.FIAT_SENT): d.DISPUTED,
    ("resolve", d.DISPUTED): d.RESOLVED,
}
ACTORS = {
    "lock_escrow": {d.SYSTEM},
    "mark_fiat_sent": {d.BUYER},
    "undo_fiat_sent": {d.BUYER},
    "release": {d.SELLER},
    "buyer_cancel": {d.BUYER},
    "mutual_cancel": {d.BUYER, d.SELLER},
    "expire": {d.TIMER},
    "open_dispute": {d.BUYER, d.SELLER, d.TIMER},
    "operator_dispute": {d.OPERATOR},
    "resolve": {d.OPERATOR},
}


def test_table_matches_the_spelled_out_machine():
    table = {(a, s): t.to for a, t in d.TRANSITIONS.items() for s in t.from_statuses}
    assert table == ALLOWED
    assert {a: set(t.actors) for a, t in d.TRANSITIONS.items()} == ACTORS


@pytest.mark.parametrize("action", sorted(d.TRANSITIONS))
@pytest.mark.parametrize("status", d.STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_every_transition_allowed_or_refused(action, status, role):
    if role not in ACTORS[action]:
        with pytest.raises(Forbidden):
            d.transition(action, status, role)
    elif (action, status) in ALLOWED:
        assert d.transition(action, status, role).to == ALLOWED[(action, status)]
    else:
        with pytest.raises(DealTransitionRefused) as err:
            d.transition(action, status, role)
        assert err.value.code == "deal_state"


def test_terminal_states_have_no_way_out_and_release_is_never_automatic():
    for status in d.TERMINAL:
        for role in ROLES:
            assert d.allowed_actions(status, role) == ()
    # No timer or system action ever ends in `released`.
    assert all(t.to != d.RELEASED for t in d.TRANSITIONS.values() if {d.TIMER, d.SYSTEM} & t.actors)
    assert d.timer_action(d.FIAT_SENT) == "open_dispute"
    assert d.timer_action(d.ESCROW_LOCKED) == "expire"
    assert d.timer_action(d.DISPUTED) is None


def test_allowed_actions_per_role():
    assert set(d.allowed_actions(d.ESCROW_LOCKED, d.BUYER)) == {"mark_fiat_sent", "buyer_cancel", "mutual_cancel"}
    assert set(d.allowed_actions(d.FIAT_SENT, d.SELLER)) == {"release", "mutual_cancel", "open_dispute"}
    assert d.allowed_actions(d.DISPUTED, d.OPERATOR) == ("resolve",)


# What the deal page offers each role in each state it can show (the buttons the page drew by hand before).
OFFERED = {
    (d.ESCROW_LOCKED, d.BUYER): {"mark_fiat_sent", d.CANCEL},
    (d.ESCROW_LOCKED, d.SELLER): {"release", d.CANCEL},
    (d.FIAT_SENT, d.BUYER): {"undo_fiat_sent", d.CANCEL, "open_dispute"},
    (d.FIAT_SENT, d.SELLER): {"release", d.CANCEL, "open_dispute"},
    (d.DISPUTED, d.BUYER): {d.STATEMENT},
    (d.DISPUTED, d.SELLER): {d.STATEMENT},
    (d.DISPUTED, d.OPERATOR): {"resolve"},
    (d.RELEASED, d.BUYER): {d.REVIEW},
    (d.RELEASED, d.SELLER): {d.REVIEW},
    (d.RESOLVED, d.BUYER): {d.REVIEW},
    (d.RESOLVED, d.SELLER): {d.REVIEW},
}


@pytest.mark.parametrize("status", [s for s in d.STATUSES if s != d.REQUESTED])
@pytest.mark.parametrize("role", [d.BUYER, d.SELLER, d.OPERATOR])
def test_offered_actions_are_what_the_deal_page_shows(status, role):
    assert d.offered_actions(status, role) == OFFERED.get((status, role), set())


def test_every_offered_transition_is_one_the_machine_allows():
    for status in d.STATUSES:
        for role in (d.BUYER, d.SELLER, d.OPERATOR):
            transitions = d.offered_actions(status, role) & set(d.TRANSITIONS)
            assert transitions <= set(d.allowed_actions(status, role))


def test_cancel_steps():
    assert d.cancel_step(d.ESCROW_LOCKED, d.BUYER, requested_by_other=False) == "buyer_cancel"
    assert d.cancel_step(d.ESCROW_LOCKED, d.SELLER, requested_by_other=False) == "request"
    assert d.cancel_step(d.ESCROW_LOCKED, d.SELLER, requested_by_other=True) == "mutual_cancel"
    # After "fiat sent" the buyer too needs the other side.
    assert d.cancel_step(d.FIAT_SENT, d.BUYER, requested_by_other=False) == "request"
    assert d.cancel_step(d.FIAT_SENT, d.BUYER, requested_by_other=True) == "mutual_cancel"
    for status in (d.DISPUTED, d.RELEASED, d.CANCELLED, d.EXPIRED, d.RESOLVED):
        with pytest.raises(DealTransitionRefused):
            d.cancel_step(status, d.SELLER, requested_by_other=True)
    with pytest.raises(Forbidden):
        d.cancel_step(d.FIAT_SENT, d.OPERATOR, requested_by_other=True)


def test_deadlines():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert d.payment_deadline(now, 15) == now + timedelta(minutes=15)
    assert d.release_deadline(now, 60) == now + timedelta(minutes=60)


@pytest.mark.parametrize(
    ("outcome", "share", "parts"),
    [
        ("release", None, (1000, 0)),
        ("refund", None, (0, 1000)),
        ("split", "0.5", (500, 500)),
        ("split", "0", (0, 1000)),
        ("split", "1", (1000, 0)),
        ("split", "0.3333", (333, 667)),
    ],
)
def test_split_amounts_add_up(outcome, share, parts):
    assert d.split_amounts(1000, outcome, share) == parts


@pytest.mark.parametrize("share", [None, "", "abc", "-0.1", "1.01", "NaN", "Infinity"])
def test_split_refuses_bad_shares(share):
    with pytest.raises(InvalidAmount) as err:
        d.split_amounts(1000, "split", share)
    assert err.value.code == "dispute_share_invalid"


def test_unknown_outcome():
    with pytest.raises(InvalidAmount) as err:
        d.split_amounts(1000, "keep", None)
    assert err.value.code == "dispute_outcome_invalid"


@pytest.mark.parametrize(
    ("typed", "fraction"), [("25", "0.25"), ("33,5", "0.335"), ("100%", "1"), ("0", "0"), (" 50 ", "0.5")]
)
def test_share_from_percent(typed, fraction):
    assert Decimal(d.share_from_percent(typed)) == Decimal(fraction)


@pytest.mark.parametrize("typed", ["", "abc", "-1", "100.01", "250", "NaN", "Infinity"])
def test_share_from_percent_refuses(typed):
    with pytest.raises(InvalidAmount) as err:
        d.share_from_percent(typed)
    assert err.value.code == "dispute_share_invalid"


T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_an_undo_never_gives_time_back():
    original = d.payment_deadline(T0, 15)
    assert d.deadline_after_undo(original) == original == T0 + timedelta(minutes=15)
    d.check_payment_time(original - timedelta(seconds=1), original)
    for late in (original, original + timedelta(hours=1)):
        with pytest.raises(DealClockRefused) as refused:
            d.check_payment_time(late, original)
        assert refused.value.code == "deal_payment_window_over"


def test_a_side_disputes_only_after_the_wait_and_the_timer_always():
    opens = d.dispute_opens_at(T0, 600)
    assert opens == T0 + timedelta(minutes=10)
    for side in (d.BUYER, d.SELLER):
        with pytest.raises(DealClockRefused) as refused:
            d.check_dispute_time(side, opens - timedelta(seconds=1), opens)
        assert (refused.value.code, refused.value.details["opens_at"]) == ("deal_dispute_too_early", opens)
        d.check_dispute_time(side, opens, opens)
    d.check_dispute_time(d.TIMER, T0, opens)  # the release timer fires after the whole window anyway
    d.check_dispute_time(d.BUYER, T0, None)  # a deal marked paid before the rule existed
