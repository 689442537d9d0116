"""The Heleket API's payment webhooks (B7 of the compatibility notes): when a payment made through
/heleket/v1/payment is paid (Krypton's `invoice.payment_completed`) or ends unpaid (expired, or closed by
its merchant), its url_callback gets Heleket's body, serialised as Heleket's PHP server does (compact, keys
in order, `/` as `\\/`, non-ASCII raw), with `"sign"` as its last key: md5(base64(body without it) +
payment key). Queued in the caller's transaction through Krypton's outbox (services/webhooks.py), so its
delivery, retries and log are Krypton's."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import WebhookUrlRefused
from krypton_app.domain.invoices import LIMIT_REACHED
from krypton_app.services import webhooks
from krypton_app.services.compat_keys import HELEKET, CompatPrincipal, heleket_sign, key_secrets
from krypton_app.services.heleket_input import HeleketInvalid, TestWebhookRequest
from krypton_app.services.rates import rate_provider_from_settings
from krypton_app.services.webhook_urls import check_webhook_url
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


def send_test_webhook(
    uow: UnitOfWork, merchant: CompatPrincipal, kind: str, request: TestWebhookRequest, *, now: datetime
) -> list:
    """POST /v1/test-webhook/{payment|payout}: one webhook of that kind to `url_callback`, with `status`, for
    the merchant's payment or payout named by uuid / order_id (a made-up one otherwise), signed with the key
    that signed the request (the payment key for a payment, the payout key for a payout). Result `[]`."""
    heleket_views, heleket_payouts = _views()
    try:
        url = check_webhook_url(request.url_callback, settings=get_settings())
    except WebhookUrlRefused:
        raise HeleketInvalid({"url_callback": ["validation.url"]}) from None
    named = request.uuid is not None or request.order_id is not None
    invoice_id = None
    with uow.transaction() as s:
        if kind == "payout":
            row = (
                heleket_payouts.find_payout(s, merchant, uuid=request.uuid, order_id=request.order_id)
                if named
                else None
            )
            payload = heleket_payouts.webhook_payload(heleket_payouts.payout_object(s, row)) if row else None
        else:
            row = (
                heleket_views.find_payment(s, merchant.key_id, uuid=request.uuid, order_id=request.order_id)
                if named
                else None
            )
            settings = get_settings()
            rates = rate_provider_from_settings(settings)
            payment = heleket_views.payment_object(s, row, settings=settings, rates=rates, now=now) if row else None
            payload = heleket_views.webhook_payload(payment) if payment else None
            invoice_id = row.id if row is not None else None
        payload = payload or _sample(kind, request)
        payload.update(status=request.status, is_final=request.status in heleket_views.FINAL)
        if request.currency is not None:
            payload["currency"] = request.currency
        body = heleket_views.signed_body(payload, lambda raw: heleket_sign(raw, merchant.secret))
        webhooks.enqueue_compat_event(
            s,
            flavour=HELEKET,
            merchant_id=merchant.user_id,
            invoice_id=invoice_id,
            payment_id=None,
            type="webhook.test",
            body=body,
            signature=None,
            url=url,
            is_test=merchant.is_test,
            now=now,
        )
    return []


def _sample(kind: str, request: TestWebhookRequest) -> dict:
    """A made-up payment's or payout's webhook, for a test without uuid / order_id."""
    order_id = request.order_id or "test-webhook"
    common = {"type": kind, "uuid": "00000000-0000-4000-8000-000000000000", "order_id": order_id, "amount": "1.00"}
    if kind == "payout":
        return {
            **common,
            "merchant_amount": "1.05",
            "commission": "0.05",
            "is_final": True,
            "status": "paid",
            "txid": None,
            "currency": "TON",
            "network": "ton",
            "payer_currency": "TON",
            "payer_amount": "1.05",
        }
    return {
        **common,
        "payment_amount": "1.00",
        "payment_amount_usd": "0.00",
        "merchant_amount": "1.00",
        "commission": "0.00",
        "is_final": True,
        "status": "paid",
        "from": None,
        "wallet_address_uuid": None,
        "network": "ton",
        "currency": "TON",
        "payer_currency": "TON",
        "additional_data": None,
        "txid": None,
    }
