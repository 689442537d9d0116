"""The Developers card's "Crypto Pay / Heleket" tab: a merchant whose shop already talks to Telegram's
Crypto Pay or to Heleket gets credentials here and changes one base URL (docs/compat-cryptopay.md,
docs/compat-heleket.md). What is issued is shown once. Its state is state/compat_keys.py."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import copy_value
from krypton_app.state.compat_keys import CompatKeysState, CryptoPayAppRow
from krypton_app.state.i18n import I18n


def _copy(label: str, value: rx.Var, test_id: str) -> rx.Component:
    return copy_value(
        I18n.t[label], value, copied=I18n.t["common.copied"], copy_label=I18n.t["common.copy"], test_id=test_id
    )


def _section(title: str, hint: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[title], size="3", weight="bold"),
        rx.text(I18n.t[hint], size="2", color_scheme="gray"),
        *children,
        spacing="3",
        width="100%",
    )


def app_item(row: rx.Var[CryptoPayAppRow]) -> rx.Component:
    """One Crypto Pay app: its id and its settings form (webhook URL, transfer on or off)."""
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.text(row.name, size="2", weight="bold"),
                rx.code(row.app_id, size="1", variant="soft"),
                rx.cond(row.is_test, rx.badge("TESTNET", color_scheme="amber", size="1")),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.el.input(type="hidden", name="app", value=row.id.to_string()),
            rx.input(
                name="webhook_url",
                default_value=row.webhook_url,
                placeholder=I18n.t["compat.cp.webhook"],
                width="100%",
                data_testid="cp-app-webhook",
            ),
            rx.hstack(
                rx.checkbox(I18n.t["compat.cp.transfers"], name="transfers", default_checked=row.transfers),
                rx.spacer(),
                rx.button(I18n.t["compat.save"], type="submit", size="1", variant="soft", data_testid="cp-app-save"),
                width="100%",
                align="center",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=CompatKeysState.save_app,
        width="100%",
        padding_y="10px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="cp-app-row",
    )


def cryptopay_section() -> rx.Component:
    return _section(
        "compat.cp.title",
        "compat.cp.hint",
        _copy("compat.base_url", CompatKeysState.cryptopay_base, "cp-base-url"),
        rx.form(
            rx.vstack(
                rx.input(name="cp_name", placeholder=I18n.t["compat.app_name"], width="100%", data_testid="cp-name"),
                rx.input(name="cp_webhook", placeholder=I18n.t["compat.cp.webhook"], width="100%"),
                rx.hstack(
                    rx.checkbox(
                        I18n.t["compat.cp.transfers"],
                        checked=CompatKeysState.cp_transfers,
                        on_change=CompatKeysState.set_cp_transfers,
                    ),
                    rx.checkbox(
                        I18n.t["compat.testnet"], checked=CompatKeysState.cp_test, on_change=CompatKeysState.set_cp_test
                    ),
                    spacing="4",
                    wrap="wrap",
                ),
                rx.button(
                    rx.icon("key-round", size=15), I18n.t["compat.cp.create"], type="submit", data_testid="cp-create"
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=CompatKeysState.create_cryptopay_app,
            reset_on_submit=True,
            width="100%",
        ),
        rx.vstack(rx.foreach(CompatKeysState.apps, app_item), spacing="0", width="100%"),
    )


def heleket_section() -> rx.Component:
    return _section(
        "compat.hk.title",
        "compat.hk.hint",
        _copy("compat.base_url", CompatKeysState.heleket_base, "hk-base-url"),
        rx.form(
            rx.vstack(
                rx.input(name="hk_name", placeholder=I18n.t["compat.app_name"], width="100%", data_testid="hk-name"),
                rx.checkbox(
                    I18n.t["compat.sandbox"], checked=CompatKeysState.hk_test, on_change=CompatKeysState.set_hk_test
                ),
                rx.button(
                    rx.icon("key-round", size=15), I18n.t["compat.hk.create"], type="submit", data_testid="hk-create"
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=CompatKeysState.create_heleket_merchant,
            reset_on_submit=True,
            width="100%",
        ),
    )


def issued_dialog() -> rx.Component:
    """What was just issued, once: the Crypto Pay token, or the Heleket merchant with its two keys."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(I18n.t["compat.issued_title"]),
            rx.dialog.description(I18n.t["dev.new_key_once"], size="2", color_scheme="gray"),
            rx.vstack(
                rx.cond(
                    CompatKeysState.new_token != "",
                    _copy("compat.cp.token", CompatKeysState.new_token, "cp-token"),
                    rx.vstack(
                        _copy("compat.hk.merchant", CompatKeysState.new_merchant, "hk-merchant"),
                        _copy("compat.hk.payment_key", CompatKeysState.new_payment_key, "hk-payment-key"),
                        _copy("compat.hk.payout_key", CompatKeysState.new_payout_key, "hk-payout-key"),
                        spacing="3",
                        width="100%",
                    ),
                ),
                margin_y="16px",
                width="100%",
            ),
            rx.hstack(
                rx.button(I18n.t["dev.done"], on_click=CompatKeysState.close_issued, data_testid="compat-done"),
                justify="end",
            ),
        ),
        open=(CompatKeysState.new_token != "") | (CompatKeysState.new_merchant != ""),
    )


def compat_panel() -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t["compat.intro"], size="2", color_scheme="gray"),
        rx.cond(CompatKeysState.error != "", rx.text(I18n.t[CompatKeysState.error], color_scheme="red", size="2")),
        cryptopay_section(),
        rx.separator(size="4"),
        heleket_section(),
        issued_dialog(),
        spacing="4",
        width="100%",
        data_testid="compat-panel",
    )
