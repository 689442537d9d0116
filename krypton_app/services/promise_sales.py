"""Sell a promise for fiat, or cash it out to Bitcoin or Lightning (SPEC F6): what /promises/sell does.

Selling: the holder (logged in, with the code) picks a BUY ad of the promise's asset whose limits and
remaining volume fit the promise's whole amount, and opens a deal on it as its seller. The deal's
escrow IS the promise (services/promise_sale_escrow.py): locked while the deal runs, redeemed by the
trader on release, active again with the same code on a refund, cancel or expiry.

Cashing out: in ONE transaction the promise is spent to the holder's balance (as a redeem) and a payout
of it is queued from there (services/payouts.queue_payout): Bitcoin sends the promise less the payout
fee; Lightning pays an invoice whose cost and fee the promise covers, the rest staying on the balance.

Every code typed here goes through the same guess limits as the redeem page (services/promises.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import deals as machine
from krypton_app.domain import promises as rules
from krypton_app.domain.ads import BUY
from krypton_app.domain.errors import IdempotencyConflict
from krypton_app.domain.ledger import Leg
from krypton_app.domain.money import format_amount
from krypton_app.domain.promises import ACTIVE, PromiseRefused
from krypton_app.models import Deal, Payout
from krypton_app.models.common import as_utc
from krypton_app.payouts.base import PayoutProvider
from krypton_app.payouts.operator_queue import OPERATOR_QUEUE
from krypton_app.payouts.validation import BITCOIN, LIGHTNING
from krypton_app.services import ledger
from krypton_app.services.deal_rows import DealView, deal_view
from krypton_app.services.deals import offering_ad, start_deal
from krypton_app.services.market import Offer, offers_for
from krypton_app.services.payout_quotes import PayoutQuote, bitcoin_quote, lightning_quote
from krypton_app.services.payouts import PayoutView, payout_view, queue_payout
from krypton_app.services.promise_rows import (
    PROMISE_REDEEM,
    backing,
    code_hash,
    memo,
    promises_table,
    settle_key,
    spend_promise,
)
from krypton_app.services.promises import (
    PromisePreview,
    check_guess_limit,
    guess_actors,
    preview_by_code,
    record_wrong_code,
)
from krypton_app.services.rates import RateProvider
from krypton_app.services.transfer_fees import check_fee, payout_fee
from krypton_app.settings import Settings

_p = promises_table
_payouts = Payout.__table__
DESTINATIONS = (BITCOIN, LIGHTNING)


@dataclass(frozen=True)
class CashOutQuote:
    """What cashing the promise out sends, and what stays on the holder's balance."""

    promise: PromisePreview
    payout: PayoutQuote
    rest: int  # the promise's amount less the payout's total: it stays on the holder's balance


# --- selling for fiat -------------------------------------------------------------------------------


def sellable_promise(
    uow: UnitOfWork, holder_id: int, code: str, *, settings: Settings, now: datetime, client: str | None = None
) -> PromisePreview:
    """The promise behind the code if the holder may sell or cash it out now (as they may redeem it);
    PromiseRefused otherwise. A wrong code costs a guess."""
    preview = preview_by_code(uow, holder_id, code, settings=settings, now=now, client=client)
    if not preview.may_redeem:
        raise PromiseRefused(code="promise_pinned" if preview.status == ACTIVE else f"promise_{preview.status}")
    return preview


def sale_ads(
    uow: UnitOfWork,
    holder_id: int,
    code: str,
    *,
    country: str,
    fiat: str,
    method: str,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
    client: str | None = None,
) -> list[Offer]:
    """Active BUY ads of the promise's asset in `country`/`fiat` offering `method`, whose per-deal limits
    and remaining volume fit the promise's whole amount, not the holder's own and not asking more
    completed deals than the holder has; best price first (services/market.browse's order)."""
    promise = sellable_promise(uow, holder_id, code, settings=settings, now=now, client=client)
    return offers_for(
        uow,
        holder_id,
        side=BUY,
        asset=promise.asset,
        amount=promise.amount,
        country=country,
        fiat=fiat,
        method=method,
        rates=rates,
        now=now,
    )


def open_promise_sale(
    uow: UnitOfWork,
    holder_id: int,
    code: str,
    ad_id: int,
    *,
    method: str,
    idempotency_key: str,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
    client: str | None = None,
    fee_terms: str | None = None,
) -> DealView:
    """Open a deal selling the whole promise to a BUY ad's owner, the holder its seller; the promise is
    the deal's escrow from now on (the holder's deal fee, if theirs, is held from their balance). The same
    key returns the same deal; FeeChanged if the deal fee's terms are not `fee_terms`, the ones shown."""
    if not idempotency_key or len(idempotency_key) > 150:
        raise ValueError("idempotency_key must be 1-150 characters")
    now = now.astimezone(UTC)
    key = f"{holder_id}:promise_sale:{idempotency_key}"
    actors = guess_actors(holder_id, client)
    check_guess_limit(uow, actors, now=now)
    try:
        with uow.transaction() as s:
            existing = _deal_of_key(s, key)
            if existing is not None:
                return _replay(s, existing, holder_id, code, ad_id, method, settings)
            promise = _locked_promise(s, code, settings)
            rules.check_redeemable(promise.status, as_utc(promise.expires_at), promise.pinned_user_id, holder_id, now)
            ad = offering_ad(s, ad_id, method)
            if ad.side != BUY or ad.asset != promise.asset:
                raise PromiseRefused(code="promise_ad_mismatch")
            deal = start_deal(
                s,
                holder_id,
                ad_id,
                promise.amount,
                method=method,
                key=key,
                rates=rates,
                now=now,
                purpose=machine.PROMISE_SALE,
                promise_id=promise.id,
                settings=settings,
                fee_terms=fee_terms,
            )
            return deal_view(s, deal, holder_id)
    except PromiseRefused as error:
        if error.code == "promise_not_found":
            record_wrong_code(uow, actors, now=now)
        raise
    except IntegrityError:
        # A twin with the same key committed first.
        with uow.read() as s:
            existing = _deal_of_key(s, key)
            if existing is None:
                raise
            return _replay(s, existing, holder_id, code, ad_id, method, settings)


