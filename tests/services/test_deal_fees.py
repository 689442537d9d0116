"""The deal fee (SPEC F12) for every purpose, on SQLite and PostgreSQL: fixed at opening by the rule then
in force, paid by the maker or the taker as the rule says (the seller for a part or a purchase), to the
fee account in the release's own ledger transaction; a refund charges nothing, a split the released
share's fee. Exact balances, and the ledger's invariants after each case."""

import uuid

import pytest
from builders import (
    BUY,
    DISPUTABLE,
    NOW,
    RATES,
    TON,
    assert_invariants,
    balances,
    buy_ad,
    fees_collected,
    make_invoice,
    make_promise,
    make_user,
    open_deal,
    open_part_deal,
    part_deal_case,
    pay_invoice,
    payout_settings,
    promise_backing,
    race,
    remaining,
    sell_ad,
    set_fee,
)
from sqlalchemy import select

from krypton_app.domain import deals as machine
from krypton_app.domain.errors import DealTransitionRefused, InsufficientFunds
from krypton_app.domain.fees import DEAL, MAKER, TAKER
from krypton_app.domain.invoices import FUNDED
from krypton_app.models.invoices import PaymentPart
from krypton_app.services import buy_deals, deals, disputes, fiat_payouts, promise_sales
from krypton_app.services.ads import create_ad
from krypton_app.services.deal_fee_quotes import deal_fee_terms, quote_deal_fee
from krypton_app.services.transfer_fees import FeeChanged
from krypton_app.state.views import owed_text

FEE = 2 * TON // 100  # 1 % of a 2 TON deal
PAYOUTS = payout_settings()


def _dispute(uow, deal, operator, outcome, share=None):
    deals.mark_fiat_sent(uow, deal.buyer_id, deal.id, now=NOW)
    disputes.open_dispute(uow, deal.buyer_id, deal.id, now=DISPUTABLE)
    return disputes.resolve_dispute(
        uow, operator, deal.id, outcome=outcome, buyer_share=share, now=DISPUTABLE, rates=RATES
    )


# --- plain deals ------------------------------------------------------------------------------------


def test_a_sell_ad_owner_pays_the_fee_from_the_ads_volume(uow):
    set_fee(uow, DEAL, percent="1", payer=MAKER)
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id, amount="2")
    assert (deal.fee, deal.fee_payer, deal.fee_side) == (FEE, MAKER, machine.SELLER)
    assert remaining(uow, ad_id) == 8 * TON - FEE  # the amount and the fee left the volume
    deals.release(uow, owner, deal.id, now=NOW)
    assert balances(uow, taker) == (2 * TON, 0)  # the buyer gets the whole amount
    assert fees_collected(uow) == FEE
    assert balances(uow, owner) == (0, 8 * TON - FEE)  # the ad's volume, still held
    assert_invariants(uow)


def test_a_refund_gives_the_sellers_fee_back_to_the_volume(uow):
    set_fee(uow, DEAL, percent="1", payer=MAKER)
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id, amount="2")
    deals.cancel(uow, taker, deal.id, now=NOW)
    assert remaining(uow, ad_id) == 10 * TON
    assert fees_collected(uow) == 0
    assert_invariants(uow)


def test_a_taker_buying_pays_the_fee_out_of_what_they_get(uow):
    set_fee(uow, DEAL, percent="1", payer=TAKER)
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id, amount="2")
    assert (deal.fee_payer, deal.fee_side) == (TAKER, machine.BUYER)
    assert remaining(uow, ad_id) == 8 * TON  # the seller puts in the amount only
    owed = owed_text(deal.purpose, "en")
    assert owed.startswith("Release: 1.98 TON to the buyer's balance.")
    assert owed.endswith("Fee: 0.02 TON, paid by the buyer out of the 2 TON (none on a refund).")
    deals.release(uow, owner, deal.id, now=NOW)
    assert balances(uow, taker) == (2 * TON - FEE, 0)
    assert fees_collected(uow) == FEE
    assert_invariants(uow)


def test_a_taker_selling_to_a_buy_ad_puts_the_fee_in_escrow_and_gets_it_back_on_cancel(uow):
    set_fee(uow, DEAL, percent="1", payer=TAKER)
    owner, taker, ad_id = buy_ad(uow)  # the taker sells, with 10 TON
    deal = open_deal(uow, taker, ad_id, amount="2")
    assert deal.fee_side == machine.SELLER
    assert balances(uow, taker) == (8 * TON - FEE, 2 * TON + FEE)
    deals.cancel(uow, owner, deal.id, now=NOW)  # the buyer cancels before paying
    assert balances(uow, taker) == (10 * TON, 0)
    again = open_deal(uow, taker, ad_id, amount="2")
    deals.release(uow, taker, again.id, now=NOW)
    assert balances(uow, owner) == (2 * TON, 0)
    assert balances(uow, taker) == (8 * TON - FEE, 0)
    assert fees_collected(uow) == FEE
    assert_invariants(uow)


