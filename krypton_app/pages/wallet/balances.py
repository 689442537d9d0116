"""/wallet: balances with their fiat value, the demo faucet, then deposit, withdraw and the recent list."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.ui import card, loading_note, page_heading
from krypton_app.pages.wallet.deposit import deposit_card
from krypton_app.pages.wallet.recent import recent_card
from krypton_app.pages.wallet.state import FAUCET_AMOUNTS, WalletState
from krypton_app.pages.wallet.tabs import wallet_tabs
from krypton_app.pages.wallet.withdraw import withdraw_card
from krypton_app.state.i18n import I18n
from krypton_app.state.live import BalanceRow, LiveState


def balance_card(row: rx.Var[BalanceRow]) -> rx.Component:
    return card(
        rx.hstack(
            rx.center(
                rx.text(row.asset, size="1", weight="bold", color="white", letter_spacing="0.02em"),
                width="48px",
                height="48px",
                min_width="48px",
                border_radius="999px",
                background=row.color,
            ),
            rx.vstack(
                rx.text(row.asset, size="4", weight="bold"),
                rx.text(I18n.t[row.name_key], size="2", color_scheme="gray"),
                spacing="0",
            ),
            spacing="3",
            align="center",
        ),
        rx.vstack(
            rx.text(I18n.t["wallet.available"], size="2", color_scheme="gray"),
            rx.hstack(
                rx.text(
                    row.available,
                    size="8",
                    weight="bold",
                    letter_spacing="-0.02em",
                    style={"font_variant_numeric": "tabular-nums"},
                    title=row.available_full,
                    data_testid="balance-available",
                ),
                rx.text(row.asset, size="4", color_scheme="gray", weight="medium"),
                spacing="2",
                align="baseline",
                wrap="wrap",
            ),
            rx.cond(
                row.fiat != "",
                rx.text(row.fiat, size="2", color_scheme="gray", data_testid="balance-fiat"),
                rx.fragment(),
            ),
            spacing="1",
            margin_top="20px",
        ),
        rx.hstack(
            rx.hstack(
                rx.icon("lock", size=14),
                rx.text(I18n.t["wallet.held"], size="2"),
                spacing="1",
                align="center",
                color=rx.color("gray", 11),
            ),
            rx.text(
                row.held,
                " ",
                row.asset,
                size="2",
                weight="medium",
                style={"font_variant_numeric": "tabular-nums"},
                title=row.held_full,
                data_testid="balance-held",
            ),
            justify="between",
            width="100%",
            margin_top="16px",
            padding_top="14px",
            border_top=f"1px solid {rx.color('gray', 4)}",
        ),
        data_testid=f"balance-{row.asset}",
    )


def faucet_card() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.center(
                rx.icon("flask-conical", size=20),
                width="40px",
                height="40px",
                min_width="40px",
                border_radius="12px",
                background=rx.color("amber", 4),
                color=rx.color("amber", 11),
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(I18n.t["faucet.title"], weight="bold", size="3"),
                    rx.badge(I18n.t["faucet.badge"], color_scheme="amber", variant="solid", radius="full"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(I18n.t["faucet.body"], size="2", color_scheme="gray"),
                spacing="1",
                flex="1",
                min_width="200px",
            ),
            rx.hstack(
                *(
                    rx.button(
                        rx.icon("droplet", size=15),
                        f"+{amount} {asset}",
                        on_click=WalletState.faucet(asset),
                        loading=WalletState.faucet_busy == asset,
                        disabled=WalletState.faucet_busy != "",
                        color_scheme="amber",
                        variant="surface",
                        data_testid=f"faucet-{asset}",
                    )
                    for asset, amount in FAUCET_AMOUNTS.items()
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="4",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        padding=["16px", "18px", "20px"],
        border_radius="20px",
        border=f"2px dashed {rx.color('amber', 7)}",
        background=rx.color("amber", 2),
        data_testid="faucet-card",
    )


@template(route=routes.WALLET, title="Wallet", on_load=[LiveState.start_live, WalletState.load])
def wallet() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["wallet.title"], I18n.t["wallet.subtitle"], margin_bottom="0"),
        wallet_tabs(routes.WALLET),
        rx.cond(
            LiveState.balances_loaded,
            rx.grid(
                rx.foreach(LiveState.balances, balance_card),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            loading_note(I18n.t["wallet.loading"]),
        ),
        rx.text(I18n.t["wallet.held_hint"], size="1", color_scheme="gray"),
        rx.link(
            rx.hstack(
                rx.icon("ticket", size=16),
                rx.text(I18n.t["nav.promises"], weight="medium", size="2"),
                rx.text(I18n.t["wallet.promises_hint"], size="2", color_scheme="gray"),
                rx.icon("chevron-right", size=16),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            href=routes.PROMISES,
            underline="none",
            data_testid="wallet-promises-link",
        ),
        rx.cond(WalletState.faucet_enabled, faucet_card(), rx.fragment()),
        rx.cond(
            WalletState.loaded,
            rx.grid(
                deposit_card(),
                withdraw_card(),
                columns=rx.breakpoints(initial="1", lg="2"),
                spacing="4",
                width="100%",
                align_items="start",
            ),
            rx.fragment(),
        ),
        rx.cond(WalletState.loaded, recent_card(), rx.fragment()),
        spacing="4",
        width="100%",
    )
