"""A deal that buys crypto for a destination (SPEC F7): its escrow and refunds are a plain deal's; its
whole release credits the buyer and then, in the same transaction, takes the crypto where the buyer
asked when the deal opened (services/buy_deals.py validated it then, table deal_destinations):

- balance: it stays there;
- bitcoin / lightning: a payout from the buyer's balance, queued for the operator like a withdrawal
  (services/payouts.queue_payout), priced again at the release's rate;
- promise: a promise issued from the buyer's balance (origin "bought"), its code sealed on the row until
  the buyer's deal page shows it, once.

A destination that cannot be served at release (the Lightning invoice expired or is paid already, the
rate moved so the amount no longer covers it or the payout would be dust) leaves the crypto on the
buyer's balance: the release never fails for it, and the chat and a notification say why. An operator's
split pays the buyer's share to their balance. Kept apart from buy_deals.py, whose use cases open deals:
services/deal_kinds.py imports this module and services/deals.py imports deal_kinds.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlmodel import Session

from krypton_app.domain import deals as machine
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.ledger import AVAILABLE
from krypton_app.domain.money import format_amount
from krypton_app.domain.promises import BOUGHT
from krypton_app.models import Deal, DealDestination, Payout
from krypton_app.models.common import utcnow
from krypton_app.payouts.operator_queue import OPERATOR_QUEUE
from krypton_app.payouts.validation import BITCOIN, LIGHTNING
from krypton_app.services import chat, notifications
from krypton_app.services.crypto import seal
from krypton_app.services.deal_purposes import DealPurpose, PayoutContext, PurposeView, amount_params
from krypton_app.services.ledger import user_account
from krypton_app.services.payout_quotes import PayoutQuote, asset_decimals, price_bitcoin, price_lightning
from krypton_app.services.payouts import PAID, QUEUED, SENDING, queue_payout
from krypton_app.services.promise_rows import issue_promise
from krypton_app.services.rates import rate_provider_from_settings
from krypton_app.services.transfer_fees import payout_fee
from krypton_app.settings import get_settings

BALANCE, PROMISE = "balance", "promise"
DESTINATIONS = (BALANCE, BITCOIN, LIGHTNING, PROMISE)
DELIVERED, TO_BALANCE = "delivered", "to_balance"
# Why a destination was not served, each with its own chat text (deal.sys.buy_to_balance.<reason>).
SPLIT = "split"
REASONS = (
    SPLIT,
    "lightning_invoice_expired",
    "lightning_invoice_already_used",
    "buy_amount_short",
    "payout_too_small",
    "unserved",  # any other refusal (the network's settings changed meanwhile)
)

_dest = DealDestination.__table__
_payouts = Payout.__table__


def destination_row(s: Session, deal_id: int):
    return s.execute(select(_dest).where(_dest.c.deal_id == deal_id)).one_or_none()


def short_target(target: str) -> str:
    """An address or an invoice as the deal's other side and lists read it: its ends, not all of it."""
    return target if len(target) <= 20 else f"{target[:10]}…{target[-6:]}"


def invoice_in_payout(s: Session, invoice: str) -> bool:
    """A payout is paying this (normalised) invoice already, or has paid it."""
    twin = s.execute(
        select(_payouts.c.id).where(
            _payouts.c.network == LIGHTNING,
            _payouts.c.destination == invoice,
            _payouts.c.status.in_((QUEUED, SENDING, PAID)),
        )
    ).first()
    return twin is not None


