"""Quote rules without a database: a fiat price split into parts' shares and back into asset amounts,
exact sums, at least one unit a part, and rounding in the merchant's favour by less than one unit."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from krypton_app.domain.invoices import asset_for_fiat, quote_parts, split_in_proportion


def test_a_split_follows_the_weights_and_adds_up():
    assert split_in_proportion(100_000, [1_190_476_191, 1_190_476_190]) == [50_000, 50_000]
    assert split_in_proportion(10, [1, 2, 2]) == [2, 4, 4]
    assert split_in_proportion(7, [1, 1, 1]) == [3, 2, 2]  # the earlier part takes a tie
    assert split_in_proportion(5, [0, 0]) == [3, 2]  # no weights: even
    assert split_in_proportion(2, [1, 1, 1]) == [1, 1, 0]  # too little for one unit each


@pytest.mark.parametrize(("total", "weights"), [(-1, [1]), (5, []), (5, [1, -1])])
def test_a_split_refuses_what_cannot_be_split(total, weights):
    with pytest.raises(ValueError):
        split_in_proportion(total, weights)


@given(
    total=st.integers(min_value=0, max_value=10**15),
    weights=st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=10),
)
def test_any_split_adds_up_with_one_unit_each_and_stays_within_one_unit_of_the_exact_share(total, weights):
    parts = split_in_proportion(total, weights)
    assert sum(parts) == total and len(parts) == len(weights)
    if total >= len(weights):
        assert min(parts) >= 1
        effective = weights if sum(weights) else [1] * len(weights)
        for part, weight in zip(parts, effective, strict=True):
            exact = Fraction((total - len(weights)) * weight, sum(effective))
            assert abs(part - 1 - exact) < 1


def test_requoting_parts_at_a_new_rate():
    # Two halves of 1000 RUB at 500 RUB per TON: one TON each.
    assert quote_parts([50_000, 50_000], 2, 9, Decimal(500)) == [10**9, 10**9]
    # One half left at 400: 1.25 TON.
    assert quote_parts([50_000], 2, 9, Decimal(400)) == [1_250_000_000]


@given(
    shares=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=10),
    rate=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100_000), places=4),
    decimals=st.sampled_from([6, 9]),
)
def test_requoted_parts_cover_the_price_and_ask_less_than_one_unit_more(shares, rate, decimals):
    amounts = quote_parts(shares, 2, decimals, rate)
    total = sum(amounts)
    assert len(amounts) == len(shares) and min(amounts) >= 1
    exact = Decimal(sum(shares)).scaleb(decimals - 2) / rate
    assert total == max(asset_for_fiat(sum(shares), 2, decimals, rate), len(shares))
    if total > len(shares):  # not the one-unit-a-part floor: the merchant gets the price, the payer pays < 1 unit more
        assert exact <= total < exact + 1
