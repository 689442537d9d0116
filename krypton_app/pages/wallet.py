"""/wallet: balances per asset, available and held."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.ui import card, page_heading
from krypton_app.db import default_uow
from krypton_app.domain.money import format_amount
from krypton_app.services.ledger import list_balances
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n

# Brand colours of the assets, so a balance is recognised before it is read.
ASSET_COLORS = {"TON": "#0098EA", "USDT": "#26A17B"}


class WalletState(AuthState):
    # Formatted on the server: minor units can exceed what a JavaScript number holds exactly.
    balances: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    def load(self):
        user_id = self._verified_user_id()
        if user_id is None:
            self.balances = []
            self.loaded = False
            return
        self.balances = [
            {
                "asset": b.asset,
                "name_key": f"wallet.asset.{b.asset}",
                "available": format_amount(b.available, b.decimals),
                "held": format_amount(b.held, b.decimals),
                "color": ASSET_COLORS.get(b.asset, "var(--accent-9)"),
            }
            for b in list_balances(default_uow(), user_id)
        ]
        self.loaded = True


def balance_card(row: rx.Var) -> rx.Component:
    return card(
        rx.hstack(
            rx.center(
                rx.text(row["asset"], size="1", weight="bold", color="white", letter_spacing="0.02em"),
                width="48px",
                height="48px",
                min_width="48px",
                border_radius="999px",
                background=row["color"],
            ),
            rx.vstack(
                rx.text(row["asset"], size="4", weight="bold"),
                rx.text(I18n.t[row["name_key"]], size="2", color_scheme="gray"),
                spacing="0",
            ),
            spacing="3",
            align="center",
        ),
        rx.vstack(
            rx.text(I18n.t["wallet.available"], size="2", color_scheme="gray"),
            rx.hstack(
                rx.text(
                    row["available"],
                    size=rx.breakpoints(initial="8", sm="8"),
                    weight="bold",
                    letter_spacing="-0.02em",
                    style={"font_variant_numeric": "tabular-nums"},
                    data_testid="balance-available",
                ),
                rx.text(row["asset"], size="4", color_scheme="gray", weight="medium"),
                spacing="2",
                align="baseline",
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
                row["held"],
                " ",
                row["asset"],
                size="2",
                weight="medium",
                style={"font_variant_numeric": "tabular-nums"},
                data_testid="balance-held",
            ),
            justify="between",
            width="100%",
            margin_top="16px",
            padding_top="14px",
            border_top=f"1px solid {rx.color('gray', 4)}",
        ),
        data_testid=f"balance-{row['asset']}",
    )


def coming_soon_note() -> rx.Component:
    return card(
        rx.hstack(
            rx.center(
                rx.icon("clock", size=20),
                width="40px",
                height="40px",
                min_width="40px",
                border_radius="12px",
                background=rx.color("amber", 3),
                color=rx.color("amber", 11),
            ),
            rx.vstack(
                rx.text(I18n.t["wallet.coming_soon_title"], weight="bold", size="3"),
                rx.text(I18n.t["wallet.coming_soon"], size="2", color_scheme="gray"),
                rx.hstack(
                    rx.button(rx.icon("arrow-down-left", size=16), I18n.t["wallet.deposit"], disabled=True),
                    rx.button(
                        rx.icon("arrow-up-right", size=16),
                        I18n.t["wallet.withdraw"],
                        disabled=True,
                        variant="soft",
                    ),
                    spacing="2",
                    margin_top="8px",
                    wrap="wrap",
                ),
                spacing="1",
            ),
            spacing="3",
            align="start",
        ),
    )


@template(route=routes.WALLET, title="Wallet", on_load=[WalletState.load])
def wallet() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["wallet.title"], I18n.t["wallet.subtitle"]),
        rx.cond(
            WalletState.loaded,
            rx.grid(
                rx.foreach(WalletState.balances, balance_card),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            rx.hstack(rx.spinner(), rx.text(I18n.t["wallet.loading"], color_scheme="gray"), spacing="2"),
        ),
        rx.text(I18n.t["wallet.held_hint"], size="1", color_scheme="gray"),
        coming_soon_note(),
        spacing="4",
        width="100%",
    )
