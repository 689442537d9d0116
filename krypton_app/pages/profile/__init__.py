"""/profile: display name, username, phone, email (verified with an emailed code), language, the linked
Telegram account; log out everywhere. The form is form.py, the email check verify_email.py, the state state.py."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.sessions import sessions_card
from krypton_app.components.ui import card, page_heading
from krypton_app.pages.profile.form import profile_form
from krypton_app.pages.profile.state import ProfileState
from krypton_app.pages.profile.telegram import telegram_section
from krypton_app.pages.profile.verify_email import verify_panel
from krypton_app.state.i18n import I18n


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
                    telegram_section(),
                    spacing="5",
                    width="100%",
                ),
                rx.hstack(rx.spinner(), rx.text(I18n.t["profile.loading"], color_scheme="gray"), spacing="2"),
            ),
            max_width="760px",
        ),
        sessions_card(),
        width="100%",
    )
