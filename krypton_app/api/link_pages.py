"""Pages opened from a link (`/deals/12`, `/i/K7QX2M`, …) paint their layout at once.

Reflex's production build prerenders only the pages without a parameter; a page like `/deals/[deal_id]`
was served the empty SPA fallback, so the browser showed nothing until its scripts had loaded, matched
the route and rendered it (0.6–1 s here, seconds on a slow phone). Two halves fix that:

- `PrerenderLinkPages` (a Reflex plugin, rxconfig.py) also prerenders each such page once, at a
  placeholder path (`/deals/_`): its layout and its skeleton, drawn from the states' defaults, which is
  what the browser's first render draws too, whatever the parameter.
- `serve_link_pages` (an ASGI wrapper, krypton_app.py) answers `GET /deals/12` with that file. The
  browser's URL stays `/deals/12`; the page hydrates there and its on_load fills in the data.

Without a production build (`reflex run` in development) there is no such file and the wrapper passes
every request on untouched.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from reflex_base.plugins.base import Plugin
from starlette.types import ASGIApp, Receive, Scope, Send

from krypton_app import routes

PLACEHOLDER = "_"
# The pages people reach by a link; each has one parameter.
LINK_ROUTES = (
    routes.PAY_INVOICE,
    routes.DIRECT,
    routes.PAYMENT,
    routes.PAYMENT_CHAT,
    routes.INVOICE_DETAIL,
    routes.MARKET_AD,
    routes.MARKET_AD_EDIT,
    routes.DEAL_DETAIL,
    routes.PROMISE_REDEEM,
)
_PARAM = re.compile(r"\[[a-z_]+\]")


def placeholder_path(route: str) -> str:
    """`/deals/[deal_id]` -> `/deals/_`: where the build prerenders the page's shell."""
    return _PARAM.sub(PLACEHOLDER, route)


def _pattern(route: str) -> re.Pattern:
    parts = (r"[^/]+" if _PARAM.fullmatch(part) else re.escape(part) for part in route.split("/"))
    return re.compile("/".join(parts) + "/?")


_PATTERNS = tuple((_pattern(route), placeholder_path(route)) for route in LINK_ROUTES)


def shell_for(path: str) -> str | None:
    """The placeholder path whose prerendered file serves this request path, or None."""
    for pattern, placeholder in _PATTERNS:
        if pattern.fullmatch(path):
            return placeholder
    return None


class PrerenderLinkPages(Plugin):
    """Adds the placeholder paths to React Router's prerender list (Reflex writes `prerender: true`,
    which covers only the routes without a parameter). Development builds prerender nothing: untouched."""

    def pre_compile(self, **context) -> None:
        context["add_modify_task"]("react-router.config.js", _with_link_pages)


def _with_link_pages(config_js: str) -> str:
    if '"prerender": true' not in config_js:
        return config_js
    extra = ", ".join(f'"{placeholder_path(route)}"' for route in LINK_ROUTES)
    listing = f'"prerender": async ({{getStaticPaths}}) => [...getStaticPaths(), {extra}]'
    return config_js.replace('"prerender": true', listing)


@cache
def _built(static_dir: Path, placeholder: str) -> bool:
    return (static_dir / f"{placeholder.strip('/')}.html").exists()


def _static_dir() -> Path:
    # Imported here: reflex.utils pulls in much of Reflex, which the app module has loaded by then.
    from reflex.utils import prerequisites
    from reflex_base import constants

    return (prerequisites.get_web_dir() / constants.Dirs.STATIC).resolve()


def serve_link_pages(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = scope.get("path", "")
            placeholder = shell_for(path)
            if placeholder is not None and path.rstrip("/") != placeholder and _built(_static_dir(), placeholder):
                # The file itself: the folder of the same name would answer with a redirect to it.
                shell = f"{placeholder}.html"
                scope = {**scope, "path": shell, "raw_path": shell.encode()}
        await app(scope, receive, send)

    return wrapped
