"""/profile: display name, username, phone, email (verified with an emailed code), language."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.ui import card, field_error, page_heading
from krypton_app.db import default_uow
from krypton_app.domain.errors import ContactNotVerified, ProfileError
from krypton_app.i18n import LANGUAGES, error_key, translate
from krypton_app.mail import default_email_sender
from krypton_app.services.email_codes import send_email_code, verify_email_code
from krypton_app.services.users import UserView, get_user, update_profile
from krypton_app.settings import get_settings
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n

FIELDS = ("display_name", "username", "phone", "email", "language")


def _form_values(user: UserView) -> dict[str, str]:
    return {
        "display_name": user.display_name,
        "username": user.username or "",
        "phone": user.phone or "",
        "email": user.email or "",
        "language": user.language,
    }


class ProfileState(AuthState):
    # The values the form opens with; the inputs are uncontrolled, read back on submit.
    form: dict[str, str] = {}
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

    def _show_profile(self, user: UserView | None) -> None:
        self.loaded = user is not None
        self.form = _form_values(user) if user else {}
        self.user_number = f"#{user.id}" if user else ""
        email = (user.email or "") if user else ""
        if email != self.saved_email:
            self.code_sent, self.to_outbox = False, False
        self.saved_email = email
        self.email_verified = bool(user and user.email_verified)
        self.verify_error = ""

    @rx.event
    def load(self):
        self.field_errors = {}
        user_id = self._verified_user_id()
        self._show_profile(get_user(default_uow(), user_id) if user_id is not None else None)

    @rx.event
    async def save(self, form_data: dict):
        user_id = self._verified_user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        values = {name: str(form_data.get(name) or "") for name in FIELDS}
        self.saving = True
        yield
        try:
            user = update_profile(
                default_uow(),
                user_id,
                display_name=values["display_name"],
                username=values["username"] or None,
                phone=values["phone"] or None,
                email=values["email"] or None,
                language=values["language"],
            )
        except ProfileError as error:
            self.field_errors = {error.field: error_key(error.code)}
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
        user_id = self._verified_user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        self.sending_code, self.verify_error = True, ""
        yield
        try:
            sent = await asyncio.to_thread(
                send_email_code,
                default_uow(),
                user_id,
                sender=default_email_sender(),
                settings=get_settings(),
                now=datetime.now(UTC),
            )
        except ContactNotVerified as error:
            self.verify_error = error_key(error.code)
            return
        finally:
            self.sending_code = False
        self.code_sent, self.to_outbox = True, sent.to_outbox

    @rx.event
    async def check_code(self, form_data: dict):
        """Who: the signed-in user. Input: the typed code. How often: five wrong codes end a code."""
        user_id = self._verified_user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        self.checking_code, self.verify_error = True, ""
        yield
        try:
            user = await asyncio.to_thread(
                verify_email_code,
                default_uow(),
                user_id,
                str(form_data.get("code") or ""),
                settings=get_settings(),
                now=datetime.now(UTC),
            )
        except ContactNotVerified as error:
            self.verify_error = error_key(error.code)
            return
        finally:
            self.checking_code = False
        self._show_profile(user)
        self.code_sent, self.to_outbox = False, False
        i18n = await self.get_state(I18n)
        yield rx.toast.success(translate(i18n.lang, "profile.verify.done"))


def email_status() -> rx.Component:
    """Whether the SAVED email is verified (what the panel below acts on)."""
    return rx.cond(
        ProfileState.saved_email != "",
        rx.cond(
            ProfileState.email_verified,
            rx.badge(
                rx.icon("badge-check", size=12),
                I18n.t["profile.email_verified"],
                color_scheme="green",
                radius="full",
                data_testid="email-verified",
            ),
            rx.badge(
                I18n.t["profile.email_unverified"], color_scheme="amber", radius="full", data_testid="email-unverified"
            ),
        ),
        rx.fragment(),
    )


def text_field(name: str, *, input_type: str = "text", placeholder: str = "", hint: bool = True, badge=None):
    has_error = ProfileState.field_errors.contains(name)
    return rx.vstack(
        rx.hstack(
            rx.el.label(rx.text(I18n.t[f"profile.{name}"], size="2", weight="medium"), html_for=name),
            badge if badge is not None else rx.fragment(),
            spacing="2",
            align="center",
        ),
        rx.input(
            id=name,
            name=name,
            type=input_type,
            default_value=ProfileState.form[name],
            placeholder=placeholder,
            size="3",
            width="100%",
            color_scheme=rx.cond(has_error, "red", "blue"),
            aria_invalid=rx.cond(has_error, "true", "false"),
        ),
        rx.cond(
            has_error,
            field_error(I18n.t[ProfileState.field_errors[name]]),
            rx.text(I18n.t[f"profile.{name}_hint"], size="1", color_scheme="gray") if hint else rx.fragment(),
        ),
        spacing="1",
        width="100%",
        data_testid=f"field-{name}",
    )


def language_field() -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t["profile.language"], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", data_testid="profile-language"),
            rx.select.content(*(rx.select.item(I18n.t[f"lang.{code}"], value=code) for code in LANGUAGES)),
            name="language",
            default_value=ProfileState.form["language"],
            size="3",
        ),
        rx.cond(
            ProfileState.field_errors.contains("language"),
            field_error(I18n.t[ProfileState.field_errors["language"]]),
            rx.fragment(),
        ),
        spacing="1",
        width="100%",
    )


def profile_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.vstack(
                rx.text(I18n.t["profile.wallet_address"], size="2", weight="medium"),
                rx.code(
                    AuthState.friendly_address,
                    size="2",
                    variant="ghost",
                    style={"word_break": "break-all"},
                    data_testid="profile-address",
                ),
                rx.text(
                    I18n.t["profile.user_number"],
                    ": ",
                    rx.code(ProfileState.user_number, variant="ghost", data_testid="profile-user-number"),
                    " · ",
                    I18n.t["profile.user_number_hint"],
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
                width="100%",
            ),
            rx.separator(size="4"),
            rx.grid(
                text_field("display_name"),
                text_field("username", placeholder="satoshi"),
                text_field("phone", input_type="tel", placeholder="+447700900123"),
                text_field("email", input_type="email", placeholder="you@example.com", badge=email_status()),
                language_field(),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="5",
                width="100%",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("check", size=16),
                    I18n.t["profile.save"],
                    type="submit",
                    size="3",
                    loading=ProfileState.saving,
                    data_testid="profile-save",
                ),
                justify="end",
                width="100%",
            ),
            spacing="5",
            width="100%",
        ),
        on_submit=ProfileState.save,
        reset_on_submit=False,
        # The server's rules and messages (in the user's language) decide, not the browser's.
        no_validate=True,
        width="100%",
    )


def verify_panel() -> rx.Component:
    """Below the form (a form may not hold another): prove the saved email with the emailed code."""
    return rx.vstack(
        rx.hstack(
            rx.icon("mail-check", size=18, color=rx.color("accent", 11)),
            rx.text(
                rx.cond(ProfileState.email_verified, I18n.t["profile.verify.done"], I18n.t["profile.verify.title"]),
                size="3",
                weight="bold",
            ),
            spacing="2",
            align="center",
        ),
        rx.code(
            ProfileState.saved_email,
            variant="ghost",
            size="2",
            style={"word_break": "break-all"},
            data_testid="verify-email",
        ),
        rx.cond(
            ProfileState.email_verified,
            rx.text(I18n.t["profile.verify.verified_note"], size="2", color_scheme="gray"),
            rx.vstack(
                rx.text(
                    rx.cond(ProfileState.code_sent, I18n.t["profile.verify.sent"], I18n.t["profile.verify.intro"]),
                    size="2",
                    color_scheme="gray",
                ),
                rx.cond(
                    ProfileState.code_sent,
                    rx.form(
                        rx.hstack(
                            rx.input(
                                name="code",
                                placeholder="123456",
                                aria_label=I18n.t["profile.verify.code"],
                                input_mode="numeric",
                                auto_complete="one-time-code",
                                max_length=12,
                                size="3",
                                width="11em",
                                style={"letter_spacing": "0.2em", "font_variant_numeric": "tabular-nums"},
                                data_testid="verify-code",
                            ),
                            rx.button(
                                rx.icon("check", size=16),
                                I18n.t["profile.verify.submit"],
                                type="submit",
                                size="3",
                                loading=ProfileState.checking_code,
                                data_testid="verify-submit",
                            ),
                            spacing="2",
                            wrap="wrap",
                        ),
                        on_submit=ProfileState.check_code,
                        reset_on_submit=False,
                    ),
                    rx.fragment(),
                ),
                rx.button(
                    rx.icon("send", size=15),
                    rx.cond(ProfileState.code_sent, I18n.t["profile.verify.resend"], I18n.t["profile.verify.send"]),
                    on_click=ProfileState.send_code,
                    loading=ProfileState.sending_code,
                    variant=rx.cond(ProfileState.code_sent, "soft", "solid"),
                    size="2",
                    data_testid="verify-send",
                ),
                rx.cond(
                    ProfileState.to_outbox,
                    rx.callout(
                        I18n.t["profile.verify.outbox"],
                        icon="flask-conical",
                        color_scheme="amber",
                        size="1",
                        data_testid="verify-outbox",
                    ),
                    rx.fragment(),
                ),
                spacing="3",
                width="100%",
            ),
        ),
        rx.cond(
            ProfileState.verify_error != "",
            rx.box(field_error(I18n.t[ProfileState.verify_error]), data_testid="verify-error"),
            rx.fragment(),
        ),
        spacing="2",
        width="100%",
        padding="16px",
        border_radius="14px",
        background=rx.color("gray", 2),
        border=f"1px solid {rx.color('gray', 4)}",
        data_testid="verify-panel",
    )


@template(route=routes.PROFILE, title="Profile", on_load=[ProfileState.load])
def profile() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["profile.title"], I18n.t["profile.subtitle"]),
        card(
            rx.cond(
                ProfileState.loaded,
                rx.vstack(
                    profile_form(),
                    rx.cond(ProfileState.saved_email != "", verify_panel(), rx.fragment()),
                    spacing="5",
                    width="100%",
                ),
                rx.hstack(rx.spinner(), rx.text(I18n.t["profile.loading"], color_scheme="gray"), spacing="2"),
            ),
            max_width="760px",
        ),
        width="100%",
    )
