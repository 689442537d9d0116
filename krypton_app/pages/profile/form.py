"""The profile form: display name, username, phone, email (with whether the saved one is verified),
language. The inputs are uncontrolled; the server's rules and messages decide on submit."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import field_error
from krypton_app.i18n import LANGUAGES
from krypton_app.pages.profile.state import ProfileState
from krypton_app.services.users import DISPLAY_NAME_MAX
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n


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


# The service's limits (services/users.py); a username may be typed with its "@".
MAX_LENGTHS = {"display_name": DISPLAY_NAME_MAX, "username": 33, "email": 254}


def phone_status() -> rx.Component:
    return rx.cond(
        ProfileState.phone_verified,
        rx.badge(
            rx.icon("badge-check", size=12),
            I18n.t["profile.phone_verified"],
            color_scheme="green",
            radius="full",
            data_testid="phone-verified",
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
            default_value=getattr(ProfileState.form, name),
            placeholder=placeholder,
            size="3",
            width="100%",
            color_scheme=rx.cond(has_error, "red", "blue"),
            aria_invalid=rx.cond(has_error, "true", "false"),
            **({"max_length": MAX_LENGTHS[name]} if name in MAX_LENGTHS else {}),
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
            default_value=ProfileState.form.language,
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
                rx.cond(
                    AuthState.friendly_address != "",
                    rx.code(
                        AuthState.friendly_address,
                        size="2",
                        variant="ghost",
                        style={"word_break": "break-all"},
                        data_testid="profile-address",
                    ),
                    rx.text(
                        I18n.t["profile.no_wallet"], size="2", color_scheme="gray", data_testid="profile-no-wallet"
                    ),
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
                text_field("phone", input_type="tel", placeholder="+447700900123", badge=phone_status()),
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
