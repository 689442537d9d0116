"""The market pages: /market (browse ads, open a deal) and /market/new (post an ad, my ads)."""

from krypton_app.pages.market.browse import market
from krypton_app.pages.market.new_ad import market_new

__all__ = ["market", "market_new"]
