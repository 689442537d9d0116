"""/profile: display name, username, phone, email, language."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.ui import card, field_error, page_heading
from krypton_app.db import default_uow
from krypton_app.domain.errors import ProfileError
from krypton_app.i18n import LANGUAGES, error_key, translate
from krypton_app.services.users import UserView, get_user, update_profile
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

    @rx.event
    def load(self):
        self.field_errors = {}
        user_id = self._verified_user_id()
        user = get_user(default_uow(), user_id) if user_id is not None else None
        self.loaded = user is not None
        self.form = _form_values(user) if user else {}

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
        self.form = _form_values(user)
        self._show_user(user)
        i18n = await self.get_state(I18n)
        i18n._apply(user.language)
        yield rx.toast.success(translate(user.language, "profile.saved"))


def text_field(name: str, *, input_type: str = "text", placeholder: str = "", hint: bool = True):
    has_error = ProfileState.field_errors.contains(name)
    return rx.vstack(
        rx.el.label(rx.text(I18n.t[f"profile.{name}"], size="2", weight="medium"), html_for=name),
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
                spacing="1",
                width="100%",
            ),
            rx.separator(size="4"),
            rx.grid(
                text_field("display_name"),
                text_field("username", placeholder="satoshi"),
                text_field("phone", input_type="tel", placeholder="+447700900123"),
                text_field("email", input_type="email", placeholder="you@example.com"),
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


@template(route=routes.PROFILE, title="Profile", on_load=[ProfileState.load])
def profile() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["profile.title"], I18n.t["profile.subtitle"]),
        card(
            rx.cond(
                ProfileState.loaded,
                profile_form(),
                rx.hstack(rx.spinner(), rx.text(I18n.t["profile.loading"], color_scheme="gray"), spacing="2"),
            ),
            max_width="760px",
        ),
        width="100%",
    )
