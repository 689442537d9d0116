"""Login, session and the signed-in user's public card. Page states that need a user subclass
`AuthState` and get the user id only from `await self._user_id()`, which checks the session cookie
against the server's session table on every call (off the event loop, like every service call).

The session cookie is HttpOnly: Reflex cannot set one (its cookies are written by page scripts), so a
verified login hands the browser a one-time token (and its binding, in a short-lived cookie that only
the exchange route receives) and a full navigation to api/auth.py, whose response sets the cookie.
The cookie then reaches these handlers in the websocket's request headers, which the browser sends
when it connects and page scripts can neither read nor change."""

from __future__ import annotations

import json
import time

import reflex as rx
from starlette.requests import cookie_parser

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.tonconnect import disconnect_wallet
from krypton_app.domain.errors import ProfileError, TonProofError, UserBlocked
from krypton_app.i18n import error_key, normalize_language, translate
from krypton_app.services.auth import (
    LOGIN_BINDING_COOKIE,
    LOGIN_TOKEN_TTL_S,
    SESSION_COOKIE,
    LoginTicket,
    issue_login_token,
    login_with_ton_proof,
    read_session,
    revoke_all_sessions,
    revoke_session,
)
from krypton_app.services.demo_wallet import demo_wallet_proof, new_demo_seed
from krypton_app.services.ton_proof import issue_proof_payload
from krypton_app.services.users import UserView, get_user, update_profile
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop


def _now() -> int:
    return int(time.time())


def _go_for_the_cookie(ticket: LoginTicket) -> rx.event.EventSpec:
    """Hand this browser the login's binding (a cookie only the exchange route receives), then load
    the exchange route with the token: a full navigation, since only an HTTP response can set an
    HttpOnly cookie (rx.redirect would change the route inside the page and never reach the server)."""
    binding = f"{LOGIN_BINDING_COOKIE}={ticket.binding}; path={routes.SESSION_START}; max-age={LOGIN_TOKEN_TTL_S}"
    return rx.call_script(
        f"document.cookie = {json.dumps(binding + '; samesite=strict')}"
        " + (window.location.protocol === 'https:' ? '; secure' : '');"
        f" window.location.assign({json.dumps(routes.session_start(ticket.token))});"
    )


def _leave_session(target: str) -> rx.event.EventSpec:
    """Expire this browser's HttpOnly cookie (only an HTTP response can) and load `target` afresh,
    so the tab reconnects without it. The server has revoked the session already."""
    end, go = json.dumps(routes.SESSION_END), json.dumps(target)
    return rx.call_script(
        f"fetch({end}, {{method: 'POST', credentials: 'same-origin'}}).finally(() => window.location.assign({go}))"
    )


