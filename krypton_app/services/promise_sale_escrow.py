"""A deal whose escrow is a promise (SPEC F6, "sell a promise for fiat"): the promise's holder sells it to
a BUY ad's owner, who pays the fiat. The use cases are services/promise_sales.py; this module is the
deal purpose only, apart from them because services/deal_kinds.py (which services/deals.py imports)
lists it.

The escrow never leaves the promise backing account (domain/ledger.py PROMISE_BACKING) while the deal
runs: opening the deal moves the promise `active` -> `in_deal` (one conditional UPDATE), so nothing else
may redeem, pay with, cancel or expire it. The deal's end:
- release (the seller, or an operator's "release"): the promise is redeemed by the buyer; backing ->
  the buyer's balance;
- refund, cancel or the timer's expiry: the promise is `active` again with the same code; no money moves;
  the ad's volume comes back as for any deal;
- an operator's split: the buyer's share from the backing to the buyer, the rest to the holder's
  balance; the promise ends (redeemed, by the buyer), and the chat says so.
The deal's fee (services/deal_purposes.py): the holder's is held from their balance when the deal opens
(the promise cannot carry it) and charged or given back at the end; the buyer's leaves the backing with
their share.
Lock order after the deal row (already updated by the caller): the promise, the ad, the accounts.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlmodel import Session

from krypton_app.domain import deals as machine
from krypton_app.domain.ledger import Leg
from krypton_app.domain.money import format_amount
from krypton_app.domain.promises import ACTIVE, IN_DEAL, REDEEMED, PromiseRefused
from krypton_app.models import Deal
from krypton_app.models.common import utcnow
from krypton_app.models.ledger import Asset
from krypton_app.services import chat, webhooks
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
from krypton_app.services.ledger import post, user_account
from krypton_app.services.promise_rows import PROMISE_REDEEMED_EVENT, backing, promises_table

_p = promises_table


class PromiseSalePurpose(DealPurpose):
    name = machine.PROMISE_SALE

    def lock_escrow(self, s: Session, deal: Deal) -> None:
        """The promise, checked by the caller under its row lock, becomes the deal's escrow; its money
        stays in the backing. Re-checked in the UPDATE: an expiry or a spend a moment earlier wins."""
        locked = s.execute(
            update(_p)
            .where(
                _p.c.id == deal.promise_id,
                _p.c.status == ACTIVE,
                or_(_p.c.expires_at.is_(None), _p.c.expires_at > deal.created_at),
            )
            .values(status=IN_DEAL)
        ).rowcount
        if locked != 1:
            status = s.execute(select(_p.c.status).where(_p.c.id == deal.promise_id)).scalar_one_or_none()
            raise PromiseRefused(code=f"promise_{status}" if status and status != ACTIVE else "promise_expired")
        hold_seller_fee(s, deal)

    def pay_out(
        self, s: Session, deal: Deal, to_buyer: int, to_seller: int, key: str, kind: str, ctx: PayoutContext
    ) -> None:
        promise = s.execute(select(_p).where(_p.c.id == deal.promise_id).with_for_update()).one()
        now = ctx.now or utcnow()
        split = fee_split(deal, to_buyer)
        if not to_buyer:
            # Refund, cancel, expiry: the holder keeps the promise, its code unchanged; only their fee moves.
            _move(s, promise.id, ACTIVE)
            return_ad_volume(s, deal.ad_id, to_seller)
            chat.post_system_message(s, deal.id, "deal.sys.promise_back", {"deal_id": deal.id})
            legs = fee_legs(s, deal, split, backing(s, deal.asset))
            if legs:
                post(s, idempotency_key=key, kind=kind, legs=legs, memo=f"deal {deal.id}")
            return
        _move(s, promise.id, REDEEMED, redeemed_by=deal.buyer_id, redeemed_at=now, ended_at=now)
        legs = [Leg(backing(s, deal.asset), buyer_balance(s, deal), split.to_target)] if split.to_target else []
        legs += fee_legs(s, deal, split, backing(s, deal.asset))
        if to_seller:
            # A split: the rest of the promise's value is the holder's, on their balance.
            legs.append(Leg(backing(s, deal.asset), user_account(s, deal.seller_id, deal.asset), to_seller))
            return_ad_volume(s, deal.ad_id, to_seller)
            decimals = s.execute(select(Asset.decimals).where(Asset.code == deal.asset)).scalar_one()
            params = {
                "deal_id": deal.id,
                "buyer_share": format_amount(to_buyer, decimals),
                "seller_share": format_amount(to_seller, decimals),
                "asset": deal.asset,
            }
            chat.post_system_message(s, deal.id, "deal.sys.promise_split", params)
        post(s, idempotency_key=key, kind=kind, legs=legs, memo=f"deal {deal.id}")
        if promise.webhook_url:
            sold = {"id": promise.id, "asset": promise.asset, "amount_minor": promise.amount, "status": REDEEMED}
            # The issuer's API hears of it as of any redeem (services/promise_rows.spend_promise).
            webhooks.enqueue_event(
                s,
                merchant_id=promise.issuer_id,
                invoice_id=None,
                payment_id=None,
                type=PROMISE_REDEEMED_EVENT,
                data={"promise": sold},
                url=promise.webhook_url,
                is_test=False,
                now=now,
            )

    def describe(self, s: Session, deal: Deal, viewer_id: int) -> PurposeView:
        hint = s.execute(select(_p.c.code_hint).where(_p.c.id == deal.promise_id)).scalar_one()
        params = amount_params(s, deal) | {"hint": hint}
        return PurposeView(self.name, "deal.purpose.promise_sale", "deal.owed.promise_sale", params)


def _move(s: Session, promise_id: int, target: str, **values) -> None:
    """in_deal -> target: only the deal holding the promise moves it (its row is locked by the caller)."""
    changed = s.execute(
        update(_p).where(_p.c.id == promise_id, _p.c.status == IN_DEAL).values(status=target, **values)
    ).rowcount
    if changed != 1:
        raise RuntimeError(f"promise {promise_id} is not in a deal")  # a broken invariant, never a user's error
