"""What a deal is for, and so where its escrow comes from and where it goes (issue 13).

Every deal runs the same state machine (domain/deals.py: chat, timers, disputes, reviews); only its
money differs by `Deal.purpose`:
- plain: the seller's crypto is held on their HELD account; a release goes to the buyer's balance, a
  refund back to the ad's volume (a sell ad still active) or the seller's balance.
- part: as plain, but a whole release funds the invoice part the buyer pays (services/part_deals.py).
- buy, promise_sale, fiat_payout: their own modules subclass DealPurpose (services/deal_kinds.py
  lists them all).

A purpose acts inside the caller's transaction and never commits. Its hooks:
- `lock_escrow`: when the deal opens, after its row exists (start_deal);
- `pay_out`: `to_buyer` to the release target and `to_seller` back, in one ledger transaction under
  `key` (a release, a timer's refund, a cancel, an operator's decision or split), the deal's fee to the
  fee account in that same ledger transaction;
- `describe`: what the deal is for and who is owed what, for the deal page, /deals, notifications
  and the operator deciding a dispute.

The deal's fee (SPEC F12; domain/deal_fees.py the arithmetic, fixed on the deal when it opens):
- paid by the seller: held with the escrow. A sell ad's owner pays it from the ad's volume (held already;
  start_deal takes amount + fee from it), so it sits on their HELD account and comes back with the amount;
  a seller who is the taker (to a buy ad: a plain sale, a promise sale, a merchant's fiat payout) has it
  held from their balance when the deal opens, and back to their balance when it is not charged;
- paid by the buyer: taken out of the escrow's released share (from wherever the escrow is: the seller's
  HELD, the promise backing, the merchant's deposit);
- a split charges the fee on the released share only (rounded up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from krypton_app import routes
from krypton_app.domain import deals as machine
from krypton_app.domain.deal_fees import FeePayout, fee_payout, side_of
from krypton_app.domain.ledger import AVAILABLE, FEES, HELD, AccountRef, Leg
from krypton_app.domain.money import format_amount
from krypton_app.models import Deal
from krypton_app.models.common import utcnow
from krypton_app.models.invoices import Invoice, InvoicePayment, PaymentPart
from krypton_app.models.ledger import Asset
from krypton_app.services import chat
from krypton_app.services.ads import return_ad_volume
from krypton_app.services.funding import DEAL_RELEASE, DealSource
from krypton_app.services.ledger import post, system_account, user_account
from krypton_app.services.payment_completion import fund_on_arrival
from krypton_app.services.rates import RateProvider, rate_provider_from_settings
from krypton_app.settings import Settings, get_settings

_parts = PaymentPart.__table__
_payments = InvoicePayment.__table__
_invoices = Invoice.__table__

DEAL_ESCROW = "deal_escrow"  # ledger kind: a taker selling to a buy ad puts their crypto in escrow


@dataclass(frozen=True)
class PayoutContext:
    """The payment's settings, rates and time, for a release that completes an invoice payment."""

    settings: Settings | None = None
    rates: RateProvider | None = None
    now: datetime | None = None


@dataclass(frozen=True)
class PurposeView:
    """What the deal is for, as catalog keys and their params (a page or a notification translates them).
    `owed_key` says who is owed what: where a release sends the crypto, and where a refund sends it."""

    kind: str
    label_key: str
    owed_key: str
    params: dict[str, str] = field(default_factory=dict)
    href: str = ""  # a page the viewer may open about it ("" none): the payment, the invoice


