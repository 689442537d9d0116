"""A payer's own payments across invoices: the unfinished one an invoice link comes back to, the
"My payments" list, and the expiry of payments left unfinished (services/payments.py starts, funds and
cancels them).

An unfinished payment holds the funded parts' money. So that none is orphaned, the wizard goes back to
it instead of starting a second one, the payer sees and cancels it on /payments, and one left alone for
KRYPTON_PAYMENT_TTL_MIN minutes is cancelled by the housekeeping worker, its funded parts returned.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from krypton_app.db import UnitOfWork
from krypton_app.domain.invoices import CANCELLED, PENDING
from krypton_app.services.funding import return_funded_parts
from krypton_app.services.invoice_rows import find_invoice, lock_invoice, may_see, to_utc
from krypton_app.services.payment_rows import PaymentView, payment_view, payments_table
from krypton_app.settings import Settings

_payments = payments_table
# The list is a recent statement, not an archive: the newest payments, each a few queries.
LIST_LIMIT = 50


def find_unfinished_payment(
    uow: UnitOfWork, payer_id: int, number: str, *, settings: Settings, now: datetime
) -> PaymentView | None:
    """The payer's newest pending payment of invoice `number` that has not expired, or None (also
    for an invoice the payer may not see)."""
    with uow.read() as s:
        invoice = find_invoice(s, number)
        if invoice is None or not may_see(invoice, payer_id):
            return None
        payment_id = s.execute(
            select(_payments.c.id)
            .where(
                _payments.c.invoice_id == invoice.id,
                _payments.c.payer_id == payer_id,
                _payments.c.status == PENDING,
                _payments.c.created_at > _cutoff(settings, now),
            )
            .order_by(_payments.c.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        return None if payment_id is None else payment_view(s, payment_id, settings)


def list_payer_payments(uow: UnitOfWork, payer_id: int, *, settings: Settings) -> list[PaymentView]:
    """The payer's payments of every invoice, newest first (at most LIST_LIMIT); a merchant's
    simulations have no payer and are never listed."""
    with uow.read() as s:
        ids = (
            s.execute(
                select(_payments.c.id)
                .where(_payments.c.payer_id == payer_id)
                .order_by(_payments.c.id.desc())
                .limit(LIST_LIMIT)
            )
            .scalars()
            .all()
        )
        return [payment_view(s, payment_id, settings) for payment_id in ids]


def expire_unfinished_payments(uow: UnitOfWork, *, settings: Settings, now: datetime) -> int:
    """Worker step: cancel every payer's payment still pending KRYPTON_PAYMENT_TTL_MIN minutes after it
    started, one transaction each, returning its funded parts. The UPDATE checks the status again, so
    of two processes (or the payer cancelling meanwhile) one moves it and only that one refunds.
    Returns how many expired."""
    cutoff = _cutoff(settings, now)
    due = (_payments.c.status == PENDING, _payments.c.payer_id.is_not(None), _payments.c.created_at <= cutoff)
    with uow.read() as s:
        rows = s.execute(select(_payments.c.id, _payments.c.invoice_id).where(*due).order_by(_payments.c.id)).all()
    expired = 0
    for payment_id, invoice_id in rows:
        with uow.transaction() as s:
            lock_invoice(s, invoice_id)  # the lock order: invoice, then payment, then accounts
            moved = s.execute(update(_payments).where(_payments.c.id == payment_id, *due).values(status=CANCELLED))
            if moved.rowcount == 1:
                return_funded_parts(s, [payment_id])
                expired += 1
    return expired


def _cutoff(settings: Settings, now: datetime) -> datetime:
    """Payments started at or before this moment are past their deadline at `now`."""
    return to_utc(now) - timedelta(minutes=settings.payment_ttl_min)
