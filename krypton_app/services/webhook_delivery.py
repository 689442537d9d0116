"""Webhook delivery (SPEC F11): one round claims the due events, posts each signed body to the address
checked just before, logs every attempt, and retries with backoff until GIVE_UP_AFTER. The events are
written by services/webhooks.py (the outbox); workers/webhook_delivery.py runs the rounds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import update
from sqlmodel import col, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import WebhookUrlRefused
from krypton_app.models.common import as_utc
from krypton_app.models.invoices import InvoicePayment
from krypton_app.models.merchant import WebhookDelivery, WebhookEvent
from krypton_app.services.crypto import seal
from krypton_app.services.webhook_urls import ascii_url, public_addresses
from krypton_app.services.webhooks import COMPAT_FLAVOURS, sign, webhook_secret
from krypton_app.settings import Settings
from krypton_app.wakeups import announce, invoice_pages

log = logging.getLogger(__name__)

USER_AGENT = "Krypton-Webhooks/1"
FIRST_RETRY_S = 30  # then doubling: 30 s, 1 min, 2 min, ... capped at MAX_RETRY_S
MAX_RETRY_S = 3600
GIVE_UP_AFTER = timedelta(hours=24)
BATCH = 50  # events claimed per round by one worker
RESPONSE_LIMIT = 64 * 1024  # bytes of a merchant's response read at most
# Secrets in a merchant's response: enough for licence keys, small enough for a page and a column.
MAX_SECRETS, MAX_SECRET_CHARS, MAX_SECRETS_BYTES = 10, 1000, 8 * 1024


def retry_delay(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed attempt."""
    return timedelta(seconds=min(FIRST_RETRY_S * 2 ** (attempts - 1), MAX_RETRY_S))


@dataclass(frozen=True)
class _Claim:
    id: int
    event_id: str
    merchant_id: int
    invoice_id: int | None
    payment_id: int | None
    type: str
    url: str
    body: str
    attempt: int
    created_at: datetime
    is_test: bool  # which of the merchant's secrets signs it
    flavour: str  # krypton: signed now with that secret; a compatibility API's: signed with its body
    signature: str | None


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
                    event.invoice_id,
                    event.payment_id,
                    event.type,
                    event.url,
                    event.body,
                    event.attempts,
                    as_utc(event.created_at),
                    event.is_test,
                    event.flavour,
                    event.signature,
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


def _storable(text: str) -> str:
    # PostgreSQL text cannot hold NUL: a merchant's answer or an error message must still be logged.
    return text.replace("\x00", "\ufffd")


def failure_reason(error: BaseException) -> str:
    """What the delivery log says about an attempt that raised: the exception's type and message."""
    return _storable(f"{type(error).__name__}: {error}")[:500]


async def _post(
    claim: _Claim, secret: str, *, settings: Settings, client: httpx.AsyncClient, now: datetime
) -> _Outcome:
    body = claim.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Krypton-Event-Id": claim.event_id,
        "Krypton-Event-Type": claim.type,
    }
    if claim.flavour == "krypton":
        headers["Krypton-Signature"] = sign(secret, int(now.timestamp()), body)
    elif (header := COMPAT_FLAVOURS[claim.flavour]) and claim.signature:
        # Lower case, as sent by Crypto Pay: aiosend's receiver looks the header up by exact spelling.
        headers[header] = claim.signature
    try:
        url, extensions, host_header = ascii_url(claim.url), {}, {}  # rows stored before hosts were encoded
    except WebhookUrlRefused as refused:
        return _Outcome(headers, error=refused.code)
    if not settings.webhooks_may_reach_private:
        # Checked again now, and the request goes to the very address checked: a DNS answer that
        # changed since (rebinding) cannot point the call at the internal network.
        parts = urlsplit(url)
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
        return _Outcome(headers, response_ms=elapsed, error=failure_reason(error))
    elapsed = int((time.perf_counter() - started) * 1000)
    text = _storable(raw[:RESPONSE_LIMIT].decode("utf-8", "replace"))
    found, error = secrets_from_response(raw) if response.is_success and claim.payment_id else (None, None)
    return _Outcome(headers, response.status_code, elapsed, text[:1000], error=error, secrets=found)


def secrets_from_response(raw: bytes) -> tuple[list[str] | None, str | None]:
    """(secrets, error): the merchant's `{"secrets": [...]}` if present and within bounds."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to be a list of secrets
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
        # The invoice's page shows the attempt; the payer's page, the secrets.
        announce(session, *invoice_pages(claim.invoice_id, claim.payment_id))
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
    of events delivered. Whatever goes wrong with one event (its secret, its URL, the HTTP client) is
    logged as that event's failed attempt, retried with backoff and given up after GIVE_UP_AFTER: it
    never stops the round or the events beside it."""
    lease = timedelta(seconds=settings.webhook_timeout_s + 60)
    claims = await asyncio.to_thread(_claim_due, uow, now=now, lease=lease)
    if not claims:
        return 0
    signing: dict[tuple[int, bool], str | Exception] = {}  # per merchant and mode (live / test)
    for merchant_id, is_test in {(claim.merchant_id, claim.is_test) for claim in claims}:
        try:
            signing[merchant_id, is_test] = await asyncio.to_thread(
                webhook_secret, uow, merchant_id, is_test=is_test, settings=settings
            )
        except Exception as error:  # logged here, and on each of its events as their failed attempt
            log.exception("webhook secret of merchant %d (test=%s) unavailable", merchant_id, is_test)
            signing[merchant_id, is_test] = error

    async def one(claim: _Claim) -> str:
        secret = signing[claim.merchant_id, claim.is_test]
        if isinstance(secret, Exception):
            outcome = _Outcome({}, error=failure_reason(secret))
        else:
            try:
                outcome = await _post(claim, secret, settings=settings, client=client, now=now)
            except Exception as error:
                log.exception("webhook %s: attempt %d failed unexpectedly", claim.event_id, claim.attempt)
                outcome = _Outcome({}, error=failure_reason(error))
        try:
            return await asyncio.to_thread(_record, uow, claim, outcome, settings=settings, now=now)
        except Exception as error:
            # E.g. a value the database refuses: the attempt is still logged, as failed, with the reason.
            log.exception("webhook %s: attempt %d could not be recorded", claim.event_id, claim.attempt)
            failed = _Outcome(outcome.headers, error=failure_reason(error))
            return await asyncio.to_thread(_record, uow, claim, failed, settings=settings, now=now)

    results = await asyncio.gather(*(one(claim) for claim in claims), return_exceptions=True)
    for claim, result in zip(claims, results, strict=True):
        if isinstance(result, BaseException):  # not even the failure could be written: due again after the lease
            log.error("webhook %s: attempt %d lost", claim.event_id, claim.attempt, exc_info=result)
    return sum(1 for status in results if status == "delivered")
