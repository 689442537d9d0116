"""The buy wizard's summary of what a purchase buys and where it goes (in every language, so a language
switch re-words it)."""

from __future__ import annotations

from krypton_app.i18n import LANGUAGES, translate
from krypton_app.i18n.formatting import format_full, format_number
from krypton_app.services.buy_deals import BuyQuote
from krypton_app.services.deal_fee_quotes import DealFeeTerms


def purchase_summary(quote: BuyQuote, terms: DealFeeTerms) -> dict[str, list[str]]:
    """What the purchase buys and what reaches the destination, and the deal's fee (a purchase's is the
    trader's: domain/deal_fees.SELLER_PAYS), in every language."""
    deal_fee = terms.fee_on(quote.amount)
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
        if deal_fee:
            lines.append(translate(lang, "buy.summary.deal_fee", fee=money(deal_fee), asset=quote.asset))
        texts[lang] = lines
    return texts