class DealPurpose:
    """The plain deal; the other purposes subclass it and change what differs."""

    name = machine.PLAIN

    def lock_escrow(self, s: Session, deal: Deal) -> None:
        """A taker selling to a buy ad puts their crypto, and their fee, in escrow now (a sell ad's volume,
        with its owner's fee, is held already)."""
        if deal.seller_id == deal.taker_id:
            held = user_account(s, deal.seller_id, deal.asset, HELD)
            leg = Leg(user_account(s, deal.seller_id, deal.asset, AVAILABLE), held, deal.amount + seller_fee(deal))
            post(s, idempotency_key=f"deal:{deal.id}:escrow", kind=DEAL_ESCROW, legs=[leg], memo=f"deal {deal.id}")

    def pay_out(
        self, s: Session, deal: Deal, to_buyer: int, to_seller: int, key: str, kind: str, ctx: PayoutContext
    ) -> None:
        split = fee_split(deal, to_buyer)
        legs = []
        if split.to_target:
            legs.append(self.buyer_leg(s, deal, split.to_target))
        legs += fee_legs(s, deal, split, user_account(s, deal.seller_id, deal.asset, HELD))
        back = to_seller + back_to_volume(deal, split)
        if back:
            legs += self.seller_legs(s, deal, back)
        if legs:
            post(s, idempotency_key=key, kind=kind, legs=legs, memo=f"deal {deal.id}")

    def buyer_leg(self, s: Session, deal: Deal, amount: int) -> Leg:
        return Leg(user_account(s, deal.seller_id, deal.asset, HELD), buyer_balance(s, deal), amount)

    def seller_legs(self, s: Session, deal: Deal, amount: int) -> list[Leg]:
        """Back to the seller: to the ad's volume when the sell ad is still active (no posting), else to
        their balance. After the deal row (already updated), the ad row, then the accounts: one lock
        order everywhere."""
        back_to_ad = return_ad_volume(s, deal.ad_id, amount) and deal.seller_id != deal.taker_id
        if back_to_ad:
            return []
        held = user_account(s, deal.seller_id, deal.asset, HELD)
        return [Leg(held, user_account(s, deal.seller_id, deal.asset, AVAILABLE), amount)]

    def describe(self, s: Session, deal: Deal, viewer_id: int) -> PurposeView:
        return PurposeView(self.name, "deal.purpose.plain", "deal.owed.plain", amount_params(s, deal))


class PartPurpose(DealPurpose):
    """Paying an invoice part (SPEC F10, fiat -> crypto; services/part_deals.py). A whole release funds the
    part in this transaction; a part that cannot take it any more leaves the crypto on the payer's balance,
    since the payer paid the fiat. A split's share is less than the part asks: the payer's balance, and
    the part stays pending to pay another way."""

    name = machine.PART

    def pay_out(
        self, s: Session, deal: Deal, to_buyer: int, to_seller: int, key: str, kind: str, ctx: PayoutContext
    ) -> None:
        if to_buyer == deal.amount:
            # The part takes the whole amount: this purpose's fee is always the seller's (deal_fees.SELLER_PAYS).
            funded = self._fund_part(s, deal, key, ctx)
            self._tell(s, deal, "deal.sys.part_funded" if funded else "deal.sys.part_to_balance")
            return
        if to_buyer:
            self._tell(s, deal, "deal.sys.part_split")
        super().pay_out(s, deal, to_buyer, to_seller, key, kind=kind, ctx=ctx)

    def describe(self, s: Session, deal: Deal, viewer_id: int) -> PurposeView:
        position, number, payer_id, payment_id = s.execute(
            select(_parts.c.position, _invoices.c.number, _payments.c.payer_id, _payments.c.id)
            .join(_payments, _payments.c.id == _parts.c.payment_id)
            .join(_invoices, _invoices.c.id == _payments.c.invoice_id)
            .where(_parts.c.id == deal.part_id)
        ).one()
        params = amount_params(s, deal) | {"position": str(position), "number": number}
        href = routes.payment(payment_id) if viewer_id == payer_id else ""
        return PurposeView(self.name, "deal.purpose.part", "deal.owed.part", params, href)

    @staticmethod
    def _fund_part(s: Session, deal: Deal, key: str, ctx: PayoutContext) -> bool:
        """After the deal row: the invoice, the payment, then the accounts (fund_on_arrival's lock order)."""
        settings = ctx.settings or get_settings()
        payment_id = s.execute(select(_parts.c.payment_id).where(_parts.c.id == deal.part_id)).scalar_one()
        return fund_on_arrival(
            s,
            payment_id,
            deal.part_id,
            FeeDealSource(deal.id, deal.seller_id, deal.asset, key=key, fee=deal.fee),
            amount=deal.amount,
            settings=settings,
            rates=ctx.rates or rate_provider_from_settings(settings),
            now=ctx.now or utcnow(),
        )

    @staticmethod
    def _tell(s: Session, deal: Deal, text_key: str) -> None:
        """Both sides read in the chat where the crypto went: the part, or the buyer's balance."""
        position, number = s.execute(
            select(_parts.c.position, _invoices.c.number)
            .join(_payments, _payments.c.id == _parts.c.payment_id)
            .join(_invoices, _invoices.c.id == _payments.c.invoice_id)
            .where(_parts.c.id == deal.part_id)
        ).one()
        chat.post_system_message(s, deal.id, text_key, {"deal_id": deal.id, "position": position, "number": number})


