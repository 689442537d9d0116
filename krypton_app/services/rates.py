"""Exchange rates behind one interface: a configured static table, or an HTTP source with a cache.

A rate is the price of one whole unit of `base` in `quote` ("TON/BTC" = 0.0000520 means 1 TON costs
0.0000520 BTC), always a Decimal. Rounding belongs to whoever converts an amount, never to the rate.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from decimal import ROUND_DOWN, Context, Decimal, InvalidOperation
from functools import lru_cache
from typing import Protocol

import httpx

from krypton_app.domain.errors import KryptonError
from krypton_app.settings import Settings

# Enough digits that an inverse rate never loses a satoshi on any realistic amount.
_INVERSE = Context(prec=40)


class RateUnavailable(KryptonError):
    """No rate for this pair right now (unknown pair, or the rate source failed)."""

    code = "rate_unavailable"


class RateProvider(Protocol):
    def rate(self, base: str, quote: str) -> Decimal: ...


class StaticRateProvider:
    """Rates from a table like settings.rates (`{"TON/BTC": "0.0000520"}`); inverse pairs are derived."""

    def __init__(self, table: Mapping[str, str | int | Decimal]):
        self._rates = _parse_table(table)

    def rate(self, base: str, quote: str) -> Decimal:
        base, quote = base.upper(), quote.upper()
        if base == quote:
            return Decimal(1)
        direct = self._rates.get((base, quote))
        if direct is not None:
            return direct
        inverse = self._rates.get((quote, base))
        if inverse is not None:
            return _INVERSE.divide(Decimal(1), inverse)
        raise RateUnavailable(f"no rate for {base}/{quote}", pair=f"{base}/{quote}")


class HttpRateProvider:
    """Rates fetched with httpx from `url` and kept for `ttl_s` seconds.

    The source answers `GET url` with JSON `{"rates": {"TON/BTC": "0.0000520", ...}}` (the same keys as
    settings.rates; values as strings, or JSON numbers, which are read as Decimal, never float). Any
    failure to fetch or read it raises RateUnavailable: a payout is never quoted at a stale rate.
    """

    def __init__(
        self,
        url: str,
        *,
        client: httpx.Client | None = None,
        ttl_s: float = 60,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.url = url
        self.ttl_s = ttl_s
        self._client = client or httpx.Client(timeout=10)
        self._clock = clock
        self._lock = threading.Lock()
        self._table: StaticRateProvider | None = None
        self._fetched_at = 0.0

    def rate(self, base: str, quote: str) -> Decimal:
        return self._current().rate(base, quote)

    def _current(self) -> StaticRateProvider:
        # One fetch at a time: concurrent requests after expiry share the refresh instead of stampeding.
        with self._lock:
            if self._table is None or self._clock() - self._fetched_at >= self.ttl_s:
                self._table = self._fetch()
                self._fetched_at = self._clock()
            return self._table

    def _fetch(self) -> StaticRateProvider:
        try:
            response = self._client.get(self.url)
            response.raise_for_status()
            body = json.loads(response.text, parse_float=Decimal)
            return StaticRateProvider(body["rates"])
        except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise RateUnavailable(f"rate source {self.url} failed: {error}") from error


def estimate_in(rates: RateProvider, minor: int, decimals: int, asset: str, quote: str) -> Decimal | None:
    """What `minor` units of `asset` are worth in `quote`, rounded down to the cent, to show beside a
    balance; None while no rate is known. Only an estimate: nothing is ever converted at this value."""
    try:
        rate = rates.rate(asset, quote)
    except KryptonError:
        return None
    return (Decimal(minor).scaleb(-decimals) * rate).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def rate_provider_from_settings(settings: Settings) -> RateProvider:
    """The HTTP provider when settings.rates_url is set (one per URL, so its cache lives across
    requests), otherwise the static table."""
    if settings.rates_url:
        return _http_provider(settings.rates_url)
    return StaticRateProvider(settings.rates)


@lru_cache
def _http_provider(url: str) -> HttpRateProvider:
    return HttpRateProvider(url)


def _parse_table(table: Mapping[str, str | int | Decimal]) -> dict[tuple[str, str], Decimal]:
    rates = {}
    for pair, value in table.items():
        base, slash, quote = pair.upper().partition("/")
        if not (slash and base and quote) or base == quote:
            raise ValueError(f"rate key must look like 'TON/BTC', not {pair!r}")
        if isinstance(value, (float, bool)):
            raise ValueError(f"rate {pair} must be text or Decimal, not {type(value).__name__}")
        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError):
            raise ValueError(f"rate {pair} is not a number: {value!r}") from None
        if not number.is_finite() or number <= 0:
            raise ValueError(f"rate {pair} must be positive: {value!r}")
        rates[(base, quote)] = number
    return rates
