"""The profile's Telegram section: link the Telegram account the Mini App was opened with (then the user logs
in either way), unlink it while a wallet remains, and share the phone through Telegram (a verified phone)."""

from __future__ import annotations

import reflex as rx

from krypton_app.pages.profile.state import ProfileState
from krypton_app.state.i18n import I18n
from krypton_app.state.telegram import MiniAppState


def _linked() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(
                rx.icon("badge-check", size=12),
                I18n.t["profile.telegram.linked"],
                color_scheme="green",
                radius="full",
                data_testid="telegram-linked",
            ),
            rx.cond(
                ProfileState.telegram_username != "",
                rx.code("@", ProfileState.telegram_username, variant="ghost", data_testid="telegram-username"),
                rx.fragment(),
            ),
            rx.spacer(),
            rx.cond(
                ProfileState.has_wallet,
                rx.button(
                    I18n.t["profile.telegram.unlink"],
                    on_click=ProfileState.unlink_telegram,
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    data_testid="telegram-unlink",
                ),
                rx.fragment(),
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.text(
            rx.cond(ProfileState.has_wallet, I18n.t["profile.telegram.linked_hint"], I18n.t["profile.no_wallet"]),
            size="1",
            color_scheme="gray",
        ),
        rx.cond(
            MiniAppState.in_telegram & ~ProfileState.phone_verified,
            rx.button(
                rx.icon("phone", size=16),
                I18n.t["profile.telegram.share_phone"],
                on_click=ProfileState.share_phone,
                variant="outline",
                size="2",
                data_testid="telegram-share-phone",
            ),
            rx.fragment(),
        ),
        spacing="2",
        width="100%",
    )


def _not_linked() -> rx.Component:
    return rx.vstack(
        rx.badge(I18n.t["profile.telegram.not_linked"], color_scheme="gray", radius="full"),
        rx.text(I18n.t["profile.telegram.link_hint"], size="1", color_scheme="gray"),
        rx.cond(
            MiniAppState.in_telegram,
            rx.button(
                rx.icon("send", size=16),
                I18n.t["profile.telegram.link"],
                on_click=ProfileState.link_telegram,
                size="2",
                data_testid="telegram-link",
            ),
            rx.fragment(),
        ),
        spacing="2",
        width="100%",
    )


def telegram_section() -> rx.Component:
    return rx.vstack(
        rx.separator(size="4"),
        rx.hstack(rx.icon("send", size=18), rx.heading(I18n.t["profile.telegram.title"], size="4"), align="center"),
        rx.cond(
            MiniAppState.telegram_enabled,
            rx.cond(ProfileState.telegram_linked, _linked(), _not_linked()),
            rx.text(I18n.t["profile.telegram.off"], size="2", color_scheme="gray", data_testid="telegram-off"),
        ),
        rx.cond(
            ProfileState.telegram_error != "",
            rx.callout(
                I18n.t[ProfileState.telegram_error],
                icon="triangle-alert",
                color_scheme="red",
                size="1",
                width="100%",
                data_testid="telegram-error",
            ),
            rx.fragment(),
        ),
        spacing="3",
        width="100%",
        data_testid="profile-telegram",
    )
