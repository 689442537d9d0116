"""Bitcoin and Lightning payouts: a user's request (hold) and list, and the statuses, ledger kinds and
views that the operator's queue (services/payout_queue.py) shares. Quotes and conversions live in
services/payout_quotes.py.

Money flow (ledger kinds): request = user available -> user held (`amount + fee`, payout_hold);
paid = user held -> external (`amount`) and user held -> fees (`fee`) (payout); rejected = user held ->
user available (payout_refund); cancelled by its owner while still queued = the same refund. Paid,
rejected and cancelled share one ledger key per payout, and each is a conditional UPDATE from
`queued`, so a payout can end only one way.

A Lightning payout handed to the platform's node (payouts/lightning_node.py) is `sending` instead of
queued: neither the operator nor its owner can end it; services/lightning_payouts.py does, from
`sending`, with the same ledger key (paid: held -> the platform's Lightning liquidity instead of external;
failed: the same refund as rejected).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import IdempotencyConflict, InvalidDestination, InvalidState, NotFound
from krypton_app.domain.ledger import AVAILABLE, HELD, Leg
from krypton_app.domain.money import to_minor
from krypton_app.models import Asset, Payout
from krypton_app.models.common import as_utc, utcnow
from krypton_app.payouts.base import PayoutProvider
from krypton_app.payouts.operator_queue import OPERATOR_QUEUE
from krypton_app.payouts.validation import BITCOIN, LIGHTNING, normalize_invoice, parse_bitcoin_address
from krypton_app.services.ledger import post, user_account
from krypton_app.services.payout_quotes import PayoutQuote, asset_decimals, bitcoin_quote, lightning_quote
from krypton_app.services.rates import RateProvider
from krypton_app.services.transfer_fees import check_fee, payout_fee
from krypton_app.settings import Settings

PAYOUT_HOLD = "payout_hold"
PAYOUT = "payout"
PAYOUT_REFUND = "payout_refund"
QUEUED, PAID, REJECTED, CANCELLED = "queued", "paid", "rejected", "cancelled"
SENDING, FAILED = "sending", "failed"  # the Lightning node's: on its way / refused by the node, refunded
PAYOUT_STATUSES = (QUEUED, SENDING, PAID, REJECTED, FAILED, CANCELLED)
# What the owner may do with a payout: cancel it while no operator has decided it.
CANCEL = "cancel"

_payouts: Table = Payout.__table__


@dataclass(frozen=True)
class PayoutView:
    id: int
    user_id: int
    network: str
    destination: str
    asset: str
    decimals: int
    amount: int
    fee: int
    amount_sat: int
    status: str
    reference: str | None
    reject_reason: str | None
    created_at: datetime

    @property
    def owner_actions(self) -> tuple[str, ...]:
        return (CANCEL,) if self.status == QUEUED else ()


def request_bitcoin_payout(
    uow: UnitOfWork,
    user_id: int,
    *,
    asset: str,
    address: str,
    amount: str,
    idempotency_key: str,
    rates: RateProvider,
    settings: Settings,
    provider: PayoutProvider = OPERATOR_QUEUE,
    quoted_fee: int | None = None,
) -> PayoutView:
    """Queue a Bitcoin payout and hold amount + fee. The same key returns the first payout. FeeChanged if
    the fee now is not `quoted_fee`, the one the user confirmed."""
    destination = parse_bitcoin_address(address, network=settings.bitcoin_network)
    with uow.read() as s:
        minor = to_minor(amount, asset_decimals(s, asset))
    return _request(
        uow,
        user_id,
        idempotency_key,
        (BITCOIN, destination, asset, minor),
        lambda: bitcoin_quote(uow, asset=asset, address=address, amount=amount, rates=rates, settings=settings),
        provider,
        settings=settings,
        quoted_fee=quoted_fee,
    )


def request_lightning_payout(
    uow: UnitOfWork,
    user_id: int,
    *,
    asset: str,
    invoice: str,
    idempotency_key: str,
    rates: RateProvider,
    settings: Settings,
    now: int,
    provider: PayoutProvider = OPERATOR_QUEUE,
    quoted_fee: int | None = None,
) -> PayoutView:
    """Queue a Lightning payout and hold its cost + fee. The same key returns the first payout, even
    after the invoice expired or the rate moved. FeeChanged if the fee now is not `quoted_fee`."""
    return _request(
        uow,
        user_id,
        idempotency_key,
        (LIGHTNING, normalize_invoice(invoice), asset, None),
        lambda: lightning_quote(uow, asset=asset, invoice=invoice, rates=rates, settings=settings, now=now),
        provider,
        settings=settings,
        quoted_fee=quoted_fee,
    )


def list_user_payouts(uow: UnitOfWork, user_id: int, *, limit: int = 50) -> list[PayoutView]:
    """The user's own payouts, newest first."""
    with uow.read() as s:
        rows = s.execute(
            payout_views_query().where(_payouts.c.user_id == user_id).order_by(_payouts.c.id.desc()).limit(limit)
        ).all()
    return [payout_view_from_row(row) for row in rows]


