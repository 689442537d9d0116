"""Merchant webhooks (SPEC F11): an outbox written in the caller's transaction, signed delivery with
retries, a delivery log, redelivery, test events, and secrets returned by the merchant.

Signature scheme (documented in the README): header `Krypton-Signature: t=<unix>,v1=<hex>` where
hex = HMAC-SHA256(key=secret, msg=f"{t}.".encode() + raw_body), over the exact body bytes sent.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlmodel import Session

from krypton_app.domain.errors import WebhookUrlRefused
from krypton_app.models.merchant import WebhookEvent
from krypton_app.settings import Settings

EVENT_TYPES = ("invoice.payment_completed", "invoice.closed", "invoice.expired", "webhook.test")


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
    Several v1 values are accepted so that a secret rotation can sign with both keys."""
    if not header:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates or abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).rpartition("v1=")[2]
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
