"""Server-side sessions on SQLite and PostgreSQL: a one-time login token becomes a session; a session
reads as its user until it expires or is revoked (logout, "log out everywhere"); only hashes are stored."""

from __future__ import annotations

import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from builders import make_session, make_user
from sqlmodel import select

from krypton_app.domain.errors import LoginLinkInvalid
from krypton_app.models import LoginToken, UserSession
from krypton_app.services.auth import (
    LOGIN_TOKEN_TTL_S,
    SESSION_TOUCH_S,
    exchange_login_token,
    issue_login_token,
    read_session,
    revoke_all_sessions,
    revoke_session,
    safe_next_path,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DAY = 24 * 3600


def login(uow, user_id, *, now=NOW, next_path="/wallet"):
    ticket = issue_login_token(uow, user_id, next_path=next_path, now=now)
    return exchange_login_token(uow, ticket.token, ticket.binding, now=now)


def reads_as(uow, token, *, now=NOW, max_age_s=30 * DAY):
    return read_session(uow, token, max_age_s=max_age_s, now=now)


def sessions(uow, user_id):
    with uow.read() as s:
        return s.exec(select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)).all()


def test_a_login_token_opens_a_session_for_its_user(uow):
    alice, bob = make_user(uow), make_user(uow)
    started = login(uow, alice, next_path="/pay/INV42?parts=1")
    assert (started.user_id, started.next_path) == (alice, "/pay/INV42?parts=1")
    assert reads_as(uow, started.token) == alice
    assert reads_as(uow, login(uow, bob).token) == bob
    [row] = sessions(uow, alice)
    assert row.revoked_at is None


def test_a_login_token_works_once(uow):
    alice = make_user(uow)
    ticket = issue_login_token(uow, alice, next_path="/wallet", now=NOW)
    exchange_login_token(uow, ticket.token, ticket.binding, now=NOW)
    with pytest.raises(LoginLinkInvalid):
        exchange_login_token(uow, ticket.token, ticket.binding, now=NOW + timedelta(seconds=1))
    assert len(sessions(uow, alice)) == 1


def test_a_login_token_expires(uow):
    alice = make_user(uow)
    ticket = issue_login_token(uow, alice, next_path="/wallet", now=NOW)
    with pytest.raises(LoginLinkInvalid):
        exchange_login_token(uow, ticket.token, ticket.binding, now=NOW + timedelta(seconds=LOGIN_TOKEN_TTL_S))
    assert sessions(uow, alice) == []


# A well-formed token nobody issued: fixed, so every pytest-xdist worker collects the same test ids.
UNISSUED = "b3WykulhxNMnQ8HYIjL0giADiLI9U8gWhw2a-cKw4PM"


@pytest.mark.parametrize("token", [None, "", "x" * 5000, 42, ["a"], UNISSUED])
def test_anything_else_is_not_a_login_token(uow, token):
    ticket = issue_login_token(uow, make_user(uow), next_path="/wallet", now=NOW)
    with pytest.raises(LoginLinkInvalid):
        exchange_login_token(uow, token, ticket.binding, now=NOW)


def test_a_login_token_counts_only_with_its_own_browsers_binding(uow):
    """Login CSRF: an attacker's token, sent to a victim's browser, arrives without the attacker's binding."""
    alice, mallory = make_user(uow), make_user(uow)
    malloried = issue_login_token(uow, mallory, next_path="/wallet", now=NOW)
    victims = issue_login_token(uow, alice, next_path="/wallet", now=NOW)
    for binding in (None, "", victims.binding, secrets.token_urlsafe(32)):
        with pytest.raises(LoginLinkInvalid):
            exchange_login_token(uow, malloried.token, binding, now=NOW)
    assert sessions(uow, mallory) == []
    # The refused attempts did not spend it: the browser that logged in still gets its session.
    assert exchange_login_token(uow, malloried.token, malloried.binding, now=NOW).user_id == mallory


def test_racing_exchanges_of_one_token_open_one_session(pg_uow):
    alice = make_user(pg_uow)
    ticket = issue_login_token(pg_uow, alice, next_path="/wallet", now=NOW)

    def attempt(_):
        try:
            return exchange_login_token(pg_uow, ticket.token, ticket.binding, now=NOW).token
        except LoginLinkInvalid:
            return None

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(8)))
    assert len([r for r in results if r]) == 1
    assert len(sessions(pg_uow, alice)) == 1


