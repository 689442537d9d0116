"""Webhooks of invoices made through a compatibility API: where Krypton writes an invoice's own events
(a payment completed, the invoice closed or expired), it also tells each compatibility API, which queues
its event in its own shape if the invoice is one of its own (services/webhooks.enqueue_compat_event).
Called in the caller's transaction, so the event exists iff the change does.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from krypton_app.services import cryptopay_events, heleket_events


def invoice_changed(session: Session, *, invoice_id: int, type: str, payment_id: int | None, now: datetime) -> None:
    """`type`: the Krypton event just written (webhooks.EVENT_TYPES); `payment_id`: its payment, if any."""
    cryptopay_events.invoice_changed(session, invoice_id=invoice_id, type=type, payment_id=payment_id, now=now)
    heleket_events.invoice_changed(session, invoice_id=invoice_id, type=type, payment_id=payment_id, now=now)


def withdrawal_changed(session: Session, *, withdrawal_id: int, now: datetime) -> None:
    """A withdrawal changed state (services/withdrawal_settlement.transition): a compatibility API's payout
    or refund may be behind it."""
    heleket_events.withdrawal_changed(session, withdrawal_id=withdrawal_id, now=now)