# --- cashing out to Bitcoin or Lightning ---------------------------------------------------------------


def quote_cash_out(
    uow: UnitOfWork,
    holder_id: int,
    code: str,
    *,
    to: str,
    destination: str,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
    client: str | None = None,
) -> CashOutQuote:
    """The payout cashing the promise out would queue: Bitcoin sends the promise less the fee; Lightning
    pays the invoice, whose cost and fee the promise must cover. Shown before the holder confirms."""
    if to not in DESTINATIONS:
        raise ValueError(f"no cash out to {to!r}")  # the page offers only DESTINATIONS
    promise = sellable_promise(uow, holder_id, code, settings=settings, now=now, client=client)
    if to == BITCOIN:
        with uow.read() as s:
            fee = payout_fee(s, promise.asset, settings)
        if promise.amount <= fee:
            raise PromiseRefused(code="promise_too_small")
        amount = format_amount(promise.amount - fee, promise.decimals)
        quote = bitcoin_quote(
            uow, asset=promise.asset, address=destination, amount=amount, rates=rates, settings=settings
        )
    else:
        stamp = int(now.timestamp())
        quote = lightning_quote(
            uow, asset=promise.asset, invoice=destination, rates=rates, settings=settings, now=stamp
        )
    if quote.total > promise.amount:
        raise PromiseRefused(code="promise_too_small")
    return CashOutQuote(promise, quote, promise.amount - quote.total)


def cash_out_promise(
    uow: UnitOfWork,
    holder_id: int,
    code: str,
    *,
    to: str,
    destination: str,
    idempotency_key: str,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
    client: str | None = None,
    provider: PayoutProvider = OPERATOR_QUEUE,
    quoted_fee: int | None = None,
) -> PayoutView:
    """Spend the promise to the holder's balance and queue its payout from there, in one transaction:
    both happen or neither. The same key returns the first payout (the promise is spent by then).
    FeeChanged if the payout fee in that transaction is not `quoted_fee`, the one the holder confirmed."""
    if not idempotency_key or len(idempotency_key) > 150:
        raise ValueError("idempotency_key must be 1-150 characters")
    now = now.astimezone(UTC)
    key = f"user:{holder_id}:promise:{idempotency_key}"
    existing = _payout_of_key(uow, key, to)
    if existing is not None:
        return existing
    quoted = quote_cash_out(
        uow, holder_id, code, to=to, destination=destination, settings=settings, rates=rates, now=now, client=client
    )
    try:
        with uow.transaction() as s:
            fee = payout_fee(s, quoted.payout.asset, settings)
            check_fee(quoted.payout.fee, fee, asset=quoted.payout.asset)
            check_fee(quoted_fee, fee, asset=quoted.payout.asset)
            spent = spend_promise(s, holder_id, code, now=now, settings=settings)
            if (spent.asset, spent.amount) != (quoted.promise.asset, quoted.promise.amount):
                raise PromiseRefused(code="promise_not_found")  # another code than the one quoted
            balance = ledger.user_account(s, holder_id, spent.asset)
            leg = Leg(backing(s, spent.asset), balance, spent.amount)
            ledger.post(s, idempotency_key=settle_key(spent.id), kind=PROMISE_REDEEM, legs=[leg], memo=memo(spent.id))
            payout_id = queue_payout(s, holder_id, quoted.payout, key=key, provider=provider, now=now)
            return payout_view(s, payout_id)
    except (IntegrityError, PromiseRefused):
        # A twin with the same key committed first: it spent the promise (this spend waited for its row
        # lock, then found it redeemed) or inserted the payout first. Its payout is the answer.
        existing = _payout_of_key(uow, key, to)
        if existing is None:
            raise
        return existing


# --- helpers -----------------------------------------------------------------------------------------


def _locked_promise(s: Session, code: str, settings: Settings):
    normal = rules.normalise_code(code)
    row = None
    if normal is not None:
        row = s.execute(select(_p).where(_p.c.code_hash == code_hash(settings, normal)).with_for_update()).one_or_none()
    if row is None:
        raise PromiseRefused(code="promise_not_found")
    return row


def _deal_of_key(s: Session, key: str) -> Deal | None:
    return s.exec(select(Deal).where(Deal.idempotency_key == key)).scalars().first()


def _replay(s: Session, deal: Deal, holder_id: int, code: str, ad_id: int, method: str, settings: Settings) -> DealView:
    # The same key for another promise, ad or method is a different request, not a retry.
    normal = rules.normalise_code(code)
    promise_hash = s.execute(select(_p.c.code_hash).where(_p.c.id == deal.promise_id)).scalar_one_or_none()
    same_promise = normal is not None and promise_hash == code_hash(settings, normal)
    if not same_promise or (deal.ad_id, deal.method) != (ad_id, method):
        raise IdempotencyConflict("idempotency key already used for another deal")
    return deal_view(s, deal, holder_id)


def _payout_of_key(uow: UnitOfWork, key: str, to: str) -> PayoutView | None:
    with uow.read() as s:
        row = s.execute(select(_payouts.c.id, _payouts.c.network).where(_payouts.c.idempotency_key == key)).first()
        if row is None:
            return None
        if row.network != to:
            raise IdempotencyConflict(f"idempotency key {key!r} was used for another payout", idempotency_key=key)
        return payout_view(s, row.id)
