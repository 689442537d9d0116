"""The profile page's state: the saved profile, the form's errors and the email verification panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import ContactNotVerified, ProfileError, TelegramAuthError, TelegramLinkError
from krypton_app.i18n import error_key, translate
from krypton_app.services.email_codes import send_email_code, verify_email_code
from krypton_app.services.telegram_login import link_telegram, unlink_telegram, verify_telegram_phone
from krypton_app.services.users import UserView, get_user, update_profile
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.telegram import READ_INIT_DATA, REQUEST_CONTACT

FIELDS = ("display_name", "username", "phone", "email", "language")


@dataclass(frozen=True)
class ProfileForm:
    """The values the form opens with ("" for a contact not given)."""

    display_name: str = ""
    username: str = ""
    phone: str = ""
    email: str = ""
    language: str = ""


def _form_values(user: UserView) -> ProfileForm:
    return ProfileForm(
        display_name=user.display_name,
        username=user.username or "",
        phone=user.phone or "",
        email=user.email or "",
        language=user.language,
    )


class ProfileState(AuthState):
    # The values the form opens with; the inputs are uncontrolled, read back on submit.
    form: ProfileForm = ProfileForm()
    # field -> catalog key of its error
    field_errors: dict[str, str] = {}
    loaded: bool = False
    saving: bool = False
    user_number: str = ""
    # The saved email (verified or waiting for its code), and the verification panel's state.
    saved_email: str = ""
    email_verified: bool = False
    code_sent: bool = False
    to_outbox: bool = False  # development: the code went to the outbox folder, not to a mail server
    verify_error: str = ""  # catalog key
    sending_code: bool = False
    checking_code: bool = False
    # Telegram (SPEC F1): the linked account, and the phone it verified.
    has_wallet: bool = True
    telegram_linked: bool = False
    telegram_username: str = ""
    phone_verified: bool = False
    telegram_error: str = ""  # catalog key

    def _show_profile(self, user: UserView | None) -> None:
        self.loaded = user is not None
        self.form = _form_values(user) if user else ProfileForm()
        self.user_number = f"#{user.id}" if user else ""
        email = (user.email or "") if user else ""
        if email != self.saved_email:
            self.code_sent, self.to_outbox = False, False
        self.saved_email = email
        self.email_verified = bool(user and user.email_verified)
        self.verify_error = ""
        self.has_wallet = bool(user and user.wallet_address)
        self.telegram_linked = bool(user and user.telegram_linked)
        self.telegram_username = (user.telegram_username or "") if user else ""
        self.phone_verified = bool(user and user.phone_verified)

    @rx.event
    async def load(self):
        self.field_errors = {}
        user_id = await self._user_id()
        self._show_profile(await off_loop(get_user, app_deps().uow, user_id) if user_id is not None else None)

    @rx.event
    async def save(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        values = {name: str(form_data.get(name) or "") for name in FIELDS}
        self.saving = True
        yield
        try:
            user = await off_loop(
                update_profile,
                app_deps().uow,
                user_id,
                display_name=values["display_name"],
                username=values["username"] or None,
                phone=values["phone"] or None,
                email=values["email"] or None,
                language=values["language"],
            )
        except ProfileError as error:
            self.field_errors = {error.field: error_key(error.code, error.details)}
            return
        finally:
            self.saving = False
        self.field_errors = {}
        self._show_profile(user)
        self._show_user(user)
        i18n = await self.get_state(I18n)
        i18n._apply(user.language)
        yield rx.toast.success(translate(user.language, "profile.saved"))

    @rx.event
    async def send_code(self):
        """Who: the signed-in user, for their own saved email. How often: the service limits sends per user
        and per address (one a minute, five an hour). Off the event loop: a mail server can be slow."""
        user_id = await self._user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        self.sending_code, self.verify_error = True, ""
        yield
        deps = app_deps()
        try:
            sent = await off_loop(
                send_email_code,
                deps.uow,
                user_id,
                sender=deps.mailer,
                settings=deps.settings,
                now=datetime.now(UTC),
            )
        except ContactNotVerified as error:
            self.verify_error = error_key(error.code, error.details)
            return
        finally:
            self.sending_code = False
        self.code_sent, self.to_outbox = True, sent.to_outbox

    @rx.event
    async def check_code(self, form_data: dict):
        """Who: the signed-in user. Input: the typed code. How often: five wrong codes end a code."""
        user_id = await self._user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        self.checking_code, self.verify_error = True, ""
        yield
        deps = app_deps()
        try:
            user = await off_loop(
                verify_email_code,
                deps.uow,
                user_id,
                str(form_data.get("code") or ""),
                settings=deps.settings,
                now=datetime.now(UTC),
            )
        except ContactNotVerified as error:
            self.verify_error = error_key(error.code, error.details)
            return
        finally:
            self.checking_code = False
        self._show_profile(user)
        self.code_sent, self.to_outbox = False, False
        i18n = await self.get_state(I18n)
        yield rx.toast.success(translate(i18n.lang, "profile.verify.done"))

    # -- Telegram: link, unlink, the shared phone ------------------------------------------------------

    @rx.event
    def link_telegram(self):
        """Profile button, inside the Mini App: read the launch's initData in the page, then link with it."""
        self.telegram_error = ""
        return rx.call_script(READ_INIT_DATA, callback=ProfileState.link_telegram_with)

    @rx.event
    async def link_telegram_with(self, init_data: str | None):
        """Who: the signed-in user (the session decides, never the page). Input: any text; it links only
        if it is Telegram's signed, fresh initData (services/telegram_login.py)."""
        return await self._telegram_change(link_telegram, str(init_data or ""), done="profile.telegram.linked_done")

    @rx.event
    async def unlink_telegram(self):
        """Who: the signed-in user, who keeps a wallet to log in with (the service refuses otherwise)."""
        return await self._telegram_change(unlink_telegram, done="profile.telegram.unlinked_done")

    @rx.event
    def share_phone(self):
        """Profile button, inside the Mini App: Telegram asks the user to share their phone."""
        self.telegram_error = ""
        return rx.call_script(REQUEST_CONTACT, callback=ProfileState.share_phone_with)

    @rx.event
    async def share_phone_with(self, response: str | None):
        """Who: the signed-in user. Input: any text; the phone is set only from Telegram's signed contact of
        the user's own linked account (services/telegram_login.py)."""
        if not response:
            self.telegram_error = "profile.telegram.phone_cancelled"
            return
        return await self._telegram_change(verify_telegram_phone, str(response), done="profile.telegram.phone_done")

    async def _telegram_change(self, service, *args, done: str):
        user_id = await self._user_id()
        if user_id is None:
            return AuthState.require_login
        deps = app_deps()
        extra = {} if service is unlink_telegram else {"now": int(datetime.now(UTC).timestamp())}
        self.telegram_error = ""
        try:
            user = await off_loop(service, deps.uow, user_id, *args, settings=deps.settings, **extra)
        except (TelegramAuthError, TelegramLinkError, ProfileError) as error:
            self.telegram_error = error_key(error.code, error.details)
            return None
        self._show_profile(user)
        self._show_user(user)
        i18n = await self.get_state(I18n)
        return rx.toast.success(translate(i18n.lang, done))
