"""Ads: the sell reserve follows create / edit / pause / resume / close, and deals take volume, on
SQLite and PostgreSQL; the race for the last volume on PostgreSQL."""

import threading
import uuid
from dataclasses import replace
from functools import partial

import pytest
from builders import assert_invariants, balances, deposit, make_users, race
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from krypton_app.domain.ads import AdInvalid
from krypton_app.domain.errors import AdUnavailable, Forbidden, IdempotencyConflict, InsufficientFunds, InvalidState
from krypton_app.domain.ledger import HELD, Leg
from krypton_app.services import ledger
from krypton_app.services.ad_views import get_ad, list_my_ads
from krypton_app.services.ads import (
    AdDraft,
    close_ad,
    create_ad,
    pause_ad,
    resume_ad,
    return_ad_volume,
    take_ad_volume,
    update_ad,
)
from krypton_app.services.rates import StaticRateProvider
from krypton_app.settings import Settings

TON = 10**9
SETTINGS = Settings()
RATES = StaticRateProvider(SETTINGS.rates)
SELL = AdDraft(
    side="sell",
    asset="TON",
    fiat="RUB",
    country="RU",
    methods=("sbp", "card"),
    price_kind="fixed",
    price="420.50",
    margin_percent=None,
    min_amount="1",
    max_amount="5",
    total_volume="10",
)


def create(uow, owner, draft=SELL, key=None):
    return create_ad(uow, owner, draft, rates=RATES, idempotency_key=key or uuid.uuid4().hex)


def take(uow, ad_id, amount, taker):
    with uow.transaction() as s:
        return take_ad_volume(s, ad_id, amount, taker)


def test_sell_ad_reserves_its_volume_and_close_returns_the_rest(uow):
    owner, taker = make_users(uow, 2)
    deposit(uow, owner, 12 * TON)
    ad = create(uow, owner)
    assert (ad.price, ad.remaining, ad.total_volume, ad.status) == (42050, 10 * TON, 10 * TON, "active")
    assert ad.methods == ("sbp", "card") and ad.decimals == 9 and ad.fiat_decimals == 2
    assert balances(uow, owner) == (2 * TON, 10 * TON)

    row = take(uow, ad.id, 3 * TON, taker)
    assert row.remaining == 7 * TON
    closed = close_ad(uow, owner, ad.id)
    assert (closed.status, closed.remaining) == ("closed", 0)
    # The 3 TON taken by the deal stay held for it.
    assert balances(uow, owner) == (9 * TON, 3 * TON)
    assert close_ad(uow, owner, ad.id).status == "closed"  # a repeated click
    with uow.transaction() as s:
        assert return_ad_volume(s, ad.id, 3 * TON) is False
    assert_invariants(uow)


def test_create_is_idempotent_and_needs_the_balance(uow):
    owner, other = make_users(uow, 2)
    deposit(uow, owner, 12 * TON)
    first = create(uow, owner, key="k1")
    assert create(uow, owner, key="k1") == first
    assert len(list_my_ads(uow, owner)) == 1
    with pytest.raises(InsufficientFunds):
        create(uow, owner, key="k2")
    with pytest.raises(InsufficientFunds):
        create(uow, other, key="k1")
    assert balances(uow, owner) == (2 * TON, 10 * TON)


def test_buy_ad_create_is_idempotent(uow):
    owner, other = make_users(uow, 2)
    buy = replace(SELL, side="buy")
    first = create(uow, owner, buy, key="b1")
    # The same draft, written differently, is the same request.
    assert create(uow, owner, replace(buy, price="420.5"), key="b1") == first
    assert len(list_my_ads(uow, owner)) == 1
    # The key is per owner: another owner's "b1" is a new ad.
    assert create(uow, other, buy, key="b1").id != first.id
    assert balances(uow, owner) == (0, 0)


