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
# "1,500" could be 1.5 (a Russian decimal comma) or 1500 (an English thousands group): refused, not guessed.
_AMBIGUOUS_COMMA = re.compile(r"[1-9][0-9]{0,2},[0-9]{3}")

# Wide enough for any BIGINT at any scale, and trapping so that nothing is silently rounded.
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])


def _refusal(text: str) -> InvalidAmount:
    """Why a typed text is not an amount, as its own code, so the form can say what to change."""
    if not text:
        code = "amount_empty"
    elif text.startswith("-") and _AMOUNT_TEXT.fullmatch(text[1:].replace(",", ".")):
        code = "amount_negative"
    elif re.fullmatch(r"[0-9.,]*[0-9][eE][+-]?[0-9]+", text):
        code = "amount_exponent"
    elif re.fullmatch(r"[0-9][0-9 ,.'_\u00a0\u202f]*", text):
        # Digits with spaces, underscores or both a comma and a dot: a group separator.
        code = "amount_separator"
    else:
        code = "amount_not_a_number"
    return InvalidAmount(f"not an amount: {text!r}", code=code, value=text)


def parse_amount_text(value: str) -> Decimal:
    """A typed amount as a Decimal: digits with one decimal point or one decimal comma ("1,5" is 1.5,
    as Russian users write it). Thousands separators are refused rather than guessed."""
    text = value.strip()
    if _AMBIGUOUS_COMMA.fullmatch(text):
        raise InvalidAmount(f"ambiguous comma: {value!r}", code="amount_separator", value=value)
    candidate = text.replace(",", ".", 1) if text.count(",") == 1 and "." not in text else text
    if not _AMOUNT_TEXT.fullmatch(candidate):
        raise _refusal(text) from None
    return Decimal(candidate)


def to_minor(value: str | Decimal, decimals: int) -> int:
    """Parse a user-typed amount (`"1.5"`, `"1,5"`) or a Decimal into minor units of an asset with
    `decimals`. Each refusal has its own code (amount_empty, amount_negative, amount_exponent,
    amount_separator, amount_not_a_number, amount_too_many_decimals, amount_too_large)."""
    if isinstance(value, str):
        number = parse_amount_text(value)
    elif isinstance(value, Decimal):
        number = value
    else:
        # Floats are refused on purpose: 0.1 TON is not exactly representable.
        raise InvalidAmount(f"amount must be text or Decimal, not {type(value).__name__}", value=value)
    if not number.is_finite():
        raise InvalidAmount(f"not a number: {value!r}", code="amount_not_a_number", value=value)
    if number < 0:
        raise InvalidAmount(f"negative: {value!r}", code="amount_negative", value=value)
    try:
        scaled = number.scaleb(decimals, context=_EXACT)
    except ArithmeticError:
        # Only tens of digits get here: far beyond any balance, or noise after the decimals.
        raise InvalidAmount(f"amount out of range: {value!r}", code="amount_too_large", value=value) from None
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(
            f"more than {decimals} decimals: {value!r}", code="amount_too_many_decimals", value=value, decimals=decimals
        )
    minor = int(scaled)
    if minor > MAX_MINOR:
        raise InvalidAmount(f"amount too large: {value!r}", code="amount_too_large", value=value)
    return minor


def format_amount(minor: int, decimals: int, *, trim: bool = True) -> str:
    """`1_500_000_000, 9 -> "1.5"`; with `trim=False` every decimal place is kept (`"1.500000000"`)."""
    text = format(Decimal(minor).scaleb(-decimals, context=_EXACT), "f")
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