class AuthState(rx.State):
    # The signed-in user's own card, copied from UserView; no ids and no secrets.
    signed_in: bool = False
    short_address: str = ""
    friendly_address: str = ""
    display_name: str = ""
    is_operator: bool = False

    # ton_proof payload for TON Connect: public by design (the wallet signs it).
    proof_payload: str = ""
    demo_enabled: bool = app_deps().settings.demo_wallet_enabled
    login_busy: bool = False
    # Catalog keys, so messages follow a language switch.
    notice_key: str = ""
    error_key: str = ""

    # The demo wallet's private key lives only on the server, for this browser tab's session.
    _demo_seed: bytes = b""
    # Where to go after login when a protected page sent the user to the landing page.
    _next_route: str = ""

    # -- helpers for this state and page substates --------------------------------------------

    def _session_token(self) -> str | None:
        """The session cookie this tab's websocket connected with (the client cannot change it later)."""
        return cookie_parser(self.router.headers.cookie).get(SESSION_COOKIE)

    async def _user_id(self) -> int | None:
        """The user of a live session in the cookie; never from anything else the client sends.
        A revoked or expired session is None at the next call, in every tab and every process."""
        deps = app_deps()
        return await off_loop(read_session, deps.uow, self._session_token(), max_age_s=deps.settings.session_max_age_s)

    def _show_user(self, user: UserView) -> None:
        self.signed_in = True
        # A user who came through Telegram has no address: their name stands where the address would.
        self.short_address = user.short_address or user.name
        self.friendly_address = user.friendly_address
        self.display_name = user.display_name
        self.is_operator = user.is_operator

    def _forget_user(self) -> None:
        self.signed_in = False
        self.short_address = ""
        self.friendly_address = ""
        self.display_name = ""
        self.is_operator = False

    async def _load_user(self) -> bool:
        """Refresh the card (and the operator role, from the settings) from the verified session."""
        user_id = await self._user_id()
        user = await off_loop(get_user, app_deps().uow, user_id) if user_id is not None else None
        if user is None:
            self._forget_user()
            return False
        self._show_user(user)
        return True

    async def _complete_login(self, user: UserView):
        """The proof is verified: send the browser for its cookie, then on to the page it came for."""
        ticket = await off_loop(issue_login_token, app_deps().uow, user.id, next_path=self._next_route or routes.WALLET)
        self.notice_key = ""
        self.error_key = ""
        i18n = await self.get_state(I18n)
        i18n._apply(user.language)
        self._next_route = ""
        return _go_for_the_cookie(ticket)

    # -- page load ----------------------------------------------------------------------------

    @rx.event
    async def restore_session(self):
        """on_load of every page: a reload or a new tab finds the user again from the cookie."""
        await self._load_user()

    @rx.event
    async def require_login(self):
        """on_load of pages that need a user: back to the landing page with a message."""
        if await self._load_user():
            return None
        self.notice_key = "auth.login_required"
        # With the query: a widget's "go to payment" link carries the payer's choices (parts, amount).
        url = self.router.url
        self._next_route = f"{url.path}?{url.query}" if url.query else url.path
        return rx.redirect(routes.LANDING)

    @rx.event
    def prepare_login(self):
        """on_load of the landing page: a fresh single-use payload for the wallet to sign."""
        # The cookie exchange sends the browser back here when its one-time token was spent or stale.
        expired_link = self.router.url.query == routes.LOGIN_LINK_INVALID_QUERY
        self.error_key = error_key("login_link_invalid") if expired_link else ""
        self.proof_payload = issue_proof_payload(app_deps().settings.secret_key, now=_now())

    # -- login / logout -----------------------------------------------------------------------

    @rx.event
    async def login_with_wallet(self, account: dict, proof: dict):
        """TON Connect callback: a wallet connected with ton_proof. The full verifier decides."""
        self.error_key = ""
        deps = app_deps()
        try:
            user = await off_loop(login_with_ton_proof, deps.uow, account, proof, settings=deps.settings, now=_now())
        except (TonProofError, UserBlocked) as error:
            self.error_key = error_key(error.code, error.details)
            self.proof_payload = issue_proof_payload(deps.settings.secret_key, now=_now())
            return None
        return await self._complete_login(user)

    @rx.event
    async def login_with_demo_wallet(self):
        """The demo wallet signs a real ton_proof on the server, so the same verifier runs."""
        deps = app_deps()
        if not deps.settings.demo_wallet_enabled:
            self.error_key = "error.demo_disabled"
            return
        self.error_key = ""
        self.login_busy = True
        yield
        try:
            if not self._demo_seed:
                self._demo_seed = new_demo_seed()
            now = _now()
            payload = issue_proof_payload(deps.settings.secret_key, now=now)
            # The proof names the host the browser is on, exactly as a real wallet would.
            account, proof = demo_wallet_proof(
                self._demo_seed,
                payload=payload,
                domain=self.router.url.netloc,
                now=now,
                network=deps.settings.ton_network,
            )
            try:
                user = await off_loop(
                    login_with_ton_proof, deps.uow, account, proof, settings=deps.settings, now=now, demo=True
                )
            except (TonProofError, UserBlocked) as error:
                self.error_key = error_key(error.code, error.details)
                return
            yield await self._complete_login(user)
        finally:
            self.login_busy = False

    @rx.event
    async def logout(self):
        """Anyone may call it: it ends only the session this tab's cookie names, if there is one."""
        await off_loop(revoke_session, app_deps().uow, self._session_token())
        self._forget_user()
        self.notice_key = "auth.logged_out"
        self.error_key = ""
        self._next_route = ""
        # The wallet forgets the connection too, so the next login asks for a fresh proof.
        return [disconnect_wallet(), _leave_session(routes.LANDING)]

    @rx.event
    async def logout_everywhere(self):
        """Profile page: revoke every session of the signed-in user, this one included. Each other
        tab and device finds itself logged out at its next action or reload."""
        user_id = await self._user_id()
        if user_id is None:
            return AuthState.require_login
        await off_loop(revoke_all_sessions, app_deps().uow, user_id)
        self._forget_user()
        self.notice_key = "auth.logged_out_everywhere"
        self.error_key = ""
        self._next_route = ""
        return [disconnect_wallet(), _leave_session(routes.LANDING)]

    # -- language -----------------------------------------------------------------------------

    @rx.event
    async def choose_language(self, lang: str | list[str]):
        """Header switch: applies at once; a signed-in user's profile keeps it for the next login."""
        lang = normalize_language(lang if isinstance(lang, str) else "".join(lang[:1]))
        i18n = await self.get_state(I18n)
        i18n._apply(lang)
        user_id = await self._user_id()
        if user_id is None:
            return
        uow = app_deps().uow
        user = await off_loop(get_user, uow, user_id)
        if user is None or user.language == lang:
            return
        try:
            await off_loop(
                update_profile,
                uow,
                user_id,
                display_name=user.display_name,
                username=user.username,
                phone=user.phone,
                email=user.email,
                language=lang,
            )
        except ProfileError as error:
            # The header shows no form; say why the choice was not kept in the profile.
            return rx.toast.error(translate(lang, error_key(error.code, error.details)))
