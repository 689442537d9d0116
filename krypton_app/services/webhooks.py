"""Merchant webhooks (SPEC F11): an outbox written in the caller's transaction, signed delivery with
retries, a delivery log, redelivery, test events, and secrets returned by the merchant.

Signature scheme (documented in the README): header `Krypton-Signature: t=<unix>,v1=<hex>` where
hex = HMAC-SHA256(key=secret, msg=f"{t}.".encode() + raw_body), over the exact body bytes sent.
Each merchant has two secrets: one signs the events of live invoices, the other those of test
(sandbox) invoices, so an endpoint that checks the live secret can never be fed a sandbox event.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import re
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
import idna
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import Forbidden, InvalidState, NotFound, WebhookUrlRefused
from krypton_app.domain.invoices import normalise_number
from krypton_app.models.common import as_utc, utcnow
from krypton_app.models.invoices import Invoice, InvoicePayment
from krypton_app.models.merchant import WebhookDelivery, WebhookEvent, WebhookSecret
from krypton_app.services.api_keys import hidden_from_key
from krypton_app.services.crypto import seal, unseal
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
    """The URL to store (stripped, an international host in its IDNA form), None when empty; refuses
    non-http(s) URLs and, unless settings allow them, hosts that resolve to any non-public address."""
    if url is None or not url.strip():
        return None
    url = ascii_url(url.strip())
    if len(url) > 2000:
        raise WebhookUrlRefused(code="webhook_url_invalid")
    if not settings.webhooks_may_reach_private:
        public_addresses(urlsplit(url).hostname or "")
    return url


_HOST_NAME = re.compile(r"[a-z0-9_.-]+")


def ascii_url(url: str) -> str:
    """`url` with its host in ASCII: a name with non-ASCII letters becomes its IDNA (punycode) form,
    so the stored URL is what DNS, TLS and the Host header use. Refuses what is not an http(s) URL
    with a valid host and port."""
    try:
        parts = urlsplit(url)  # raises ValueError on an unbalanced [IPv6 literal
        host, port = parts.hostname, parts.port  # .port raises ValueError on a bad port
    except ValueError as error:
        raise WebhookUrlRefused(code="webhook_url_invalid") from error
    if parts.scheme not in ("http", "https") or not host:
        raise WebhookUrlRefused(code="webhook_url_invalid")
    if ":" in host:  # an IPv6 literal, without a zone (%eth0 names an interface of this machine)
        try:
            ipaddress.IPv6Address(host)
        except ValueError as error:
            raise WebhookUrlRefused(code="webhook_url_invalid") from error
        if "%" in host:
            raise WebhookUrlRefused(code="webhook_url_invalid")
        return url
    if host.isascii():
        if not _HOST_NAME.fullmatch(host):
            raise WebhookUrlRefused(code="webhook_url_invalid")
        return url
    try:
        encoded = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise WebhookUrlRefused(code="webhook_url_invalid") from error
    userinfo, at, _ = parts.netloc.rpartition("@")
    netloc = f"{userinfo}{at}{encoded}" + (f":{port}" if port is not None else "")
    return parts._replace(netloc=netloc).geturl()


def _networks(*cidrs: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


# Written out rather than left to `is_global`, whose tables differ between Python releases (3.11's
# calls NAT64 and IPv4-compatible addresses global).
_NOT_PUBLIC_V4 = _networks(
    "0.0.0.0/8",  # this network
    "10.0.0.0/8",
    "100.64.0.0/10",  # carrier-grade NAT
    "127.0.0.0/8",
    "169.254.0.0/16",  # link-local, cloud metadata
    "172.16.0.0/12",
    "192.0.0.0/24",  # IETF protocol assignments
    "192.0.2.0/24",  # documentation
    "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
    "192.168.0.0/16",
    "198.18.0.0/15",  # benchmarking
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, broadcast
)
_NOT_PUBLIC_V6 = _networks(
    "::/96",  # unspecified, loopback, IPv4-compatible (deprecated)
    "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
    "64:ff9b:1::/48",  # local-use NAT64
    "100::/64",  # discard-only
    "2001::/23",  # IETF protocol assignments, Teredo (2001::/32) among them
    "2001:db8::/32",  # documentation
    "3fff::/20",  # documentation
    "5f00::/16",  # segment routing
    "fc00::/7",  # unique local
    "fe80::/10",  # link-local
    "fec0::/10",  # site-local (deprecated, still routed inside some networks)
    "ff00::/8",  # multicast
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries to: IPv4-mapped, NAT64 (well-known prefix) or 6to4."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a webhook may go to `ip`: globally routable unicast, judged by the IPv4 address an
    IPv6 form carries when it carries one."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            return is_public(inner)
        if ip.scope_id is not None or any(ip in network for network in _NOT_PUBLIC_V6):
            return False
    elif any(ip in network for network in _NOT_PUBLIC_V4):
        return False
    return ip.is_global and not ip.is_multicast


def public_addresses(host: str) -> list[str]:
    """Every address `host` resolves to, refusing the lot if any is not public (a host with one public
    and one private address could still be steered to the private one)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise WebhookUrlRefused(code="webhook_url_invalid") from error
    addresses = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not is_public(ip):
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
    now = now or utcnow()
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
    is_test: bool  # which of the merchant's secrets signs it


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
                    as_utc(event.created_at),
                    event.is_test,
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
        "Krypton-Signature": sign(secret, int(now.timestamp()), body),
    }
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
                delivered_at=as_utc(event.delivered_at) if event.delivered_at else None,
                attempts_log=tuple(attempts.get(event.id, ())),
            )
            for event in events
        ]