def test_logout_revokes_that_session_only(uow):
    alice = make_user(uow)
    laptop, phone = login(uow, alice).token, login(uow, alice).token
    assert revoke_session(uow, laptop, now=NOW)
    assert reads_as(uow, laptop) is None
    assert reads_as(uow, phone) == alice
    assert not revoke_session(uow, laptop, now=NOW)  # a second logout finds nothing to end
    assert not revoke_session(uow, None, now=NOW)


def test_log_out_everywhere_ends_every_session_and_any_login_on_its_way(uow):
    alice, bob = make_user(uow), make_user(uow)
    tokens = [login(uow, alice).token for _ in range(3)]
    bobs = login(uow, bob).token
    # A login that passed the proof but has not fetched its cookie yet.
    pending = issue_login_token(uow, alice, next_path="/wallet", now=NOW)
    assert revoke_all_sessions(uow, alice, now=NOW) == 3
    assert [reads_as(uow, t) for t in tokens] == [None, None, None]
    with pytest.raises(LoginLinkInvalid):
        exchange_login_token(uow, pending.token, pending.binding, now=NOW)
    assert reads_as(uow, bobs) == bob
    # Later logins work as before.
    assert reads_as(uow, login(uow, alice).token) == alice


def test_a_session_ends_at_its_max_age(uow):
    alice = make_user(uow)
    token = login(uow, alice).token
    assert reads_as(uow, token, now=NOW + timedelta(seconds=DAY - 1), max_age_s=DAY) == alice
    assert reads_as(uow, token, now=NOW + timedelta(seconds=DAY), max_age_s=DAY) is None


@pytest.mark.parametrize("token", [None, "", "x" * 5000, 7, UNISSUED, "1.forged.signature"])
def test_a_missing_unknown_or_malformed_cookie_reads_as_nobody(uow, token):
    make_session(uow, make_user(uow))
    assert reads_as(uow, token) is None


def test_only_hashes_are_stored(uow):
    alice = make_user(uow)
    ticket = issue_login_token(uow, alice, next_path="/wallet", now=NOW)
    session_token = exchange_login_token(uow, ticket.token, ticket.binding, now=NOW).token
    with uow.read() as s:
        [(stored_login, stored_binding)] = s.exec(select(LoginToken.token_hash, LoginToken.binding_hash)).all()
        [stored_session] = s.exec(select(UserSession.token_hash)).all()
    assert stored_login == hashlib.sha256(ticket.token.encode()).hexdigest()
    assert stored_binding == hashlib.sha256(ticket.binding.encode()).hexdigest()
    assert stored_session == hashlib.sha256(session_token.encode()).hexdigest()
    secrets_ = {ticket.token, ticket.binding, session_token}
    assert not secrets_ & {stored_login, stored_binding, stored_session}


def test_last_seen_is_written_at_most_every_few_minutes(uow):
    alice = make_user(uow)
    token = login(uow, alice).token

    def last_seen():
        [row] = sessions(uow, alice)
        seen = row.last_seen_at
        return seen if seen.tzinfo else seen.replace(tzinfo=UTC)  # SQLite hands it back without a zone

    assert reads_as(uow, token, now=NOW + timedelta(seconds=SESSION_TOUCH_S - 1)) == alice
    assert last_seen() == NOW
    later = NOW + timedelta(seconds=SESSION_TOUCH_S)
    assert reads_as(uow, token, now=later) == alice
    assert last_seen() == later


def test_spent_and_expired_login_tokens_are_cleared_by_the_next_login(uow):
    alice = make_user(uow)
    login(uow, alice)
    issue_login_token(uow, alice, next_path="/wallet", now=NOW)  # never used
    issue_login_token(uow, alice, next_path="/wallet", now=NOW + timedelta(seconds=LOGIN_TOKEN_TTL_S + 1))
    with uow.read() as s:
        assert len(s.exec(select(LoginToken)).all()) == 1


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("/wallet", True),
        ("/pay/INV1?parts=1,2&amount=5", True),
        ("//evil.example/x", False),
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("wallet", False),
        ("/a\r\nSet-Cookie: x=1", False),
        ("/" + "a" * 600, False),
        (None, False),
    ],
)
def test_the_page_after_login_stays_on_this_site(uow, path, kept):
    assert safe_next_path(path) == (path if kept else "/wallet")
    alice = make_user(uow)
    assert login(uow, alice, next_path=path).next_path == (path if kept else "/wallet")
