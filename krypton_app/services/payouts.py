"""Bitcoin and Lightning payouts: quote, request (hold), and the operator's paid / rejected decisions.

Money flow (ledger kinds): request = user available -> user held (`amount + fee`, payout_hold);
paid = user held -> external (`amount`) and user held -> fees (`fee`) (payout); rejected = user held ->
user available (payout_refund). Paid and rejected share one ledger key per payout, and each is a
conditional UPDATE from `queued`, so a payout can end only one way.

Conversions round in the platform's favour by less than one unit: a Bitcoin payout sends
floor(amount x rate) satoshi; a Lightning invoice costs ceil(msat / rate) minor units of the asset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Context, Decimal

from sqlalchemy import Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import (
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    InvalidDestination,
    InvalidState,
    KryptonError,
    NotFound,
)
from krypton_app.domain.ledger import AVAILABLE, EXTERNAL, FEES, HELD, Leg, user_account_key
from krypton_app.domain.money import to_minor
from krypton_app.models import Account, Asset, Payout
from krypton_app.models.common import as_utc, utcnow
from krypton_app.payouts.base import PayoutProvider
from krypton_app.payouts.operator_queue import OPERATOR_QUEUE
from krypton_app.payouts.validation import (
    BITCOIN,
    LIGHTNING,
    decode_lightning_invoice,
    normalize_invoice,
    parse_bitcoin_address,
    parse_payout_reference,
)
from krypton_app.services.ledger import post, system_account, user_account
from krypton_app.services.rates import RateProvider
from krypton_app.services.roles import require_operator
from krypton_app.settings import Settings

PAYOUT_HOLD = "payout_hold"
PAYOUT = "payout"
PAYOUT_REFUND = "payout_refund"
QUEUED, PAID, REJECTED = "queued", "paid", "rejected"
PAYOUT_STATUSES = (QUEUED, PAID, REJECTED)

# Outputs below the dust limit of a P2PKH output are not relayed by Bitcoin nodes.
MIN_BITCOIN_SAT = 546
SAT_PER_BTC = 10**8
MSAT_PER_BTC = 10**11
REJECT_REASON_MAX = 500
# A rate from an HTTP source or an inverse may carry 40 digits; 20 are plenty, and cutting them down
# (never up) keeps both conversions in the platform's favour.
_RATE = Context(prec=20, rounding=ROUND_DOWN)

_payouts: Table = Payout.__table__


@dataclass(frozen=True)
class PayoutQuote:
    network: str  # bitcoin | lightning
    destination: str  # normalised address or invoice
    asset: str
    decimals: int
    amount: int  # minor units of `asset` converted
    fee: int
    total: int  # amount + fee: what is held from the balance
    amount_sat: int
    rate: str  # price of one whole `asset` in BTC, e.g. "0.0000520"
    expires_at: datetime | None  # the Lightning invoice's expiry
    description: str | None = None  # the Lightning invoice's description, for the payer to confirm


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


# --- user side -----------------------------------------------------------------------------------


def quote_bitcoin_payout(
    uow: UnitOfWork, user_id: int, *, asset: str, address: str, amount: str, rates: RateProvider, settings: Settings
) -> PayoutQuote:
    """What sending `amount` of `asset` to a Bitcoin address gives and costs; InsufficientFunds if the
    balance does not cover amount + fee."""
    quote = _bitcoin_quote(uow, asset=asset, address=address, amount=amount, rates=rates, settings=settings)
    _require_balance(uow, user_id, quote)
    return quote


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
) -> PayoutView:
    """Queue a Bitcoin payout and hold amount + fee. The same key returns the first payout."""
    destination = parse_bitcoin_address(address, network=settings.bitcoin_network)
    with uow.read() as s:
        minor = to_minor(amount, _decimals(s, asset))
    return _request(
        uow,
        user_id,
        idempotency_key,
        (BITCOIN, destination, asset, minor),
        lambda: _bitcoin_quote(uow, asset=asset, address=address, amount=amount, rates=rates, settings=settings),
        provider,
    )


def quote_lightning_payout(
    uow: UnitOfWork, user_id: int, *, asset: str, invoice: str, rates: RateProvider, settings: Settings, now: int
) -> PayoutQuote:
    """What paying a BOLT11 invoice costs in `asset`; InsufficientFunds if the balance does not cover it."""
    quote = _lightning_quote(uow, asset=asset, invoice=invoice, rates=rates, settings=settings, now=now)
    _require_balance(uow, user_id, quote)
    return quote


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
) -> PayoutView:
    """Queue a Lightning payout and hold its cost + fee. The same key returns the first payout, even
    after the invoice expired or the rate moved."""
    return _request(
        uow,
        user_id,
        idempotency_key,
        (LIGHTNING, normalize_invoice(invoice), asset, None),
        lambda: _lightning_quote(uow, asset=asset, invoice=invoice, rates=rates, settings=settings, now=now),
        provider,
    )


def list_user_payouts(uow: UnitOfWork, user_id: int, *, limit: int = 50) -> list[PayoutView]:
    """The user's own payouts, newest first."""
    with uow.read() as s:
        rows = s.execute(
            _select_views().where(_payouts.c.user_id == user_id).order_by(_payouts.c.id.desc()).limit(limit)
        ).all()
    return [_to_view(row) for row in rows]


