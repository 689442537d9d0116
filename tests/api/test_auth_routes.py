"""The session cookie's routes: GET /auth/session turns a one-time login token (with its browser's
binding cookie) into an HttpOnly, SameSite=Lax cookie (Secure on https) once; POST /auth/logout revokes
and expires it, from our pages only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rows import make_user
from starlette.testclient import TestClient

from krypton_app import bootstrap
from krypton_app.api.app import build_api
from krypton_app.models.common import utcnow
from krypton_app.services.auth import (
    LOGIN_BINDING_COOKIE,
    LOGIN_TOKEN_TTL_S,
    SESSION_COOKIE,
    LoginTicket,
    issue_login_token,
    read_session,
)
from krypton_app.settings import Settings

HTTP = Settings(KRYPTON_APP_URL="http://testserver")
HTTPS = Settings(KRYPTON_APP_URL="https://pay.example")


@pytest.fixture(autouse=True)
def _http_app():
    """The app's URL is the one TestClient calls (http); one test switches it to https."""
    with bootstrap.override(settings=HTTP):
        yield


def client() -> TestClient:
    return TestClient(build_api(), follow_redirects=False)


def no_session_cookie(response) -> bool:
    return not [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{SESSION_COOKIE}=")]


def session_cookie(response) -> dict[str, str | bool]:
    """The Set-Cookie of the session, as {attribute (lower case): value or True}."""
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{SESSION_COOKIE}=")]
    first, *attributes = [part.strip() for part in header.split(";")]
    cookie: dict[str, str | bool] = {"value": first.partition("=")[2]}
    for attribute in attributes:
        name, has_value, value = attribute.partition("=")
        cookie[name.lower()] = value if has_value else True
    return cookie


def live_user(uow, token) -> int | None:
    return read_session(uow, token, max_age_s=3600)


def exchange(c: TestClient, ticket: LoginTicket, binding: str | None = "own"):
    """The browser's visit to the exchange route, carrying the binding cookie the login page wrote."""
    binding = ticket.binding if binding == "own" else binding
    headers = {"Cookie": f"{LOGIN_BINDING_COOKIE}={binding}"} if binding is not None else {}
    return c.get(f"/auth/session?token={ticket.token}", headers=headers)


def test_the_exchange_sets_an_httponly_lax_cookie_and_goes_on(uow):
    alice = make_user(uow)
    ticket = issue_login_token(uow, alice, next_path="/pay/INV7?parts=1")
    response = exchange(client(), ticket)
    assert response.status_code == 303
    assert response.headers["location"] == "/pay/INV7?parts=1"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    cookie = session_cookie(response)
    assert cookie["httponly"] is True
    assert str(cookie["samesite"]).lower() == "lax"
    assert cookie["path"] == "/"
    assert int(cookie["max-age"]) == HTTP.session_max_age_s
    assert "secure" not in cookie  # http: a Secure cookie would never come back
    assert live_user(uow, cookie["value"]) == alice
    assert cookie["value"] not in (ticket.token, ticket.binding)
    # The binding has done its job: the browser is told to forget it.
    [forget] = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{LOGIN_BINDING_COOKIE}=")]
    assert "Max-Age=0" in forget and "Path=/auth/session" in forget


def test_the_cookie_is_secure_when_the_app_url_is_https(uow):
    ticket = issue_login_token(uow, make_user(uow), next_path="/wallet")
    with bootstrap.override(settings=HTTPS):
        cookie = session_cookie(exchange(client(), ticket))
    assert cookie["secure"] is True and cookie["httponly"] is True and str(cookie["samesite"]).lower() == "lax"


def test_a_login_token_cannot_be_used_twice(uow):
    ticket = issue_login_token(uow, make_user(uow), next_path="/wallet")
    c = client()
    assert exchange(c, ticket).status_code == 303
    again = exchange(c, ticket)
    assert again.status_code == 303
    assert again.headers["location"] == "/?login=invalid"
    assert no_session_cookie(again)


def test_an_expired_login_token_sets_no_cookie(uow):
    ticket = issue_login_token(
        uow, make_user(uow), next_path="/wallet", now=utcnow() - timedelta(seconds=LOGIN_TOKEN_TTL_S)
    )
    response = exchange(client(), ticket)
    assert response.headers["location"] == "/?login=invalid"
    assert no_session_cookie(response)


@pytest.mark.parametrize("binding", [None, "", "someone-elses"])
def test_a_login_token_without_its_browsers_binding_sets_no_cookie(uow, binding):
    """Login CSRF: an attacker's fresh token, planted in a victim's browser, comes without the binding."""
    ticket = issue_login_token(uow, make_user(uow), next_path="/wallet")
    response = exchange(client(), ticket, binding)
    assert response.headers["location"] == "/?login=invalid"
    assert no_session_cookie(response)


@pytest.mark.parametrize("query", ["", "?token=", "?token=forged", "?token=" + "a" * 3000, "?token=a&token=b"])
def test_no_token_or_a_forged_one_sets_no_cookie(uow, query):
    response = client().get(f"/auth/session{query}")
    assert response.status_code == 303 and response.headers["location"] == "/?login=invalid"
    assert no_session_cookie(response)


def login(uow, c: TestClient) -> str:
    return session_cookie(exchange(c, issue_login_token(uow, make_user(uow), next_path="/wallet")))["value"]


def test_logout_revokes_the_session_and_expires_the_cookie(uow):
    c = client()
    session = login(uow, c)
    response = c.post("/auth/logout", headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 204
    cookie = session_cookie(response)
    assert cookie["value"] in ("", '""') and int(cookie["max-age"]) == 0 and cookie["httponly"] is True
    assert live_user(uow, session) is None


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://sub.testserver"},
    ],
)
def test_another_site_cannot_log_anyone_out(uow, headers):
    c = client()
    session = login(uow, c)
    response = c.post("/auth/logout", headers=headers)
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    assert live_user(uow, session) is not None


def test_logout_is_post_only(uow):
    c = client()
    session = login(uow, c)
    assert c.get("/auth/logout").status_code == 405
    assert live_user(uow, session) is not None
