"""The unit of the Bitcoin withdraw form's amount: the asset spent (TON, USDT) or BTC, what the
recipient gets. Whichever the user types, the other is shown under it at the current rate
("≈ 0.00052 BTC"); a BTC amount is quoted as the least amount of the asset that sends at least that
many BTC (services/payout_quotes.amount_for_btc), so the review and the payout are in the asset spent,
as before. A mixin of WithdrawState (withdraw_state.py), which owns `method`, `asset` and the quote."""

from __future__ import annotations

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.domain.catalog_data import ASSETS
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.services import payout_quotes
from krypton_app.state.offload import off_loop

ASSET, BTC = "asset", "btc"
UNITS = (ASSET, BTC)
BTC_DECIMALS = 8
DECIMALS = {code: decimals for code, _name, decimals in ASSETS}
# Typed text longer than any amount is not one: it is not sent to the services.
MAX_TYPED = 40


def amount_in_asset(unit: str, asset: str, text: str) -> str:
    """The typed amount as decimal text of `asset`, what the quote and the payout take; the services'
    refusal of a BTC amount that is not one (too many decimals, ...) is raised as it is."""
    if unit != BTC:
        return text
    deps = app_deps()
    return format_amount(
        payout_quotes.amount_for_btc(deps.uow, asset=asset, btc=text, rates=deps.rates), DECIMALS[asset]
    )


def converted(unit: str, asset: str, text: str) -> str:
    """`text`, an amount in `unit`, in the other unit as decimal text; "" while it is not an amount
    (half typed) or there is no rate: the equivalent is a hint, the review says what is wrong."""
    deps = app_deps()
    try:
        if unit == BTC:
            return amount_in_asset(BTC, asset, text)
        sat = payout_quotes.btc_for_amount(deps.uow, asset=asset, amount=text, rates=deps.rates)
    except KryptonError:
        return ""
    return format_amount(sat, BTC_DECIMALS)


class AmountUnitMixin(rx.State, mixin=True):
    unit: str = ASSET
    # The typed amount in the other unit, "≈ 0.00052 BTC" or "≈ 9.9 TON"; "" when there is none.
    equivalent: str = ""
    _typed: str = ""

    def _reset_unit(self) -> None:
        self.unit, self.equivalent, self._typed = ASSET, "", ""

    async def _show_equivalent(self, text: str) -> None:
        self._typed = text.strip()[:MAX_TYPED]
        value = await off_loop(converted, self.unit, self.asset, self._typed) if self._typed else ""
        other = self.asset if self.unit == BTC else "BTC"
        self.equivalent = f"≈ {value} {other}" if value else ""

    async def _quoted_amount(self, asset: str, text: str) -> str:
        return await off_loop(amount_in_asset, self.unit, asset, text)

    @rx.event
    async def type_amount(self, text: str):
        """The Bitcoin form's amount as it is typed (debounced): its equivalent in the other unit."""
        # Only for the signed-in owner of the form (WithdrawState's AuthState): a read, but not a public one.
        if self.method == "bitcoin" and isinstance(text, str) and await self._user_id() is not None:
            await self._show_equivalent(text)

    @rx.event
    async def choose_unit(self, unit: str):
        """Switch the unit the amount is typed in; what was typed is converted, so it is the same money."""
        if unit not in UNITS or unit == self.unit or self.method != "bitcoin" or self.quote_lines:
            return
        if await self._user_id() is None:
            return
        text = await off_loop(converted, self.unit, self.asset, self._typed) if self._typed else ""
        self.unit = unit
        self.field_errors = {}
        await self._show_equivalent(text)
        if text:
            return rx.set_value("bitcoin_amount", text)
