"""Below the profile form: prove the saved email with a code sent to it."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import field_error
from krypton_app.pages.profile.state import ProfileState
from krypton_app.state.i18n import I18n


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
