"""A payment part paid in fiat through a P2P trader (SPEC F10): the ads that fit a part, the deal on
it, and where the trader's crypto goes for every way the deal ends (released, expired, cancelled,
decided by an operator) and the payment ends (completed, cancelled); SQLite and PostgreSQL, the one
live deal per part raced on PostgreSQL."""

import uuid
from datetime import timedelta

import pytest
from builders import (
    DISPUTABLE,
    INVOICE_SETTINGS,
    NOW,
    RATES,
    SELL,
    TON,
    assert_invariants,
    balances,
    deposit,
    make_invoice,
    make_user,
    open_part_deal,
    part_deal_case,
    race,
    remaining,
    sell_ad,
)

from krypton_app.domain.errors import AdUnavailable, IdempotencyConflict, InvalidState, NotFound
from krypton_app.domain.invoices import CANCELLED, COMPLETED, FUNDED, PENDING, RETURNED, QuoteRenewed
from krypton_app.services import chat, deal_timers, deals, disputes, invoices, part_deals, payments, reviews
from krypton_app.services.ads import AdDraft, create_ad
from krypton_app.services.deal_room import read_deal_room
from krypton_app.services.rates import StaticRateProvider

LATER = NOW + timedelta(minutes=16)  # past the 15-minute payment window of the trader's ad


def payment_of(uow, case):
    return payments.get_payment(uow, case.payer, case.payment.id, settings=INVOICE_SETTINGS)


def part_status(uow, case, position):
    return payment_of(uow, case).parts[position - 1].status


def total(uow, *users):
    """Everything these users own of TON, available and held."""
    return sum(sum(balances(uow, user)) for user in users)


def release(uow, case, deal, now=NOW):
    return deals.release(uow, case.trader, deal.id, now=now, settings=INVOICE_SETTINGS, rates=RATES)


def said(uow, case, deal):
    """The system messages of the deal's chat, by catalog key."""
    return [m.text_key for m in chat.list_messages(uow, case.payer, deal.id) if m.text_key]


def fund_from_balance(uow, case, position):
    part = case.payment.parts[position - 1]
    return payments.fund_part_from_balance(
        uow, case.payer, case.payment.id, part.id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )


def ad(uow, owner, **fields):
    draft = AdDraft(**{**SELL.__dict__, **fields})
    return create_ad(uow, owner, draft, rates=RATES, idempotency_key=uuid.uuid4().hex).id


def offers(uow, case, position=2, method="sbp"):
    return part_deals.part_ads(
        uow,
        case.payer,
        case.payment.id,
        case.payment.parts[position - 1].id,
        country="RU",
        fiat="RUB",
        method=method,
        rates=RATES,
        now=NOW,
    )


def disputed(uow, case):
    operator = make_user(uow, operator=True)
    deal = open_part_deal(uow, case)
    deals.mark_fiat_sent(uow, case.payer, deal.id, now=NOW)
    disputes.open_dispute(uow, case.payer, deal.id, now=DISPUTABLE)
    return operator, deal


def resolve(uow, operator, deal, outcome, share=None):
    return disputes.resolve_dispute(
        uow,
        operator,
        deal.id,
        outcome=outcome,
        buyer_share=share,
        now=DISPUTABLE,
        settings=INVOICE_SETTINGS,
        rates=RATES,
    )


# --- the ads that fit a part ---------------------------------------------------------------------------


def test_part_ads_are_the_sell_ads_that_fit_the_part_best_price_first(uow):
    case = part_deal_case(uow)
    cheaper_trader = make_user(uow, balance=30 * TON)
    cheaper = ad(uow, cheaper_trader, price="390")
    ad(uow, cheaper_trader, min_amount="3")  # 2 TON is below its per-deal minimum
    ad(uow, cheaper_trader, methods=("card",))  # not the chosen method
    deposit(uow, case.payer, 10 * TON)
    ad(uow, case.payer, price="100")  # the payer's own ad is not offered to them
    listed = offers(uow, case)
    assert [offer.ad.id for offer in listed] == [cheaper, case.ad_id]
    assert [offer.fiat_total for offer in listed] == [78_000, 80_000]  # 2 TON at 390 and 400 RUB, in kopecks
    assert listed[1].trader.user_id == case.trader


def test_part_ads_are_the_payers_alone(uow):
    case = part_deal_case(uow)
    with pytest.raises(NotFound):
        part_deals.part_ads(
            uow,
            case.trader,
            case.payment.id,
            case.payment.parts[0].id,
            country="RU",
            fiat="RUB",
            method="sbp",
            rates=RATES,
            now=NOW,
        )


# --- opening the deal ---------------------------------------------------------------------------------