def cancel_payout(uow: UnitOfWork, user_id: int, payout_id: int) -> PayoutView:
    """The owner takes back a payout no operator has decided yet: amount + fee return to the available
    balance in the same transaction. A repeated cancel returns the cancelled payout; a payout that is
    paid or rejected already (even a moment ago, by an operator racing this) is InvalidState."""
    with uow.transaction() as s:
        payout = s.execute(
            select(_payouts).where(_payouts.c.id == payout_id, _payouts.c.user_id == user_id)
        ).one_or_none()
        if payout is None:
            # Someone else's payout reads exactly like one that does not exist.
            raise NotFound(f"payout {payout_id}")
        if not move_from_queued(s, payout_id, CANCELLED):
            status = s.execute(select(_payouts.c.status).where(_payouts.c.id == payout_id)).scalar_one()
            if status == CANCELLED:
                return payout_view(s, payout_id)  # a repeated click: the first result
            raise InvalidState(f"payout {payout_id} is {status}", code="payout_not_cancellable", status=status)
        leg = Leg(
            user_account(s, user_id, payout.asset, HELD),
            user_account(s, user_id, payout.asset, AVAILABLE),
            payout.amount + payout.fee,
        )
        post(
            s,
            idempotency_key=payout_settle_key(payout_id),
            kind=PAYOUT_REFUND,
            legs=[leg],
            memo=f"{payout_memo(payout_id, payout.network, payout.destination)} cancelled",
        )
        return payout_view(s, payout_id)


# --- helpers -------------------------------------------------------------------------------------


def _request(
    uow: UnitOfWork,
    user_id: int,
    idempotency_key: str,
    fingerprint: tuple,
    make_quote: Callable[[], PayoutQuote],
    provider: PayoutProvider,
    *,
    settings: Settings,
    quoted_fee: int | None,
) -> PayoutView:
    if not idempotency_key or len(idempotency_key) > 150:
        raise ValueError("idempotency_key must be 1-150 characters")
    # Scoped to the user: one user's key can neither collide with nor reveal another's payout.
    key = f"user:{user_id}:{idempotency_key}"
    existing = _replay(uow, key, fingerprint)
    if existing is not None:
        return existing
    quote = make_quote()
    try:
        with uow.transaction() as s:
            # The fee again, in the transaction that holds it: an operator's change since the quote
            # refuses the request rather than charge what the user did not confirm.
            fee = payout_fee(s, quote.asset, settings)
            check_fee(quote.fee, fee, asset=quote.asset)
            check_fee(quoted_fee, fee, asset=quote.asset)
            payout_id = queue_payout(s, user_id, quote, key=key, provider=provider, now=utcnow())
            return payout_view(s, payout_id)
    except IntegrityError:
        # A concurrent request with the same key inserted first; answer as its retry.
        existing = _replay(uow, key, fingerprint)
        if existing is None:
            raise
        return existing