@pytest.mark.parametrize("side", ["buy", "sell"])
def test_the_same_key_with_another_draft_is_a_conflict(uow, side):
    (owner,) = make_users(uow, 1)
    deposit(uow, owner, 20 * TON)
    draft = replace(SELL, side=side)
    first = create(uow, owner, draft, key="k")
    for change in (dict(total_volume="9"), dict(methods=("sbp",)), dict(price="421"), dict(side="buy", asset="USDT")):
        with pytest.raises(IdempotencyConflict):
            create(uow, owner, replace(draft, **change), key="k")
    assert [ad.id for ad in list_my_ads(uow, owner)] == [first.id]
    assert balances(uow, owner) == ((10 * TON, 10 * TON) if side == "sell" else (20 * TON, 0))


def test_a_floating_retry_matches_on_the_margin_not_the_price(uow):
    (owner,) = make_users(uow, 1)
    floating = replace(SELL, side="buy", price_kind="floating", price=None, margin_percent="-1.5")
    first = create(uow, owner, floating, key="f")
    moved = StaticRateProvider({**SETTINGS.rates, "TON/RUB": "430"})
    again = create_ad(uow, owner, floating, rates=moved, idempotency_key="f")
    assert again.id == first.id and again.price != first.price
    with pytest.raises(IdempotencyConflict):
        create(uow, owner, replace(floating, margin_percent="-1"), key="f")


def test_buy_ad_holds_nothing(uow):
    (owner,) = make_users(uow, 1)
    ad = create(uow, owner, replace(SELL, side="buy"))
    assert ad.side == "buy" and ad.remaining == 10 * TON
    assert balances(uow, owner) == (0, 0)
    close_ad(uow, owner, ad.id)
    assert balances(uow, owner) == (0, 0)


def test_pause_returns_the_remaining_and_resume_holds_it_again(uow):
    owner, taker = make_users(uow, 2)
    deposit(uow, owner, 10 * TON)
    ad = create(uow, owner)
    take(uow, ad.id, 2 * TON, taker)
    paused = pause_ad(uow, owner, ad.id)
    assert (paused.status, paused.remaining) == ("paused", 8 * TON)
    assert balances(uow, owner) == (8 * TON, 2 * TON)
    with pytest.raises(AdUnavailable) as err:
        take(uow, ad.id, 1 * TON, taker)
    assert err.value.code == "ad_inactive"
    with uow.transaction() as s:
        assert return_ad_volume(s, ad.id, 2 * TON) is False  # the deal side releases it itself
    resumed = resume_ad(uow, owner, ad.id)
    assert resumed.status == "active" and balances(uow, owner) == (0, 10 * TON)
    with uow.transaction() as s:
        assert return_ad_volume(s, ad.id, 2 * TON) is True
    assert get_ad(uow, ad.id).remaining == 10 * TON
    with pytest.raises(InvalidState):
        resume_ad(uow, owner, close_ad(uow, owner, ad.id).id)
    assert balances(uow, owner) == (10 * TON, 0)
    assert_invariants(uow)


def test_resume_needs_the_balance_back(uow):
    (owner,) = make_users(uow, 1)
    deposit(uow, owner, 10 * TON)
    ad = create(uow, owner)
    pause_ad(uow, owner, ad.id)
    ledger.hold(uow, owner, "TON", 5 * TON, "spent-elsewhere")
    with pytest.raises(InsufficientFunds):
        resume_ad(uow, owner, ad.id)
    assert get_ad(uow, ad.id).status == "paused"


