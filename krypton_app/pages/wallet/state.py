"""The /wallet page's own state: where to deposit, the recent withdrawals and payouts, the demo faucet.
The balances come from LiveState (state/live.py), which every live page shares."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.domain.catalog_data import ASSETS
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import to_minor
from krypton_app.i18n import error_key
from krypton_app.pages.wallet.withdraw_state import METHODS as WITHDRAW_METHODS
from krypton_app.pages.wallet.withdraw_state import WITHDRAW_CARD_ID, WithdrawState
from krypton_app.services.deposits import DepositInfo, demo_faucet, deposit_info
from krypton_app.services.payouts import cancel_payout, list_user_payouts
from krypton_app.services.withdrawals import list_withdrawals
from krypton_app.state.i18n import I18n
from krypton_app.state.live import LiveState
from krypton_app.state.offload import off_loop
from krypton_app.state.views import WithdrawalRow, payout_row, withdrawal_row
from krypton_app.wakeups import CHAIN_TOPIC, WAKEUPS

DECIMALS = {code: decimals for code, _name, decimals in ASSETS}
# What one press of the demo faucet sends through the fake chain (the service caps it).
FAUCET_AMOUNTS = {"TON": "10", "USDT": "100"}
RECENT_LIMIT = 10


@dataclass(frozen=True)
class DepositCard:
    address: str = ""
    memo: str = ""
    ton_link: str = ""
    usdt_link: str = ""
    ton_qr: str = ""  # QR codes as data: URIs
    usdt_qr: str = ""


def _deposit_card(info: DepositInfo) -> DepositCard:
    return DepositCard(
        address=info.address,
        memo=info.memo,
        ton_link=info.ton_link,
        usdt_link=info.usdt_link,
        ton_qr=info.ton_qr_svg,
        usdt_qr=info.usdt_qr_svg,
    )


def _recent_rows(user_id: int, lang: str) -> list[WithdrawalRow]:
    """TON withdrawals and Bitcoin / Lightning payouts together, newest first."""
    uow = app_deps().uow
    rows = [(w.created_at, withdrawal_row(w, lang)) for w in list_withdrawals(uow, user_id, limit=RECENT_LIMIT)]
    rows += [(p.created_at, payout_row(p, lang)) for p in list_user_payouts(uow, user_id)]
    rows.sort(key=lambda pair: pair[0], reverse=True)
    return [row for _created, row in rows[:RECENT_LIMIT]]


def _send_from_faucet(user_id: int, asset: str, amount: str) -> str:
    """`demo_faucet` is a coroutine whose work blocks (the memo row, the fake chain's file): it runs to
    the end here, on the worker thread `off_loop` gives it."""
    deps = app_deps()
    return asyncio.run(
        demo_faucet(
            deps.uow,
            deps.gateway,
            user_id,
            hot_wallet=deps.hot_wallet,
            asset=asset,
            amount=to_minor(amount, DECIMALS[asset]),
            settings=deps.settings,
        )
    )


class WalletState(LiveState):
    deposit: DepositCard = DepositCard()
    # TON withdrawals and Bitcoin / Lightning payouts, newest first
    recent: list[WithdrawalRow] = []
    loaded: bool = False
    faucet_enabled: bool = app_deps().settings.demo_faucet_enabled
    faucet_busy: str = ""
    # the payout whose cancel is running (0: none)
    cancelling: int = 0

    async def _load_recent(self, user_id: int) -> None:
        self.recent = await off_loop(_recent_rows, user_id, (await self.get_state(I18n)).lang)

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
        self.deposit = _deposit_card(
            await off_loop(deposit_info, deps.uow, user_id, hot_wallet=deps.hot_wallet, settings=deps.settings)
        )
        await self._load_recent(user_id)
        self.loaded = True
        # `?withdraw=bitcoin`: the start page's "crypto from my balance to Bitcoin / Lightning" opens that form.
        method = self.router.url.query_parameters.get("withdraw", "")
        if method in WITHDRAW_METHODS:
            (await self.get_state(WithdrawState))._switch(method)
            return rx.scroll_to(WITHDRAW_CARD_ID)
        return None

    @rx.event
    async def cancel_payout(self, payout_id: int):
        """The owner cancels a queued payout after confirming it; the service checks it is theirs and
        still queued, and a repeated call returns the first result."""
        user_id = await self._user_id()
        if user_id is None or type(payout_id) is not int or self.cancelling:
            return
        self.cancelling = payout_id
        yield
        try:
            await off_loop(cancel_payout, app_deps().uow, user_id, payout_id)
        except KryptonError as error:
            await self._load_recent(user_id)  # an operator decided it meanwhile: show what happened
            yield rx.toast.error(await self._text(error_key(error.code, error.details)))
            return
        finally:
            self.cancelling = 0
        await self._after_own_change(user_id)
        yield rx.toast.success(await self._text("recent.cancelled"))

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
            await off_loop(_send_from_faucet, user_id, asset, amount)
        except KryptonError as error:
            yield rx.toast.error(await self._text(error_key(error.code, error.details)))
            return
        finally:
            self.faucet_busy = ""
        # The chain monitor looks at once, and then until the deposit has its confirmations.
        WAKEUPS.wake(CHAIN_TOPIC)
        yield rx.toast.info(await self._text("faucet.sent", amount=amount, asset=asset))