def queue_payout(
    s: Session, user_id: int, quote: PayoutQuote, *, key: str, provider: PayoutProvider, now: datetime
) -> int:
    """Queue a quoted payout in the caller's transaction and hold its total from the user's available
    balance (which must cover it: the ledger refuses an overdraft). `key` is the payout's unique
    idempotency key. Used by a user's request and by a use case whose result is a payout (a purchase
    delivered to a Bitcoin address, a promise cashed out)."""
    payout_id = s.execute(
        _payouts.insert()
        .values(
            user_id=user_id,
            network=quote.network,
            destination=quote.destination,
            asset=quote.asset,
            amount=quote.amount,
            fee=quote.fee,
            amount_sat=quote.amount_sat,
            rate=str(Decimal(quote.rate).scaleb(8 - quote.decimals)),  # satoshi per minor unit
            provider=provider.name,
            status=QUEUED,
            idempotency_key=key,
            expires_at=quote.expires_at,
            created_at=now,
            updated_at=now,
        )
        .returning(_payouts.c.id)
    ).scalar_one()
    leg = Leg(
        user_account(s, user_id, quote.asset, AVAILABLE), user_account(s, user_id, quote.asset, HELD), quote.total
    )
    post(
        s,
        idempotency_key=f"payout_hold:{payout_id}",
        kind=PAYOUT_HOLD,
        legs=[leg],
        memo=payout_memo(payout_id, quote.network, quote.destination),
    )
    if quote.network == LIGHTNING:
        # After the hold, which locks the user's balance: a concurrent twin has committed by now.
        _refuse_invoice_twice(s, payout_id, quote.destination)
    provider.submit(s, payout_id)
    return payout_id


def _replay(uow: UnitOfWork, key: str, fingerprint: tuple) -> PayoutView | None:
    with uow.read() as s:
        row = s.execute(select(_payouts).where(_payouts.c.idempotency_key == key)).one_or_none()
        if row is None:
            return None
        network, destination, asset, amount = fingerprint
        same = (row.network, row.destination, row.asset) == (network, destination, asset)
        if not same or (amount is not None and row.amount != amount):
            raise IdempotencyConflict(f"idempotency key {key!r} was used for another payout", idempotency_key=key)
        return payout_view(s, row.id)


def _refuse_invoice_twice(session: Session, payout_id: int, invoice: str) -> None:
    twin = session.execute(
        select(_payouts.c.id).where(
            _payouts.c.network == LIGHTNING,
            _payouts.c.destination == invoice,
            _payouts.c.status.in_((QUEUED, SENDING, PAID)),
            _payouts.c.id != payout_id,
        )
    ).first()
    if twin is not None:
        raise InvalidDestination("this invoice is already being paid", code="lightning_invoice_already_used")


# --- shared with the operator's queue ------------------------------------------------------------


def move_from_queued(session: Session, payout_id: int, status: str, **values) -> bool:
    """queued -> `status`, checked in the UPDATE itself: of two racing endings (paid, rejected,
    cancelled) only one matches; the other waits for the row's lock, then finds it moved."""
    moved = session.execute(
        update(_payouts)
        .where(_payouts.c.id == payout_id, _payouts.c.status == QUEUED)
        .values(status=status, updated_at=utcnow(), **values)
    ).rowcount
    return moved == 1


def payout_settle_key(payout_id: int) -> str:
    """The ledger key of a payout's ending. One key for every ending: even past the status check,
    the ledger refuses to both pay and refund."""
    return f"payout_settle:{payout_id}"


def payout_memo(payout_id: int, network: str, destination: str) -> str:
    """The ledger memo of a payout's postings."""
    if network == BITCOIN:
        return f"bitcoin payout #{payout_id} to {destination}"
    return f"lightning payout #{payout_id}"


def payout_views_query():
    """The columns of a PayoutView, for a caller to filter and order."""
    return select(
        _payouts.c.id,
        _payouts.c.user_id,
        _payouts.c.network,
        _payouts.c.destination,
        _payouts.c.asset,
        Asset.decimals,
        _payouts.c.amount,
        _payouts.c.fee,
        _payouts.c.amount_sat,
        _payouts.c.status,
        _payouts.c.reference,
        _payouts.c.reject_reason,
        _payouts.c.created_at,
    ).join(Asset, Asset.code == _payouts.c.asset)


def payout_view_from_row(row) -> PayoutView:
    """A row of payout_views_query() as a view."""
    *values, created_at = row
    return PayoutView(*values, as_utc(created_at))


def payout_view(session: Session, payout_id: int) -> PayoutView:
    """One payout as a view, read in `session`."""
    return payout_view_from_row(session.execute(payout_views_query().where(_payouts.c.id == payout_id)).one())
