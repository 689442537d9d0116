"""The session cookie's two routes: the browser's half of login and logout (rules in services/auth.py).

Reflex writes its cookies from page scripts, so a cookie it sets can never be HttpOnly. These routes set
and clear the session cookie in HTTP responses instead, where the server decides its flags.

GET /auth/session?token=…   Anyone may call it; the token is a one-time login token that the login
    handler issued after verifying a ton_proof (single use, LOGIN_TOKEN_TTL_S), and it counts only
    together with its binding cookie, which the page that logged in wrote just before coming here (so a
    token planted in someone else's browser, a login CSRF, is refused). It becomes a new
    session: the cookie is HttpOnly (page scripts never see it), SameSite=Lax, Secure when the app's
    URL is https, and the browser goes on (303) to the page the login was for. An unknown, used or
    expired token lands on the landing page with a message and changes nothing. Tokens are 256 random
    bits, so guessing needs no rate limit; each call is one indexed UPDATE.
POST /auth/logout   From the app's own pages only (a cross-site Origin or Sec-Fetch-Site is refused
    with 403, so another site cannot log anyone out): revokes the session in the cookie, if any, and
    expires the cookie. 204.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from krypton_app import routes as app_routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import LoginLinkInvalid
from krypton_app.services.auth import LOGIN_BINDING_COOKIE, SESSION_COOKIE, exchange_login_token, revoke_session
from krypton_app.settings import Settings

# The token is in the URL for one hop: keep it out of caches and out of the next page's Referer.
_NO_TRACE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def cookie_is_secure(settings: Settings) -> bool:
    return urlsplit(settings.app_url).scheme == "https"


async def start_session(request: Request) -> Response:
    deps = app_deps()
    settings = deps.settings
    try:
        started = await run_in_threadpool(
            exchange_login_token,
            deps.uow,
            request.query_params.get("token"),
            request.cookies.get(LOGIN_BINDING_COOKIE),
        )
    except LoginLinkInvalid:
        response = RedirectResponse(
            f"{app_routes.LANDING}?{app_routes.LOGIN_LINK_INVALID_QUERY}", status_code=303, headers=_NO_TRACE
        )
        _forget_binding(response, settings)
        return response
    response = RedirectResponse(started.next_path, status_code=303, headers=_NO_TRACE)
    _forget_binding(response, settings)
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


def _forget_binding(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        LOGIN_BINDING_COOKIE, path=app_routes.SESSION_START, secure=cookie_is_secure(settings), samesite="strict"
    )


async def end_session(request: Request) -> Response:
    deps = app_deps()
    settings = deps.settings
    if not from_own_page(request, settings):
        return PlainTextResponse("cross-site request refused", status_code=403, headers={"Cache-Control": "no-store"})
    await run_in_threadpool(revoke_session, deps.uow, request.cookies.get(SESSION_COOKIE))
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(SESSION_COOKIE, path="/", secure=cookie_is_secure(settings), httponly=True, samesite="lax")
    return response


def from_own_page(request: Request, settings: Settings) -> bool:
    """A browser names where a POST comes from; only this site's pages may end a session. A client
    that sends neither header is not a browser, so it cannot be the vehicle of a cross-site request."""
    if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    netloc = urlsplit(origin).netloc  # "" for an opaque origin ("null"): never ours
    return bool(netloc) and netloc in {request.headers.get("host"), urlsplit(settings.app_url).netloc}


def routes() -> list[Route]:
    return [
        Route(app_routes.SESSION_START, start_session, methods=["GET"]),
        Route(app_routes.SESSION_END, end_session, methods=["POST"]),
    ]
