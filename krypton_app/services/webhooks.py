"""Merchant webhooks (SPEC F11): an outbox written in the caller's transaction, the signing secrets, the
delivery log, redelivery and test events. Delivery rounds live in services/webhook_delivery.py, the
checks on where a webhook may go in services/webhook_urls.py.

Signature scheme (documented in the README): header `Krypton-Signature: t=<unix>,v1=<hex>` where
hex = HMAC-SHA256(key=secret, msg=f"{t}.".encode() + raw_body), over the exact body bytes sent.
Each merchant has two secrets: one signs the events of live invoices, the other those of test
(sandbox) invoices, so an endpoint that checks the live secret can never be fed a sandbox event.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import Forbidden, InvalidState, NotFound
from krypton_app.domain.invoices import normalise_number
from krypton_app.models.common import as_utc, utcnow
from krypton_app.models.invoices import Invoice
from krypton_app.models.merchant import WebhookDelivery, WebhookEvent, WebhookSecret
from krypton_app.services.api_keys import hidden_from_key
from krypton_app.services.crypto import seal, unseal
from krypton_app.services.webhook_urls import check_webhook_url
from krypton_app.settings import Settings
from krypton_app.wakeups import announce, invoice_pages

EVENT_TYPES = (
    "invoice.payment_completed",
    "invoice.closed",
    "invoice.expired",
    "webhook.test",
    "promise.redeemed",
    # Compatibility APIs only (services/heleket_events.py): a payout's or a refund's withdrawal moved.
    "withdrawal.changed",
)
# The header that carries a compatibility flavour's pre-computed signature (None: the sign is in the body).
COMPAT_FLAVOURS = {"cryptopay": "crypto-pay-api-signature", "heleket": None}


@dataclass(frozen=True)
class AttemptView:
    attempt: int
    status_code: int | None
    response_ms: int | None
    error: str | None
    response_excerpt: str | None
    created_at: datetime


@dataclass(frozen=True)
class DeliveryView:
    id: int  # row id: what redeliver takes
    event_id: str
    type: str
    url: str
    status: str  # pending | delivered | failed
    attempts: int
    is_test: bool
    created_at: datetime
    next_attempt_at: datetime | None  # None once delivered or failed
    delivered_at: datetime | None
    attempts_log: tuple[AttemptView, ...]


def enqueue_event(
    session: Session,
    *,
    merchant_id: int,
    invoice_id: int | None,
    payment_id: int | None,
    type: str,
    data: dict,
    url: str | None,
    is_test: bool,
    now: datetime | None = None,
) -> str | None:
    """Write the outbox row in the caller's transaction, so the event exists iff the change does.
    Returns the event id (Krypton-Event-Id), or None when the invoice has no webhook URL."""
    now = now or utcnow()
    event_id = "evt_" + secrets.token_hex(12)
    payload = {"id": event_id, "type": type, "created": int(now.timestamp()), "test": is_test, "data": data}
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return _outbox(session, event_id, merchant_id, invoice_id, payment_id, type, url, body, is_test, now)


def enqueue_compat_event(
    session: Session,
    *,
    flavour: str,
    merchant_id: int,
    invoice_id: int | None,
    payment_id: int | None,
    type: str,
    body: str,
    signature: str | None,
    url: str | None,
    is_test: bool,
    now: datetime,
) -> str | None:
    """The outbox row of an event of an invoice made through a compatibility API (services/cryptopay.py,
    services/heleket.py): `body` is that API's own shape, already signed as it prescribes (`signature`:
    the header value, or None when the sign is inside the body). Same outbox, worker, retries and delivery
    log as Krypton's events; written in the caller's transaction."""
    if flavour not in COMPAT_FLAVOURS:
        raise ValueError(f"unknown webhook flavour {flavour!r}")
    event_id = "evt_" + secrets.token_hex(12)
    return _outbox(
        session, event_id, merchant_id, invoice_id, payment_id, type, url, body, is_test, now, flavour, signature
    )


def _outbox(
    session: Session,
    event_id: str,
    merchant_id: int,
    invoice_id: int | None,
    payment_id: int | None,
    type: str,
    url: str | None,
    body: str,
    is_test: bool,
    now: datetime,
    flavour: str = "krypton",
    signature: str | None = None,
) -> str | None:
    if type not in EVENT_TYPES:  # merchants dispatch on it: no event type they were not told about
        raise ValueError(f"unknown webhook event type {type!r}")
    # Every event is a change the invoice's and the payment's pages show, webhook or not.
    announce(session, *invoice_pages(invoice_id, payment_id))
    if not url:
        return None
    session.add(
        WebhookEvent(
            event_id=event_id,
            merchant_id=merchant_id,
            invoice_id=invoice_id,
            payment_id=payment_id,
            type=type,
            url=url,
            body=body,
            is_test=is_test,
            flavour=flavour,
            signature=signature,
            next_attempt_at=now,
            created_at=now,
        )
    )
    session.flush()
    return event_id


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The Krypton-Signature header value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: str, header: str | None, body: bytes, *, now: float, tolerance_s: int = 300) -> bool:
    """Whether `header` signs `body` with `secret` within `tolerance_s` of `now` (replay window).
    Any of several v1 values may match (room for signing with two secrets during a rotation)."""
    if not header:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit():  # "²" is a digit to isdigit, not to int
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates or abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).rpartition("v1=")[2]
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def webhook_secret(uow: UnitOfWork, merchant_id: int, *, is_test: bool, settings: Settings) -> str:
    """The merchant's signing secret for live events (`is_test` False) or for test events (True),
    created on first use; stored sealed. The two are independent: a receiver that checks with the
    live secret refuses every test event."""
    with uow.read() as session:
        row = session.get(WebhookSecret, (merchant_id, is_test))
    if row is not None:
        return str(unseal(settings, row.secret_encrypted))
    secret = _new_secret()
    try:
        with uow.transaction() as session:
            session.add(WebhookSecret(user_id=merchant_id, is_test=is_test, secret_encrypted=seal(settings, secret)))
    except IntegrityError:  # another request created it first: everybody uses that one
        return webhook_secret(uow, merchant_id, is_test=is_test, settings=settings)
    return secret


def rotate_webhook_secret(uow: UnitOfWork, merchant_id: int, *, is_test: bool, settings: Settings) -> str:
    """Replace the live (or the test) signing secret; those events are signed with the new one from now on."""
    secret = _new_secret()
    with uow.transaction() as session:
        row = session.get(WebhookSecret, (merchant_id, is_test), with_for_update=True)
        if row is None:
            session.add(WebhookSecret(user_id=merchant_id, is_test=is_test, secret_encrypted=seal(settings, secret)))
        else:
            row.secret_encrypted = seal(settings, secret)
            row.created_at = utcnow()
    return secret


def _merchant_invoice(session: Session, merchant_id: int, number: str, *, only_test: bool) -> Invoice:
    invoice = session.exec(select(Invoice).where(Invoice.number == normalise_number(number))).first()
    if invoice is None or invoice.merchant_id != merchant_id or hidden_from_key(invoice.is_test, only_test=only_test):
        raise NotFound()
    return invoice


def redeliver(uow: UnitOfWork, merchant_id: int, event_row_id: int, *, now: datetime, only_test: bool = False) -> str:
    """Queue one more attempt of an event now (whatever its status); returns its event id.
    The body and event id stay the same, so the merchant can deduplicate. `only_test` (a sandbox
    key): a live event, or any event of a live invoice, does not exist."""
    with uow.transaction() as session:
        event = session.get(WebhookEvent, event_row_id, with_for_update=True)
        if event is None:
            raise NotFound()
        if event.merchant_id != merchant_id:
            raise Forbidden()
        if only_test:
            invoice = session.get(Invoice, event.invoice_id) if event.invoice_id is not None else None
            if not event.is_test or (invoice is not None and not invoice.is_test):
                raise NotFound()
        event.status = "pending"
        event.next_attempt_at = now
        return event.event_id


def send_test_event(
    uow: UnitOfWork, merchant_id: int, number: str, *, settings: Settings, now: datetime, only_test: bool = False
) -> str:
    """Queue a `webhook.test` event to the invoice's webhook URL; returns its event id. It is in the
    invoice's mode (`"test"` in the body, and the secret that signs it), so a live endpoint can check
    its live secret with it and a sandbox invoice cannot send a live-signed event. `only_test` (a
    sandbox key): a live invoice does not exist."""
    with uow.transaction() as session:
        invoice = _merchant_invoice(session, merchant_id, number, only_test=only_test)
        if not invoice.webhook_url:
            raise InvalidState(code="webhook_url_missing")
        check_webhook_url(invoice.webhook_url, settings=settings)
        data = {"invoice": {"number": invoice.number, "title": invoice.title, "order_id": invoice.order_id}}
        event_id = enqueue_event(
            session,
            merchant_id=merchant_id,
            invoice_id=invoice.id,
            payment_id=None,
            type="webhook.test",
            data=data,
            url=invoice.webhook_url,
            is_test=invoice.is_test,
            now=now,
        )
        assert event_id is not None
        return event_id


def list_deliveries(uow: UnitOfWork, merchant_id: int, number: str, *, only_test: bool = False) -> list[DeliveryView]:
    """The invoice's events, newest first, each with its attempts (the delivery log); `only_test`: a
    sandbox key's view, where a live invoice does not exist."""
    with uow.read() as session:
        invoice = _merchant_invoice(session, merchant_id, number, only_test=only_test)
        events = session.exec(
            select(WebhookEvent)
            .where(WebhookEvent.invoice_id == invoice.id)
            .order_by(col(WebhookEvent.created_at).desc(), col(WebhookEvent.id).desc())
        ).all()
        attempts: dict[int, list[AttemptView]] = {}
        if events:
            rows = session.exec(
                select(WebhookDelivery)
                .where(col(WebhookDelivery.event_id).in_([event.id for event in events]))
                .order_by(col(WebhookDelivery.attempt), col(WebhookDelivery.id))
            ).all()
            for row in rows:
                attempts.setdefault(row.event_id, []).append(
                    AttemptView(
                        row.attempt,
                        row.status_code,
                        row.response_ms,
                        row.error,
                        row.response_excerpt,
                        as_utc(row.created_at),
                    )
                )
        return [
            DeliveryView(
                id=event.id,
                event_id=event.event_id,
                type=event.type,
                url=event.url,
                status=event.status,
                attempts=event.attempts,
                is_test=event.is_test,
                created_at=as_utc(event.created_at),
                next_attempt_at=as_utc(event.next_attempt_at) if event.status == "pending" else None,
                delivered_at=as_utc(event.delivered_at),
                attempts_log=tuple(attempts.get(event.id, ())),
            )
            for event in events
        ]
