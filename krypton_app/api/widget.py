"""Who may frame the widgets: `Content-Security-Policy: frame-ancestors` from the invoice's allowed origins
(the invoice widget) or from the ad owner's (the ad widget: services/ad_views.ad_frame_origins).

An ASGI wrapper (Reflex applies it through `api_transformer`) around the whole app, because the widget page
itself is a compiled frontend page served by Reflex's static mount: only a wrapper sees its response.
An invoice without allowed origins, a private one, or an unknown number gets `'none'`: not frameable; so
does an ad whose owner allowed no site, a closed ad, or an id that is not one.
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from krypton_app.bootstrap import AppDeps, app_deps
from krypton_app.domain.errors import KryptonError
from krypton_app.routes import WIDGET_AD_PREFIX, WIDGET_PREFIX
from krypton_app.services.ad_views import ad_frame_origins
from krypton_app.services.invoices import get_invoice

# An origin as a CSP source: scheme://host[:port]. Anything else could smuggle in another directive.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?$")


def _sources(origins: tuple[str, ...]) -> str:
    valid = [origin for origin in origins if _ORIGIN.match(origin)]
    return " ".join(valid) if valid else "'none'"


def frame_ancestors(deps: AppDeps, number: str) -> str:
    """The policy's source list for one invoice number (blocking: reads the database)."""
    try:
        invoice = get_invoice(deps.uow, None, number, settings=deps.settings)
    except KryptonError:
        return "'none'"
    return _sources(invoice.allowed_origins)


def ad_frame_ancestors(deps: AppDeps, ad_id: str) -> str:
    """The policy's source list for one ad's widget (blocking: reads the database)."""
    # ASCII digits that fit a database integer: anything else names no ad (and never reaches the query).
    if not (ad_id.isascii() and ad_id.isdigit() and len(ad_id) <= 18):
        return "'none'"
    return _sources(ad_frame_origins(deps.uow, int(ad_id)))


# Each widget's path prefix and how its policy is read from the rest of the path.
POLICIES = ((WIDGET_PREFIX, frame_ancestors), (WIDGET_AD_PREFIX, ad_frame_ancestors))


def widget_csp(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        policy = next(((prefix, read) for prefix, read in POLICIES if path.startswith(prefix)), None)
        if policy is None:
            await app(scope, receive, send)
            return
        prefix, read = policy
        key = path[len(prefix) :].strip("/").split("/", 1)[0]
        sources = await run_in_threadpool(read, app_deps(), key)

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # frame-ancestors supersedes it, and a stray DENY/SAMEORIGIN would block allowed shops.
                del headers["x-frame-options"]
                headers["Content-Security-Policy"] = f"frame-ancestors {sources}"
            await send(message)

        await app(scope, receive, send_with_policy)

    return wrapped
