"""A deal's fee without a database (domain/deal_fees.py): who pays it, and that paying out an escrow with
its fee conserves every unit whatever the share released (Hypothesis)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from krypton_app.domain import deals as machine
from krypton_app.domain.deal_fees import charged_on, deal_fee, fee_payout, side_of
from krypton_app.domain.fees import DEAL, MAKER, TAKER, FeeRule

amounts = st.integers(min_value=1, max_value=10**15)
rules = st.builds(
    lambda percent, minimum, payer: FeeRule(DEAL, "TON", percent=percent, minimum=minimum, payer=payer),
    st.decimals(min_value=0, max_value=50, places=4),
    st.integers(min_value=0, max_value=10**12),
    st.sampled_from([MAKER, TAKER]),
)


def test_who_pays_in_crypto_terms():
    assert side_of(MAKER, seller_is_taker=False) == machine.SELLER  # a sell ad's owner
    assert side_of(TAKER, seller_is_taker=False) == machine.BUYER
    assert side_of(MAKER, seller_is_taker=True) == machine.BUYER  # a buy ad's owner
    assert side_of(TAKER, seller_is_taker=True) == machine.SELLER


def test_a_part_or_a_purchase_always_charges_the_seller():
    rule = FeeRule(DEAL, "TON", percent=Decimal(1), payer=TAKER)
    for purpose in (machine.PART, machine.BUY):
        fee = deal_fee(rule, 200, purpose, seller_is_taker=False)
        assert (fee.fee, fee.payer, fee.side) == (2, MAKER, machine.SELLER)
    assert deal_fee(rule, 200, machine.PLAIN, seller_is_taker=False).side == machine.BUYER


@given(rules, amounts, st.booleans(), st.data())
def test_paying_out_an_escrow_with_its_fee_conserves_every_unit(rule, amount, seller_is_taker, data):
    fee = deal_fee(rule, amount, machine.PLAIN, seller_is_taker)
    escrow = amount + (fee.fee if fee.side == machine.SELLER else 0)
    to_buyer = data.draw(st.integers(min_value=0, max_value=amount))
    out = fee_payout(amount, fee.fee, fee.side, to_buyer)
    assert out.to_target + out.charged + out.fee_back + (amount - to_buyer) == escrow
    assert min(out.to_target, out.charged, out.fee_back) >= 0
    assert out.charged <= fee.fee
    if to_buyer == amount:
        assert out.charged == fee.fee and out.fee_back == 0
    if to_buyer == 0:
        assert out.charged == 0


@given(st.integers(min_value=0, max_value=10**12), amounts, st.data())
def test_the_fee_on_a_share_rounds_up_by_less_than_one_unit_and_grows_with_it(fee, amount, data):
    fee = min(fee, amount)
    low = data.draw(st.integers(min_value=0, max_value=amount))
    high = data.draw(st.integers(min_value=low, max_value=amount))
    exact = Decimal(fee) * low / amount
    assert exact <= charged_on(fee, amount, low) < exact + 1
    assert charged_on(fee, amount, low) <= charged_on(fee, amount, high)
