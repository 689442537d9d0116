"""Selling a promise for fiat and cashing it out (SPEC F6; services/promise_sales.py and the deal purpose
services/promise_sale_escrow.py), on SQLite and PostgreSQL: the deal's escrow is the promise, locked
while the deal runs; release gives its value to the trader, refund, cancel and expiry give it back
active with the same code, an operator's split shares it. Cash out spends it and queues a payout in one
transaction. PostgreSQL: a promise sold and redeemed at once, one wins."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from builders import (
    BUY,
    DISPUTABLE,
    NOW,
    PAYOUT_RATES,
    RATES,
    SETTINGS,
    TON,
    assert_invariants,
    balances,
    lightning_invoice,
    make_invoice,
    make_promise,
    make_user,
    payout_settings,
    promise_backing,
    race,
    remaining,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from krypton_app.domain import deals as machine
from krypton_app.domain.errors import AdUnavailable, IdempotencyConflict, KryptonError
from krypton_app.domain.promises import PromiseRefused
from krypton_app.models import Deal, Payout
from krypton_app.models.promises import Promise
from krypton_app.services import chat, deal_timers, deals, disputes, payments, promise_sales, promises
from krypton_app.services.ads import AdDraft, create_ad
from krypton_app.services.promise_parts import fund_part_from_promise
from krypton_app.state.views import owed_text


class Sale:
    def __init__(self, uow, amount: int = 2 * TON, **promise_options):
        self.issuer = make_user(uow, balance=5 * TON)
        self.holder = make_user(uow)  # got the code from the issuer
        self.trader = make_user(uow)  # owns the BUY ad: 1..5 TON a deal, 10 TON, 400 RUB, sbp or card
        self.ad_id = create_ad(uow, self.trader, BUY, rates=RATES, idempotency_key=uuid.uuid4().hex).id
        made = make_promise(uow, self.issuer, amount, **promise_options)
        self.promise_id, self.code = made.promise.id, made.code


def sell(uow, sale: Sale, *, key: str | None = None, ad_id: int | None = None, holder: int | None = None, now=NOW):
    return promise_sales.open_promise_sale(
        uow,
        sale.holder if holder is None else holder,
        sale.code,
        sale.ad_id if ad_id is None else ad_id,
        method="sbp",
        idempotency_key=key or uuid.uuid4().hex,
        settings=SETTINGS,
        rates=RATES,
        now=now,
    )


def status_of(uow, promise_id: int) -> str:
    with uow.read() as s:
        return s.get(Promise, promise_id).status


def redeem(uow, user_id: int, code: str):
    return promises.redeem_promise(uow, user_id, code, settings=SETTINGS, now=NOW)


def chat_keys(uow, user_id: int, deal_id: int) -> list[str]:
    return [m.text_key for m in chat.list_messages(uow, user_id, deal_id)]


# --- the deal -----------------------------------------------------------------------------------------


def test_the_promise_is_the_escrow_and_release_gives_its_value_to_the_trader(uow):
    sale = Sale(uow)
    deal = sell(uow, sale)
    assert (deal.seller_id, deal.buyer_id, deal.amount) == (sale.holder, sale.trader, 2 * TON)
    assert deal.purpose.kind == machine.PROMISE_SALE and deal.fiat_amount == 800_00
    assert "active again" in owed_text(deal.purpose, "en") and sale.code[:4] in owed_text(deal.purpose, "en")
    assert status_of(uow, sale.promise_id) == "in_deal" and promise_backing(uow) == 2 * TON
    assert remaining(uow, sale.ad_id) == 8 * TON
    assert balances(uow, sale.holder) == (0, 0)  # nothing of the holder's own is held
    deals.mark_fiat_sent(uow, sale.trader, deal.id, now=NOW)
    done = deals.release(uow, sale.holder, deal.id, now=NOW)
    assert done.status == machine.RELEASED
    assert balances(uow, sale.trader) == (2 * TON, 0) and promise_backing(uow) == 0
    with uow.read() as s:
        promise = s.get(Promise, sale.promise_id)
        assert (promise.status, promise.redeemed_by) == ("redeemed", sale.trader)
    with pytest.raises(PromiseRefused) as refused:
        redeem(uow, sale.holder, sale.code)
    assert refused.value.code == "promise_redeemed"
    assert_invariants(uow)


def test_refund_cancel_and_expiry_give_the_promise_back_with_the_same_code(uow):
    sale = Sale(uow)
    # The trader (buyer) cancels before paying.
    first = sell(uow, sale)
    deals.cancel(uow, sale.trader, first.id, now=NOW)
    assert status_of(uow, sale.promise_id) == "active" and remaining(uow, sale.ad_id) == 10 * TON
    assert "deal.sys.promise_back" in chat_keys(uow, sale.holder, first.id)
    # Mutual cancel after "paid".
    second = sell(uow, sale)
    deals.mark_fiat_sent(uow, sale.trader, second.id, now=NOW)
    deals.cancel(uow, sale.holder, second.id, now=NOW)
    deals.cancel(uow, sale.trader, second.id, now=NOW)
    assert deals.get_deal(uow, sale.holder, second.id).status == machine.CANCELLED
    assert status_of(uow, sale.promise_id) == "active"
    # The deal timer expires an unpaid deal.
    third = sell(uow, sale)
    assert deal_timers.run_timers(uow, now=NOW + timedelta(minutes=16)) == 1
    assert deals.get_deal(uow, sale.holder, third.id).status == machine.EXPIRED
    assert status_of(uow, sale.promise_id) == "active" and remaining(uow, sale.ad_id) == 10 * TON
    assert promise_backing(uow) == 2 * TON and balances(uow, sale.holder) == (0, 0)
    # The same code still works: the holder puts it on their balance.
    redeem(uow, sale.holder, sale.code)
    assert balances(uow, sale.holder) == (2 * TON, 0) and promise_backing(uow) == 0
    assert_invariants(uow)


def disputed(uow, sale: Sale):
    deal = sell(uow, sale)
    deals.mark_fiat_sent(uow, sale.trader, deal.id, now=NOW)
    disputes.open_dispute(uow, sale.trader, deal.id, now=DISPUTABLE)
    return deal


@pytest.mark.parametrize(
    ("outcome", "share", "trader_gets", "holder_gets", "status"),
    [
        ("release", None, 2 * TON, 0, "redeemed"),
        ("refund", None, 0, 0, "active"),
        ("split", "0.25", TON // 2, 3 * TON // 2, "redeemed"),
    ],
)
def test_the_operator_decides_a_disputed_sale(uow, outcome, share, trader_gets, holder_gets, status):
    sale = Sale(uow)
    operator = make_user(uow, operator=True)
    deal = disputed(uow, sale)
    disputes.resolve_dispute(uow, operator, deal.id, outcome=outcome, buyer_share=share, now=DISPUTABLE)
    assert balances(uow, sale.trader) == (trader_gets, 0)
    assert balances(uow, sale.holder) == (holder_gets, 0)
    assert status_of(uow, sale.promise_id) == status
    assert promise_backing(uow) == (2 * TON if status == "active" else 0)
    keys = chat_keys(uow, sale.holder, deal.id)
    assert ("deal.sys.promise_split" in keys) == (outcome == "split")
    assert ("deal.sys.promise_back" in keys) == (outcome == "refund")
    assert_invariants(uow)


def test_a_promise_in_a_deal_cannot_be_used_any_other_way(uow):
    sale = Sale(uow, expires_at=NOW + timedelta(minutes=5))
    deal = sell(uow, sale)
    with pytest.raises(PromiseRefused) as refused:
        redeem(uow, sale.holder, sale.code)
    assert refused.value.code == "promise_in_deal"
    with pytest.raises(PromiseRefused) as refused:
        promises.cancel_promise(uow, sale.issuer, sale.promise_id, now=NOW)
    assert refused.value.code == "promise_in_deal"
    with pytest.raises(PromiseRefused) as refused:
        sell(uow, sale)  # a second deal on it
    assert refused.value.code == "promise_in_deal"
    # Pay an invoice part with it.
    payer = make_user(uow)
    invoice = make_invoice(uow, make_user(uow), amount="2")
    payment = payments.start_payment(
        uow, payer, invoice.number, parts=["2"], idempotency_key="p", settings=SETTINGS, rates=RATES, now=NOW
    )
    part = payment.parts[0]
    with pytest.raises(PromiseRefused) as refused:
        fund_part_from_promise(
            uow, payer, payment.id, part.id, sale.code, settings=SETTINGS, rates=RATES, now=NOW,
            expected_amount=part.amount,
        )  # fmt: skip
    assert refused.value.code == "promise_in_deal"
    # Housekeeping past its expiry skips it: the deal holds it.
    later = NOW + timedelta(minutes=10)
    assert promises.expire_promises(uow, now=later) == 0
    assert status_of(uow, sale.promise_id) == "in_deal"
    # Once the deal gives it back, it is past its time: it reads expired, and the worker returns the money.
    deals.cancel(uow, sale.trader, deal.id, now=later)
    assert promises.expire_promises(uow, now=later) == 1
    assert balances(uow, sale.issuer) == (5 * TON, 0) and promise_backing(uow) == 0
    assert_invariants(uow)


def test_open_is_idempotent_and_refuses_what_does_not_fit(uow):
    sale = Sale(uow)
    first = sell(uow, sale, key="k1")
    assert sell(uow, sale, key="k1").id == first.id
    with pytest.raises(IdempotencyConflict):
        sell(uow, sale, key="k1", ad_id=Sale(uow).ad_id)
    deals.cancel(uow, sale.trader, first.id, now=NOW)
    # A sell ad is no buyer; the trader cannot sell to their own ad; an amount outside the limits.
    sell_ad = create_ad(
        uow, make_user(uow, balance=10 * TON), AdDraft(**{**BUY.__dict__, "side": "sell"}), rates=RATES,
        idempotency_key="s",
    )  # fmt: skip
    with pytest.raises(PromiseRefused) as refused:
        sell(uow, sale, ad_id=sell_ad.id)
    assert refused.value.code == "promise_ad_mismatch"
    own = make_promise(uow, sale.issuer, 2 * TON)
    with pytest.raises(AdUnavailable) as unavailable:
        promise_sales.open_promise_sale(
            uow, sale.trader, own.code, sale.ad_id, method="sbp", idempotency_key="o", settings=SETTINGS,
            rates=RATES, now=NOW,
        )  # fmt: skip
    assert unavailable.value.code == "ad_own"
    big = make_promise(uow, sale.issuer, TON // 2)  # below the ad's 1 TON minimum
    with pytest.raises(AdUnavailable) as unavailable:
        promise_sales.open_promise_sale(
            uow, sale.holder, big.code, sale.ad_id, method="sbp", idempotency_key="b", settings=SETTINGS,
            rates=RATES, now=NOW,
        )  # fmt: skip
    assert unavailable.value.code == "ad_amount_out_of_range"
    assert status_of(uow, big.promise.id) == "active"
    with pytest.raises(PromiseRefused) as refused:
        promise_sales.open_promise_sale(
            uow, sale.holder, "x" * 32, sale.ad_id, method="sbp", idempotency_key="w", settings=SETTINGS,
            rates=RATES, now=NOW,
        )  # fmt: skip
    assert refused.value.code == "promise_not_found"
    assert_invariants(uow)


def test_matching_buy_ads_fit_the_whole_promise_best_price_first(uow):
    sale = Sale(uow)
    richer = make_user(uow)
    better = create_ad(uow, richer, AdDraft(**{**BUY.__dict__, "price": "410"}), rates=RATES, idempotency_key="r")
    small = create_ad(uow, make_user(uow), AdDraft(**{**BUY.__dict__, "max_amount": "1"}), rates=RATES,
                      idempotency_key="m")  # fmt: skip
    offers = promise_sales.sale_ads(
        uow, sale.holder, sale.code, country="RU", fiat="RUB", method="sbp", settings=SETTINGS, rates=RATES, now=NOW
    )
    assert [o.ad.id for o in offers] == [better.id, sale.ad_id]  # the 1 TON ad cannot take 2 TON
    assert small.id not in [o.ad.id for o in offers]
    assert offers[0].fiat_total == 820_00
    own = promise_sales.sale_ads(
        uow, richer, sale.code, country="RU", fiat="RUB", method="sbp", settings=SETTINGS, rates=RATES, now=NOW
    )
    assert better.id not in [o.ad.id for o in own]
    assert (
        promise_sales.sale_ads(
            uow,
            sale.holder,
            sale.code,
            country="KZ",
            fiat="KZT",
            method="kaspi",
            settings=SETTINGS,
            rates=RATES,
            now=NOW,
        )
        == []
    )


def test_conservation_over_many_sales(uow):
    sale = Sale(uow, amount=TON)
    operator = make_user(uow, operator=True)
    for step in range(4):
        deal = sell(uow, sale)
        if step == 0:
            deals.cancel(uow, sale.trader, deal.id, now=NOW)
        elif step == 1:
            deal_timers.run_timers(uow, now=NOW + timedelta(minutes=16))
        elif step == 2:
            deals.mark_fiat_sent(uow, sale.trader, deal.id, now=NOW)
            disputes.open_dispute(uow, sale.holder, deal.id, now=DISPUTABLE)
            disputes.resolve_dispute(uow, operator, deal.id, outcome="refund", now=DISPUTABLE)
        else:
            deals.mark_fiat_sent(uow, sale.trader, deal.id, now=NOW)
            deals.release(uow, sale.holder, deal.id, now=NOW)
        assert_invariants(uow)
    assert balances(uow, sale.trader) == (TON, 0) and promise_backing(uow) == 0
    assert balances(uow, sale.issuer) == (4 * TON, 0)
    with uow.read() as s:
        statuses = s.execute(select(Deal.status).where(Deal.promise_id == sale.promise_id).order_by(Deal.id)).all()
    assert [row[0] for row in statuses] == ["cancelled", "expired", "resolved", "released"]


def test_a_promise_sold_and_redeemed_at_once_goes_one_way(pg_uow):
    uow = pg_uow
    for _ in range(3):
        sale = Sale(uow)
        results = race(lambda sale=sale: sell(uow, sale), lambda sale=sale: redeem(uow, sale.holder, sale.code))
        won = [r for r in results if not isinstance(r, Exception)]
        assert len(won) == 1, results
        lost = next(r for r in results if isinstance(r, Exception))
        assert isinstance(lost, PromiseRefused) and lost.code in ("promise_redeemed", "promise_in_deal")
        sold = not isinstance(results[0], Exception)
        assert status_of(uow, sale.promise_id) == ("in_deal" if sold else "redeemed")
        assert remaining(uow, sale.ad_id) == (8 if sold else 10) * TON
        assert balances(uow, sale.holder) == ((0 if sold else 2 * TON), 0)
        assert_invariants(uow)


# --- cash out -----------------------------------------------------------------------------------------

PAYOUT_SETTINGS = payout_settings("regtest")


def cash_out(uow, holder: int, code: str, to: str, destination: str, key: str = "c", now=NOW):
    return promise_sales.cash_out_promise(
        uow,
        holder,
        code,
        to=to,
        destination=destination,
        idempotency_key=key,
        settings=PAYOUT_SETTINGS,
        rates=PAYOUT_RATES,
        now=now,
    )


REGTEST_ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


def test_cash_out_to_bitcoin_sends_the_promise_less_the_fee(uow):
    sale = Sale(uow)
    quote = promise_sales.quote_cash_out(
        uow, sale.holder, sale.code, to="bitcoin", destination=REGTEST_ADDRESS, settings=PAYOUT_SETTINGS,
        rates=PAYOUT_RATES, now=NOW,
    )  # fmt: skip
    assert (quote.payout.amount, quote.payout.fee, quote.rest) == (2 * TON - TON // 10, TON // 10, 0)
    assert quote.payout.rate == "0.0000520" and quote.payout.amount_sat == 9880
    payout = cash_out(uow, sale.holder, sale.code, "bitcoin", REGTEST_ADDRESS)
    again = cash_out(uow, sale.holder, sale.code, "bitcoin", REGTEST_ADDRESS)
    assert again.id == payout.id and payout.status == "queued" and payout.amount_sat == 9880
    assert balances(uow, sale.holder) == (0, 2 * TON) and promise_backing(uow) == 0
    assert status_of(uow, sale.promise_id) == "redeemed"
    with pytest.raises(PromiseRefused) as refused:
        cash_out(uow, sale.holder, sale.code, "bitcoin", REGTEST_ADDRESS, key="other")
    assert refused.value.code == "promise_redeemed"
    with uow.read() as s:
        assert len(s.execute(select(Payout.id)).all()) == 1
    assert_invariants(uow)


def test_cash_out_to_lightning_pays_the_invoice_and_leaves_the_rest_on_the_balance(uow):
    sale = Sale(uow)
    invoice = lightning_invoice(msat=5_200_000, date=int(NOW.timestamp()))  # 5200 sat = 1 TON at the rate
    quote = promise_sales.quote_cash_out(
        uow, sale.holder, sale.code, to="lightning", destination=invoice, settings=PAYOUT_SETTINGS,
        rates=PAYOUT_RATES, now=NOW,
    )  # fmt: skip
    assert (quote.payout.amount, quote.payout.fee) == (TON, TON // 10)
    assert quote.rest == 2 * TON - TON - TON // 10
    payout = cash_out(uow, sale.holder, sale.code, "lightning", invoice)
    assert cash_out(uow, sale.holder, sale.code, "lightning", invoice).id == payout.id
    assert balances(uow, sale.holder) == (quote.rest, TON + TON // 10) and promise_backing(uow) == 0
    # A promise that does not cover an invoice is refused, and nothing moves.
    small = make_promise(uow, sale.issuer, TON)
    with pytest.raises(PromiseRefused) as refused:
        cash_out(uow, sale.holder, small.code, "lightning", lightning_invoice(msat=5_200_000, date=int(NOW.timestamp()),
                 preimage=bytes(range(1, 33))), key="small")  # fmt: skip
    assert refused.value.code == "promise_too_small"
    assert status_of(uow, small.promise.id) == "active"
    assert_invariants(uow)


def test_a_promise_in_a_deal_is_not_cashed_out(uow):
    sale = Sale(uow)
    sell(uow, sale)
    with pytest.raises(PromiseRefused) as refused:
        cash_out(uow, sale.holder, sale.code, "bitcoin", REGTEST_ADDRESS)
    assert refused.value.code == "promise_in_deal"
    assert promise_backing(uow) == 2 * TON
    assert_invariants(uow)


# --- property: money is conserved over any mix of sales and redeems -----------------------------------

SALE_OPS = st.lists(
    st.tuples(
        st.sampled_from(["sell", "cancel", "timer", "release", "refund", "split", "redeem", "issuer_cancel"]),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=SALE_OPS)
def test_random_sales_keep_money_and_the_escrow_consistent(uow, ops):
    """Sell a promise / the trader cancels / the timer runs / paid then released / disputed and refunded or
    split by the operator / redeemed / cancelled by its issuer, in any order over three promises: the
    ledger balances, the backing holds exactly the promises still active or in a deal, and a promise is in
    a deal exactly while one live deal holds it."""
    sale = Sale(uow, amount=TON)
    operator = make_user(uow, operator=True)
    codes = [sale.code, make_promise(uow, sale.issuer, TON).code, make_promise(uow, sale.issuer, 2 * TON).code]
    with uow.read() as s:
        ids = list(s.execute(select(Promise.id).where(Promise.issuer_id == sale.issuer).order_by(Promise.id)).scalars())
    # The examples share the database: earlier examples' promises stay in the backing.
    others = promise_backing(uow) - 4 * TON
    clock = NOW
    for op, index in ops:
        clock += timedelta(minutes=1)
        live = _live_deal(uow, ids[index])
        try:
            if op == "sell":
                _sell_code(uow, sale, codes[index], clock)
            elif op == "cancel" and live:
                deals.cancel(uow, sale.trader, live, now=clock)
            elif op == "timer":
                clock += timedelta(minutes=16)
                deal_timers.run_timers(uow, now=clock)
            elif op == "release" and live:
                deals.mark_fiat_sent(uow, sale.trader, live, now=clock)
                deals.release(uow, sale.holder, live, now=clock)
            elif op in ("refund", "split") and live:
                deals.mark_fiat_sent(uow, sale.trader, live, now=clock)
                opens = clock + timedelta(minutes=11)
                disputes.open_dispute(uow, sale.holder, live, now=opens)
                share = "0.5" if op == "split" else None
                disputes.resolve_dispute(uow, operator, live, outcome=op, buyer_share=share, now=opens)
            elif op == "redeem":
                promises.redeem_promise(uow, sale.holder, codes[index], settings=SETTINGS, now=clock)
            elif op == "issuer_cancel":
                promises.cancel_promise(uow, sale.issuer, ids[index], now=clock)
        except KryptonError:
            pass  # a refusal (the promise spent or in a deal, a deadline passed, the ad's volume): nothing moved
        assert_invariants(uow)
        with uow.read() as s:
            rows = s.execute(select(Promise.id, Promise.status, Promise.amount).where(Promise.id.in_(ids))).all()
            held = sum(amount for _id, status, amount in rows if status in ("active", "in_deal"))
            for promise_id, status, _amount in rows:
                holding = s.execute(
                    select(Deal.id).where(Deal.promise_id == promise_id, Deal.status.in_(sorted(machine.LIVE)))
                ).all()
                assert len(holding) == (1 if status == "in_deal" else 0), (promise_id, status, holding)
        assert promise_backing(uow) - others == held


def _sell_code(uow, sale: Sale, code: str, now):
    return promise_sales.open_promise_sale(
        uow, sale.holder, code, sale.ad_id, method="sbp", idempotency_key=uuid.uuid4().hex, settings=SETTINGS,
        rates=RATES, now=now,
    )  # fmt: skip


def _live_deal(uow, promise_id: int) -> int | None:
    with uow.read() as s:
        return s.execute(
            select(Deal.id).where(Deal.promise_id == promise_id, Deal.status.in_(sorted(machine.LIVE)))
        ).scalar_one_or_none()
