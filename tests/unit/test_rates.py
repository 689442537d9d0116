from decimal import Decimal

import httpx
import pytest

from krypton_app.services.rates import (
    HttpRateProvider,
    RateUnavailable,
    StaticRateProvider,
    estimate_in,
    rate_provider_from_settings,
)
from krypton_app.settings import Settings


def test_static_direct_inverse_and_identity():
    rates = StaticRateProvider({"TON/BTC": "0.0000520", "usdt/rub": "81"})
    assert rates.rate("TON", "BTC") == Decimal("0.0000520")
    assert rates.rate("ton", "btc") == Decimal("0.0000520")
    # Inverses carry 40 significant digits.
    assert rates.rate("BTC", "TON") == Decimal("19230.76923076923076923076923076923076923")
    assert rates.rate("RUB", "USDT") == Decimal("0.01234567901234567901234567901234567901235")
    assert rates.rate("TON", "TON") == 1


def test_unknown_pair_is_a_typed_error():
    with pytest.raises(RateUnavailable) as caught:
        StaticRateProvider({"TON/BTC": "0.0000520"}).rate("USDT", "BTC")
    assert caught.value.code == "rate_unavailable"


@pytest.mark.parametrize(
    "table",
    [{"TONBTC": "1"}, {"TON/TON": "1"}, {"TON/BTC": "0"}, {"TON/BTC": "-1"}, {"TON/BTC": "abc"}, {"TON/BTC": 0.1}],
)
def test_a_broken_table_fails_at_start(table):
    with pytest.raises(ValueError):
        StaticRateProvider(table)


def test_settings_table_is_the_default():
    settings = Settings(KRYPTON_RATES={"TON/BTC": "0.0000520"}, KRYPTON_RATES_URL=None)
    assert rate_provider_from_settings(settings).rate("TON", "BTC") == Decimal("0.0000520")


def test_settings_url_gives_one_cached_http_provider_per_url():
    settings = Settings(KRYPTON_RATES_URL="http://rates.invalid/v1")
    first = rate_provider_from_settings(settings)
    assert isinstance(first, HttpRateProvider)
    assert rate_provider_from_settings(settings) is first


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def http_provider(handler, clock=None, ttl_s=60):
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return HttpRateProvider("http://rates.test/v1", client=client, ttl_s=ttl_s, clock=clock or Clock())


def test_http_reads_the_documented_shape_and_keeps_decimals_exact():
    calls = []

    def handler(request):
        calls.append(request.url)
        # A JSON number is read as Decimal: 0.1 would not survive float.
        return httpx.Response(200, text='{"rates": {"TON/BTC": "0.0000520", "USDT/BTC": 0.0000105}}')

    rates = http_provider(handler)
    assert rates.rate("TON", "BTC") == Decimal("0.0000520")
    assert rates.rate("USDT", "BTC") == Decimal("0.0000105")
    assert rates.rate("BTC", "TON") == Decimal("19230.76923076923076923076923076923076923")
    assert [str(url) for url in calls] == ["http://rates.test/v1"]  # one fetch serves every pair


def test_http_cache_expires_after_ttl():
    answers = iter(["0.0000520", "0.0000600"])
    clock = Clock()

    def handler(request):
        return httpx.Response(200, json={"rates": {"TON/BTC": next(answers)}})

    rates = http_provider(handler, clock, ttl_s=60)
    assert rates.rate("TON", "BTC") == Decimal("0.0000520")
    clock.now += 59
    assert rates.rate("TON", "BTC") == Decimal("0.0000520")
    clock.now += 1
    assert rates.rate("TON", "BTC") == Decimal("0.0000600")


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(503, text="down"),
        httpx.Response(200, text="not json"),
        httpx.Response(200, json={"data": {}}),
        httpx.Response(200, json={"rates": ["TON/BTC", "1"]}),
        httpx.Response(200, json={"rates": {"TON/BTC": "-1"}}),
        httpx.Response(200, json={"rates": {"TON/BTC": None}}),
    ],
)
def test_http_failures_are_rate_unavailable(response):
    rates = http_provider(lambda request: response)
    with pytest.raises(RateUnavailable):
        rates.rate("TON", "BTC")


def test_http_network_error_is_rate_unavailable_and_a_later_success_recovers():
    attempts = []

    def handler(request):
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"rates": {"TON/BTC": "0.0000520"}})

    rates = http_provider(handler)
    with pytest.raises(RateUnavailable):
        rates.rate("TON", "BTC")
    assert rates.rate("TON", "BTC") == Decimal("0.0000520")


def test_http_unknown_pair():
    rates = http_provider(lambda request: httpx.Response(200, json={"rates": {"TON/BTC": "0.0000520"}}))
    with pytest.raises(RateUnavailable):
        rates.rate("TON", "EUR")


def test_a_balance_estimate_rounds_down_to_the_cent_and_is_none_without_a_rate():
    rates = StaticRateProvider({"TON/USD": "5.239"})
    # 10.000000001 TON x 5.239 = 52.390000005…: never shown as more than it is worth.
    assert estimate_in(rates, 10_000_000_001, 9, "TON", "USD") == Decimal("52.39")
    assert estimate_in(rates, 1_999_999, 9, "TON", "USD") == Decimal("0.01")
    assert estimate_in(rates, 1, 6, "USDT", "USD") is None
