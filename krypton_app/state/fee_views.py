"""Fee rules in words, for every screen that shows a fee before the user confirms (SPEC F12): the
operators' fee tab, the invoice form's "you receive", the price list. One wording, in the reader's
language."""

from __future__ import annotations

from krypton_app.domain.fees import FeeRule
from krypton_app.i18n import translate
from krypton_app.i18n.formatting import amount_with_asset, format_number
from krypton_app.services.fees import FeeQuote


def fee_rule_text(rule: FeeRule, decimals: int, lang: str | None) -> str:
    """ "1 % + 0.01 TON, at least 0.02 TON (ad owner)"; "0" when the rule charges nothing."""
    pieces = []
    if rule.percent:
        pieces.append(f"{format_number(rule.percent.normalize(), lang)} %")
    if rule.flat:
        pieces.append(amount_with_asset(rule.flat, decimals, rule.asset, lang, display=False))
    text = " + ".join(pieces) or "0"
    if rule.minimum:
        least = amount_with_asset(rule.minimum, decimals, rule.asset, lang, display=False)
        text += f", {translate(lang, 'fee_schedule.at_least')} {least}"
    if rule.payer:
        text += f" ({translate(lang, f'fee_schedule.payer.{rule.payer}')})"
    return text


def invoice_fee_note(quote: FeeQuote, lang: str | None) -> str:
    """Under the invoice form's amount: what the merchant receives of each payment after the fee."""
    rule = quote.rule
    if not (rule.percent or rule.flat or rule.minimum):
        return translate(lang, "invoices.fee_none")
    text = fee_rule_text(rule, quote.decimals, lang)
    if quote.split is None:
        return translate(lang, "invoices.fee_rule", rule=text)
    net = amount_with_asset(quote.split.net, quote.decimals, rule.asset, lang, display=False)
    fee = amount_with_asset(quote.split.fee, quote.decimals, rule.asset, lang, display=False)
    return translate(lang, "invoices.fee_receive", net=net, rule=text, fee=fee)
