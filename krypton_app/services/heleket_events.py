"""The Heleket API's payment webhooks (B7 of the compatibility notes): when a payment made through
/heleket/v1/payment is paid (Krypton's `invoice.payment_completed`) or ends unpaid (expired, or closed by
its merchant), its url_callback gets Heleket's body, serialised as Heleket's PHP server does (compact, keys
in order, `/` as `\\/`, non-ASCII raw), with `"sign"` as its last key: md5(base64(body without it) +
payment key). Queued in the caller's transaction through Krypton's outbox (services/webhooks.py), so its
delivery, retries and log are Krypton's."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from krypton_app.domain.invoices import LIMIT_REACHED
from krypton_app.services import webhooks
from krypton_app.services.compat_keys import HELEKET, heleket_sign, key_secrets
from krypton_app.services.heleket_views import (
    payment_object,
    payment_select,
    payments_table,
    signed_body,
    status_of,
    webhook_payload,
)
from krypton_app.services.rates import rate_provider_from_settings
from krypton_app.settings import get_settings

PAYMENT_COMPLETED, CLOSED, EXPIRED = "invoice.payment_completed", "invoice.closed", "invoice.expired"


def invoice_changed(session: Session, *, invoice_id: int, type: str, payment_id: int | None, now: datetime) -> None:
    """Queue this API's webhook if the invoice is one of its own and the change is one Heleket reports."""
    row = session.execute(payment_select().where(payments_table.c.invoice_id == invoice_id)).one_or_none()
    if row is None or not row.hk_url_callback:
        return
    status = status_of(row, now)
    if type == PAYMENT_COMPLETED:
        pass
    elif type in (EXPIRED, CLOSED) and row.close_reason != LIMIT_REACHED and status == "cancel":
        pass  # the payment ended unpaid (a paid one closes by its limit: its webhook went with the payment)
    else:
        return
    settings = get_settings()
    payment = payment_object(session, row, settings=settings, rates=rate_provider_from_settings(settings), now=now)
    payment_key, _payout_key = key_secrets(session, row.hk_key_id, settings=settings)
    body = signed_body(webhook_payload(payment), lambda raw: heleket_sign(raw, payment_key))
    webhooks.enqueue_compat_event(
        session,
        flavour=HELEKET,
        merchant_id=row.merchant_id,
        invoice_id=invoice_id,
        payment_id=payment_id,
        type=type,
        body=body,
        signature=None,
        url=row.hk_url_callback,
        is_test=row.is_test,
        now=now,
    )
