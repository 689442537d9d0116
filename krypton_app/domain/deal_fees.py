"""A P2P deal's fee (SPEC F12), without a database: what it is, who pays it, and how an escrow that
carries it is paid out.

The fee is the deal rule's percent of the deal's crypto amount (domain/fees.py `fee_for`: rounded up,
at least the minimum), fixed when the deal opens: the rule then in force is the price both sides agreed
to. It is paid by the ad's owner (maker) or by the taker, as the rule says, except where the buyer must
receive the whole amount: a deal paying an invoice part (the part asks an exact amount) and a deal
buying crypto for a destination (a Lightning invoice asks an exact amount) charge the seller, the trader
whose sell ad it is, whatever the rule's payer.

In crypto terms the payer is the deal's seller or buyer:
- the seller pays: the escrow holds amount + fee; a release gives the whole amount to the buyer's side and
  the fee to the fee account; a refund returns the amount and the fee;
- the buyer pays: the escrow holds the amount; a release gives amount - fee to the buyer's side and the
  fee to the fee account (the fee never exceeds the amount); a refund returns the amount, no fee.
- an operator's split charges the fee only on the share released: ceil(fee * share / amount), so a
  whole release charges the whole fee and a refund none; the uncharged fee goes back to the seller
  when they had put it in escrow.
"""

from __future__ import annotations

from dataclasses import dataclass

from krypton_app.domain import deals as machine
from krypton_app.domain.fees import MAKER, TAKER, FeeRule, fee_for

# Purposes whose buyer must receive the whole amount: the seller pays the fee (see the docstring).
SELLER_PAYS = frozenset({machine.PART, machine.BUY})


@dataclass(frozen=True)
class DealFee:
    fee: int  # minor units of the deal's asset
    payer: str  # MAKER | TAKER
    side: str  # who that is in the deal: machine.SELLER | machine.BUYER

    @property
    def from_ad_volume(self) -> bool:
        """The seller is the sell ad's owner: their fee comes out of the ad's volume with the amount."""
        return self.side == machine.SELLER and self.payer == MAKER


@dataclass(frozen=True)
class FeePayout:
    """One payout of a deal's escrow with its fee: `to_target` to the release target, `charged` to the fee
    account, `fee_back` the seller's fee not charged (back to them); the share back to the seller is the
    caller's `to_seller`, unchanged."""

    to_target: int
    charged: int
    fee_back: int


def side_of(payer: str, seller_is_taker: bool) -> str:
    """The deal side (seller | buyer) of the payer (maker | taker)."""
    taker_side, maker_side = (machine.SELLER, machine.BUYER) if seller_is_taker else (machine.BUYER, machine.SELLER)
    return taker_side if payer == TAKER else maker_side


def deal_fee(rule: FeeRule, amount: int, purpose: str, seller_is_taker: bool) -> DealFee:
    """The fee of a deal opening for `amount`, under `rule` (the deal rule in force now)."""
    payer = rule.payer or MAKER
    if purpose in SELLER_PAYS:
        payer = TAKER if seller_is_taker else MAKER
    side = side_of(payer, seller_is_taker)
    fee = fee_for(rule, amount)
    if side == machine.BUYER:
        fee = min(fee, amount)  # taken out of what the buyer gets: never more than that
    return DealFee(fee, payer, side)


def charged_on(fee: int, amount: int, to_buyer: int) -> int:
    """The fee on the share `to_buyer` of `amount`: rounded up (the platform's favour, under one unit)."""
    if not 0 <= to_buyer <= amount:
        raise ValueError("a share of the escrow is between 0 and the amount")
    if to_buyer == 0:
        return 0
    return -(-fee * to_buyer // amount)


def fee_payout(amount: int, fee: int, side: str, to_buyer: int) -> FeePayout:
    """How the escrow's `to_buyer` share and the fee are paid out (see the module's docstring)."""
    charged = charged_on(fee, amount, to_buyer)
    if side == machine.BUYER:
        return FeePayout(to_target=to_buyer - charged, charged=charged, fee_back=0)
    return FeePayout(to_target=to_buyer, charged=charged, fee_back=fee - charged)
