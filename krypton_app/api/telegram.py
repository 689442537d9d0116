"""POST /auth/telegram: the Mini App's login. The page inside Telegram posts the `initData` that Telegram gave it;
the route verifies it (services/telegram_login.py) and answers with the session cookie, set HttpOnly as the
exchange route of api/auth.py sets it, so no one-time token travels through the page.

Who may call it: anyone, from the app's own pages only. A cross-site request is refused (403), as at logout:
otherwise another site could post ITS OWN valid initData from a victim's browser and sign the victim into the
attacker's account (login CSRF). The body must be JSON, which a cross-site form cannot send without a CORS
preflight that the app never grants.
Input: {"init_data": str, "next": str (optional local path)}; at most MAX_BODY bytes.
How often: RATE_MAX requests per RATE_WINDOW_S per client address in this process (429 beyond). A login
needs Telegram's signature, so the limit only caps the work (hashing, user rows) one client can cause.
Answers: 200 {"next": path} with the cookie; 400 {"error": code} for launch data that does not verify;
403 {"error": "telegram_login_off"} without a bot token.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from krypton_app import routes as app_routes
from krypton_app.api.auth import cookie_is_secure, from_own_page
from krypton_app.api.bodies import BodyTooLarge, read_body
from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import TelegramAuthError, TelegramLinkError, UserBlocked
from krypton_app.services.auth import SESSION_COOKIE, open_session
from krypton_app.services.telegram_login import login_with_telegram

MAX_BODY = 16 * 1024
RATE_MAX = 20
RATE_WINDOW_S = 60.0
_NO_STORE = {"Cache-Control": "no-store"}


class _Attempts:
    """Recent calls per client address, in this process: a sliding window."""

    def __init__(self) -> None:
        self._calls: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def allow(self, client: str, now: float) -> bool:
        with self._lock:
            calls = self._calls[client]
            while calls and calls[0] <= now - RATE_WINDOW_S:
                calls.popleft()
            if len(calls) >= RATE_MAX:
                return False
            calls.append(now)
            if len(self._calls) > 10_000:  # forget idle clients so the table cannot grow without bound
                for key in [k for k, v in self._calls.items() if not v or v[-1] <= now - RATE_WINDOW_S]:
                    del self._calls[key]
            return True


ATTEMPTS = _Attempts()


async def telegram_login(request: Request) -> Response:
    deps = app_deps()
    settings = deps.settings
    if not from_own_page(request, settings):
        return JSONResponse({"error": "cross_site"}, status_code=403, headers=_NO_STORE)
    client = request.client.host if request.client else "unknown"
    if not ATTEMPTS.allow(client, time.monotonic()):
        return JSONResponse({"error": "rate_limited"}, status_code=429, headers={**_NO_STORE, "Retry-After": "60"})
    body = await _json_body(request)
    if body is None:
        return JSONResponse({"error": "telegram_malformed"}, status_code=400, headers=_NO_STORE)
    try:
        user = await run_in_threadpool(
            login_with_telegram, deps.uow, body.get("init_data"), settings=settings, now=int(time.time())
        )
    except TelegramLinkError as error:
        status = 403 if error.code == "telegram_login_off" else 400
        return JSONResponse({"error": error.code}, status_code=status, headers=_NO_STORE)
    except TelegramAuthError as error:
        return JSONResponse({"error": error.code}, status_code=400, headers=_NO_STORE)
    except UserBlocked as error:
        return JSONResponse({"error": error.code}, status_code=403, headers=_NO_STORE)
    next_path = body.get("next") if isinstance(body.get("next"), str) else app_routes.WALLET
    started = await run_in_threadpool(open_session, deps.uow, user.id, next_path=next_path or app_routes.WALLET)
    response = JSONResponse({"next": started.next_path}, headers=_NO_STORE)
    response.set_cookie(
        SESSION_COOKIE,
        started.token,
        max_age=settings.session_max_age_s,
        path="/",
        secure=cookie_is_secure(settings),
        httponly=True,
        samesite="lax",
    )
    return response


async def _json_body(request: Request) -> dict | None:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return None
    try:
        raw = await read_body(request, MAX_BODY)
    except BodyTooLarge:
        return None
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: thousands of nested arrays fit in MAX_BODY
        return None
    return body if isinstance(body, dict) else None


def routes() -> list[Route]:
    return [Route(app_routes.TELEGRAM_LOGIN, telegram_login, methods=["POST"])]
