"""POST /auth/telegram: verified initData from the app's own page becomes an HttpOnly session cookie; a
cross-site post, a forged or stale launch, a non-JSON body and a server without a bot token set none; a
client posting too often is slowed down."""

from __future__ import annotations

import time

import pytest
from builders import TELEGRAM_BOT_TOKEN, make_user, telegram_init_data
from starlette.testclient import TestClient

from krypton_app import bootstrap
from krypton_app.api import telegram as telegram_route
from krypton_app.api.app import build_api
from krypton_app.services.auth import SESSION_COOKIE, read_session
from krypton_app.services.telegram_login import link_telegram
from krypton_app.settings import Settings

ON = Settings(KRYPTON_APP_URL="http://testserver", KRYPTON_TELEGRAM_BOT_TOKEN=TELEGRAM_BOT_TOKEN)
OFF = Settings(KRYPTON_APP_URL="http://testserver")
OWN_PAGE = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}


@pytest.fixture(autouse=True)
def _telegram_on():
    telegram_route.ATTEMPTS.clear()  # each test starts with a clean rate window
    with bootstrap.override(settings=ON):
        yield


def post(body, *, headers=OWN_PAGE, **kwargs):
    client = TestClient(build_api(), follow_redirects=False)
    return client.post("/auth/telegram", json=body, headers=headers, **kwargs)


def cookie_of(response) -> dict[str, str | bool]:
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{SESSION_COOKIE}=")]
    first, *attributes = [part.strip() for part in header.split(";")]
    parsed: dict[str, str | bool] = {"value": first.partition("=")[2]}
    for attribute in attributes:
        name, has_value, value = attribute.partition("=")
        parsed[name.lower()] = value if has_value else True
    return parsed


def no_cookie(response) -> bool:
    return not [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{SESSION_COOKIE}=")]


def test_a_verified_launch_sets_an_httponly_session_for_the_telegram_user(uow):
    response = post({"init_data": telegram_init_data(user_id=42), "next": "/pay/K7QX2M"})
    assert response.status_code == 200 and response.json() == {"next": "/pay/K7QX2M"}
    cookie = cookie_of(response)
    assert cookie["httponly"] is True and cookie["samesite"] == "lax" and cookie["path"] == "/"
    assert read_session(uow, cookie["value"], max_age_s=3600) is not None
    assert response.headers["cache-control"] == "no-store"


def test_a_linked_wallet_user_logs_in_as_themselves(uow):
    alice = make_user(uow)
    link_telegram(uow, alice, telegram_init_data(user_id=77), settings=ON, now=_now())
    response = post({"init_data": telegram_init_data(user_id=77)})
    assert read_session(uow, cookie_of(response)["value"], max_age_s=3600) == alice
    assert response.json() == {"next": "/wallet"}


def test_next_cannot_leave_the_site(uow):
    response = post({"init_data": telegram_init_data(), "next": "//evil.example/x"})
    assert response.json() == {"next": "/wallet"}


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "cross-site"},
        {"origin": "https://evil.example"},
        {"origin": "null"},
    ],
)
def test_another_site_cannot_sign_a_browser_in(uow, headers):
    response = post({"init_data": telegram_init_data()}, headers=headers)
    assert response.status_code == 403 and no_cookie(response)


def test_a_forged_or_stale_launch_sets_no_cookie(uow):
    forged = telegram_init_data("7000000009:AAFsomeOtherBotTokenValue_0123456789")
    stale = telegram_init_data(auth_date=_now() - ON.telegram_max_age_s - 10)
    for init_data, code in ((forged, "telegram_bad_hash"), (stale, "telegram_expired"), ("x", "telegram_malformed")):
        response = post({"init_data": init_data})
        assert (response.status_code, response.json(), no_cookie(response)) == (400, {"error": code}, True)


def test_only_a_json_object_is_read(uow):
    client = TestClient(build_api())
    form = client.post("/auth/telegram", data={"init_data": telegram_init_data()}, headers=OWN_PAGE)
    assert form.status_code == 400 and no_cookie(form)
    assert post(["not", "an", "object"]).status_code == 400
    assert post({"init_data": "a=" + "x" * telegram_route.MAX_BODY}).status_code == 400
    nested = TestClient(build_api()).post(
        "/auth/telegram", content=b"[" * 10_000, headers={**OWN_PAGE, "content-type": "application/json"}
    )
    assert nested.status_code == 400  # deeper than the JSON parser recurses: refused, not a server error


def test_without_a_bot_token_the_login_is_off(uow):
    with bootstrap.override(settings=OFF):
        response = post({"init_data": telegram_init_data()})
    assert (response.status_code, response.json()) == (403, {"error": "telegram_login_off"}) and no_cookie(response)


def test_a_client_posting_too_often_waits(uow):
    for _ in range(telegram_route.RATE_MAX):
        assert post({"init_data": "x"}).status_code == 400
    limited = post({"init_data": telegram_init_data()})
    assert limited.status_code == 429 and limited.headers["retry-after"] == "60" and no_cookie(limited)


def _now() -> int:
    return int(time.time())
