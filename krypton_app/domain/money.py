"""Amounts in minor units (nanotons, micro-USDT) and their decimal text form.

The ledger only ever sees integers; these helpers are the one place where a typed amount like
"1.5" becomes 1_500_000_000 and back. Decimal with an exact context, never float.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, Inexact, InvalidOperation

from krypton_app.domain.errors import InvalidAmount

# A ledger amount is stored as BIGINT.
MAX_MINOR = 2**63 - 1

# Plain digits with an optional decimal point: no sign, exponent, underscores or separators.
_AMOUNT_TEXT = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

# Wide enough for any BIGINT at any scale, and trapping so that nothing is silently rounded.
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])


def to_minor(value: str | Decimal, decimals: int) -> int:
    """Parse a user-typed amount (`"1.5"`) or a Decimal into minor units of an asset with `decimals`."""
    if isinstance(value, str):
        text = value.strip()
        if not _AMOUNT_TEXT.fullmatch(text):
            raise InvalidAmount(f"not an amount: {value!r}", value=value)
        number = Decimal(text)
    elif isinstance(value, Decimal):
        number = value
    else:
        # Floats are refused on purpose: 0.1 TON is not exactly representable.
        raise InvalidAmount(f"amount must be text or Decimal, not {type(value).__name__}", value=value)
    if not number.is_finite() or number < 0:
        raise InvalidAmount(f"negative or not a number: {value!r}", value=value)
    try:
        scaled = number.scaleb(decimals, context=_EXACT)
    except ArithmeticError:
        # Only tens of digits get here: far beyond any balance, or noise after the decimals.
        raise InvalidAmount(f"amount out of range: {value!r}", value=value) from None
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"more than {decimals} decimals: {value!r}", value=value, decimals=decimals)
    minor = int(scaled)
    if minor > MAX_MINOR:
        raise InvalidAmount(f"amount too large: {value!r}", value=value)
    return minor


def format_amount(minor: int, decimals: int, *, trim: bool = True) -> str:
    """`1_500_000_000, 9 -> "1.5"`; with `trim=False` every decimal place is kept (`"1.500000000"`)."""
    text = format(Decimal(minor).scaleb(-decimals, context=_EXACT), "f")
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
