"""Ad prices, margins and the deal's fiat amount: exact integers, rounding as documented in domain/ads.py."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from krypton_app.domain.ads import (
    AdInvalid,
    check_limits,
    check_methods,
    fiat_for,
    fixed_price,
    floating_price,
    margin_bp,
)


def test_fiat_for_rounds_up_to_one_minor_unit():
    assert fiat_for(10**9, 9, 42050) == 42050  # 1 TON at 420.50
    assert fiat_for(1, 9, 42050) == 1  # a nanoton still costs one kopeck
    assert fiat_for(1_500_000_000, 9, 42050) == 63075
    assert fiat_for(333_333, 6, 8100) == 2700  # 0.333333 USDT x 81.00 = 26.999973 -> 27.00
    assert fiat_for(0, 9, 42050) == 0


@given(st.integers(0, 10**15), st.sampled_from([6, 9]), st.integers(1, 10**9))
def test_fiat_for_is_the_exact_product_rounded_up(amount, decimals, price):
    exact = Decimal(amount) * price / Decimal(10**decimals)
    fiat = fiat_for(amount, decimals, price)
    assert exact <= fiat < exact + 1


def test_fixed_price_is_exact_fiat_text():
    assert fixed_price("420.5", 2) == 42050
    for bad in ("0", "-1", "1.234", "", None, "1e3", "abc"):
        with pytest.raises(AdInvalid) as err:
            fixed_price(bad, 2)
        assert err.value.code == "ad_price_invalid"


def test_margin_in_basis_points():
    assert [margin_bp(t) for t in ("2", "-1.5", "+0.25", "50", "-50")] == [200, -150, 25, 5000, -5000]
    for bad in ("50.01", "-60", "0.125", "", "x", "--1"):
        with pytest.raises(AdInvalid):
            margin_bp(bad)


def test_floating_price_rounds_half_up():
    assert floating_price(Decimal("420"), -150, 2) == 41370
    assert floating_price(Decimal("81.005"), 0, 2) == 8101  # exactly half: up
    assert floating_price(Decimal("81.0049"), 0, 2) == 8100
    with pytest.raises(AdInvalid):
        floating_price(Decimal("0.001"), 0, 2)  # rounds to nothing


def test_limits_and_methods():
    check_limits(1, 5, 10)
    for args in ((0, 5, 10), (6, 5, 10), (1, 11, 10)):
        with pytest.raises(AdInvalid) as err:
            check_limits(*args)
        assert err.value.code == "ad_limits_invalid"
    assert check_methods(("sbp", "card", "sbp"), {"sbp", "card"}) == ("sbp", "card")
    with pytest.raises(AdInvalid):
        check_methods(("kaspi",), {"sbp"})
