"""A payment part paid from a Lightning wallet (issue 12): the platform's node issues a BOLT11 invoice
for the part's amount in sats; once the node reports it settled, the part is funded from the platform's
Lightning liquidity (services/funding.py LightningSource), exactly once.

The node is asked outside any database transaction: an invoice created and then not stored is harmless
(nobody sees it, it expires), whereas a stored row whose creation rolled back would not exist.

Sats for an amount round up to the whole satoshi at a rate rounded up (20 digits): the payer always pays
at least the part's worth, by less than a satoshi and a rounding unit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_UP, Context, Decimal

from sqlalchemy import Row, Table, select, update

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import InvalidState, InvoiceUnavailable, KryptonError, NotFound
from krypton_app.domain.invoices import PENDING
from krypton_app.lightning.base import (
    CANCELLED,
    EXPIRED,
    OPEN,
    SETTLED,
    DemoWallet,
    LightningError,
    LightningInvoiceNotFound,
    LightningProvider,
)
from krypton_app.models.common import as_utc
from krypton_app.models.lightning import LightningInvoice
from krypton_app.services.funding import LightningSource
from krypton_app.services.invoice_rows import invoice_by_id, require_open
from krypton_app.services.payment_completion import fund_on_arrival
from krypton_app.services.payment_rows import parts_table, payment_of, payment_row
from krypton_app.services.payout_quotes import MSAT_PER_BTC, asset_decimals
from krypton_app.services.rates import RateProvider
from krypton_app.settings import Settings
from krypton_app.wakeups import announce, payment_topic

log = logging.getLogger(__name__)

_invoices: Table = LightningInvoice.__table__
_parts = parts_table
_RATE_UP = Context(prec=20, rounding=ROUND_UP)
# An invoice is never shorter than this: a wallet needs a moment to scan and pay.
MIN_EXPIRY_S = 60
# LND cancels an expired invoice itself; until it has, an open one past its expiry waits this long
# before it counts as expired here, so a payment accepted at the last second is still seen settled.
EXPIRY_GRACE = timedelta(seconds=60)
# Open invoices looked up per worker round (oldest first).
BATCH = 200


@dataclass(frozen=True)
class LightningInvoiceView:
    id: int
    part_id: int
    payment_id: int
    bolt11: str
    payment_hash: str
    amount_msat: int
    amount: int  # what the part gets, minor units of `asset`
    asset: str
    decimals: int
    rate: str  # BTC per whole `asset`
    status: str  # open | settled | expired
    expires_at: datetime
    settled_at: datetime | None

    @property
    def sats(self) -> int:
        return self.amount_msat // 1000


def msat_for_amount(minor: int, decimals: int, rate: Decimal) -> int:
    """Millisatoshi the payer pays for `minor` units at `rate` BTC per whole unit: whole sats, rounded up."""
    numerator, denominator = rate.as_integer_ratio()
    sats = -(-minor * numerator * MSAT_PER_BTC // (denominator * 10**decimals * 1000))
    return sats * 1000


def start_lightning_part(
    uow: UnitOfWork,
    lightning: LightningProvider,
    payer_id: int,
    payment_id: int,
    part_id: int,
    *,
    rates: RateProvider,
    settings: Settings,
    now: datetime,
) -> LightningInvoiceView:
    """The Lightning invoice that funds the payer's pending part: the part's open one while it still has
    time and asks the part's amount, else a new one from the node."""
    if not settings.lightning_enabled:
        raise KryptonError("lightning is off", code="lightning_disabled")
    with uow.read() as s:
        payment, part = _pending_part(s, payer_id, payment_id, part_id)
        invoice = invoice_by_id(s, payment.invoice_id)
        if invoice.is_test:
            raise InvoiceUnavailable(code="invoice_is_test")
        require_open(invoice, now)
        current = s.execute(
            select(_invoices.c.id)
            .where(
                _invoices.c.part_id == part_id,
                _invoices.c.status == OPEN,
                _invoices.c.amount == part.amount,
                _invoices.c.expires_at > now + timedelta(seconds=MIN_EXPIRY_S),
            )
            .order_by(_invoices.c.id.desc())
        ).first()
        if current is not None:
            return _view(s, current.id)
        decimals = asset_decimals(s, payment.asset)
        deadline = _payment_deadline(payment, settings, now)
    rate = _RATE_UP.plus(rates.rate(payment.asset, "BTC"))
    amount_msat = msat_for_amount(part.amount, decimals, rate)
    expiry_s = max(MIN_EXPIRY_S, min(settings.lightning_expiry_s, int((deadline - now).total_seconds())))
    memo = f"Krypton {invoice.number} payment {payment_id} part {part.position}"
    issued = lightning.create_invoice(amount_msat, memo, expiry_s)  # outside the transaction: see above
    with uow.transaction() as s:
        new_id = s.execute(
            _invoices.insert().values(
                part_id=part_id,
                payment_id=payment_id,
                payer_id=payer_id,
                payment_hash=issued.payment_hash,
                bolt11=issued.bolt11,
                amount_msat=amount_msat,
                amount=part.amount,
                rate=format(rate, "f"),
                status=OPEN,
                expires_at=issued.expires_at,
                created_at=now,
            )
        ).inserted_primary_key[0]
        return _view(s, new_id)


