"""Who may frame the invoice widget: `Content-Security-Policy: frame-ancestors` from the invoice's allowed origins.

An ASGI wrapper (Reflex applies it through `api_transformer`) around the whole app, because the widget page
itself is a compiled frontend page served by Reflex's static mount: only a wrapper sees its response.
An invoice without allowed origins, a private one, or an unknown number gets `'none'`: not frameable.
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from krypton_app.bootstrap import AppDeps, app_deps
from krypton_app.domain.errors import KryptonError
from krypton_app.routes import WIDGET_PREFIX
from krypton_app.services.invoices import get_invoice

# An origin as a CSP source: scheme://host[:port]. Anything else could smuggle in another directive.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?$")


def frame_ancestors(deps: AppDeps, number: str) -> str:
    """The policy's source list for one invoice number (blocking: reads the database)."""
    try:
        invoice = get_invoice(deps.uow, None, number, settings=deps.settings)
    except KryptonError:
        return "'none'"
    origins = [origin for origin in invoice.allowed_origins if _ORIGIN.match(origin)]
    return " ".join(origins) if origins else "'none'"


def widget_csp(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(WIDGET_PREFIX):
            await app(scope, receive, send)
            return
        number = path[len(WIDGET_PREFIX) :].strip("/").split("/", 1)[0]
        sources = await run_in_threadpool(frame_ancestors, app_deps(), number)

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # frame-ancestors supersedes it, and a stray DENY/SAMEORIGIN would block allowed shops.
                del headers["x-frame-options"]
                headers["Content-Security-Policy"] = f"frame-ancestors {sources}"
            await send(message)

        await app(scope, receive, send_with_policy)

    return wrapped
