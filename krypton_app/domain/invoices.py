"""Invoice rules without a database: numbers people can type, kinds and states, parts, fiat conversion.

invoice:  open --limit reached by a payment--> closed (limit_reached)
          open --merchant--> closed (merchant)
          open --expires_at passed--> expired
payment:  pending --last part funded and the invoice took it--> completed
          pending --the same, on a fiat-payout invoice--> awaiting_fiat --its merchant is paid in
                  fiat (or takes the crypto)--> completed (services/fiat_payouts.py)
          pending --payer cancels--> cancelled
          pending --invoice closed / expired / limit taken by another payer--> refunded
part:     pending --funded--> funded --payment completed--> captured
                                     --payment cancelled / refunded--> returned

A fiat-priced payment holds a quote: its parts' asset amounts at one rate, valid for the quote's
lifetime. Each part keeps its share of the fiat price; a part funded after the quote expired first
gets the current rate (every pending part is re-quoted from its share), and the payer confirms the
new amount before anything is funded.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Context, Decimal

from krypton_app.domain.errors import InvoiceUnavailable, KryptonError
from krypton_app.domain.money import to_minor

# No 0/O, 1/I/L: a number read aloud or copied from paper cannot be mistyped into another one.
INVOICE_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
INVOICE_NUMBER_LENGTH = 8

FIXED, FLOATING, PRIVATE = "fixed", "floating", "private"
INVOICE_KINDS = (FIXED, FLOATING, PRIVATE)

OPEN, CLOSED, EXPIRED = "open", "closed", "expired"
INVOICE_STATUSES = (OPEN, CLOSED, EXPIRED)
LIMIT_REACHED, BY_MERCHANT = "limit_reached", "merchant"

PENDING, COMPLETED, CANCELLED, REFUNDED = "pending", "completed", "cancelled", "refunded"
# Paid by the payer, waiting for the merchant's fiat payout (SPEC F10): no payment timer ends it.
AWAITING_FIAT = "awaiting_fiat"
PAYMENT_STATUSES = (PENDING, AWAITING_FIAT, COMPLETED, CANCELLED, REFUNDED)
FUNDED, CAPTURED, RETURNED = "funded", "captured", "returned"
PART_STATUSES = (PENDING, FUNDED, CAPTURED, RETURNED)

MAX_PARTS_LIMIT = 10
TITLE_MAX, DESCRIPTION_MAX, ORDER_ID_MAX, CONTACT_MAX = 120, 2000, 100, 254
FORM_KEY_MAX = 64  # a form's idempotency key (models.invoices.Invoice.idempotency_key)
MAX_EXPIRY_S = 366 * 24 * 3600

# Every code create_invoice can fail with (InvoiceInvalid.field names the input); the UI maps each.
INVOICE_ERROR_CODES = (
    "invoice_kind_invalid",
    "invoice_title_required",
    "invoice_text_too_long",
    "invoice_asset_invalid",
    "invoice_amount_required",
    "invoice_fiat_invalid",
    "invoice_limits_invalid",
    "invoice_parts_invalid",
    "invoice_expiry_invalid",
    "invoice_payer_required",
    "invoice_payer_unknown",
    "invoice_origin_invalid",
    "invoice_redirect_invalid",
    "invoice_payout_invalid",
    "invoice_payout_fiat_priced",
    "invoice_deposit_short",
)


class QuoteRenewed(KryptonError):
    """The payment's rate quote had expired: its pending parts now ask the amounts of the current rate,
    and nothing was funded. Also raised when the payer confirmed amounts that are no longer the
    payment's. Details: `remaining` (minor units still to fund), `asset`, `rate`, `fiat_currency`."""

    code = "quote_renewed"


class PartsDoNotAddUp(KryptonError):
    """The payer's parts are not each above zero, or do not make the payment's whole amount."""

    code = "parts_must_sum"


class InvoiceInvalid(KryptonError):
    """A draft that cannot become an invoice: `code` names the rule, `field` the input."""

    code = "invoice_invalid"

    def __init__(self, code: str, field: str):
        super().__init__(code=code, field=field)
        self.field = field


def new_invoice_number() -> str:
    return "".join(secrets.choice(INVOICE_NUMBER_ALPHABET) for _ in range(INVOICE_NUMBER_LENGTH))


def normalise_number(text: str | None) -> str:
    """As a payer types it: any case, with spaces or dashes between groups."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -\t\n")


def unavailable_reason(status: str, close_reason: str | None, expires_at: datetime | None, now: datetime) -> str | None:
    """Why an invoice takes no payment at `now`, as an error code; None while it takes payments. The one
    rule: the payment services refuse with it and the payer's pages show it. `expires_at` is aware."""
    if status == EXPIRED or (expires_at is not None and expires_at <= now):
        return "invoice_expired"
    if status != OPEN:
        return "invoice_limit_reached" if close_reason == LIMIT_REACHED else "invoice_closed"
    return None


# What a merchant may do with an invoice, and a payer with a payment (services check who is asking).
CLOSE, SIMULATE = "close", "simulate"
CANCEL, FUND, REQUEST_RECEIPT = "cancel", "fund", "request_receipt"


def invoice_actions(status: str, is_test: bool) -> tuple[str, ...]:
    """An open invoice may be closed by its merchant, and a test-mode one paid by simulation."""
    if status != OPEN:
        return ()
    return (CLOSE, SIMULATE) if is_test else (CLOSE,)