def test_update_moves_the_reserve_by_the_volume_change(uow):
    owner, taker = make_users(uow, 2)
    deposit(uow, owner, 20 * TON)
    ad = create(uow, owner)
    take(uow, ad.id, 4 * TON, taker)
    grown = update_ad(uow, owner, ad.id, replace(SELL, total_volume="15", price="400"), rates=RATES)
    assert (grown.total_volume, grown.remaining, grown.price) == (15 * TON, 11 * TON, 40000)
    assert balances(uow, owner) == (5 * TON, 15 * TON)
    shrunk = update_ad(uow, owner, ad.id, replace(SELL, total_volume="6"), rates=RATES)
    assert shrunk.remaining == 2 * TON and balances(uow, owner) == (14 * TON, 6 * TON)
    with pytest.raises(AdInvalid) as err:  # below what the deal already took
        update_ad(uow, owner, ad.id, replace(SELL, total_volume="3", max_amount="3"), rates=RATES)
    assert err.value.code == "ad_limits_invalid"
    with pytest.raises(AdInvalid):
        update_ad(uow, owner, ad.id, replace(SELL, side="buy"), rates=RATES)
    with pytest.raises(Forbidden):
        update_ad(uow, taker, ad.id, SELL, rates=RATES)
    with pytest.raises(Forbidden):
        pause_ad(uow, taker, ad.id)
    assert_invariants(uow)


