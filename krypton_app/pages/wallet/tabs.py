"""Balances, history and the payer's payments are views of one wallet: a switch at the top of each page."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.state.i18n import I18n

TABS = (
    (routes.WALLET, "wallet.tab.balances", "wallet"),
    (routes.HISTORY, "wallet.tab.history", "history"),
    (routes.PAYMENTS, "wallet.tab.payments", "receipt-text"),
)


def wallet_tabs(active: str) -> rx.Component:
    return rx.hstack(
        *(
            rx.link(
                rx.hstack(rx.icon(icon, size=15), rx.text(I18n.t[key], size="2", weight="medium"), spacing="2"),
                href=route,
                underline="none",
                padding_x="14px",
                padding_y="7px",
                border_radius="999px",
                color=rx.color("accent", 11) if route == active else rx.color("gray", 11),
                background=rx.color("accent", 4) if route == active else "transparent",
                _hover={"background": rx.color("accent", 4) if route == active else rx.color("gray", 4)},
                aria_current="page" if route == active else None,
                data_testid=f"wallet-tab-{route.strip('/')}",
            )
            for route, key, icon in TABS
        ),
        spacing="1",
        padding="4px",
        border_radius="999px",
        background=rx.color("gray", 3),
        width="fit-content",
    )
