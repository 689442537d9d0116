"""Merchant webhooks (SPEC F11): an outbox written in the caller's transaction, signed delivery with
retries, a delivery log, redelivery, test events, and secrets returned by the merchant.

Signature scheme (documented in the README): header `Krypton-Signature: t=<unix>,v1=<hex>` where
hex = HMAC-SHA256(key=secret, msg=f"{t}.".encode() + raw_body), over the exact body bytes sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import Forbidden, InvalidState, NotFound, WebhookUrlRefused
from krypton_app.domain.invoices import normalise_number
from krypton_app.models.invoices import Invoice, InvoicePayment
from krypton_app.models.merchant import WebhookDelivery, WebhookEvent, WebhookSecret
from krypton_app.services.crypto import seal, unseal
from krypton_app.services.ledger import _as_utc
from krypton_app.settings import Settings

log = logging.getLogger(__name__)

EVENT_TYPES = ("invoice.payment_completed", "invoice.closed", "invoice.expired", "webhook.test")
USER_AGENT = "Krypton-Webhooks/1"
FIRST_RETRY_S = 30  # then doubling: 30 s, 1 min, 2 min, ... capped at MAX_RETRY_S
MAX_RETRY_S = 3600
GIVE_UP_AFTER = timedelta(hours=24)
BATCH = 50  # events claimed per round by one worker
RESPONSE_LIMIT = 64 * 1024  # bytes of a merchant's response read at most
# Secrets in a merchant's response: enough for licence keys, small enough for a page and a column.
MAX_SECRETS, MAX_SECRET_CHARS, MAX_SECRETS_BYTES = 10, 1000, 8 * 1024


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


def check_webhook_url(url: str | None, *, settings: Settings) -> str | None:
    """The URL to store (stripped), None when empty; refuses non-http(s) URLs and, unless settings
    allow them, hosts that resolve to private, loopback, link-local or reserved addresses."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > 2000 or parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookUrlRefused(code="webhook_url_invalid")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        raise WebhookUrlRefused(code="webhook_url_invalid") from error
    if not settings.webhooks_may_reach_private:
        public_addresses(parts.hostname)
    return url


def public_addresses(host: str) -> list[str]:
    """Every address `host` resolves to, refusing the lot if any is not globally routable (a host
    with one public and one private address could still be steered to the private one)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise WebhookUrlRefused(code="webhook_url_invalid") from error
    addresses = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            raise WebhookUrlRefused(code="webhook_url_private")
        addresses.append(str(ip))
    if not addresses:
        raise WebhookUrlRefused(code="webhook_url_invalid")
    return addresses


def enqueue_event(
    session: Session,
    *,
    merchant_id: int,
    invoice_id: int,
    payment_id: int | None,
    type: str,
    data: dict,
    url: str | None,
    is_test: bool,
    now: datetime | None = None,
) -> str | None:
    """Write the outbox row in the caller's transaction, so the event exists iff the change does.
    Returns the event id (Krypton-Event-Id), or None when the invoice has no webhook URL."""
    if type not in EVENT_TYPES:  # merchants dispatch on it: no event type they were not told about
        raise ValueError(f"unknown webhook event type {type!r}")
    if not url:
        return None
    now = now or datetime.now(UTC)
    event_id = "evt_" + secrets.token_hex(12)
    payload = {"id": event_id, "type": type, "created": int(now.timestamp()), "test": is_test, "data": data}
    session.add(
        WebhookEvent(
            event_id=event_id,
            merchant_id=merchant_id,
            invoice_id=invoice_id,
            payment_id=payment_id,
            type=type,
            url=url,
            body=json.dumps(payload, separators=(",", ":"), ensure_ascii=False),
            is_test=is_test,
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


def webhook_secret(uow: UnitOfWork, merchant_id: int, *, settings: Settings) -> str:
    """The merchant's signing secret, created on first use; stored sealed."""
    with uow.read() as session:
        row = session.get(WebhookSecret, merchant_id)
    if row is not None:
        return str(unseal(settings, row.secret_encrypted))
    secret = _new_secret()
    try:
        with uow.transaction() as session:
            session.add(WebhookSecret(user_id=merchant_id, secret_encrypted=seal(settings, secret)))
    except IntegrityError:  # another request created it first: everybody uses that one
        return webhook_secret(uow, merchant_id, settings=settings)
    return secret


def rotate_webhook_secret(uow: UnitOfWork, merchant_id: int, *, settings: Settings) -> str:
    """Replace the signing secret; deliveries from now on are signed with the new one."""
    secret = _new_secret()
    with uow.transaction() as session:
        row = session.get(WebhookSecret, merchant_id, with_for_update=True)
        if row is None:
            session.add(WebhookSecret(user_id=merchant_id, secret_encrypted=seal(settings, secret)))
        else:
            row.secret_encrypted = seal(settings, secret)
            row.created_at = datetime.now(UTC)
    return secret


