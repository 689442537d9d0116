"""The console's reconciliation tab: per asset, the hot wallet's balance on chain against what the ledger
owes, the items that explain the difference, and the remainder nothing explains, red unless it is zero
(services/reconciliation.py says what each figure is). Read when the tab opens and on request; operators
only (the service checks)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.chain.gateway import ChainError
from krypton_app.components.rows import ROW_RULE
from krypton_app.components.ui import field_error
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_key
from krypton_app.i18n.formatting import amount_with_asset
from krypton_app.services.reconciliation import EQUAL, Reconciliation, reconcile_with_chain
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.views import when


@dataclass(frozen=True)
class FigureLine:
    label_key: str
    amount: str


@dataclass(frozen=True)
class AssetRow:
    asset: str
    chain: str
    liabilities: str
    remainder: str
    status_key: str
    equal: bool
    owed: list[FigureLine]
    explained: list[FigureLine]


class ReconciliationState(AuthState):
    rows: list[AssetRow] = []
    checked_at: str = ""
    error: str = ""  # catalog key: the node did not answer, or not an operator
    busy: bool = False

    def _show(self, result: Reconciliation, lang: str) -> None:
        def money(minor: int, decimals: int, asset: str) -> str:
            return amount_with_asset(minor, decimals, asset, lang, display=False)

        self.rows = [
            AssetRow(
                asset=a.asset,
                chain=money(a.chain, a.decimals, a.asset),
                liabilities=money(a.liabilities, a.decimals, a.asset),
                remainder=money(a.remainder, a.decimals, a.asset),
                status_key=f"operator.recon.status.{a.status}",
                equal=a.status == EQUAL,
                owed=[
                    FigureLine(f"operator.recon.owed.{i.name}", money(i.amount, a.decimals, a.asset)) for i in a.owed
                ],
                explained=[
                    FigureLine(f"operator.recon.item.{i.name}", money(i.amount, a.decimals, a.asset))
                    for i in a.explained
                ],
            )
            for a in result.assets
        ]
        self.checked_at = when(result.checked_at, lang)

    @rx.event
    async def check(self):
        """The tab's trigger and its "check again" button: one read of the chain and the ledger."""
        operator_id = await self._user_id()
        if operator_id is None:
            return
        deps = app_deps()
        self.busy = True
        yield
        try:
            # A coroutine: its gateway calls belong on this loop (as the chain worker's do), and it runs
            # its database reads in threads itself.
            result = await reconcile_with_chain(
                deps.uow,
                deps.gateway,
                operator_id,
                hot_wallet_address=deps.hot_wallet.address,
                settings=deps.settings,
            )
        except ChainError:
            self.error = "operator.recon.chain_error"
        except KryptonError as error:
            self.error = error_key(error.code, error.details)
        else:
            self.error = ""
            self._show(result, (await self.get_state(I18n)).lang)
        finally:
            self.busy = False


def _figures(lines: rx.Var, test_id: str) -> rx.Component:
    return rx.foreach(
        lines,
        lambda line: rx.hstack(
            rx.text(I18n.t[line.label_key], size="2", color_scheme="gray"),
            rx.spacer(),
            rx.text(line.amount, size="2"),
            width="100%",
            data_testid=test_id,
        ),
    )


def _total(label_key: str, value: rx.Var, **props) -> rx.Component:
    return rx.hstack(
        rx.text(I18n.t[label_key], size="2", weight="bold"),
        rx.spacer(),
        rx.text(value, size="3", weight="bold", **props),
        width="100%",
        padding_top="6px",
        border_top=ROW_RULE,
    )


def asset_card(row: rx.Var[AssetRow]) -> rx.Component:
    color = rx.cond(row.equal, "green", "red")
    return rx.vstack(
        rx.hstack(
            rx.heading(row.asset, size="4"),
            rx.badge(I18n.t[row.status_key], color_scheme=color, size="2", data_testid="recon-status"),
            spacing="3",
            align="center",
        ),
        _total("operator.recon.chain", row.chain, data_testid="recon-chain"),
        _total("operator.recon.liabilities", row.liabilities),
        _figures(row.owed, "recon-owed"),
        rx.text(I18n.t["operator.recon.explained"], size="2", weight="bold", padding_top="6px"),
        _figures(row.explained, "recon-item"),
        _total("operator.recon.remainder", row.remainder, color=rx.color(color, 11), data_testid="recon-remainder"),
        spacing="1",
        width="100%",
        padding="12px",
        border_radius="14px",
        border=rx.cond(row.equal, f"1px solid {rx.color('gray', 5)}", f"1px solid {rx.color('red', 8)}"),
        data_testid="recon-asset",
    )


def reconciliation_panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(I18n.t["operator.checked_at"], " ", ReconciliationState.checked_at, size="1", color_scheme="gray"),
            rx.spacer(),
            rx.button(
                rx.icon("refresh-cw", size=15),
                I18n.t["operator.refresh"],
                on_click=ReconciliationState.check,
                loading=ReconciliationState.busy,
                variant="soft",
                data_testid="recon-refresh",
            ),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.cond(ReconciliationState.error != "", field_error(I18n.t[ReconciliationState.error]), rx.fragment()),
        rx.grid(
            rx.foreach(ReconciliationState.rows, asset_card),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        rx.text(I18n.t["operator.recon.hint"], size="1", color_scheme="gray"),
        spacing="3",
        width="100%",
        padding_top="16px",
    )