# --- operator side -------------------------------------------------------------------------------


def list_payout_queue(uow: UnitOfWork, operator_id: int, *, status: str = QUEUED, limit: int = 100) -> list[PayoutView]:
    """Payouts in `status`; the queue oldest first (work order), finished ones newest first."""
    if status not in PAYOUT_STATUSES:
        raise ValueError(f"unknown payout status {status!r}")
    order = _payouts.c.id if status == QUEUED else _payouts.c.id.desc()
    with uow.read() as s:
        require_operator(s, operator_id)
        rows = s.execute(_select_views().where(_payouts.c.status == status).order_by(order).limit(limit)).all()
    return [_to_view(row) for row in rows]


def mark_payout_paid(uow: UnitOfWork, operator_id: int, payout_id: int, *, reference: str) -> PayoutView:
    """The operator paid it: `reference` is the Bitcoin txid, or the Lightning preimage, which must hash
    to the invoice's payment hash. The held amount goes out, the fee to the fee account."""
    with uow.transaction() as s:
        require_operator(s, operator_id)
        payout = _get(s, payout_id)
        reference = parse_payout_reference(payout.network, reference, invoice=payout.destination)
        if not _transition(s, payout_id, PAID, reference=reference, resolved_by=operator_id):
            current = _get(s, payout_id)
            if current.status == PAID and current.reference == reference:
                return _view(s, payout_id)  # a repeated click: the first result
            raise InvalidState(f"payout {payout_id} is {current.status}", status=current.status)
        held = user_account(s, payout.user_id, payout.asset, HELD)
        legs = [Leg(held, system_account(s, EXTERNAL, payout.asset), payout.amount)]
        if payout.fee:
            legs.append(Leg(held, system_account(s, FEES, payout.asset), payout.fee))
        post(s, idempotency_key=_settle_key(payout_id), kind=PAYOUT, legs=legs, memo=_memo(payout))
        return _view(s, payout_id)