def lightning_invoices_of(uow: UnitOfWork, payer_id: int, payment_id: int) -> dict[int, LightningInvoiceView]:
    """Part id -> the latest Lightning invoice of each part of the payer's payment."""
    with uow.read() as s:
        payment_of(s, payer_id, payment_id)
        ids = (
            s.execute(select(_invoices.c.id).where(_invoices.c.payment_id == payment_id).order_by(_invoices.c.id))
            .scalars()
            .all()
        )
        views = [_view(s, invoice_id) for invoice_id in ids]
    return {view.part_id: view for view in views}


def settle_lightning_invoices(
    uow: UnitOfWork, lightning: LightningProvider, *, settings: Settings, rates: RateProvider, now: datetime
) -> int:
    """One worker round: ask the node about every open invoice; fund the parts of the settled ones and
    let the expired ones go. Returns how many this call settled. A node error on one invoice is logged
    and that invoice asked again next round."""
    with uow.read() as s:
        rows = s.execute(
            select(_invoices.c.id, _invoices.c.payment_hash, _invoices.c.expires_at)
            .where(_invoices.c.status == OPEN)
            .order_by(_invoices.c.id)
            .limit(BATCH)
        ).all()
    settled = 0
    for row in rows:
        try:
            settled += settle_invoice(uow, lightning, row.id, settings=settings, rates=rates, now=now)
        except LightningError as error:
            log.warning("lightning invoice %s: node error, asking again next round: %s", row.id, error)
    return settled