class FeeDealSource(DealSource):
    """The release of a part deal with the seller's fee: the fee leaves the seller's HELD account for the
    fee account in the release's own ledger transaction, whether the part takes the money or the payer's
    balance does."""

    def __init__(self, deal_id: int, seller_id: int, asset: str, *, key: str, fee: int):
        super().__init__(deal_id, seller_id, asset, key=key)
        self.fee = fee

    def fund(self, session: Session, part, payer_id: int | None) -> str:
        if payer_id is None:
            raise ValueError("a deal part needs a payer")
        self._release(session, user_account(session, payer_id, self.asset, HELD), part.amount)
        return self.reference

    def to_balance(self, session: Session, payer_id: int, amount: int) -> None:
        self._release(session, user_account(session, payer_id, self.asset, AVAILABLE), amount)

    def _release(self, session: Session, target: AccountRef, amount: int) -> None:
        held = user_account(session, self.seller_id, self.asset, HELD)
        legs = [Leg(held, target, amount)]
        if self.fee:
            legs.append(Leg(held, system_account(session, FEES, self.asset), self.fee))
        post(session, idempotency_key=self.key, kind=DEAL_RELEASE, legs=legs, memo=f"deal {self.deal_id}")


# --- the deal's fee (see the module's docstring) ---------------------------------------------------


def fee_side(deal: Deal) -> str:
    """Who pays the deal's fee in crypto terms: machine.SELLER or machine.BUYER."""
    return side_of(deal.fee_payer, seller_is_taker=deal.seller_id == deal.taker_id)


def seller_fee(deal: Deal) -> int:
    """The fee the seller put in escrow with the amount (0 when the buyer pays it)."""
    return deal.fee if fee_side(deal) == machine.SELLER else 0


def fee_split(deal: Deal, to_buyer: int) -> FeePayout:
    return fee_payout(deal.amount, deal.fee, fee_side(deal), to_buyer)


def back_to_volume(deal: Deal, split: FeePayout) -> int:
    """A sell ad owner's uncharged fee goes back with their amount (to the ad's volume or balance)."""
    return split.fee_back if deal.seller_id != deal.taker_id else 0


def hold_seller_fee(s: Session, deal: Deal) -> None:
    """A taker-seller whose escrow is not on their balance (a promise, a merchant's deposit) has the fee
    held from their balance when the deal opens: insufficient funds refuse the opening."""
    fee = seller_fee(deal)
    if fee:
        leg = Leg(user_account(s, deal.seller_id, deal.asset), user_account(s, deal.seller_id, deal.asset, HELD), fee)
        post(s, idempotency_key=f"deal:{deal.id}:fee_hold", kind=DEAL_ESCROW, legs=[leg], memo=f"deal {deal.id}")


def fee_legs(s: Session, deal: Deal, split: FeePayout, escrow: AccountRef) -> list[Leg]:
    """The charged fee to the fee account (from the seller's HELD when they pay it, else out of the
    `escrow` account the buyer's share leaves), and a taker-seller's uncharged fee back to their balance."""
    legs = []
    if split.charged:
        source = user_account(s, deal.seller_id, deal.asset, HELD) if seller_fee(deal) else escrow
        legs.append(Leg(source, system_account(s, FEES, deal.asset), split.charged))
    if split.fee_back and deal.seller_id == deal.taker_id:
        held = user_account(s, deal.seller_id, deal.asset, HELD)
        legs.append(Leg(held, user_account(s, deal.seller_id, deal.asset, AVAILABLE), split.fee_back))
    return legs


def buyer_balance(s: Session, deal: Deal) -> AccountRef:
    return user_account(s, deal.buyer_id, deal.asset, AVAILABLE)


def amount_params(s: Session, deal: Deal) -> dict[str, str]:
    """The deal's amount as exact decimal text (notifications show it in the reader's digits); with a fee,
    the fee, who pays it and what a release gives the buyer's side (state/views.owed_text says it)."""
    decimals = s.execute(select(Asset.decimals).where(Asset.code == deal.asset)).scalar_one()
    params = {"amount": format_amount(deal.amount, decimals), "asset": deal.asset}
    if deal.fee:
        net = fee_split(deal, deal.amount).to_target
        params |= {"fee": format_amount(deal.fee, decimals), "fee_side": fee_side(deal)}
        params["net"] = format_amount(net, decimals)
    return params
