"""/wallet: balances with their fiat value, deposit address and memo, the demo faucet, withdrawals."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.qr import qr_code
from krypton_app.components.ui import (
    card,
    card_title,
    copy_value,
    empty_note,
    loading_note,
    page_heading,
    status_chip,
)
from krypton_app.domain.catalog_data import ASSETS
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import to_minor
from krypton_app.i18n import error_key
from krypton_app.pages.withdraw import withdraw_card
from krypton_app.services.deposits import demo_faucet, deposit_info
from krypton_app.services.payouts import list_user_payouts
from krypton_app.services.withdrawals import list_withdrawals
from krypton_app.state.i18n import I18n
from krypton_app.state.live import LiveState
from krypton_app.state.offload import off_loop
from krypton_app.state.views import payout_row, withdrawal_row

DECIMALS = {code: decimals for code, _name, decimals in ASSETS}
# What one press of the demo faucet sends through the fake chain.
FAUCET_AMOUNTS = {"TON": "10", "USDT": "100"}
RECENT_LIMIT = 10


def _recent_rows(user_id: int) -> list[dict[str, str]]:
    uow = app_deps().uow
    rows = [(w.created_at, withdrawal_row(w)) for w in list_withdrawals(uow, user_id, limit=RECENT_LIMIT)]
    rows += [(p.created_at, payout_row(p)) for p in list_user_payouts(uow, user_id)]
    rows.sort(key=lambda pair: pair[0], reverse=True)
    return [row for _created, row in rows[:RECENT_LIMIT]]


class WalletState(LiveState):
    # address, memo, ton_link, usdt_link, ton_qr, usdt_qr (QR codes as data: URIs)
    deposit: dict[str, str] = {}
    # TON withdrawals and Bitcoin / Lightning payouts, newest first
    recent: list[dict[str, str]] = []
    loaded: bool = False
    faucet_enabled: bool = app_deps().settings.demo_faucet_enabled
    faucet_busy: str = ""

    async def _load_recent(self, user_id: int) -> None:
        self.recent = await off_loop(_recent_rows, user_id)

    async def _ledger_changed(self, user_id: int) -> None:
        if self.loaded:
            await self._load_recent(user_id)

    @rx.event
    async def load(self):
        user_id = await self._user_id()
        if user_id is None:
            self.loaded = False
            return
        deps = app_deps()
        info = await off_loop(deposit_info, deps.uow, user_id, settings=deps.settings)
        self.deposit = {
            "address": info.address,
            "memo": info.memo,
            "ton_link": info.ton_link,
            "usdt_link": info.usdt_link,
            "ton_qr": info.ton_qr_svg,
            "usdt_qr": info.usdt_qr_svg,
        }
        await self._load_recent(user_id)
        self.loaded = True

    @rx.event
    async def faucet(self, asset: str):
        """Demo only: a deposit to the user's memo through the fake chain; the monitor credits it."""
        user_id = await self._user_id()
        if user_id is None or asset not in FAUCET_AMOUNTS or self.faucet_busy:
            return
        amount = FAUCET_AMOUNTS[asset]
        self.faucet_busy = asset
        yield
        try:
            deps = app_deps()
            await demo_faucet(
                deps.uow,
                deps.gateway,
                user_id,
                asset=asset,
                amount=to_minor(amount, DECIMALS[asset]),
                settings=deps.settings,
            )
        except KryptonError as error:
            yield rx.toast.error(await self._text(error_key(error.code)))
            return
        finally:
            self.faucet_busy = ""
        yield rx.toast.info(await self._text("faucet.sent", amount=amount, asset=asset))


def wallet_tabs(active: str) -> rx.Component:
    """Balances and history are two views of one wallet: a switch at the top of both pages."""
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
            for route, key, icon in (
                (routes.WALLET, "wallet.tab.balances", "wallet"),
                (routes.HISTORY, "wallet.tab.history", "history"),
            )
        ),
        spacing="1",
        padding="4px",
        border_radius="999px",
        background=rx.color("gray", 3),
        width="fit-content",
    )


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
                    size="8",
                    weight="bold",
                    letter_spacing="-0.02em",
                    style={"font_variant_numeric": "tabular-nums"},
                    data_testid="balance-available",
                ),
                rx.text(row["asset"], size="4", color_scheme="gray", weight="medium"),
                spacing="2",
                align="baseline",
                wrap="wrap",
            ),
            rx.cond(
                row["fiat"] != "",
                rx.text(row["fiat"], size="2", color_scheme="gray", data_testid="balance-fiat"),
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


def deposit_panel(asset: str, link: rx.Var, qr: rx.Var) -> rx.Component:
    return rx.grid(
        qr_code(qr, alt=I18n.t["deposit.qr_alt"], test_id=f"deposit-qr-{asset}"),
        rx.vstack(
            copy_value(
                I18n.t["deposit.address"],
                WalletState.deposit["address"],
                copied=I18n.t["common.copied"],
                copy_label=I18n.t["common.copy"],
                test_id="deposit-address",
            ),
            copy_value(
                I18n.t["deposit.memo"],
                WalletState.deposit["memo"],
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
                deposit_panel("TON", WalletState.deposit["ton_link"], WalletState.deposit["ton_qr"]),
                value="TON",
            ),
            rx.tabs.content(
                deposit_panel("USDT", WalletState.deposit["usdt_link"], WalletState.deposit["usdt_qr"]),
                value="USDT",
            ),
            default_value="TON",
            width="100%",
        ),
        data_testid="deposit-card",
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


def recent_row(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text(I18n.t[row["method_key"]], size="2", weight="bold"),
                status_chip(I18n.t[row["status_key"]], row["status_color"], data_testid="recent-status"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.tooltip(
                rx.text(row["destination_short"], size="1", color_scheme="gray", font_family="var(--code-font-family)"),
                content=row["destination"],
            ),
            rx.text(row["when"], size="1", color_scheme="gray"),
            rx.cond(
                row["reference"] != "",
                rx.text(I18n.t["recent.reference"], ": ", row["reference"], size="1", color_scheme="gray"),
                rx.fragment(),
            ),
            rx.cond(
                row["reject_reason"] != "",
                rx.text(I18n.t["recent.reject_reason"], ": ", row["reject_reason"], size="1", color_scheme="red"),
                rx.fragment(),
            ),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        rx.vstack(
            rx.text(row["amount"], size="3", weight="bold", style={"font_variant_numeric": "tabular-nums"}),
            rx.text(I18n.t["withdraw.fee"], ": ", row["fee"], size="1", color_scheme="gray"),
            rx.cond(row["detail"] != "", rx.text(row["detail"], size="1", color_scheme="gray"), rx.fragment()),
            spacing="0",
            align="end",
        ),
        width="100%",
        align="start",
        wrap="wrap",
        padding_y="12px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="recent-row",
    )


def recent_card() -> rx.Component:
    return card(
        card_title("list", I18n.t["recent.title"]),
        rx.cond(
            WalletState.recent.length() > 0,
            rx.vstack(rx.foreach(WalletState.recent, recent_row), spacing="0", width="100%"),
            empty_note(I18n.t["recent.empty"]),
        ),
        data_testid="recent-card",
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
