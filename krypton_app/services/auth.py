"""Login with TON Connect (the proof itself is checked in services/ton_proof.py), one-time login
tokens and revocable server-side sessions.

A user an operator blocked gets in nowhere: the login refuses them (UserBlocked, from
services/users.require_not_blocked, which every login path calls), a login token on its way is not
exchanged, and a session of theirs reads as no user, even one opened before the block."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import LoginLinkInvalid, TonProofError
from krypton_app.models import LoginToken, UsedProofPayload, User, UserSession
from krypton_app.models.common import utcnow
from krypton_app.services.ton_proof import check_proof_payload, verify_ton_proof
from krypton_app.services.users import UserView, blocked_among, require_not_blocked
from krypton_app.settings import Settings


def login_with_ton_proof(
    uow: UnitOfWork, account: dict, proof: dict, *, settings: Settings, now: int, demo: bool = False
) -> UserView:
    """Verify the proof, spend its payload and return the wallet's user, created on first login.

    `demo` marks a login by the built-in demo wallet (its key lives only on the server, so the flag
    cannot be claimed by anyone else); with settings.demo_operators such users are operators too.
    The role itself is decided from the settings at every check (services/roles.py), not here."""
    if not isinstance(proof, dict):
        raise TonProofError(code="malformed_proof")
    nonce = check_proof_payload(settings.secret_key, proof.get("payload"), now=now)
    address = verify_ton_proof(
        account,
        proof,
        allowed_domains=settings.allowed_proof_domains,
        now=now,
        network=settings.ton_network,
    )
    with uow.transaction() as s:
        s.add(UsedProofPayload(nonce=nonce))
        try:
            s.flush()
        except IntegrityError:
            raise TonProofError(code="payload_used") from None
        user = _get_or_create_user(s, address)
        # Raising rolls the payload's use back with the rest: nothing is spent on a refused login.
        require_not_blocked(s, user.id)
        if demo and not user.is_demo:
            user.is_demo = True
    return UserView.from_user(user, settings)


# --- Sessions ------------------------------------------------------------------------------------
#
# A login does not hand the browser its session over the websocket (page scripts could read it).
# It issues a one-time login token; the browser navigates to the exchange route (api/auth.py) with it,
# and that route sets the session cookie HttpOnly. The cookie holds a random secret; the server keeps
# only its SHA-256 in `user_sessions`, checked on every request, so logout can take it back.

# The cookie that carries the session: set by api/auth.py, read by the Reflex handlers (from the
# websocket's request headers) and by the plain HTTP routes.
SESSION_COOKIE = "krypton_session"
# The login's browser binding: written by the page that logged in, right before it goes to the exchange
# route, which reads and expires it. Another site cannot write a cookie for ours, so a login token it
# sends a victim's browser to (to sign them into the attacker's account) is refused.
LOGIN_BINDING_COOKIE = "krypton_login"
LOGIN_TOKEN_TTL_S = 60  # from the login handler to the exchange route: one browser navigation
SESSION_TOUCH_S = 300  # last_seen_at is written at most this often per session
_TOKEN_BYTES = 32
_TOKEN_MAX_LEN = 64  # token_urlsafe(32) is 43 characters; anything much longer is not ours
_NEXT_PATH_MAX = 500

_sessions: Table = UserSession.__table__
_login_tokens: Table = LoginToken.__table__
_users: Table = User.__table__


@dataclass(frozen=True)
class LoginTicket:
    token: str  # goes in the exchange route's URL
    binding: str  # goes in the LOGIN_BINDING_COOKIE of the same browser


@dataclass(frozen=True)
class StartedSession:
    token: str  # the cookie value: handed out once, only its hash is stored
    user_id: int
    next_path: str  # the app page the login was for


def safe_next_path(path: str | None, default: str = "/wallet") -> str:
    """A local path to land on after login; anything that could leave the site becomes `default`."""
    if (
        not isinstance(path, str)
        or not path.startswith("/")
        or path.startswith("//")
        or "\\" in path
        or len(path) > _NEXT_PATH_MAX
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path)
    ):
        return default
    return path


def issue_login_token(uow: UnitOfWork, user_id: int, *, next_path: str, now: datetime | None = None) -> LoginTicket:
    """A single-use token, valid for LOGIN_TOKEN_TTL_S, that the exchange route turns into a session
    when the same browser also presents the ticket's binding.

    Call only after the user proved who they are (a verified ton_proof)."""
    now = now or utcnow()
    token, binding = secrets.token_urlsafe(_TOKEN_BYTES), secrets.token_urlsafe(_TOKEN_BYTES)
    with uow.transaction() as s:
        # Expired ones (used or not) are of no use to anyone: keep the table small.
        s.execute(delete(_login_tokens).where(_login_tokens.c.expires_at < now))
        s.add(
            LoginToken(
                token_hash=_token_hash(token),
                user_id=user_id,
                binding_hash=_token_hash(binding),
                next_path=safe_next_path(next_path),
                created_at=now,
                expires_at=now + timedelta(seconds=LOGIN_TOKEN_TTL_S),
            )
        )
    return LoginTicket(token=token, binding=binding)


def exchange_login_token(
    uow: UnitOfWork, token: object, binding: object, *, now: datetime | None = None
) -> StartedSession:
    """Spend a login token and open a session for its user; LoginLinkInvalid when the token is
    unknown, already used or expired, or the binding is not its own (the same error for all)."""
    if not _plausible(token) or not _plausible(binding):
        raise LoginLinkInvalid()
    now = now or utcnow()
    with uow.transaction() as s:
        # The conditional UPDATE is the single use: of two racing requests, one finds the row unused.
        row = s.execute(
            update(_login_tokens)
            .where(
                _login_tokens.c.token_hash == _token_hash(token),
                _login_tokens.c.binding_hash == _token_hash(binding),
                _login_tokens.c.used_at.is_(None),
                _login_tokens.c.expires_at > now,
            )
            .values(used_at=now)
            .returning(_login_tokens.c.user_id, _login_tokens.c.next_path)
        ).first()
        if row is None:
            raise LoginLinkInvalid()
        if blocked_among(s, [row.user_id], lock=False):
            raise LoginLinkInvalid()  # blocked after the proof, before the cookie
        session_token = _add_session(s, row.user_id, now)
    return StartedSession(token=session_token, user_id=row.user_id, next_path=row.next_path)


def open_session(uow: UnitOfWork, user_id: int, *, next_path: str, now: datetime | None = None) -> StartedSession:
    """A new session for a user whose login was verified within the same HTTP request (the Telegram route,
    api/telegram.py), so no one-time token has to travel between a page and the cookie route."""
    now = now or utcnow()
    with uow.transaction() as s:
        token = _add_session(s, user_id, now)
    return StartedSession(token=token, user_id=user_id, next_path=safe_next_path(next_path))


def _add_session(s: Session, user_id: int, now: datetime) -> str:
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    s.add(UserSession(token_hash=_token_hash(token), user_id=user_id, created_at=now, last_seen_at=now))
    return token


def read_session(uow: UnitOfWork, token: object, *, max_age_s: int, now: datetime | None = None) -> int | None:
    """The user of a live session, or None when the token is missing, unknown, revoked or older than
    `max_age_s`. Called on every request: one indexed read, and a write at most every SESSION_TOUCH_S."""
    if not _plausible(token):
        return None
    now = now or utcnow()
    stale = _sessions.c.last_seen_at <= now - timedelta(seconds=SESSION_TOUCH_S)
    with uow.read() as s:
        row = s.execute(
            select(_sessions.c.id, _sessions.c.user_id, stale.label("stale"))
            .join(_users, _users.c.id == _sessions.c.user_id)
            .where(
                _sessions.c.token_hash == _token_hash(token),
                _sessions.c.revoked_at.is_(None),
                _sessions.c.created_at > now - timedelta(seconds=max_age_s),
                _users.c.blocked_at.is_(None),  # a blocked user's session is refused even if not revoked
            )
        ).first()
    if row is None:
        return None
    if row.stale:
        with uow.transaction() as s:
            s.execute(update(_sessions).where(_sessions.c.id == row.id, stale).values(last_seen_at=now))
    return row.user_id


def revoke_session(uow: UnitOfWork, token: object, *, now: datetime | None = None) -> bool:
    """Logout: the session behind this cookie no longer reads as a user. False if there was none."""
    if not _plausible(token):
        return False
    now = now or utcnow()
    with uow.transaction() as s:
        done = s.execute(
            update(_sessions)
            .where(_sessions.c.token_hash == _token_hash(token), _sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount
    return done == 1


def revoke_all_sessions(uow: UnitOfWork, user_id: int, *, now: datetime | None = None) -> int:
    """ "Log out everywhere": every session of the user, and any login still on its way to a cookie.
    Returns how many sessions were open."""
    with uow.transaction() as s:
        return revoke_sessions_in(s, user_id, now=now or utcnow())


def revoke_sessions_in(s: Session, user_id: int, *, now: datetime) -> int:
    """`revoke_all_sessions` inside the caller's transaction (an operator's block or revoke writes its
    audit line with it). Returns how many sessions were open."""
    s.execute(
        update(_login_tokens)
        .where(_login_tokens.c.user_id == user_id, _login_tokens.c.used_at.is_(None))
        .values(used_at=now)
    )
    return s.execute(
        update(_sessions).where(_sessions.c.user_id == user_id, _sessions.c.revoked_at.is_(None)).values(revoked_at=now)
    ).rowcount


def _plausible(token: object) -> bool:
    return isinstance(token, str) and 0 < len(token) <= _TOKEN_MAX_LEN


def _token_hash(token: str) -> str:
    # The tokens are 256 random bits: a plain hash is enough to make a copy of the table useless.
    return hashlib.sha256(token.encode()).hexdigest()


def _get_or_create_user(s: Session, address: str) -> User:
    user = s.exec(select(User).where(User.wallet_address == address)).first()
    if user is not None:
        return user
    try:
        # A savepoint: a concurrent first login of the same wallet may insert it first.
        with s.begin_nested():
            user = User(wallet_address=address)
            s.add(user)
        return user
    except IntegrityError:
        return s.exec(select(User).where(User.wallet_address == address)).one()
