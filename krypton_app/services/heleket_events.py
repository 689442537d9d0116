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
from krypton_app.services.rates import rate_provider_from_settings
from krypton_app.settings import get_settings

PAYMENT_COMPLETED, CLOSED, EXPIRED = "invoice.payment_completed", "invoice.closed", "invoice.expired"
WITHDRAWAL_CHANGED = "withdrawal.changed"


def _views():
    # Imported when first used: invoice_rows and withdrawal_settlement load this module (through
    # compat_events) before what heleket_views and heleket_payouts import has finished loading.
    from krypton_app.services import heleket_payouts, heleket_views

    return heleket_views, heleket_payouts


def invoice_changed(session: Session, *, invoice_id: int, type: str, payment_id: int | None, now: datetime) -> None:
    """Queue this API's webhook if the invoice is one of its own and the change is one Heleket reports."""
    heleket_views, _ = _views()
    where = heleket_views.payments_table.c.invoice_id == invoice_id
    row = session.execute(heleket_views.payment_select().where(where)).one_or_none()
    if row is None or not row.hk_url_callback:
        return
    status = heleket_views.status_of(row, now)
    if type == PAYMENT_COMPLETED:
        pass
    elif type in (EXPIRED, CLOSED) and row.close_reason != LIMIT_REACHED and status == "cancel":
        pass  # the payment ended unpaid (a paid one closes by its limit: its webhook went with the payment)
    else:
        return
    _payment_webhook(session, row, type=type, payment_id=payment_id, now=now)


def _payment_webhook(session: Session, row, *, type: str, payment_id: int | None, now: datetime) -> None:
    heleket_views, _ = _views()
    settings = get_settings()
    rates = rate_provider_from_settings(settings)
    payment = heleket_views.payment_object(session, row, settings=settings, rates=rates, now=now)
    payment_key, _payout_key = key_secrets(session, row.hk_key_id, settings=settings)
    payload = heleket_views.webhook_payload(payment)
    body = heleket_views.signed_body(payload, lambda raw: heleket_sign(raw, payment_key))
    webhooks.enqueue_compat_event(
        session,
        flavour=HELEKET,
        merchant_id=row.merchant_id,
        invoice_id=row.id,
        payment_id=payment_id,
        type=type,
        body=body,
        signature=None,
        url=row.hk_url_callback,
        is_test=row.is_test,
        now=now,
    )


def withdrawal_changed(session: Session, *, withdrawal_id: int, now: datetime) -> None:
    """A withdrawal moved: a Heleket payout's webhook (`type` payout, signed with the payout key), or a
    refunded payment's (its refund_* status, signed with the payment key)."""
    heleket_views, heleket_payouts = _views()
    refunded = session.execute(
        heleket_views.payment_select().where(heleket_views.payments_table.c.refund_withdrawal_id == withdrawal_id)
    ).one_or_none()
    if refunded is not None and refunded.hk_url_callback:
        _payment_webhook(session, refunded, type=WITHDRAWAL_CHANGED, payment_id=None, now=now)
    payout = heleket_payouts.payout_of_withdrawal(session, withdrawal_id)
    if payout is None or not payout.hk_url_callback:
        return
    settings = get_settings()
    _payment_key, payout_key = key_secrets(session, payout.hk_key_id, settings=settings)
    body = heleket_views.signed_body(
        heleket_payouts.webhook_payload(heleket_payouts.payout_object(session, payout)),
        lambda raw: heleket_sign(raw, payout_key or ""),
    )
    webhooks.enqueue_compat_event(
        session,
        flavour=HELEKET,
        merchant_id=payout.user_id,
        invoice_id=None,
        payment_id=None,
        type=WITHDRAWAL_CHANGED,
        body=body,
        signature=None,
        url=payout.hk_url_callback,
        is_test=False,
        now=now,
    )
