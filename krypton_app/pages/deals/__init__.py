"""The deal pages: /deals (my deals) and /deals/[deal_id] (one deal with its chat, dispute and review)."""

from krypton_app.pages.deals.detail import deal_detail
from krypton_app.pages.deals.listing import deals

__all__ = ["deal_detail", "deals"]