def test_a_taker_selling_without_the_fee_on_their_balance_cannot_open(uow):
    set_fee(uow, DEAL, percent="1", payer=TAKER)
    owner, _, ad_id = buy_ad(uow)
    taker = make_user(uow, balance=2 * TON)  # a 2 TON deal needs 2.02
    with pytest.raises(InsufficientFunds):
        open_deal(uow, taker, ad_id, amount="2")
    assert balances(uow, taker) == (2 * TON, 0)  # nothing held


def test_the_minimum_applies_and_the_rule_at_opening_is_the_deals(uow):
    operator = set_fee(uow, DEAL, percent="1", minimum="0.05", payer=TAKER)
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id, amount="2")
    assert deal.fee == TON // 20  # 0.02 is below the minimum
    set_fee(uow, DEAL, operator=operator, percent="10", payer=MAKER)  # changed while the deal runs
    deals.release(uow, owner, deal.id, now=NOW)
    assert balances(uow, taker) == (2 * TON - TON // 20, 0)
    assert fees_collected(uow) == TON // 20
    assert deals.get_deal(uow, taker, deal.id).fee == TON // 20
    assert_invariants(uow)


@pytest.mark.parametrize("payer", [MAKER, TAKER])
def test_a_split_charges_the_fee_on_the_released_share_only(uow, payer):
    operator = set_fee(uow, DEAL, percent="1", payer=payer)
    owner, taker, ad_id = sell_ad(uow)
    deal = open_deal(uow, taker, ad_id, amount="2")
    _dispute(uow, deal, operator, "split", "0.25")  # half a TON to the buyer
    share_fee = FEE // 4
    assert fees_collected(uow) == share_fee
    buyer_gets = TON // 2 - (share_fee if payer == TAKER else 0)
    assert balances(uow, taker) == (buyer_gets, 0)
    # The rest of the amount, and the seller's uncharged fee, back in the ad's volume.
    assert remaining(uow, ad_id) == 10 * TON - TON // 2 - (share_fee if payer == MAKER else 0)
    assert_invariants(uow)


def test_two_racing_releases_charge_one_fee(pg_uow):
    uow = pg_uow
    set_fee(uow, DEAL, percent="1", payer=TAKER)
    owner, taker, ad_id = sell_ad(uow)
    for _ in range(3):
        deal = open_deal(uow, taker, ad_id, amount="2")
        results = race(*[lambda d=deal: deals.release(uow, owner, d.id, now=NOW) for _ in range(2)])
        assert sum(isinstance(r, DealTransitionRefused) for r in results) == 1, results
    assert fees_collected(uow) == 3 * FEE
    assert balances(uow, taker) == (3 * (2 * TON - FEE), 0)
    assert_invariants(uow)


# --- the other purposes -----------------------------------------------------------------------------


def test_a_part_deal_funds_its_part_whole_and_the_trader_pays_the_fee(uow):
    set_fee(uow, DEAL, percent="1", payer=TAKER)  # the payer would pay: a part must be funded whole
    case = part_deal_case(uow)
    deal = open_part_deal(uow, case, 2)
    assert (deal.fee, deal.fee_payer, deal.fee_side) == (FEE, MAKER, machine.SELLER)
    deals.release(uow, case.trader, deal.id, now=NOW)
    with uow.read() as s:
        status, amount = s.execute(
            select(PaymentPart.status, PaymentPart.amount).where(PaymentPart.id == case.payment.parts[1].id)
        ).one()
    assert (status, amount) == (FUNDED, 2 * TON)
    assert fees_collected(uow) == FEE
    assert remaining(uow, case.ad_id) == 8 * TON - FEE
    assert_invariants(uow)


def test_a_purchase_delivers_the_whole_amount_and_the_trader_pays_the_fee(uow):
    set_fee(uow, DEAL, percent="1", payer=TAKER)
    seller, buyer, ad_id = sell_ad(uow)
    deal = buy_deals.open_buy_deal(
        uow, buyer, ad_id, method="sbp", kind="balance", amount="2", target="",
        idempotency_key=uuid.uuid4().hex, settings=PAYOUTS, rates=RATES, now=NOW,
    )  # fmt: skip
    assert deal.fee_side == machine.SELLER
    deals.release(uow, seller, deal.id, now=NOW, settings=PAYOUTS, rates=RATES)
    assert balances(uow, buyer) == (2 * TON, 0)
    assert fees_collected(uow) == FEE
    assert_invariants(uow)


def _promise_sale(uow):
    trader = make_user(uow)
    ad_id = create_ad(uow, trader, BUY, rates=RATES, idempotency_key=uuid.uuid4().hex).id
    issuer, holder = make_user(uow, balance=5 * TON), make_user(uow, balance=TON)
    code = make_promise(uow, issuer, 2 * TON).code
    sale = promise_sales.open_promise_sale(
        uow, holder, code, ad_id, method="sbp", idempotency_key=uuid.uuid4().hex, settings=PAYOUTS,
        rates=RATES, now=NOW,
    )  # fmt: skip
    return trader, holder, sale


def test_a_promise_sale_whose_buyer_pays_takes_the_fee_from_the_promise(uow):
    set_fee(uow, DEAL, percent="1", payer=MAKER)  # the buy ad's owner, the buyer
    backing = promise_backing(uow)
    trader, holder, sale = _promise_sale(uow)
    assert sale.fee_side == machine.BUYER
    deals.release(uow, holder, sale.id, now=NOW)
    assert balances(uow, trader) == (2 * TON - FEE, 0)
    assert balances(uow, holder) == (TON, 0)
    assert fees_collected(uow) == FEE
    assert promise_backing(uow) == backing  # the promise made for the sale is spent
    assert_invariants(uow)


def test_a_promise_sale_whose_holder_pays_holds_the_fee_from_their_balance(uow):
    set_fee(uow, DEAL, percent="1", payer=TAKER)  # the holder
    trader, holder, sale = _promise_sale(uow)
    assert sale.fee_side == machine.SELLER
    assert balances(uow, holder) == (TON - FEE, FEE)
    deals.cancel(uow, trader, sale.id, now=NOW)
    assert balances(uow, holder) == (TON, 0)  # the promise is active again, the fee back
    trader, holder, sale = _promise_sale(uow)
    deals.release(uow, holder, sale.id, now=NOW)
    assert balances(uow, trader) == (2 * TON, 0)
    assert balances(uow, holder) == (TON - FEE, 0)
    assert fees_collected(uow) == FEE
    assert_invariants(uow)


@pytest.mark.parametrize("payer", [MAKER, TAKER])
def test_a_fiat_payout_charges_the_intermediary_or_the_merchant(uow, payer):
    set_fee(uow, DEAL, percent="1", payer=payer)
    trader = make_user(uow)
    ad_id = create_ad(uow, trader, BUY, rates=RATES, idempotency_key=uuid.uuid4().hex).id
    merchant, payer_id = make_user(uow, balance=2 * TON + FEE), make_user(uow, balance=2 * TON)
    number = make_invoice(uow, merchant, amount="2", payout_country="RU", payout_fiat="RUB", payout_method="sbp").number
    payment = pay_invoice(uow, payer_id, number, ("2",))
    deal = fiat_payouts.open_payout_deal(
        uow, merchant, payment.id, ad_id, idempotency_key=uuid.uuid4().hex, rates=RATES, now=NOW
    )
    assert deal.fee_side == (machine.BUYER if payer == MAKER else machine.SELLER)
    deals.release(uow, merchant, deal.id, now=NOW)
    assert balances(uow, trader) == (2 * TON - (FEE if payer == MAKER else 0), 0)
    # The deposit paid the intermediary, the payer's crypto came to the merchant; their fee, if theirs, is gone.
    assert balances(uow, merchant) == (2 * TON + (FEE if payer == MAKER else 0), 0)
    assert fees_collected(uow) == FEE
    assert_invariants(uow)


# --- the fee shown before opening -------------------------------------------------------------------


def test_the_fee_is_quoted_and_a_deal_under_other_terms_than_shown_is_refused(uow):
    operator = set_fee(uow, DEAL, percent="1", payer=TAKER)
    owner, taker, ad_id = sell_ad(uow)
    shown = deal_fee_terms(uow, "TON")
    quote = quote_deal_fee(uow, ad_id, "2")
    assert (quote.fee, quote.side, quote.buyer_gets, quote.seller_gives) == (FEE, machine.BUYER, 2 * TON - FEE, 2 * TON)
    set_fee(uow, DEAL, operator=operator, percent="2", payer=TAKER)
    with pytest.raises(FeeChanged):
        deals.open_deal(
            uow, taker, ad_id, amount="2", method="sbp", idempotency_key=uuid.uuid4().hex, rates=RATES, now=NOW,
            fee_terms=shown.fingerprint,
        )  # fmt: skip
    assert remaining(uow, ad_id) == 10 * TON  # nothing taken
    fresh = deal_fee_terms(uow, "TON")
    deal = deals.open_deal(
        uow, taker, ad_id, amount="2", method="sbp", idempotency_key=uuid.uuid4().hex, rates=RATES, now=NOW,
        fee_terms=fresh.fingerprint,
    )  # fmt: skip
    assert deal.fee == 2 * FEE
    assert_invariants(uow)


def test_a_buy_ads_taker_is_quoted_the_fee_on_top_of_the_escrow(uow):
    set_fee(uow, DEAL, percent="1", payer=TAKER)
    owner, taker, ad_id = buy_ad(uow)
    quote = quote_deal_fee(uow, ad_id, "2")
    assert (quote.side, quote.buyer_gets, quote.seller_gives) == (machine.SELLER, 2 * TON, 2 * TON + FEE)