def unfinished_payment_deadline(started_at: datetime, ttl_min: int) -> datetime:
    """When a payment started at `started_at` is cancelled by itself if still unfinished: its funded
    parts hold the payer's money, so an abandoned one must not hold it for ever (KRYPTON_PAYMENT_TTL_MIN)."""
    return started_at + timedelta(minutes=ttl_min)


def payment_actions(status: str, has_receipt: bool) -> tuple[str, ...]:
    """A pending payment's parts are funded or it is cancelled; a completed one without a receipt (a
    private invoice's) gets one on request."""
    if status == PENDING:
        return (FUND, CANCEL)
    if status == COMPLETED and not has_receipt:
        return (REQUEST_RECEIPT,)
    return ()


def payment_total(text: str, decimals: int) -> int:
    """What a payer pays in all (typed for a floating invoice, the price for a fixed one), in minor
    units: InvalidAmount when it is not an amount, payment_amount_invalid unless it is above zero."""
    total = to_minor(text, decimals)
    if total <= 0:
        raise InvoiceUnavailable("a payment is above zero", code="payment_amount_invalid")
    return total


def check_floating_total(total: int, *, minimum: int | None, left: int | None, decimals: int, asset: str) -> None:
    """A floating invoice takes a payment of at least its minimum and at most what is left of its cap
    (None: no minimum, no cap). The refusal, payment_amount_invalid, names the number the payer must
    meet: `minimum` or `left` (minor units, with `decimals` and `asset`)."""
    if minimum is not None and total < minimum:
        numbers = {"minimum": minimum, "decimals": decimals, "asset": asset}
        raise InvoiceUnavailable(f"below the minimum {minimum}", code="payment_amount_invalid", **numbers)
    if left is not None and total > left:
        raise InvoiceUnavailable(
            f"more than the {left} left of the invoice's total",
            code="payment_amount_invalid",
            left=max(left, 0),
            decimals=decimals,
            asset=asset,
        )


def even_split(total: int, parts: int) -> list[int]:
    """`total` in `parts` amounts that differ by at most one minor unit and add up to `total` exactly
    (the first parts take the remainder's minor units)."""
    base, rest = divmod(total, parts)
    return [base + 1 if i < rest else base for i in range(parts)]


def check_split(parts: Sequence[str], total: str, decimals: int) -> list[int]:
    """The payer's parts (decimal text) in minor units: each above zero and together exactly `total`,
    else PartsDoNotAddUp; InvalidAmount when one of them is not an amount."""
    amounts = [to_minor(part, decimals) for part in parts]
    if any(a <= 0 for a in amounts) or sum(amounts) != to_minor(total, decimals):
        raise PartsDoNotAddUp(f"{len(amounts)} parts do not make {total}")
    return amounts


def check_parts(amounts: list[int], max_parts: int) -> None:
    """1..max_parts parts, each a positive amount."""
    if not 1 <= len(amounts) <= max_parts or any(a <= 0 for a in amounts):
        raise InvoiceUnavailable(
            f"{len(amounts)} parts, the invoice allows 1..{max_parts}", code="parts_invalid", max_parts=max_parts
        )


def asset_for_fiat(fiat_minor: int, fiat_decimals: int, asset_decimals: int, rate: Decimal) -> int:
    """Minor units of the asset that cover `fiat_minor` at `rate` (fiat per whole asset unit), rounded
    up: the merchant gets at least the fiat amount, the payer pays less than one minor unit more."""
    if not rate.is_finite() or rate <= 0:
        raise ValueError(f"rate must be positive, not {rate}")
    # Every step rounds up, so the result is never below the exact quotient.
    exact = Context(prec=60, rounding=ROUND_CEILING)
    quotient = exact.divide(Decimal(fiat_minor).scaleb(asset_decimals - fiat_decimals, context=exact), rate)
    return int(quotient.to_integral_value(rounding=ROUND_CEILING))


def rate_text(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def split_in_proportion(total: int, weights: Sequence[int]) -> list[int]:
    """`total` in len(weights) integer parts in proportion to `weights`, adding up to `total` exactly.
    Each part gets at least one unit when `total` allows it; the units left after the floors go one
    each to the largest remainders (the earlier part on a tie). Zero weights split evenly."""
    count = len(weights)
    if count == 0 or total < 0 or any(w < 0 for w in weights):
        raise ValueError(f"cannot split {total} by {list(weights)}")
    floor = 1 if total >= count else 0
    rest = total - floor * count
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights, weight_sum = [1] * count, count
    quotas = [rest * w for w in weights]
    parts = [q // weight_sum for q in quotas]
    by_remainder = sorted(range(count), key=lambda i: (-(quotas[i] % weight_sum), i))
    for i in by_remainder[: rest - sum(parts)]:
        parts[i] += 1
    return [floor + p for p in parts]


def quote_parts(shares: Sequence[int], fiat_decimals: int, asset_decimals: int, rate: Decimal) -> list[int]:
    """The asset amounts of parts holding these shares of a fiat price (fiat minor units) at `rate`:
    together they cover the shares' sum rounded up once (the payer pays less than one minor unit above
    the exact price, the merchant never less), split in proportion to the shares. Each part asks one
    minor unit at least, which only matters for prices of a few minor units."""
    total = asset_for_fiat(sum(shares), fiat_decimals, asset_decimals, rate)
    return split_in_proportion(max(total, len(shares)), shares)