def test_take_checks_the_ad_and_the_taker(uow):
    owner, taker = make_users(uow, 2)
    deposit(uow, owner, 10 * TON)
    ad = create(uow, owner, replace(SELL, min_completed_deals=1))
    cases = [
        (owner, 2 * TON, "ad_own"),
        (taker, TON // 2, "ad_amount_out_of_range"),
        (taker, 6 * TON, "ad_amount_out_of_range"),
    ]
    cases.append((taker, 2 * TON, "ad_requirements_unmet"))
    for who, amount, code in cases:
        with pytest.raises(AdUnavailable) as err:
            take(uow, ad.id, amount, who)
        assert err.value.code == code
    plain = create(uow, create_owner(uow), replace(SELL, total_volume="5"))
    take(uow, plain.id, 4 * TON, taker)
    with pytest.raises(AdUnavailable) as err:
        take(uow, plain.id, 2 * TON, taker)
    assert err.value.code == "ad_volume_exhausted"


def create_owner(uow):
    (owner,) = make_users(uow, 1)
    deposit(uow, owner, 10 * TON)
    return owner


@pytest.mark.parametrize(
    "change, code",
    [
        (dict(side="swap"), "ad_side_invalid"),
        (dict(asset="BTC"), "ad_market_invalid"),
        (dict(country="KZ"), "ad_market_invalid"),
        (dict(methods=("kaspi",)), "ad_methods_invalid"),
        (dict(methods=()), "ad_methods_invalid"),
        (dict(price="0"), "ad_price_invalid"),
        (dict(price="1.234"), "ad_price_invalid"),
        (dict(price_kind="floating", margin_percent="60"), "ad_price_invalid"),
        (dict(price_kind="floating", margin_percent="1.255"), "ad_price_invalid"),
        (dict(min_amount="6"), "ad_limits_invalid"),
        (dict(max_amount="11"), "ad_limits_invalid"),
        (dict(min_amount="0"), "ad_limits_invalid"),
        (dict(min_amount="0.0000000001"), "amount_too_many_decimals"),  # the typed amount's own reason
        (dict(max_amount="1 000"), "amount_separator"),
        (dict(total_volume="1e3"), "amount_exponent"),
        (dict(payment_window_min=1), "ad_window_invalid"),
        (dict(terms="x" * 2001), "ad_terms_invalid"),
        (dict(min_completed_deals=-1), "ad_requirements_invalid"),
    ],
)
def test_invalid_drafts_are_refused_with_a_code(uow, change, code):
    (owner,) = make_users(uow, 1)
    deposit(uow, owner, 10 * TON)
    with pytest.raises(AdInvalid) as err:
        create(uow, owner, replace(SELL, **change))
    assert err.value.code == code
    assert balances(uow, owner) == (10 * TON, 0)


def test_floating_price_follows_the_reference_rate(uow):
    (owner,) = make_users(uow, 1)
    ad = create(uow, owner, replace(SELL, side="buy", price_kind="floating", price=None, margin_percent="-1.5"))
    # TON/RUB 420 in the default rate table: 420 x 0.985 = 413.70
    assert (ad.price, ad.margin_bp) == (41370, -150)


def test_take_prices_a_floating_ad_at_the_current_rate(uow):
    owner, taker = make_users(uow, 2)
    deposit(uow, owner, 10 * TON)
    ad = create(uow, owner, replace(SELL, price_kind="floating", price=None, margin_percent="2"))
    assert ad.price == 42840  # 420 x 1.02
    with uow.transaction() as s:
        row = take_ad_volume(s, ad.id, TON, taker, rates=StaticRateProvider({"TON/RUB": "400.10"}))
    assert row.price == 40810  # 408.102 -> 408.10
    with uow.transaction() as s:
        assert take_ad_volume(s, ad.id, TON, taker).price == 40810  # no rates: the last computed price


def test_two_takers_race_for_the_last_volume(pg_uow):
    uow = pg_uow
    owner, a, b = make_users(uow, 3)
    deposit(uow, owner, 10 * TON)
    ad = create(uow, owner, replace(SELL, total_volume="5"))
    take(uow, ad.id, 2 * TON, a)
    barrier = threading.Barrier(2)
    results = []

    def taker(user):
        with uow.transaction() as s:
            barrier.wait()
            try:
                take_ad_volume(s, ad.id, 2 * TON, user)
                results.append("won")
            except AdUnavailable as exc:
                results.append(exc.code)

    threads = [threading.Thread(target=taker, args=(u,)) for u in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ad_volume_exhausted", "won"]
    assert get_ad(uow, ad.id).remaining == 1 * TON


def test_twin_creates_with_one_key_make_one_ad(pg_uow):
    uow = pg_uow
    (owner,) = make_users(uow, 1)
    deposit(uow, owner, 15 * TON)
    results = [ad.id for ad in race(*[partial(create, uow, owner, key="twin") for _ in range(2)])]
    assert len(results) == 2 and results[0] == results[1]
    assert len(list_my_ads(uow, owner)) == 1
    assert balances(uow, owner) == (5 * TON, 10 * TON)


def test_racing_buy_ad_creates_with_one_key_make_one_ad(pg_uow):
    uow = pg_uow
    (owner,) = make_users(uow, 1)
    buy = replace(SELL, side="buy")
    for round_ in range(5):
        a, b = race(*[lambda k=f"twin-{round_}": create(uow, owner, buy, key=k) for _ in range(2)])
        assert not isinstance(a, Exception) and not isinstance(b, Exception), (a, b)
        assert a.id == b.id
    assert len(list_my_ads(uow, owner)) == 5


def test_paused_ad_edit_moves_no_money(uow):
    (owner,) = make_users(uow, 1)
    deposit(uow, owner, 10 * TON)
    ad = create(uow, owner)
    pause_ad(uow, owner, ad.id)
    edited = update_ad(uow, owner, ad.id, replace(SELL, total_volume="8"), rates=RATES)
    assert edited.remaining == 8 * TON and balances(uow, owner) == (10 * TON, 0)
    resume_ad(uow, owner, ad.id)
    assert balances(uow, owner) == (2 * TON, 8 * TON)
    with pytest.raises(InvalidState):
        update_ad(uow, owner, close_ad(uow, owner, ad.id).id, SELL, rates=RATES)


OPS = st.lists(
    st.tuples(st.sampled_from(["take", "give_back", "pause", "resume", "close", "grow", "shrink"]), st.integers(1, 3)),
    max_size=12,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(OPS)
def test_the_owner_holds_exactly_the_active_remaining_plus_open_deals(uow, ops):
    """Random ad lifecycles: held = remaining of the ad while active + what deals still hold."""
    owner, taker = make_users(uow, 2)
    deposit(uow, owner, 30 * TON)
    ad = create(uow, owner)
    in_deals: list[int] = []  # amounts taken and not yet given back, as P2's deals would keep them
    for op, n in ops:
        try:
            if op == "take":
                take(uow, ad.id, n * TON, taker)
                in_deals.append(n * TON)
            elif op == "give_back" and in_deals:
                amount = in_deals.pop()
                with uow.transaction() as s:
                    if not return_ad_volume(s, ad.id, amount):  # the deal's side releases it itself
                        leg = Leg(
                            ledger.user_account(s, owner, "TON", HELD), ledger.user_account(s, owner, "TON"), amount
                        )
                        ledger.post(s, idempotency_key=uuid.uuid4().hex, kind="deal_refund", legs=[leg])
            elif op in ("pause", "resume", "close"):
                {"pause": pause_ad, "resume": resume_ad, "close": close_ad}[op](uow, owner, ad.id)
            elif op in ("grow", "shrink"):
                current = get_ad(uow, ad.id)
                volume = current.total_volume + (n if op == "grow" else -n) * TON
                draft = replace(SELL, total_volume=str(volume // TON), max_amount=str(min(5, volume // TON)))
                update_ad(uow, owner, ad.id, draft, rates=RATES)
        except (AdUnavailable, InvalidState, AdInvalid, InsufficientFunds):
            pass  # refused as a whole: nothing moved
        current = get_ad(uow, ad.id)
        reserved = current.remaining if current.status == "active" else 0
        assert balances(uow, owner)[1] == reserved + sum(in_deals)
        assert sum(balances(uow, owner)) == 30 * TON
    assert_invariants(uow)


def test_pause_racing_a_taker_keeps_the_reserve_exact(pg_uow):
    for _ in range(5):
        pause_against_a_taker(pg_uow)
    assert_invariants(pg_uow)


def pause_against_a_taker(uow):
    owner, taker = make_users(uow, 2)
    deposit(uow, owner, 10 * TON)
    ad = create(uow, owner)
    barrier = threading.Barrier(2)
    outcome = []

    def taker_side():
        barrier.wait()
        try:
            take(uow, ad.id, 3 * TON, taker)
            outcome.append("took")
        except AdUnavailable as exc:
            outcome.append(exc.code)

    def owner_side():
        barrier.wait()
        pause_ad(uow, owner, ad.id)

    threads = [threading.Thread(target=taker_side), threading.Thread(target=owner_side)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcome in (["took"], ["ad_inactive"])
    in_deal = 3 * TON if outcome == ["took"] else 0
    assert get_ad(uow, ad.id).status == "paused"
    assert balances(uow, owner) == (10 * TON - in_deal, in_deal)


def test_the_view_says_what_the_owner_may_do_now(uow):
    (owner,) = make_users(uow, 1)
    deposit(uow, owner, 10 * TON)
    ad = create(uow, owner)
    assert ad.owner_actions == {"edit", "pause", "close"} and ad.open_for_deals
    paused = pause_ad(uow, owner, ad.id)
    assert paused.owner_actions == {"edit", "resume", "close"} and not paused.open_for_deals
    closed = close_ad(uow, owner, ad.id)
    assert closed.owner_actions == frozenset() and not closed.open_for_deals
    with pytest.raises(InvalidState):
        resume_ad(uow, owner, ad.id)


def test_an_ad_takes_a_decimal_comma_and_says_how_many_decimals_an_asset_has(uow):
    """Issue 11: Russian users type "1,5"; a refused amount tells which rule it broke."""
    from krypton_app.i18n import error_key, translate

    (owner,) = make_users(uow, 1)
    deposit(uow, owner, 10 * TON)
    ad = create(uow, owner, replace(SELL, min_amount="1,5"))
    assert ad.min_amount == 1_500_000_000
    with pytest.raises(AdInvalid) as err:
        create(uow, owner, replace(SELL, min_amount="0.0000000001"))
    assert err.value.field == "min_amount"
    key = error_key(err.value.code, err.value.details)
    assert translate("en", key) == "At most 9 digits after the decimal point."