class BuyPurpose(DealPurpose):
    name = machine.BUY

    def pay_out(
        self, s: Session, deal: Deal, to_buyer: int, to_seller: int, key: str, kind: str, ctx: PayoutContext
    ) -> None:
        super().pay_out(s, deal, to_buyer, to_seller, key, kind=kind, ctx=ctx)
        if not to_buyer:
            return  # refunded: the destination is never served
        dest = destination_row(s, deal.id)
        if to_buyer < deal.amount:
            self._to_balance(s, deal, SPLIT)
            return
        try:
            # Priced before anything is written for the destination: a refusal leaves the credit above.
            quote = self._quote(s, deal, dest, ctx) if dest.kind in (BITCOIN, LIGHTNING) else None
        except KryptonError as refusal:
            self._to_balance(s, deal, refusal.code if refusal.code in REASONS else "unserved")
            return
        self._deliver(s, deal, dest, quote, ctx)

    def _deliver(self, s: Session, deal: Deal, dest, quote: PayoutQuote | None, ctx: PayoutContext) -> None:
        settings = ctx.settings or get_settings()
        now = ctx.now or utcnow()
        values: dict = {"outcome": DELIVERED}
        if quote is not None:
            values["payout_id"] = queue_payout(
                s, deal.buyer_id, quote, key=f"deal:{deal.id}:buy_payout", provider=OPERATOR_QUEUE, now=now
            )
        elif dest.kind == PROMISE:
            issued = issue_promise(
                s,
                deal.buyer_id,
                asset=deal.asset,
                amount=deal.amount,
                origin=BOUGHT,
                source_account=user_account(s, deal.buyer_id, deal.asset, AVAILABLE),
                idempotency_key=f"deal:{deal.id}:buy_promise",
                now=now,
                settings=settings,
            )
            values |= {"promise_id": issued.id, "code_sealed": seal(settings, issued.code)}
        s.execute(update(_dest).where(_dest.c.deal_id == deal.id).values(**values))
        _tell(s, deal, f"deal.sys.buy_delivered.{dest.kind}")

    @staticmethod
    def _quote(s: Session, deal: Deal, dest, ctx: PayoutContext) -> PayoutQuote:
        """The payout priced at the release's rate, from what the buyer just got; KryptonError if it cannot be."""
        settings = ctx.settings or get_settings()
        rates = ctx.rates or rate_provider_from_settings(settings)
        decimals = asset_decimals(s, deal.asset)
        # The payout fee in force at the release, as its rate (the deal page said both are the release's).
        fee = payout_fee(s, deal.asset, settings)
        if dest.kind == BITCOIN:
            minor = deal.amount - fee
            return price_bitcoin(dest.target, deal.asset, decimals, minor, rates=rates, settings=settings, fee=fee)
        now = int((ctx.now or utcnow()).timestamp())
        quote = price_lightning(dest.target, deal.asset, decimals, rates=rates, settings=settings, now=now, fee=fee)
        if quote.total > deal.amount:
            raise KryptonError("the bought amount no longer covers the invoice", code="buy_amount_short")
        if invoice_in_payout(s, dest.target):
            raise KryptonError("this invoice is already being paid", code="lightning_invoice_already_used")
        return quote

    @staticmethod
    def _to_balance(s: Session, deal: Deal, reason: str) -> None:
        s.execute(update(_dest).where(_dest.c.deal_id == deal.id).values(outcome=TO_BALANCE, reason=reason))
        text_key = f"deal.sys.buy_to_balance.{reason}"
        _tell(s, deal, text_key)
        notifications.notify(
            s,
            deal.buyer_id,
            kind=notifications.DEAL_STATUS,
            deal_id=deal.id,
            text_key=text_key,
            params=amount_params(s, deal) | {"deal_id": deal.id},
        )

    def describe(self, s: Session, deal: Deal, viewer_id: int) -> PurposeView:
        dest = destination_row(s, deal.id)
        params = amount_params(s, deal)
        if dest is None:
            # Only inside the opening transaction, before its destination row is written (start_deal
            # names the purpose in the owner's notification): the label is all it reads.
            return PurposeView(self.name, "deal.purpose.buy", "deal.owed.buy", params)
        params["target"] = short_target(dest.target)
        if dest.payout_amount is not None:
            params["payout"] = format_amount(dest.payout_amount, asset_decimals(s, deal.asset))
        return PurposeView(self.name, "deal.purpose.buy", f"deal.owed.buy.{dest.kind}", params)


def _tell(s: Session, deal: Deal, text_key: str) -> None:
    """Both sides read in the chat where the bought crypto went."""
    chat.post_system_message(s, deal.id, text_key, amount_params(s, deal) | {"deal_id": deal.id})
