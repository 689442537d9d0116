"""The buy wizard's rows: a select's option, a trader's offer as the list shows it, and the summary of
what a purchase buys and where it goes (in every language, so a language switch re-words it)."""

from __future__ import annotations

from dataclasses import dataclass

from krypton_app.i18n import LANGUAGES, translate
from krypton_app.i18n.formatting import format_fiat, format_full, format_number
from krypton_app.services.buy_deals import BuyQuote
from krypton_app.services.market import Offer


@dataclass(frozen=True)
class Option:
    code: str = ""
    name: str = ""


@dataclass(frozen=True)
class BuyOfferRow:
    ad_id: int = 0
    trader: str = ""
    trades: int = 0
    completion: str = ""  # "96%", "—" before the trader's first ended deal
    price: str = ""
    limits: str = ""
    total: str = ""  # the fiat this purchase costs at the ad's price
    from_ad: bool = False  # the ad the wizard was opened from


def offer_row(offer: Offer, lang: str, from_ad: int) -> BuyOfferRow:
    ad, rate = offer.ad, offer.trader.completion_rate_30d
    return BuyOfferRow(
        ad_id=ad.id,
        trader=ad.owner_name,
        trades=offer.trader.completed_deals,
        completion="—" if rate is None else f"{rate * 100:.0f}%",
        price=format_fiat(ad.price, ad.fiat, lang, ad.fiat_decimals),
        limits=f"{format_full(ad.min_amount, ad.decimals, lang)} – {format_full(ad.max_amount, ad.decimals, lang)}"
        f" {ad.asset}",
        total=format_fiat(offer.fiat_total, ad.fiat, lang, ad.fiat_decimals),
        from_ad=ad.id == from_ad,
    )


def purchase_summary(quote: BuyQuote) -> dict[str, list[str]]:
    """What the purchase buys and what reaches the destination, in every language."""
    texts = {}
    for lang in LANGUAGES:

        def money(minor: int, lang=lang) -> str:
            return format_full(minor, quote.decimals, lang)

        lines = [translate(lang, "buy.summary.buy", amount=money(quote.amount), asset=quote.asset)]
        params = {"amount": money(quote.amount), "asset": quote.asset, "fee": money(quote.fee)}
        if quote.payout_amount is not None:
            params |= {"payout": money(quote.payout_amount), "sat": format_number(quote.amount_sat, lang)}
            params["btc"] = format_full(quote.amount_sat, 8, lang)
        lines.append(translate(lang, f"buy.summary.{quote.kind}", **params))
        texts[lang] = lines
    return texts
