"""The Crypto Pay compatibility API's webhook: when an invoice made through it is paid, its app's webhook
URL gets Crypto Pay's `invoice_paid` update, signed with the app's token (the `crypto-pay-api-signature`
header; services/webhook_delivery.py sends it). Queued in the transaction that completed the payment.

The invoice's `hidden_message` is put where Krypton shows a payer what the merchant gives after payment:
the payment's sealed secrets (services/payment_rows.py shows them on the payer's page). It is written
first, so a Krypton webhook answering with its own secrets never replaces it.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from krypton_app.domain.invoices import COMPLETED
from krypton_app.models.cryptopay import CryptoPayInvoice
from krypton_app.models.invoices import InvoicePayment
from krypton_app.models.merchant import ApiKey
from krypton_app.services import compat_keys, webhooks
from krypton_app.services.crypto import seal
from krypton_app.settings import get_settings

PAYMENT_COMPLETED = "invoice.payment_completed"
UPDATE_TYPE = "invoice_paid"
_cp = CryptoPayInvoice.__table__
_payments = InvoicePayment.__table__


def invoice_changed(session: Session, *, invoice_id: int, type: str, payment_id: int | None, now: datetime) -> None:
    """Queue this API's webhook if the invoice is one of its own and this payment made it paid."""
    if type != PAYMENT_COMPLETED or payment_id is None:
        return
    # Imported here: invoice_rows calls this module (through compat_events) and services/cryptopay is
    # built on invoice_rows, so a module-level import would close the cycle while invoice_rows loads.
    from krypton_app.services.cryptopay import PAID, invoice_object, iso
    from krypton_app.services.invoice_rows import invoice_select, invoices_table

    row = session.execute(
        invoice_select()
        .join(_cp, _cp.c.invoice_id == invoices_table.c.id)
        .add_columns(*[column.label(f"cp_{column.name}") for column in _cp.c if column.name != "invoice_id"])
        .where(invoices_table.c.id == invoice_id)
    ).one_or_none()
    if row is None:
        return  # not a Crypto Pay invoice
    settings = get_settings()
    payment = session.execute(
        select(_payments).where(_payments.c.id == payment_id, _payments.c.status == COMPLETED)
    ).one_or_none()
    invoice = invoice_object(row, payment, settings=settings, now=now)
    if invoice["status"] != PAID:
        return
    if row.cp_hidden_message:
        session.execute(
            update(_payments)
            .where(_payments.c.id == payment_id, _payments.c.secrets_encrypted.is_(None))
            .values(secrets_encrypted=seal(settings, [row.cp_hidden_message]), secrets_delivered_at=now)
        )
    app = session.get(ApiKey, row.cp_key_id)
    if app is None or not app.webhook_url or app.revoked_at is not None:
        return
    token, _ = compat_keys.key_secrets(session, app.id, settings=settings)
    body = json.dumps(
        {"update_id": payment_id, "update_type": UPDATE_TYPE, "request_date": iso(now), "payload": invoice},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    webhooks.enqueue_compat_event(
        session,
        flavour=compat_keys.CRYPTOPAY,
        merchant_id=row.merchant_id,
        invoice_id=invoice_id,
        payment_id=payment_id,
        type=PAYMENT_COMPLETED,
        body=body,
        signature=compat_keys.cryptopay_signature(token, body.encode()),
        url=app.webhook_url,
        is_test=row.is_test,
        now=now,
    )
