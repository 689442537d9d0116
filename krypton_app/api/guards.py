"""ASGI wrappers around the whole app (Reflex applies them through `api_transformer`): the checks that must run
before Reflex's own routes see a request.

- `upload_guard`: Reflex mounts `POST /_upload` for the chat's image upload and parses the whole multipart
  body (to temporary files, without a limit) before any handler runs, and serves the upload folder at
  `GET /_upload/<path>` to anyone. The guard refuses an upload without a valid session before reading a
  byte of its body, refuses a body over `MAX_UPLOAD_BODY` with 413 as soon as its declared length or the
  bytes received so far pass it, and answers 404 for the folder (chat images are served by
  `/files/chat/<id>`, which checks who asks).
- `deny_framing`: no page or route but the invoice and ad widgets may be framed (`frame-ancestors 'none'` and
  `X-Frame-Options: DENY`); the widgets' own policy comes from `api.widget.widget_csp`.
"""

from __future__ import annotations

from reflex_base.config import get_config
from reflex_base.constants import Endpoint
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect, HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from krypton_app.bootstrap import app_deps
from krypton_app.routes import WIDGET_AD_PREFIX, WIDGET_PREFIX
from krypton_app.services.auth import SESSION_COOKIE, read_session
from krypton_app.services.chat import IMAGE_MAX_BYTES

# One chat image plus the multipart framing around it (boundaries, part headers with the file name, the
# handler's argument field). Reflex's handler reads the file; services/chat refuses one over the limit
# with its own message, so only bodies that cannot hold a valid image stop here.
MAX_UPLOAD_BODY = IMAGE_MAX_BYTES + 64 * 1024

FRAME_POLICY = "frame-ancestors 'none'"


def has_valid_session(conn: HTTPConnection) -> bool:
    """Does this request carry a live session? The one question the guards ask (blocking: it reads the
    session table, as `api/files.py` does; a revoked or expired session is refused)."""
    deps = app_deps()
    token = conn.cookies.get(SESSION_COOKIE)
    return read_session(deps.uow, token, max_age_s=deps.settings.session_max_age_s) is not None


def upload_path() -> str:
    """Where Reflex mounts its upload endpoint (after the configured backend path, if any)."""
    return get_config().prepend_backend_path(str(Endpoint.UPLOAD))


def upload_guard(app: ASGIApp, *, path: str | None = None, limit: int = MAX_UPLOAD_BODY) -> ASGIApp:
    mount = path or upload_path()

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        request_path = scope.get("path", "") if scope["type"] == "http" else ""
        if request_path != mount and not request_path.startswith(mount + "/"):
            await app(scope, receive, send)
            return
        if request_path != mount or scope["method"] != "POST":
            # Reflex's static view of the upload folder: nothing of ours is meant to be served there.
            await _refuse(send, 404, "Not Found")
            return
        if not await run_in_threadpool(has_valid_session, HTTPConnection(scope)):
            await _refuse(send, 401, "Sign in to upload")
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await _refuse(send, 400, "Bad Content-Length")
                return
            if int(declared) > limit:
                await _refuse(send, 413, "Payload Too Large")
                return
        await _capped(app, scope, receive, send, limit)

    return wrapped


async def _capped(app: ASGIApp, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """Run the app with a body that ends (413 to the client, a disconnect to the app) past `limit` bytes;
    counts what arrives, so a chunked body without a length is stopped too."""
    received = 0
    refused = False
    started = False

    async def counted_receive() -> Message:
        nonlocal received, refused
        if refused:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                refused = True
                if not started:
                    await _refuse(send, 413, "Payload Too Large")
                # Starlette reads this as the client going away: the parser stops and drops its files.
                return {"type": "http.disconnect"}
        return message

    async def guarded_send(message: Message) -> None:
        nonlocal started
        if refused:
            return  # we answered already
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await app(scope, counted_receive, guarded_send)
    except ClientDisconnect:
        if not refused:
            raise
        # The app's reader gave up on the body we cut off: the expected end of a refused upload.


async def _refuse(send: Send, status: int, text: str) -> None:
    # The body was not read (or not all of it): the server must close the connection after answering.
    response = PlainTextResponse(text, status_code=status, headers={"Connection": "close", "Cache-Control": "no-store"})
    await response({"type": "http"}, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def deny_framing(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith((WIDGET_PREFIX, WIDGET_AD_PREFIX)):
            await app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Frame-Options"] = "DENY"
                policy = headers.get("content-security-policy")
                if policy is None:
                    headers["Content-Security-Policy"] = FRAME_POLICY
                elif "frame-ancestors" not in policy:
                    # frame-ancestors is not covered by default-src: a route's own policy gets it added.
                    headers["Content-Security-Policy"] = f"{policy.rstrip('; ')}; {FRAME_POLICY}"
            await send(message)

        await app(scope, receive, send_with_policy)

    return wrapped