def test_the_deal_buys_exactly_the_part_for_the_part(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case)
    part = case.payment.parts[1]
    assert (deal.buyer_id, deal.seller_id, deal.amount) == (case.payer, case.trader, part.amount)
    assert deal.release_to == f"part:{part.id}"
    assert deal.fiat_amount == 80_000
    assert remaining(uow, case.ad_id) == 8 * TON
    assert part_deals.part_deal(uow, case.trader, deal.id).position == 2


def test_the_same_key_returns_the_same_deal_and_another_request_conflicts(uow):
    case = part_deal_case(uow)
    first = open_part_deal(uow, case, key="k")
    assert open_part_deal(uow, case, key="k").id == first.id
    with pytest.raises(IdempotencyConflict):
        open_part_deal(uow, case, position=1, key="k")


def test_one_live_deal_per_part(uow):
    case = part_deal_case(uow)
    first = open_part_deal(uow, case)
    with pytest.raises(InvalidState) as refused:
        open_part_deal(uow, case)
    assert refused.value.code == "part_deal_live"
    assert refused.value.details["deal_id"] == first.id
    assert open_part_deal(uow, case, position=1).id != first.id  # the other part may have its own


def test_someone_elses_part_is_not_found(uow):
    case = part_deal_case(uow)
    stranger = make_user(uow)
    with pytest.raises(NotFound):
        open_part_deal(uow, case, payer=stranger)
    with pytest.raises(NotFound):
        open_part_deal(uow, case, payer=case.merchant)


def test_only_a_pending_part_of_a_pending_payment(uow):
    case = part_deal_case(uow)
    deposit(uow, case.payer, TON)
    fund_from_balance(uow, case, 1)
    with pytest.raises(InvalidState) as refused:
        open_part_deal(uow, case, position=1)
    assert refused.value.code == "part_not_pending"
    payments.cancel_payment(uow, case.payer, case.payment.id, now=NOW)
    with pytest.raises(InvalidState):
        open_part_deal(uow, case)


def test_a_buy_ad_cannot_pay_a_part(uow):
    case = part_deal_case(uow)
    buy = ad(uow, make_user(uow), side="buy")
    with pytest.raises(AdUnavailable) as refused:
        open_part_deal(uow, case, ad_id=buy)
    assert refused.value.code == "ad_not_for_part"


# --- release ------------------------------------------------------------------------------------------


def test_release_funds_the_part_and_the_last_part_pays_the_merchant(uow):
    case = part_deal_case(uow)
    before = total(uow, case.merchant, case.payer, case.trader)
    deposit(uow, case.payer, TON)
    fund_from_balance(uow, case, 1)
    deal = open_part_deal(uow, case)
    deals.mark_fiat_sent(uow, case.payer, deal.id, now=NOW)
    release(uow, case, deal)
    view = payment_of(uow, case)
    assert view.status == COMPLETED
    assert view.parts[1].method == "fiat_deal"
    assert balances(uow, case.merchant) == (3 * TON, 0)
    assert balances(uow, case.payer) == (0, 0)
    assert balances(uow, case.trader) == (0, 8 * TON)  # the ad still holds the rest of its volume
    assert total(uow, case.merchant, case.payer, case.trader) == before + TON
    assert_invariants(uow)


def test_release_of_a_first_part_leaves_it_held_for_the_payment(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case)
    release(uow, case, deal)
    assert part_status(uow, case, 2) == FUNDED
    assert "deal.sys.part_funded" in said(uow, case, deal)
    assert payment_of(uow, case).status == PENDING
    assert balances(uow, case.payer) == (0, 2 * TON)
    assert_invariants(uow)


def test_release_after_the_payment_was_cancelled_goes_to_the_payers_balance(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case)
    deals.mark_fiat_sent(uow, case.payer, deal.id, now=NOW)
    payments.cancel_payment(uow, case.payer, case.payment.id, now=NOW)
    release(uow, case, deal)
    assert part_status(uow, case, 2) == PENDING
    assert "deal.sys.part_to_balance" in said(uow, case, deal)
    assert balances(uow, case.payer) == (2 * TON, 0)  # the payer paid the fiat: the crypto is theirs
    assert_invariants(uow)


def test_release_for_a_part_funded_another_way_goes_to_the_payers_balance(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case)
    deposit(uow, case.payer, 2 * TON)
    fund_from_balance(uow, case, 2)
    release(uow, case, deal)
    assert balances(uow, case.payer) == (2 * TON, 2 * TON)
    assert_invariants(uow)


def test_release_after_the_invoice_closed_goes_to_the_payers_balance(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case)
    invoices.close_invoice(uow, case.merchant, case.invoice.number, now=NOW)
    release(uow, case, deal)
    assert balances(uow, case.payer) == (2 * TON, 0)
    assert balances(uow, case.merchant) == (0, 0)
    assert_invariants(uow)


