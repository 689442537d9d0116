"""The fees of money leaving the platform, from the fee schedule (SPEC F12; services/fees.py): a TON or
USDT withdrawal from the hot wallet, a Bitcoin or Lightning payout. Flat per asset (at least the rule's
minimum), on top of the amount.

A quote reads the fee; the request reads it again inside its own transaction. When an operator changed
it in between, the request is refused with `fee_changed` (the screen asks the user to review the new
fee), never charged silently differently from what the user confirmed.
"""

from __future__ import annotations

from sqlmodel import Session

from krypton_app.domain.errors import KryptonError
from krypton_app.domain.fees import PAYOUT, WITHDRAWAL, FeeRule, fee_for
from krypton_app.services.fees import rule_in
from krypton_app.settings import Settings


class FeeChanged(KryptonError):
    """The fee in force is not the one the user was quoted and confirmed."""

    code = "fee_changed"


def flat_fee(rule: FeeRule) -> int:
    """A flat rule's fee on any amount: the flat part, at least the minimum."""
    return fee_for(rule, 1)


def withdrawal_fee(s: Session, asset: str, settings: Settings) -> int:
    return flat_fee(rule_in(s, WITHDRAWAL, asset, settings))


def payout_fee(s: Session, asset: str, settings: Settings) -> int:
    """The payout fee of `asset`; an asset the settings list no payout fee for is not paid out at all."""
    if asset not in settings.payout_fees:
        raise KryptonError(f"no payouts from {asset}", code="payout_asset_unsupported", asset=asset)
    return flat_fee(rule_in(s, PAYOUT, asset, settings))


def check_fee(quoted: int | None, current: int, *, asset: str) -> None:
    """Refuse a request whose quoted fee (None: the caller did not show one) is not the fee now."""
    if quoted is not None and quoted != current:
        raise FeeChanged(f"the {asset} fee is now {current}, quoted {quoted}", asset=asset, fee=current)
