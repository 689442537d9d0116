"""Pure rules for P2P ads (SPEC F8): prices, margins, limits. No database.

Prices are fiat minor units per one whole unit of the asset.

Rounding:
- A fixed price is typed as decimal text and must fit the fiat's decimals exactly (no rounding).
- A floating price is reference rate x (1 + margin), computed with Decimal and quantized to one fiat
  minor unit with ROUND_HALF_UP: it is a quote, not a movement of money, so nearest is fair.
- The fiat amount of a deal, `fiat_for`, rounds UP (ceil): the fiat buyer pays at most one minor unit
  more, so crypto in escrow is never sold below the ad's price and the platform's side never owes a
  fraction. Every deal uses this one helper.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from krypton_app.domain.errors import InvalidAmount, KryptonError
from krypton_app.domain.money import to_minor

SELL, BUY = "sell", "buy"
SIDES = (SELL, BUY)
FIXED, FLOATING = "fixed", "floating"
PRICE_KINDS = (FIXED, FLOATING)
ACTIVE, PAUSED, CLOSED = "active", "paused", "closed"
# What an ad's owner may do in each status: edit or close it until it is closed, pause it while it is on
# the market, resume it while paused. services/ads.py moves an ad only from the statuses listed here.
OWNER_ACTIONS = {
    ACTIVE: frozenset({"edit", "pause", "close"}),
    PAUSED: frozenset({"edit", "resume", "close"}),
    CLOSED: frozenset(),
}

MAX_MARGIN_BP = 5000  # +-50 %: beyond that a floating price is a typo, not an offer
WINDOW_MIN, WINDOW_MAX = 5, 180  # payment window, minutes
TERMS_MAX = 2000
# A card or phone number and a name fit; more is terms, which are public.
PAYMENT_DETAILS_MAX = 200
MAX_METHODS = 5
MAX_REQUIRED_DEALS = 10_000

_CALC = Context(prec=40)


class AdInvalid(KryptonError):
    """A draft that cannot become an ad. Codes: ad_side_invalid, ad_market_invalid, ad_methods_invalid,
    ad_price_invalid, ad_limits_invalid, ad_window_invalid, ad_terms_invalid, ad_payment_details_invalid,
    ad_requirements_invalid.
    `field` names the input."""

    code = "ad_invalid"

    def __init__(self, code: str, field: str, message: str = ""):
        super().__init__(message or f"{field}: {code}", code=code, field=field)
        self.field = field


def statuses_allowing(action: str) -> tuple[str, ...]:
    """The statuses from which the owner may take `action` (see OWNER_ACTIONS)."""
    return tuple(status for status, actions in OWNER_ACTIONS.items() if action in actions)


def fiat_for(amount_minor: int, asset_decimals: int, price_minor: int) -> int:
    """Fiat minor units for `amount_minor` of an asset at `price_minor` per whole unit, rounded up."""
    if amount_minor < 0 or price_minor < 0:
        raise ValueError("amount and price must not be negative")
    numerator = amount_minor * price_minor
    scale = 10**asset_decimals
    return -(-numerator // scale)  # integer ceil: exact for any size


def fixed_price(text: str | None, fiat_decimals: int) -> int:
    """Parse "420.50" (fiat per whole asset unit) into fiat minor units; must be > 0."""
    try:
        price = to_minor(text or "", fiat_decimals)
    except InvalidAmount:
        raise AdInvalid("ad_price_invalid", "price") from None
    if price <= 0:
        raise AdInvalid("ad_price_invalid", "price")
    return price


def margin_bp(text: str | None) -> int:
    """Parse a margin in percent ("-1.5", "2", "0.25") into basis points; at most two decimals, +-50 %."""
    raw = (text or "").strip()
    sign = -1 if raw.startswith("-") else 1
    try:
        bp = sign * to_minor(raw[1:] if raw[:1] in "+-" else raw, 2)
    except InvalidAmount:
        raise AdInvalid("ad_price_invalid", "margin_percent") from None
    if abs(bp) > MAX_MARGIN_BP:
        raise AdInvalid("ad_price_invalid", "margin_percent")
    return bp


def floating_price(rate: Decimal, margin: int, fiat_decimals: int) -> int:
    """Reference `rate` (fiat per whole asset unit) x (1 + margin bp / 10000) in fiat minor units,
    ROUND_HALF_UP to one minor unit (see the module note)."""
    try:
        value = _CALC.multiply(rate, Decimal(10000 + margin)).scaleb(fiat_decimals - 4)
        price = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        raise AdInvalid("ad_price_invalid", "margin_percent") from None
    if price <= 0:
        raise AdInvalid("ad_price_invalid", "margin_percent")
    return price


def check_limits(min_amount: int, max_amount: int, total_volume: int) -> None:
    """0 < min <= max <= total volume (a deal larger than the whole ad could never open)."""
    if min_amount <= 0 or max_amount < min_amount:
        raise AdInvalid("ad_limits_invalid", "max_amount" if min_amount > 0 else "min_amount")
    if total_volume < max_amount:
        raise AdInvalid("ad_limits_invalid", "total_volume")


def check_methods(methods: tuple[str, ...], allowed: set[str]) -> tuple[str, ...]:
    """1..5 distinct methods, each offered in the ad's country; order kept."""
    unique = tuple(dict.fromkeys(m.strip() for m in methods if m.strip()))
    if not unique or len(unique) > MAX_METHODS or any(m not in allowed for m in unique):
        raise AdInvalid("ad_methods_invalid", "methods")
    return unique


def check_window(minutes: int) -> int:
    if not isinstance(minutes, int) or not WINDOW_MIN <= minutes <= WINDOW_MAX:
        raise AdInvalid("ad_window_invalid", "payment_window_min")
    return minutes


def check_terms(terms: str) -> str:
    terms = (terms or "").strip()
    if len(terms) > TERMS_MAX:
        raise AdInvalid("ad_terms_invalid", "terms")
    return terms


def check_payment_details(details: str) -> str:
    details = (details or "").strip()
    if len(details) > PAYMENT_DETAILS_MAX:
        raise AdInvalid("ad_payment_details_invalid", "payment_details")
    return details


def check_requirements(min_completed_deals: int) -> int:
    if not isinstance(min_completed_deals, int) or not 0 <= min_completed_deals <= MAX_REQUIRED_DEALS:
        raise AdInvalid("ad_requirements_invalid", "min_completed_deals")
    return min_completed_deals