def test_cancelling_a_payment_gives_a_deal_funded_part_to_the_payer_not_the_trader(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case)
    release(uow, case, deal)
    payments.cancel_payment(uow, case.payer, case.payment.id, now=NOW)
    assert part_status(uow, case, 2) == RETURNED
    assert payment_of(uow, case).status == CANCELLED
    assert balances(uow, case.payer) == (2 * TON, 0)
    assert balances(uow, case.trader) == (0, 8 * TON)
    assert_invariants(uow)


# --- a deal that ends without a release ----------------------------------------------------------------


def test_an_expired_deal_leaves_the_part_unfunded_and_another_ad_may_pay_it(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case)
    assert deal_timers.run_timers(uow, now=LATER) == 1
    assert deals.get_deal(uow, case.payer, deal.id).status == "expired"
    assert part_status(uow, case, 2) == PENDING
    assert remaining(uow, case.ad_id) == 10 * TON
    assert open_part_deal(uow, case).id != deal.id
    assert_invariants(uow)


def test_a_cancelled_deal_leaves_the_part_unfunded(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case)
    deals.cancel(uow, case.payer, deal.id, now=NOW)
    assert part_status(uow, case, 2) == PENDING
    assert balances(uow, case.payer) == (0, 0)
    assert balances(uow, case.trader) == (0, 10 * TON)
    open_part_deal(uow, case)


# --- an operator's decision ----------------------------------------------------------------------------


def test_a_dispute_released_funds_the_part(uow):
    case = part_deal_case(uow)
    operator, deal = disputed(uow, case)
    resolve(uow, operator, deal, "release")
    assert part_status(uow, case, 2) == FUNDED
    assert balances(uow, case.payer) == (0, 2 * TON)
    assert_invariants(uow)


def test_a_dispute_refunded_returns_the_crypto_to_the_trader(uow):
    case = part_deal_case(uow)
    operator, deal = disputed(uow, case)
    resolve(uow, operator, deal, "refund")
    assert part_status(uow, case, 2) == PENDING
    assert balances(uow, case.payer) == (0, 0)
    assert remaining(uow, case.ad_id) == 10 * TON
    assert_invariants(uow)


def test_a_split_gives_the_payer_their_share_and_the_part_waits_for_another_way(uow):
    case = part_deal_case(uow)
    operator, deal = disputed(uow, case)
    resolve(uow, operator, deal, "split", "0.5")
    assert part_status(uow, case, 2) == PENDING
    assert "deal.sys.part_split" in said(uow, case, deal)
    assert balances(uow, case.payer) == (TON, 0)
    assert remaining(uow, case.ad_id) == 9 * TON
    deposit(uow, case.payer, 2 * TON)
    fund_from_balance(uow, case, 1)
    fund_from_balance(uow, case, 2)
    assert payment_of(uow, case).status == COMPLETED
    assert balances(uow, case.payer) == (0, 0)
    assert_invariants(uow)


def test_the_trader_and_the_payer_review_each_other(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case)
    release(uow, case, deal)
    reviews.leave_review(uow, case.payer, deal.id, positive=True, comment="fast", now=NOW)
    reviews.leave_review(uow, case.trader, deal.id, positive=True, comment="paid", now=NOW)
    assert reviews.list_reviews(uow, case.trader).items[0].comment == "fast"