def retry_delay(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed attempt."""
    return timedelta(seconds=min(FIRST_RETRY_S * 2 ** (attempts - 1), MAX_RETRY_S))


@dataclass(frozen=True)
class _Claim:
    id: int
    event_id: str
    merchant_id: int
    payment_id: int | None
    type: str
    url: str
    body: str
    attempt: int
    created_at: datetime


def _claim_due(uow: UnitOfWork, *, now: datetime, lease: timedelta) -> list[_Claim]:
    """Take due events and push their next attempt past the lease in one short transaction, so a
    concurrent worker skips them (PostgreSQL: SKIP LOCKED; SQLite: one writer at a time) and the
    HTTP calls happen with no transaction open. A worker that dies mid-call leaves them due again."""
    with uow.transaction() as session:
        query = (
            select(WebhookEvent)
            .where(WebhookEvent.status == "pending", col(WebhookEvent.next_attempt_at) <= now)
            .order_by(col(WebhookEvent.next_attempt_at), col(WebhookEvent.id))
            .limit(BATCH)
        )
        if uow.is_postgres:
            query = query.with_for_update(skip_locked=True)
        claims = []
        for event in session.exec(query).all():
            event.attempts += 1
            event.next_attempt_at = now + lease
            claims.append(
                _Claim(
                    event.id,
                    event.event_id,
                    event.merchant_id,
                    event.payment_id,
                    event.type,
                    event.url,
                    event.body,
                    event.attempts,
                    _as_utc(event.created_at),
                )
            )
        return claims


@dataclass(frozen=True)
class _Outcome:
    headers: dict[str, str]
    status_code: int | None = None
    response_ms: int | None = None
    excerpt: str | None = None
    error: str | None = None
    secrets: list[str] | None = None


async def _post(
    claim: _Claim, secret: str, *, settings: Settings, client: httpx.AsyncClient, now: datetime
) -> _Outcome:
    body = claim.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Krypton-Event-Id": claim.event_id,
        "Krypton-Event-Type": claim.type,
        "Krypton-Signature": sign(secret, int(now.timestamp()), body),
    }
    url, extensions, host_header = claim.url, {}, {}
    if not settings.webhooks_may_reach_private:
        # Checked again now, and the request goes to the very address checked: a DNS answer that
        # changed since (rebinding) cannot point the call at the internal network.
        parts = urlsplit(claim.url)
        try:
            address = (await asyncio.to_thread(public_addresses, parts.hostname or ""))[0]
        except WebhookUrlRefused as refused:
            return _Outcome(headers, error=refused.code)
        ip_host = f"[{address}]" if ":" in address else address
        url = parts._replace(netloc=f"{ip_host}:{parts.port}" if parts.port else ip_host).geturl()
        host_header = {"Host": parts.netloc.rpartition("@")[2]}
        if parts.scheme == "https":
            extensions = {"sni_hostname": parts.hostname}
    started = time.perf_counter()
    try:
        request = client.build_request(
            "POST",
            url,
            content=body,
            headers=headers | host_header,
            timeout=settings.webhook_timeout_s,
            extensions=extensions,
        )
        response = await client.send(request, stream=True)  # redirects are not followed
        try:
            raw = b""
            async for chunk in response.aiter_bytes():
                raw += chunk
                if len(raw) >= RESPONSE_LIMIT:
                    break
        finally:
            await response.aclose()
    except httpx.HTTPError as error:
        elapsed = int((time.perf_counter() - started) * 1000)
        return _Outcome(headers, response_ms=elapsed, error=f"{type(error).__name__}: {error}"[:500])
    elapsed = int((time.perf_counter() - started) * 1000)
    text = raw[:RESPONSE_LIMIT].decode("utf-8", "replace")
    found, error = secrets_from_response(raw) if response.is_success and claim.payment_id else (None, None)
    return _Outcome(headers, response.status_code, elapsed, text[:1000], error=error, secrets=found)


def secrets_from_response(raw: bytes) -> tuple[list[str] | None, str | None]:
    """(secrets, error): the merchant's `{"secrets": [...]}` if present and within bounds."""
    try:
        document = json.loads(raw)
    except ValueError:
        return None, None  # any 2xx acknowledges; a body is optional
    if not isinstance(document, dict) or "secrets" not in document:
        return None, None
    found = document["secrets"]
    if (
        not isinstance(found, list)
        or not found
        or len(found) > MAX_SECRETS
        or not all(isinstance(item, str) and 0 < len(item) <= MAX_SECRET_CHARS for item in found)
        or len(json.dumps(found, ensure_ascii=False).encode()) > MAX_SECRETS_BYTES
    ):
        return None, "secrets_refused: a list of 1-10 non-empty strings, each up to 1000 characters, 8 KB in all"
    return found, None


def _record(uow: UnitOfWork, claim: _Claim, outcome: _Outcome, *, settings: Settings, now: datetime) -> str:
    delivered = outcome.status_code is not None and 200 <= outcome.status_code < 300
    with uow.transaction() as session:
        session.add(
            WebhookDelivery(
                event_id=claim.id,
                attempt=claim.attempt,
                request_headers=json.dumps(outcome.headers),
                status_code=outcome.status_code,
                response_ms=outcome.response_ms,
                response_excerpt=outcome.excerpt,
                error=outcome.error,
                created_at=now,
            )
        )
        if delivered:
            status, values = "delivered", {"delivered_at": now}
        elif now - claim.created_at >= GIVE_UP_AFTER:
            status, values = "failed", {}
        else:
            status, values = "pending", {"next_attempt_at": now + retry_delay(claim.attempt)}
        # Only the claim's own attempt may settle the event (a redelivery may have re-armed it since).
        session.execute(
            update(WebhookEvent)
            .where(col(WebhookEvent.id) == claim.id, col(WebhookEvent.attempts) == claim.attempt)
            .values(status=status, **values)
        )
        if delivered and outcome.secrets:
            # The first secrets delivered stay: a redelivery never replaces what the payer was shown.
            session.execute(
                update(InvoicePayment)
                .where(col(InvoicePayment.id) == claim.payment_id, col(InvoicePayment.secrets_encrypted).is_(None))
                .values(secrets_encrypted=seal(settings, outcome.secrets), secrets_delivered_at=now)
            )
    return status


async def deliver_due(uow: UnitOfWork, *, settings: Settings, client: httpx.AsyncClient, now: datetime) -> int:
    """One round: claim the due events, post each signed body, log every attempt. Returns the number
    of events delivered."""
    lease = timedelta(seconds=settings.webhook_timeout_s + 60)
    claims = await asyncio.to_thread(_claim_due, uow, now=now, lease=lease)
    if not claims:
        return 0
    merchant_secrets = {
        merchant_id: await asyncio.to_thread(webhook_secret, uow, merchant_id, settings=settings)
        for merchant_id in {claim.merchant_id for claim in claims}
    }

    async def one(claim: _Claim) -> str:
        outcome = await _post(claim, merchant_secrets[claim.merchant_id], settings=settings, client=client, now=now)
        return await asyncio.to_thread(_record, uow, claim, outcome, settings=settings, now=now)

    results = await asyncio.gather(*(one(claim) for claim in claims))
    return sum(1 for status in results if status == "delivered")


async def run_webhook_worker(
    uow: UnitOfWork,
    *,
    settings: Settings,
    stop: asyncio.Event,
    poll_s: float = 2.0,
    client: httpx.AsyncClient | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Delivery rounds until `stop`. Safe in every app worker at once: events are claimed, not led."""
    own_client = client is None
    client = client or httpx.AsyncClient(follow_redirects=False)
    try:
        while not stop.is_set():
            try:
                await deliver_due(uow, settings=settings, client=client, now=clock())
            except Exception:  # a failed round is retried; its state is in the database
                log.exception("webhook delivery round failed")
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_s)
    finally:
        if own_client:
            await client.aclose()


def _merchant_invoice(session: Session, merchant_id: int, number: str) -> Invoice:
    invoice = session.exec(select(Invoice).where(Invoice.number == normalise_number(number))).first()
    if invoice is None or invoice.merchant_id != merchant_id:
        raise NotFound()
    return invoice


def redeliver(uow: UnitOfWork, merchant_id: int, event_row_id: int, *, now: datetime) -> str:
    """Queue one more attempt of an event now (whatever its status); returns its event id.
    The body and event id stay the same, so the merchant can deduplicate."""
    with uow.transaction() as session:
        event = session.get(WebhookEvent, event_row_id, with_for_update=True)
        if event is None:
            raise NotFound()
        if event.merchant_id != merchant_id:
            raise Forbidden()
        event.status = "pending"
        event.next_attempt_at = now
        return event.event_id


def send_test_event(uow: UnitOfWork, merchant_id: int, number: str, *, settings: Settings, now: datetime) -> str:
    """Queue a `webhook.test` event to the invoice's webhook URL; returns its event id."""
    with uow.transaction() as session:
        invoice = _merchant_invoice(session, merchant_id, number)
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
            is_test=True,
            now=now,
        )
        assert event_id is not None
        return event_id


def list_deliveries(uow: UnitOfWork, merchant_id: int, number: str) -> list[DeliveryView]:
    """The invoice's events, newest first, each with its attempts (the delivery log)."""
    with uow.read() as session:
        invoice = _merchant_invoice(session, merchant_id, number)
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
                        _as_utc(row.created_at),
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
                created_at=_as_utc(event.created_at),
                next_attempt_at=_as_utc(event.next_attempt_at) if event.status == "pending" else None,
                delivered_at=_as_utc(event.delivered_at) if event.delivered_at else None,
                attempts_log=tuple(attempts.get(event.id, ())),
            )
            for event in events
        ]
