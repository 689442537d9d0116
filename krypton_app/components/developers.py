"""The "Developers" card of /invoices: REST API keys (the secret is shown once) and the two webhook
signing secrets, one for live events and one for test events (each revealed and rotated on request).
Its state is state/developers.py."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.compat_keys import compat_panel
from krypton_app.components.ui import card, card_title, copy_value, empty_note, status_chip
from krypton_app.state.developers import SCOPES, ApiKeyRow, DevelopersState
from krypton_app.state.i18n import I18n


def key_item(row: rx.Var[ApiKeyRow]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text(row.name, size="2", weight="bold"),
                rx.code(row.prefix, size="1", variant="soft"),
                rx.cond(row.is_test, rx.badge("TEST", color_scheme="amber", size="1")),
                rx.cond(row.flavour != "krypton", rx.badge(row.flavour, color_scheme="violet", size="1")),
                rx.cond(row.revoked, status_chip(I18n.t["dev.revoked"], "gray")),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.text(row.scopes, size="1", color_scheme="gray"),
            rx.text(row.created, size="1", color_scheme="gray"),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        rx.cond(
            ~row.revoked,
            rx.button(
                I18n.t["dev.revoke"],
                on_click=DevelopersState.revoke(row.id),
                color_scheme="red",
                variant="soft",
                size="1",
                data_testid="api-key-revoke",
            ),
        ),
        width="100%",
        wrap="wrap",
        padding_y="10px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="api-key-row",
    )


def secret_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(I18n.t["dev.new_key_title"]),
            rx.dialog.description(I18n.t["dev.new_key_once"], size="2", color_scheme="gray"),
            rx.box(
                copy_value(
                    I18n.t["dev.secret"],
                    DevelopersState.new_secret,
                    copied=I18n.t["common.copied"],
                    copy_label=I18n.t["common.copy"],
                    test_id="api-key-secret",
                ),
                margin_y="16px",
            ),
            rx.hstack(
                rx.button(I18n.t["dev.done"], on_click=DevelopersState.close_secret, data_testid="api-key-done"),
                justify="end",
            ),
        ),
        open=DevelopersState.new_secret != "",
    )


def api_keys_panel() -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t["dev.keys_intro"], size="2", color_scheme="gray"),
        rx.form(
            rx.vstack(
                rx.input(id="key_name", name="key_name", placeholder=I18n.t["dev.key_name"], size="3", width="100%"),
                rx.hstack(
                    *(
                        rx.checkbox(
                            scope,
                            checked=DevelopersState.scopes.contains(scope),
                            on_change=lambda checked, s=scope: DevelopersState.toggle_scope(s, checked),
                        )
                        for scope in SCOPES
                    ),
                    rx.checkbox(
                        I18n.t["dev.test_key"], checked=DevelopersState.key_test, on_change=DevelopersState.set_key_test
                    ),
                    spacing="4",
                    wrap="wrap",
                ),
                rx.button(
                    rx.icon("key-round", size=15), I18n.t["dev.create_key"], type="submit", data_testid="api-key-create"
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=DevelopersState.create_key,
            reset_on_submit=True,
            width="100%",
        ),
        rx.cond(
            DevelopersState.key_error != "", rx.text(I18n.t[DevelopersState.key_error], color_scheme="red", size="2")
        ),
        rx.cond(
            DevelopersState.keys.length() > 0,
            rx.vstack(rx.foreach(DevelopersState.keys, key_item), spacing="0", width="100%"),
            empty_note(I18n.t["dev.no_keys"], "key-round"),
        ),
        secret_dialog(),
        spacing="3",
        width="100%",
    )


def secret_block(mode: str) -> rx.Component:
    """One signing secret (live or test): what it signs, reveal / hide, rotate. Test ids of the live
    one have no suffix (`webhook-secret`), those of the test one end in `-test`."""
    revealed = DevelopersState.revealed_test_secret if mode == "test" else DevelopersState.revealed_live_secret
    suffix = "-test" if mode == "test" else ""
    return rx.vstack(
        rx.hstack(
            rx.text(I18n.t[f"dev.secret.{mode}"], size="2", weight="bold"),
            *([rx.badge("TEST", color_scheme="amber", size="1")] if mode == "test" else []),
            spacing="2",
            align="center",
        ),
        rx.text(I18n.t[f"dev.secret_hint.{mode}"], size="1", color_scheme="gray"),
        rx.cond(
            revealed != "",
            copy_value(
                I18n.t["dev.webhook_secret"],
                revealed,
                copied=I18n.t["common.copied"],
                copy_label=I18n.t["common.copy"],
                test_id=f"webhook-secret{suffix}",
            ),
        ),
        rx.hstack(
            rx.button(
                rx.cond(revealed != "", I18n.t["dev.hide"], I18n.t["dev.reveal"]),
                on_click=DevelopersState.reveal_secret(mode),
                variant="soft",
                data_testid=f"webhook-secret-reveal{suffix}",
            ),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(
                    rx.button(
                        I18n.t["dev.rotate"],
                        variant="soft",
                        color_scheme="red",
                        data_testid=f"webhook-secret-rotate{suffix}",
                    )
                ),
                rx.alert_dialog.content(
                    rx.alert_dialog.title(I18n.t["dev.rotate"]),
                    rx.alert_dialog.description(I18n.t[f"dev.rotate_warning.{mode}"]),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button(I18n.t["common.cancel"], variant="soft", color_scheme="gray")),
                        rx.alert_dialog.action(
                            rx.button(
                                I18n.t["dev.rotate"],
                                color_scheme="red",
                                on_click=DevelopersState.rotate_secret(mode),
                                data_testid=f"webhook-secret-rotate-confirm{suffix}",
                            )
                        ),
                        spacing="3",
                        justify="end",
                        margin_top="16px",
                    ),
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="2",
        width="100%",
        data_testid=f"webhook-secret-block{suffix}",
    )


def webhook_secret_panel() -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t["dev.webhook_intro"], size="2", color_scheme="gray"),
        secret_block("live"),
        rx.separator(size="4"),
        secret_block("test"),
        spacing="3",
        width="100%",
    )


def developers_card() -> rx.Component:
    return card(
        card_title("code-xml", I18n.t["dev.title"], color="cyan"),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(I18n.t["dev.tab.keys"], value="keys"),
                rx.tabs.trigger(I18n.t["dev.tab.webhooks"], value="webhooks", data_testid="dev-tab-webhooks"),
                rx.tabs.trigger(I18n.t["dev.tab.compat"], value="compat", data_testid="dev-tab-compat"),
                flex_wrap="wrap",  # three tabs do not fit a phone's width in one row
            ),
            rx.tabs.content(rx.box(api_keys_panel(), padding_top="14px"), value="keys"),
            rx.tabs.content(rx.box(webhook_secret_panel(), padding_top="14px"), value="webhooks"),
            rx.tabs.content(rx.box(compat_panel(), padding_top="14px"), value="compat"),
            default_value="keys",
            width="100%",
        ),
        rx.text(
            rx.link(I18n.t["dev.reference"], href=routes.API_REFERENCE, data_testid="dev-api-reference"),
            " · ",
            I18n.t["dev.docs"],
            " ",
            rx.link(routes.OPENAPI, href=routes.OPENAPI, is_external=True),
            size="2",
            color_scheme="gray",
            margin_top="12px",
        ),
        data_testid="developers",
    )