def test_the_ledger_keeps_every_coin_through_every_ending(uow):
    case = part_deal_case(uow, parts=("1", "2", "2"))
    deposit(uow, case.payer, TON)
    users = (case.merchant, case.payer, case.trader)
    before = total(uow, *users)
    expired = open_part_deal(uow, case, position=3)
    deal_timers.run_timers(uow, now=LATER)
    operator, split = disputed(uow, case)
    resolve(uow, operator, split, "split", "0.25")
    released = part_deals.open_part_deal(
        uow,
        case.payer,
        case.payment.id,
        case.payment.parts[2].id,
        case.ad_id,
        method="sbp",
        idempotency_key="third",
        settings=INVOICE_SETTINGS,
        rates=RATES,
        now=LATER,
    )
    deals.release(uow, case.trader, released.id, now=LATER, settings=INVOICE_SETTINGS, rates=RATES)
    payments.cancel_payment(uow, case.payer, case.payment.id, now=LATER)
    assert expired.id != released.id
    assert total(uow, *users) == before
    assert balances(uow, case.payer) == (TON + TON // 2 + 2 * TON, 0)
    assert_invariants(uow)


# --- races (PostgreSQL) -------------------------------------------------------------------------------


def test_two_deals_on_one_part_at_once_one_opens(pg_uow):
    case = part_deal_case(pg_uow)
    other_trader = make_user(pg_uow, balance=10 * TON)
    other_ad = ad(pg_uow, other_trader)
    results = race(
        lambda: open_part_deal(pg_uow, case),
        lambda: open_part_deal(pg_uow, case, ad_id=other_ad),
    )
    opened = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(opened) == 1 and len(refused) == 1
    assert isinstance(refused[0], InvalidState) and refused[0].code == "part_deal_live"
    assert remaining(pg_uow, case.ad_id) + remaining(pg_uow, other_ad) == 18 * TON
    assert_invariants(pg_uow)


def test_the_payment_shows_its_parts_deal_and_the_deal_room_the_part(uow):
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case)
    part = payment_of(uow, case).parts[1]
    assert (part.deal_id, part.deal_status) == (deal.id, "escrow_locked")
    deals.cancel(uow, case.payer, deal.id, now=NOW)
    assert payment_of(uow, case).parts[1].deal_status == "cancelled"
    payer_room = read_deal_room(uow, case.payer, deal.id)
    trader_room = read_deal_room(uow, case.trader, deal.id)
    assert (payer_room.part.position, payer_room.part.parts) == (2, 2)
    assert payer_room.part.invoice_number == case.invoice.number
    assert payer_room.part.is_payer and not trader_room.part.is_payer
    with pytest.raises(NotFound):
        part_deals.part_deal(uow, make_user(uow), deal.id)


def test_a_release_and_a_cancel_of_the_payment_at_once_leave_the_crypto_with_the_payer(pg_uow):
    """Whichever commits first, the payer paid the fiat and ends with the crypto on their balance: the
    part funded then returned, or the release finding the payment cancelled."""
    case = part_deal_case(pg_uow)
    deal = open_part_deal(pg_uow, case)
    results = race(
        lambda: release(pg_uow, case, deal),
        lambda: payments.cancel_payment(pg_uow, case.payer, case.payment.id, now=NOW),
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert balances(pg_uow, case.payer) == (2 * TON, 0)
    assert payment_of(pg_uow, case).status == CANCELLED
    assert_invariants(pg_uow)


def test_a_part_past_its_quote_is_priced_anew_before_its_deal_opens(uow):
    """A fiat-priced payment: the ads' totals were shown for the part's amount at its quote. Past the
    quote, a new rate that changes the part opens nothing and says so; the next try opens the deal for
    the new amount."""
    trader, payer, ad_id = sell_ad(uow)
    invoice = make_invoice(uow, amount=None, fiat_currency="RUB", fiat_amount="840")  # 2 TON at 420
    payment = payments.start_payment(
        uow, payer, invoice.number, parts=["2"], idempotency_key="p", settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    moved, later = StaticRateProvider({"TON/RUB": "400"}), NOW + timedelta(minutes=16)

    def attempt(key):
        return part_deals.open_part_deal(
            uow,
            payer,
            payment.id,
            payment.parts[0].id,
            ad_id,
            method="sbp",
            idempotency_key=key,
            settings=INVOICE_SETTINGS,
            rates=moved,
            now=later,
        )

    with pytest.raises(QuoteRenewed):
        attempt("first")
    assert remaining(uow, ad_id) == 10 * TON
    deal = attempt("second")
    assert deal.amount == 2_100_000_000
    assert deal.release_to == f"part:{payment.parts[0].id}"


def test_a_release_after_the_quote_moved_the_part_goes_to_the_payers_balance(uow):
    """The deal was for the part's amount at its quote; released after the quote expired at a rate that
    changes the part, the part cannot take it: the crypto is the payer's, the part asks its new amount."""
    trader, payer, ad_id = sell_ad(uow)
    invoice = make_invoice(uow, amount=None, fiat_currency="RUB", fiat_amount="840")
    payment = payments.start_payment(
        uow, payer, invoice.number, parts=["2"], idempotency_key="p", settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    deal = part_deals.open_part_deal(
        uow,
        payer,
        payment.id,
        payment.parts[0].id,
        ad_id,
        method="sbp",
        idempotency_key="k",
        settings=INVOICE_SETTINGS,
        rates=RATES,
        now=NOW,
    )
    moved = StaticRateProvider({"TON/RUB": "400"})
    deals.release(uow, trader, deal.id, now=NOW + timedelta(minutes=16), settings=INVOICE_SETTINGS, rates=moved)
    view = payments.get_payment(uow, payer, payment.id, settings=INVOICE_SETTINGS)
    assert (view.parts[0].status, view.parts[0].amount) == (PENDING, 2_100_000_000)
    assert balances(uow, payer) == (2 * TON, 0)
    assert_invariants(uow)
