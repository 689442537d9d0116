"""The buy wizard's summary of what a purchase buys and where it goes (in every language, so a language
switch re-words it)."""

from __future__ import annotations

from krypton_app.i18n import LANGUAGES, translate
from krypton_app.i18n.formatting import format_full, format_number
from krypton_app.services.buy_deals import BuyQuote


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
