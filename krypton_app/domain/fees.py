"""The fee schedule's arithmetic (SPEC F12), without a database.

A rule charges `percent` of an amount plus a `flat` part, at least `minimum`. The percent part is
rounded UP to the next minor unit: the platform's favour, by less than one minor unit. A fee taken out
of an amount (an invoice payment: the merchant gets the rest) never exceeds that amount, so the net is
never negative; a fee added on top (a withdrawal: amount + fee leaves the balance) has no such cap.

Operations and who pays:
- invoice_payment: percent of the payment, charged to the merchant (taken out of what they receive);
- deal: percent of the deal's crypto, charged to the ad's owner (maker) or to the taker, as configured;
- withdrawal (on-chain TON / USDT) and payout (Bitcoin, Lightning): flat per asset, on top of the amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from krypton_app.domain.errors import KryptonError

INVOICE_PAYMENT = "invoice_payment"
DEAL = "deal"
WITHDRAWAL = "withdrawal"
PAYOUT = "payout"
OPERATIONS = (INVOICE_PAYMENT, DEAL, WITHDRAWAL, PAYOUT)
# Operations charged as a share of the amount; the others are flat per asset.
PERCENT_OPERATIONS = frozenset({INVOICE_PAYMENT, DEAL})

# Who pays a deal's fee: the ad's owner or the user who answered the ad.
MAKER = "maker"
TAKER = "taker"
PAYERS = (MAKER, TAKER)

# A percent is a Decimal with at most 4 places (0.0001 %), between 0 and MAX_PERCENT.
MAX_PERCENT = Decimal(50)
PERCENT_PLACES = 4
# A percent in parts per million of the amount (1 % = 10 000): exact for 4 places, and what the
# fee_rules table stores.
PPM_PER_PERCENT = 10**PERCENT_PLACES
PPM = 100 * PPM_PER_PERCENT


class FeeRuleInvalid(KryptonError):
    """A fee rule an operator typed that cannot be a rule; the code says which part (fee_percent_invalid,
    fee_flat_invalid, fee_minimum_invalid, fee_payer_invalid, fee_operation_invalid)."""


@dataclass(frozen=True)
class FeeRule:
    operation: str
    asset: str
    percent: Decimal = Decimal(0)
    flat: int = 0  # minor units
    minimum: int = 0  # minor units; the fee of a non-zero amount is at least this
    payer: str | None = None  # deals only: MAKER or TAKER

    def __post_init__(self) -> None:
        check_rule(self)


@dataclass(frozen=True)
class FeeSplit:
    """One amount with its fee: `gross == net + fee`, all minor units, none negative."""

    gross: int
    fee: int
    net: int


def check_rule(rule: FeeRule) -> None:
    if rule.operation not in OPERATIONS:
        raise FeeRuleInvalid(f"unknown operation {rule.operation!r}", code="fee_operation_invalid")
    percent = rule.percent
    if not isinstance(percent, Decimal) or not percent.is_finite() or not (0 <= percent <= MAX_PERCENT):
        raise FeeRuleInvalid(f"percent {percent!r} out of range", code="fee_percent_invalid")
    # Judged by value, not by how it was written: "1.00000" is 1 %, "0.00001" has a place too many.
    if (percent * PPM_PER_PERCENT) % 1:
        raise FeeRuleInvalid(f"percent {percent!r} has too many places", code="fee_percent_invalid")
    if rule.operation not in PERCENT_OPERATIONS and percent:
        raise FeeRuleInvalid(f"{rule.operation} fees are flat", code="fee_percent_invalid")
    for name in ("flat", "minimum"):
        value = getattr(rule, name)
        if not isinstance(value, int) or isinstance(value, bool) or not (0 <= value < 2**62):
            raise FeeRuleInvalid(f"{name} {value!r} out of range", code=f"fee_{name}_invalid")
    if (rule.payer is not None) != (rule.operation == DEAL) or (rule.payer is not None and rule.payer not in PAYERS):
        raise FeeRuleInvalid(f"payer {rule.payer!r} for {rule.operation}", code="fee_payer_invalid")


def fee_for(rule: FeeRule, amount: int) -> int:
    """The fee on `amount` minor units: percent rounded up, plus flat, at least the minimum; 0 on 0."""
    if amount < 0:
        raise ValueError("a fee is charged on a non-negative amount")
    if amount == 0:
        return 0
    # Integer arithmetic, rounded up: exact whatever the amount and whatever Decimal context is active.
    share = -(-amount * ppm_of(rule.percent) // PPM)
    return max(share + rule.flat, rule.minimum)


def percent_text(percent: Decimal) -> str:
    """A percent as an operator types it: "10", "2.5", never "1E+1"."""
    return format(percent.normalize(), "f")


def ppm_of(percent: Decimal) -> int:
    """A rule's percent in parts per million (exact: a rule's percent has at most 4 places)."""
    return int(percent * PPM_PER_PERCENT)


def take_out(rule: FeeRule, gross: int) -> FeeSplit:
    """The fee taken out of `gross` (the receiver gets the rest), never more than `gross`."""
    fee = min(fee_for(rule, gross), gross)
    return FeeSplit(gross=gross, fee=fee, net=gross - fee)


def add_on(rule: FeeRule, net: int) -> FeeSplit:
    """The fee added on top of `net` (the payer gives `net + fee`, the receiver gets `net`)."""
    fee = fee_for(rule, net)
    return FeeSplit(gross=net + fee, fee=fee, net=net)
