"""Every deal purpose by name (domain.deals.PURPOSES): services/deal_rows and services/deals look a deal's
purpose up here. Kept apart from services/deal_purposes.py, the base the purposes' modules import."""

from __future__ import annotations

from krypton_app.models import Deal
from krypton_app.services.buy_purpose import BuyPurpose
from krypton_app.services.deal_purposes import DealPurpose, PartPurpose
from krypton_app.services.fiat_payout_purpose import FiatPayoutPurpose
from krypton_app.services.promise_sale_escrow import PromiseSalePurpose

PURPOSES: dict[str, DealPurpose] = {
    p.name: p for p in (DealPurpose(), PartPurpose(), BuyPurpose(), PromiseSalePurpose(), FiatPayoutPurpose())
}


def purpose_of(deal: Deal) -> DealPurpose:
    return PURPOSES[deal.purpose]
