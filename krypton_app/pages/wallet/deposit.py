"""The deposit card of /wallet: the hot wallet's address, the user's memo and a QR code, per asset."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.qr import qr_code
from krypton_app.components.ui import card, card_title, copy_value
from krypton_app.pages.wallet.state import WalletState
from krypton_app.state.i18n import I18n


def deposit_panel(asset: str, link: rx.Var, qr: rx.Var) -> rx.Component:
    return rx.grid(
        qr_code(qr, alt=I18n.t["deposit.qr_alt"], test_id=f"deposit-qr-{asset}"),
        rx.vstack(
            copy_value(
                I18n.t["deposit.address"],
                WalletState.deposit.address,
                copied=I18n.t["common.copied"],
                copy_label=I18n.t["common.copy"],
                test_id="deposit-address",
            ),
            copy_value(
                I18n.t["deposit.memo"],
                WalletState.deposit.memo,
                copied=I18n.t["common.copied"],
                copy_label=I18n.t["common.copy"],
                test_id="deposit-memo",
            ),
            rx.callout(
                I18n.t[f"deposit.memo_warning.{asset}"],
                icon="triangle-alert",
                color_scheme="amber",
                size="1",
                width="100%",
                data_testid="deposit-memo-warning",
            ),
            rx.link(
                rx.button(
                    rx.icon("external-link", size=15),
                    I18n.t["deposit.open_wallet"],
                    variant="soft",
                    size="2",
                ),
                href=link,
                is_external=True,
                data_testid=f"deposit-link-{asset}",
            ),
            spacing="3",
            width="100%",
            min_width="0",
        ),
        columns=rx.breakpoints(initial="1", sm="auto 1fr"),
        spacing="5",
        width="100%",
        margin_top="16px",
    )


def deposit_card() -> rx.Component:
    return card(
        card_title("arrow-down-left", I18n.t["deposit.title"], color="green"),
        rx.text(I18n.t["deposit.intro"], size="2", color_scheme="gray"),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("TON", value="TON", data_testid="deposit-tab-TON"),
                rx.tabs.trigger("USDT", value="USDT", data_testid="deposit-tab-USDT"),
                margin_top="12px",
            ),
            rx.tabs.content(
                deposit_panel("TON", WalletState.deposit.ton_link, WalletState.deposit.ton_qr),
                value="TON",
            ),
            rx.tabs.content(
                deposit_panel("USDT", WalletState.deposit.usdt_link, WalletState.deposit.usdt_qr),
                value="USDT",
            ),
            default_value="TON",
            width="100%",
        ),
        data_testid="deposit-card",
    )
