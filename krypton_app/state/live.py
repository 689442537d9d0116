"""Balances that follow the ledger in the open tab: a deposit shows up without a reload.

Pages whose content moves with the user's money (wallet, history) subclass `LiveState` and start
`start_live` on load. One background task per tab (guarded in itself, see state/watchers.py) reads a
cheap fingerprint (balances and the statuses of recent withdrawals) whenever the ledger or a withdrawal
announces the user's `balances_topic` (in any app process), and, only when it changed, refreshes the
balances and asks each subclass to reload through `_ledger_changed`. It stops when the tab closes, the
user logs out or the tab leaves the live pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.i18n import translate
from krypton_app.i18n.formatting import amount_with_asset, format_amount, format_fiat
from krypton_app.services.ledger_reads import BalanceView, list_balances
from krypton_app.services.rates import estimate_in
from krypton_app.services.withdrawals import list_withdrawals
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.watchers import TabWatcher
from krypton_app.wakeups import balances_topic

# Brand colours of the assets, so a balance is recognised before it is read.
ASSET_COLORS = {"TON": "#0098EA", "USDT": "#26A17B"}
FIAT = "USD"
LIVE_ROUTES = (routes.WALLET, routes.HISTORY)


def _fiat_text(value: Decimal | None, lang: str) -> str:
    """`≈ 52.00 USD` for a balance, or "" when the rate is unknown (the card then shows none)."""
    return "" if value is None else f"≈ {format_fiat(int(value.scaleb(2)), FIAT, lang)}"


@dataclass(frozen=True)
class BalanceRow:
    """One asset's balance card. Amounts are formatted on the server: minor units can exceed what a
    JavaScript number holds exactly."""

    asset: str
    name_key: str
    available: str  # rounded for the card; the full value is its tooltip
    available_full: str
    held: str
    held_full: str
    fiat: str  # "≈ 52.00 USD", or "" when the rate is unknown
    color: str


def _balance_row(b: BalanceView, worth: Decimal | None, lang: str) -> BalanceRow:
    return BalanceRow(
        asset=b.asset,
        name_key=f"wallet.asset.{b.asset}",
        available=format_amount(b.available, b.decimals, lang, b.asset),
        available_full=amount_with_asset(b.available, b.decimals, b.asset, lang, display=False),
        held=format_amount(b.held, b.decimals, lang, b.asset),
        held_full=amount_with_asset(b.held, b.decimals, b.asset, lang, display=False),
        fiat=_fiat_text(worth, lang),
        color=ASSET_COLORS.get(b.asset, "var(--accent-9)"),
    )


@dataclass(frozen=True)
class _LedgerSnapshot:
    # each balance with its estimate in FIAT (None: no rate); formatted in the tab's language on showing
    balances: list[tuple[BalanceView, Decimal | None]]
    # asset -> (available + held, decimals): tells money that arrived from money that moved
    totals: dict[str, tuple[int, int]]
    # everything a live page shows that can change by itself (the monitor, the worker, an operator)
    fingerprint: str


def _read_ledger(user_id: int) -> _LedgerSnapshot:
    """Blocking (database, maybe an HTTP rate source): the watcher runs it in a thread."""
    uow = app_deps().uow
    balances = list_balances(uow, user_id)
    statuses = [(w.id, w.status) for w in list_withdrawals(uow, user_id, limit=10)]
    return _LedgerSnapshot(
        balances=[
            (b, estimate_in(app_deps().rates, b.available + b.held, b.decimals, b.asset, FIAT)) for b in balances
        ],
        totals={b.asset: (b.available + b.held, b.decimals) for b in balances},
        fingerprint=repr(([(b.asset, b.available, b.held) for b in balances], statuses)),
    )


class LiveState(TabWatcher, AuthState):
    balances: list[BalanceRow] = []
    balances_loaded: bool = False

    _fingerprint: str = ""
    # the language the balances and the pages' rows were formatted in: a switch re-formats them
    _lang: str = ""
    # asset -> available + held, to tell money that arrived from money that moved between the two
    _totals: dict[str, int] = {}

    def _apply_ledger(self, snapshot: _LedgerSnapshot, lang: str) -> list[tuple[str, str]]:
        """Show a snapshot; return (asset, amount) for each asset whose total grew since the last."""
        grown = [
            (asset, format_amount(total - self._totals[asset], decimals, lang, display=False))
            for asset, (total, decimals) in snapshot.totals.items()
            if asset in self._totals and total > self._totals[asset]
        ]
        self.balances = [_balance_row(b, worth, lang) for b, worth in snapshot.balances]
        self._lang = lang
        self.balances_loaded = True
        self._totals = {asset: total for asset, (total, _decimals) in snapshot.totals.items()}
        self._fingerprint = snapshot.fingerprint
        return grown

    async def _refresh_ledger(self, user_id: int) -> None:
        self._apply_ledger(await off_loop(_read_ledger, user_id), (await self.get_state(I18n)).lang)

    async def _ledger_changed(self, user_id: int) -> None:
        """Subclasses reload what they show from the ledger; called with the state locked."""

    async def _reload_pages(self, user_id: int) -> None:
        for cls in LiveState.get_substates():
            page = await self.get_state(cls)
            await page._ledger_changed(user_id)

    async def _after_own_change(self, user_id: int) -> None:
        """After the user's own action (a withdrawal): show it at once on every live page, and move
        the fingerprint along so the watcher neither reloads again nor toasts it."""
        await self._refresh_ledger(user_id)
        await self._reload_pages(user_id)

    async def _text(self, key: str, **params) -> str:
        """A message in the tab's language, for toasts sent from handlers."""
        i18n = await self.get_state(I18n)
        return translate(i18n.lang, key, **params)

    @rx.event
    async def start_live(self):
        """on_load of the live pages: show the balances now, and start the tab's watcher (a no-op when
        it runs already)."""
        user_id = await self._user_id()
        if user_id is None:
            return None
        await self._refresh_ledger(user_id)
        return LiveState.watch_ledger

    async def _watch_key(self) -> int | None:
        path = self.router.url.path.rstrip("/") or "/"
        return await self._user_id() if path in LIVE_ROUTES else None

    _watch_read = staticmethod(_read_ledger)

    def _watch_topics(self, user_id: int) -> tuple:
        return (balances_topic(user_id),)

    async def _watch_show(self, user_id: int, snapshot: _LedgerSnapshot) -> list:
        toasts = []
        lang = (await self.get_state(I18n)).lang
        # A language switch re-formats amounts and dates at the next round, as new money does.
        changed = snapshot.fingerprint != self._fingerprint or lang != self._lang
        if changed and await self._user_id() == user_id:
            for asset, amount in self._apply_ledger(snapshot, lang):
                toasts.append(rx.toast.success(await self._text("live.received", amount=amount, asset=asset)))
            await self._reload_pages(user_id)
        return toasts

    @rx.event(background=True)
    async def watch_ledger(self):
        async for event in self._watch_rounds():
            yield event
