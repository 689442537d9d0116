"""What a P2P deal's fee will be, before it opens (SPEC F12): the rule's terms shown with every ad, the fee
of a typed amount, and the fee a deal opens with (start_deal, in its transaction). The arithmetic and who
pays are domain/deal_fees.py's; where the fee is held and where it goes, services/deal_purposes.py's.

The screen that opens a deal sends the terms it showed (`DealFeeTerms.fingerprint`); a deal opening under
other terms, because an operator changed the rule meanwhile, is refused with `fee_changed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.domain.deal_fees import DealFee, deal_fee, fee_payout
from krypton_app.domain.errors import NotFound
from krypton_app.domain.fees import DEAL, FeeRule, fee_for
from krypton_app.domain.money import to_minor
from krypton_app.models import Ad, Asset
from krypton_app.services.fees import rule_in
from krypton_app.services.transfer_fees import FeeChanged
from krypton_app.settings import Settings

_ads = Ad.__table__


@dataclass(frozen=True)
class DealFeeTerms:
    """The deal rule of one asset as a screen states it."""

    asset: str
    decimals: int
    percent: Decimal
    minimum: int  # minor units
    payer: str  # maker | taker

    def fee_on(self, amount: int) -> int:
        """The fee of a deal of `amount` minor units under these terms (paid by the seller: uncapped)."""
        rule = FeeRule(DEAL, self.asset, percent=self.percent, minimum=self.minimum, payer=self.payer)
        return fee_for(rule, amount)

    @property
    def fingerprint(self) -> str:
        """The terms as one text: the screen sends back the terms it showed (see the module's docstring)."""
        return f"{self.percent.normalize():f}:{self.minimum}:{self.payer}"


@dataclass(frozen=True)
class DealFeeQuote:
    """The fee of a deal of `amount` on one ad, and what each side gives and gets with it."""

    asset: str
    decimals: int
    amount: int
    fee: int
    payer: str  # maker | taker
    side: str  # seller | buyer
    buyer_gets: int  # what a release gives the buyer's side
    seller_gives: int  # what the seller puts in escrow


def terms_of(rule: FeeRule, decimals: int) -> DealFeeTerms:
    return DealFeeTerms(rule.asset, decimals, rule.percent, rule.minimum, rule.payer or "maker")


def deal_fee_terms(uow: UnitOfWork, asset: str, settings: Settings | None = None) -> DealFeeTerms:
    with uow.read() as s:
        decimals = s.execute(select(Asset.decimals).where(Asset.code == asset)).scalar_one_or_none()
        if decimals is None:
            raise NotFound(f"asset {asset!r}", asset=asset)
        return terms_of(rule_in(s, DEAL, asset, settings), decimals)


def quote_deal_fee(
    uow: UnitOfWork, ad_id: int, amount: str, *, purpose: str = machine.PLAIN, settings: Settings | None = None
) -> DealFeeQuote:
    """The fee a deal of `amount` (asset text, as typed) on the ad would open with now."""
    with uow.read() as s:
        ad = _ad(s, ad_id)
        minor = to_minor(amount, ad.decimals)
        fee = opening_fee(s, ad_id, minor, purpose, settings)
    to_buyer = fee_payout(minor, fee.fee, fee.side, minor).to_target
    seller_gives = minor + (fee.fee if fee.side == machine.SELLER else 0)
    return DealFeeQuote(ad.asset, ad.decimals, minor, fee.fee, fee.payer, fee.side, to_buyer, seller_gives)


def opening_fee(
    s: Session,
    ad_id: int,
    minor: int,
    purpose: str,
    settings: Settings | None = None,
    *,
    shown: str | None = None,
) -> DealFee:
    """The fee a deal of `minor` on the ad opens with now, and who pays it; FeeChanged when the rule's
    terms are not the `shown` fingerprint (None: the caller showed none)."""
    ad = _ad(s, ad_id)
    rule = rule_in(s, DEAL, ad.asset, settings)
    if shown is not None and shown != terms_of(rule, ad.decimals).fingerprint:
        raise FeeChanged(f"the deal fee of {ad.asset} changed", asset=ad.asset)
    return deal_fee(rule, minor, purpose, seller_is_taker=ad.side != "sell")


def _ad(s: Session, ad_id: int):
    ad = s.execute(
        select(_ads.c.side, _ads.c.asset, Asset.decimals)
        .join(Asset, Asset.code == _ads.c.asset)
        .where(_ads.c.id == ad_id)
    ).one_or_none()
    if ad is None:
        raise NotFound(f"ad {ad_id} not found")
    return ad
