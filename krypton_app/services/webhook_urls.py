"""Where a merchant's webhook may go: an http(s) URL whose host, in its ASCII (IDNA) form, resolves only
to public addresses. Checked when an invoice stores the URL and again before every delivery (a DNS
answer may change in between), unless settings allow private addresses (development, tests).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

import idna

from krypton_app.domain.errors import WebhookUrlRefused
from krypton_app.settings import Settings


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