def reject_payout(uow: UnitOfWork, operator_id: int, payout_id: int, *, reason: str) -> PayoutView:
    """The operator will not pay it: amount + fee go back to the user's available balance."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REJECT_REASON_MAX:
        raise KryptonError("a reject reason of 1-500 characters is required", code="reject_reason_invalid")
    with uow.transaction() as s:
        require_operator(s, operator_id)
        payout = _get(s, payout_id)
        if not _transition(s, payout_id, REJECTED, reject_reason=reason, resolved_by=operator_id):
            current = _get(s, payout_id)
            if current.status == REJECTED:
                return _view(s, payout_id)
            raise InvalidState(f"payout {payout_id} is {current.status}", status=current.status)
        leg = Leg(
            user_account(s, payout.user_id, payout.asset, HELD),
            user_account(s, payout.user_id, payout.asset, AVAILABLE),
            payout.amount + payout.fee,
        )
        post(s, idempotency_key=_settle_key(payout_id), kind=PAYOUT_REFUND, legs=[leg], memo=_memo(payout))
        return _view(s, payout_id)


# --- conversions ---------------------------------------------------------------------------------


def sat_for_amount(minor: int, decimals: int, rate: Decimal) -> int:
    """Satoshi bought by `minor` units of an asset at `rate` BTC per whole unit, rounded down."""
    numerator, denominator = rate.as_integer_ratio()
    return minor * numerator * SAT_PER_BTC // (denominator * 10**decimals)


def amount_for_msat(msat: int, decimals: int, rate: Decimal) -> int:
    """Minor units of an asset needed to buy `msat` at `rate` BTC per whole unit, rounded up."""
    numerator, denominator = rate.as_integer_ratio()
    return -(-msat * denominator * 10**decimals // (numerator * MSAT_PER_BTC))


# --- helpers -------------------------------------------------------------------------------------


def _bitcoin_quote(
    uow: UnitOfWork, *, asset: str, address: str, amount: str, rates: RateProvider, settings: Settings
) -> PayoutQuote:
    destination = parse_bitcoin_address(address, network=settings.bitcoin_network)
    with uow.read() as s:
        decimals = _decimals(s, asset)
    minor = to_minor(amount, decimals)
    fee = _fee(settings, asset)
    rate = _rate(rates, asset)
    amount_sat = sat_for_amount(minor, decimals, rate)
    if amount_sat < MIN_BITCOIN_SAT:
        raise InvalidAmount(
            f"{amount} {asset} is {amount_sat} sat, below {MIN_BITCOIN_SAT}",
            code="payout_too_small",
            minimum_sat=MIN_BITCOIN_SAT,
        )
    return PayoutQuote(BITCOIN, destination, asset, decimals, minor, fee, minor + fee, amount_sat, _text(rate), None)


def _lightning_quote(
    uow: UnitOfWork, *, asset: str, invoice: str, rates: RateProvider, settings: Settings, now: int
) -> PayoutQuote:
    decoded = decode_lightning_invoice(invoice, network=settings.bitcoin_network, now=now)
    with uow.read() as s:
        decimals = _decimals(s, asset)
    fee = _fee(settings, asset)
    rate = _rate(rates, asset)
    minor = amount_for_msat(decoded.amount_msat, decimals, rate)
    return PayoutQuote(
        LIGHTNING,
        normalize_invoice(invoice),
        asset,
        decimals,
        minor,
        fee,
        minor + fee,
        -(-decoded.amount_msat // 1000),
        _text(rate),
        datetime.fromtimestamp(decoded.expires_at, UTC),
        decoded.description,
    )


def _request(
    uow: UnitOfWork,
    user_id: int,
    idempotency_key: str,
    fingerprint: tuple,
    make_quote: Callable[[], PayoutQuote],
    provider: PayoutProvider,
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
            now = utcnow()
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
                user_account(s, user_id, quote.asset, AVAILABLE),
                user_account(s, user_id, quote.asset, HELD),
                quote.total,
            )
            post(
                s,
                idempotency_key=f"payout_hold:{payout_id}",
                kind=PAYOUT_HOLD,
                legs=[leg],
                memo=_memo_for(payout_id, quote.network, quote.destination),
            )
            if quote.network == LIGHTNING:
                # After the hold, which locks the user's balance: a concurrent twin has committed by now.
                _refuse_invoice_twice(s, payout_id, quote.destination)
            provider.submit(s, payout_id)
            return _view(s, payout_id)
    except IntegrityError:
        # A concurrent request with the same key inserted first; answer as its retry.
        existing = _replay(uow, key, fingerprint)
        if existing is None:
            raise
        return existing


def _replay(uow: UnitOfWork, key: str, fingerprint: tuple) -> PayoutView | None:
    with uow.read() as s:
        row = s.execute(select(_payouts).where(_payouts.c.idempotency_key == key)).one_or_none()
        if row is None:
            return None
        network, destination, asset, amount = fingerprint
        same = (row.network, row.destination, row.asset) == (network, destination, asset)
        if not same or (amount is not None and row.amount != amount):
            raise IdempotencyConflict(f"idempotency key {key!r} was used for another payout", idempotency_key=key)
        return _view(s, row.id)


def _refuse_invoice_twice(session: Session, payout_id: int, invoice: str) -> None:
    twin = session.execute(
        select(_payouts.c.id).where(
            _payouts.c.network == LIGHTNING,
            _payouts.c.destination == invoice,
            _payouts.c.status.in_((QUEUED, PAID)),
            _payouts.c.id != payout_id,
        )
    ).first()
    if twin is not None:
        raise InvalidDestination("this invoice is already being paid", code="lightning_invoice_already_used")


def _require_balance(uow: UnitOfWork, user_id: int, quote: PayoutQuote) -> None:
    with uow.read() as s:
        balance = s.execute(
            select(Account.balance).where(Account.key == user_account_key(user_id, quote.asset, AVAILABLE))
        ).scalar_one_or_none()
    balance = balance or 0
    if balance < quote.total:
        raise InsufficientFunds(
            f"available {balance}, payout needs {quote.total}",
            asset=quote.asset,
            balance=balance,
            required=quote.total,
        )


def _transition(session: Session, payout_id: int, status: str, **values) -> bool:
    """queued -> `status`, checked in the UPDATE itself: of two racing decisions only one matches."""
    moved = session.execute(
        update(_payouts)
        .where(_payouts.c.id == payout_id, _payouts.c.status == QUEUED)
        .values(status=status, updated_at=utcnow(), **values)
    ).rowcount
    return moved == 1


def _get(session: Session, payout_id: int):
    row = session.execute(select(_payouts).where(_payouts.c.id == payout_id)).one_or_none()
    if row is None:
        raise NotFound(f"payout {payout_id}")
    return row


def _decimals(session: Session, asset: str) -> int:
    decimals = session.execute(select(Asset.decimals).where(Asset.code == asset)).scalar_one_or_none()
    if decimals is None:
        raise NotFound(f"asset {asset!r}", asset=asset)
    return decimals


def _fee(settings: Settings, asset: str) -> int:
    if asset not in settings.payout_fees:
        raise KryptonError(f"no payouts from {asset}", code="payout_asset_unsupported", asset=asset)
    return settings.payout_fees[asset]


def _rate(rates: RateProvider, asset: str) -> Decimal:
    return _RATE.plus(rates.rate(asset, "BTC"))


def _text(rate: Decimal) -> str:
    return format(rate, "f")


def _settle_key(payout_id: int) -> str:
    # One key for both endings: even past the status check, the ledger refuses to pay and refund.
    return f"payout_settle:{payout_id}"


def _memo(payout) -> str:
    return _memo_for(payout.id, payout.network, payout.destination)


def _memo_for(payout_id: int, network: str, destination: str) -> str:
    if network == BITCOIN:
        return f"bitcoin payout #{payout_id} to {destination}"
    return f"lightning payout #{payout_id}"


def _select_views():
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


def _to_view(row) -> PayoutView:
    *values, created_at = row
    return PayoutView(*values, as_utc(created_at))


def _view(session: Session, payout_id: int) -> PayoutView:
    return _to_view(session.execute(_select_views().where(_payouts.c.id == payout_id)).one())