def settle_invoice(
    uow: UnitOfWork,
    lightning: LightningProvider,
    invoice_id: int,
    *,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> bool:
    """Ask the node about one invoice and act on its answer; True if this call settled it."""
    with uow.read() as s:
        row = s.execute(select(_invoices).where(_invoices.c.id == invoice_id)).one()
    if row.status != OPEN:
        return False
    past_expiry = now > as_utc(row.expires_at) + EXPIRY_GRACE
    try:
        state = lightning.lookup_invoice(row.payment_hash)
    except LightningInvoiceNotFound:
        # A node that forgot the invoice (the fake one after a restart) can no longer take its payment.
        if past_expiry:
            _expire(uow, invoice_id)
        return False
    if state.state == SETTLED:
        if state.amount_paid_msat < row.amount_msat:
            raise LightningError(
                f"invoice {invoice_id} settled for {state.amount_paid_msat} msat, asked {row.amount_msat}"
            )
        return _settle(uow, invoice_id, state.settled_at or now, settings=settings, rates=rates, now=now)
    if state.state in (CANCELLED, EXPIRED) or past_expiry:
        _expire(uow, invoice_id)
    return False


def pay_from_demo_wallet(
    uow: UnitOfWork,
    lightning: LightningProvider,
    payer_id: int,
    invoice_id: int,
    *,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> LightningInvoiceView:
    """Local runs: the demo Lightning wallet pays the payer's own open invoice, and it is settled right
    away through the worker's own path (no wait for the next round)."""
    if not settings.lightning_demo_wallet or not isinstance(lightning, DemoWallet):
        raise KryptonError("no demo Lightning wallet here", code="lightning_demo_off")
    with uow.read() as s:
        row = s.execute(
            select(_invoices).where(_invoices.c.id == invoice_id, _invoices.c.payer_id == payer_id)
        ).one_or_none()
        if row is None:
            raise NotFound(f"lightning invoice {invoice_id}")
    if row.status == OPEN:
        lightning.demo_pay(row.bolt11)
        settle_invoice(uow, lightning, invoice_id, settings=settings, rates=rates, now=now)
    with uow.read() as s:
        return _view(s, invoice_id)


def _settle(
    uow: UnitOfWork, invoice_id: int, settled_at: datetime, *, settings: Settings, rates: RateProvider, now: datetime
) -> bool:
    """open -> settled and the part funded (or the payer's balance credited) in one transaction; the
    conditional UPDATE lets exactly one of several racing workers do it."""
    with uow.transaction() as s:
        moved = s.execute(
            update(_invoices)
            .where(_invoices.c.id == invoice_id, _invoices.c.status == OPEN)
            .values(status=SETTLED, settled_at=settled_at)
        ).rowcount
        if moved != 1:
            return False
        row = s.execute(select(_invoices).where(_invoices.c.id == invoice_id)).one()
        announce(s, payment_topic(row.payment_id))
        asset = payment_row(s, row.payment_id).asset
        source = LightningSource(row.id, row.payment_id, row.part_id, asset)
        took = fund_on_arrival(
            s, row.payment_id, row.part_id, source, amount=row.amount, settings=settings, rates=rates, now=now
        )
    log.info("lightning invoice %s settled: %s", invoice_id, "part funded" if took else "to the payer's balance")
    return True


def _expire(uow: UnitOfWork, invoice_id: int) -> None:
    with uow.transaction() as s:
        payment_id = s.execute(
            update(_invoices)
            .where(_invoices.c.id == invoice_id, _invoices.c.status == OPEN)
            .values(status=EXPIRED)
            .returning(_invoices.c.payment_id)
        ).scalar_one_or_none()
        if payment_id is not None:
            announce(s, payment_topic(payment_id))


def _pending_part(s, payer_id: int, payment_id: int, part_id: int) -> tuple[Row, Row]:
    payment = payment_of(s, payer_id, payment_id)
    part = s.execute(select(_parts).where(_parts.c.id == part_id, _parts.c.payment_id == payment_id)).one_or_none()
    if part is None:
        raise NotFound(f"part {part_id} of payment {payment_id}")
    if payment.status != PENDING:
        raise InvalidState(f"payment {payment_id} is {payment.status}", status=payment.status)
    if part.status != PENDING:
        raise InvalidState(f"part {part_id} is {part.status}", status=part.status)
    return payment, part


def _payment_deadline(payment: Row, settings: Settings, now: datetime) -> datetime:
    """When the pending payment is cancelled for time, or its running quote ends (past that the part's
    amount may change and the sats would go to the balance), whichever comes first."""
    deadline = as_utc(payment.created_at) + timedelta(minutes=settings.payment_ttl_min)
    if payment.quote_expires_at is not None and as_utc(payment.quote_expires_at) > now:
        deadline = min(deadline, as_utc(payment.quote_expires_at))
    return deadline


def _view(s, invoice_id: int) -> LightningInvoiceView:
    row = s.execute(select(_invoices).where(_invoices.c.id == invoice_id)).one()
    asset = payment_row(s, row.payment_id).asset
    return LightningInvoiceView(
        id=row.id,
        part_id=row.part_id,
        payment_id=row.payment_id,
        bolt11=row.bolt11,
        payment_hash=row.payment_hash,
        amount_msat=row.amount_msat,
        amount=row.amount,
        asset=asset,
        decimals=asset_decimals(s, asset),
        rate=row.rate,
        status=row.status,
        expires_at=as_utc(row.expires_at),
        settled_at=as_utc(row.settled_at) if row.settled_at else None,
    )
