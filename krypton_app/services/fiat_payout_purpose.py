"""A deal that pays a merchant in fiat for an invoice payment's crypto (SPEC F10, crypto -> fiat): the
deal's purpose `fiat_payout` (services/fiat_payouts.py opens it; services/deal_kinds.py lists it).

The seller is the merchant, the buyer the intermediary (a BUY ad's owner), the amount the payment's. The
deal's escrow is the merchant's deposit held for the payment since it started (services/fiat_deposits.py),
so opening the deal posts nothing. The rule for every way the deal ends:

- Anything paid to the intermediary (the merchant's release, an operator's "release" or "split") comes
  from the merchant's deposit (merchant HELD -> intermediary AVAILABLE), what is left of the deposit goes
  back to the merchant's balance, and the payment completes as any payment does
  (payment_completion.settle: the payer's held crypto captured to the merchant, receipt, webhook
  payment.completed), all in the deal's transaction. Net: the payer's crypto paid the intermediary
  and the merchant's deposit is whole again; the ledger shows both legs. An operator's "release" in
  a dispute (the merchant did not confirm) is the same thing: it pays the intermediary from the deposit.
  A "split" pays the intermediary their share; the merchant, who got that share's fiat at most, keeps
  the payer's crypto for the rest (the payment completes: it cannot wait for a second intermediary with
  a deposit that is no longer whole).
- Nothing paid to the intermediary (expired: they sent no fiat; cancelled; an operator's "refund"): no
  money moves, the deposit stays held for the payment, which keeps waiting; the merchant picks another
  intermediary or takes the crypto (services/fiat_payouts.take_in_crypto).

The deal's fee (services/deal_purposes.py): the merchant's is held from their balance when the deal opens
(the deposit is the payment's, whole) and charged with a payment to the intermediary or given back when
nothing is paid; the intermediary's comes out of their share of the deposit.

Lock order: the deal row (the transition), the invoice, the payment, then the accounts in ascending id.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from krypton_app import routes
from krypton_app.domain import deals as machine
from krypton_app.domain.errors import InvalidState
from krypton_app.domain.invoices import AWAITING_FIAT
from krypton_app.domain.ledger import AVAILABLE, HELD
from krypton_app.models import Deal
from krypton_app.models.common import utcnow
from krypton_app.models.invoices import Invoice, InvoicePayment
from krypton_app.services import chat
from krypton_app.services.ads import return_ad_volume
from krypton_app.services.deal_purposes import (
    DealPurpose,
    PayoutContext,
    PurposeView,
    amount_params,
    buyer_balance,
    fee_legs,
    fee_split,
    hold_seller_fee,
)
from krypton_app.services.fiat_deposits import release_remainder, take_deposit
from krypton_app.services.funding import accounts_of, funded_parts, lock_accounts
from krypton_app.services.invoice_rows import lock_invoice
from krypton_app.services.ledger import post, user_account
from krypton_app.services.payment_completion import settle
from krypton_app.services.payment_rows import payment_row
from krypton_app.settings import get_settings

_payments = InvoicePayment.__table__
_invoices = Invoice.__table__


class FiatPayoutPurpose(DealPurpose):
    name = machine.FIAT_PAYOUT

    def lock_escrow(self, s: Session, deal: Deal) -> None:
        """The merchant's deposit for the payment is held already: it is the escrow; only their fee is held."""
        hold_seller_fee(s, deal)

    def pay_out(
        self, s: Session, deal: Deal, to_buyer: int, to_seller: int, key: str, kind: str, ctx: PayoutContext
    ) -> None:
        if to_seller:
            # What the intermediary did not buy is on their BUY ad again while it is active.
            return_ad_volume(s, deal.ad_id, to_seller)
        number = self._number(s, deal)
        split = fee_split(deal, to_buyer)
        merchant_held = user_account(s, deal.seller_id, deal.asset, HELD)
        if not to_buyer:
            chat.post_system_message(s, deal.id, "deal.sys.fiat_payout_waits", {"deal_id": deal.id, "number": number})
            legs = fee_legs(s, deal, split, merchant_held)
            if legs:
                post(s, idempotency_key=key, kind=kind, legs=legs, memo=f"deal {deal.id}")
            return
        invoice_id = s.execute(select(_payments.c.invoice_id).where(_payments.c.id == deal.payment_id)).scalar_one()
        invoice = lock_invoice(s, invoice_id)
        payment = payment_row(s, deal.payment_id, lock=True)
        if payment.status != AWAITING_FIAT:
            # take_in_crypto refuses while a deal is live, so this is a broken row: roll everything back.
            raise InvalidState(f"payment {payment.id} is {payment.status}", status=payment.status)
        merchant_available = user_account(s, deal.seller_id, deal.asset, AVAILABLE)
        parts = funded_parts(s, [payment.id])
        lock_accounts(
            s,
            [merchant_held, merchant_available, buyer_balance(s, deal), *accounts_of(s, parts, invoice.merchant_id)],
        )
        deposit = take_deposit(s, payment.id)
        if deposit < to_buyer:
            raise InvalidState(f"payment {payment.id} holds a deposit of {deposit}, not {to_buyer}")
        legs = [self.buyer_leg(s, deal, split.to_target)] if split.to_target else []
        legs += fee_legs(s, deal, split, merchant_held)
        post(s, idempotency_key=key, kind=kind, legs=legs, memo=f"deal {deal.id}")
        release_remainder(s, payment.id, deposit - to_buyer)
        settle(
            s,
            invoice,
            payment.id,
            from_status=AWAITING_FIAT,
            settings=ctx.settings or get_settings(),
            now=ctx.now or utcnow(),
        )
        chat.post_system_message(s, deal.id, "deal.sys.fiat_payout_done", {"deal_id": deal.id, "number": number})

    def describe(self, s: Session, deal: Deal, viewer_id: int) -> PurposeView:
        number = self._number(s, deal)
        params = amount_params(s, deal) | {"number": number}
        href = routes.invoice_detail(number) if viewer_id == deal.seller_id else ""
        return PurposeView(self.name, "deal.purpose.fiat_payout", "deal.owed.fiat_payout", params, href)

    @staticmethod
    def _number(s: Session, deal: Deal) -> str:
        return s.execute(
            select(_invoices.c.number)
            .join(_payments, _payments.c.invoice_id == _invoices.c.id)
            .where(_payments.c.id == deal.payment_id)
        ).scalar_one()
