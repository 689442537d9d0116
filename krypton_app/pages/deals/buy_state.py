"""The deal page's part about a purchase for a destination (SPEC F7; services/buy_deals.py): where the
crypto goes, what the release made of it, and the bought promise's code, which the buyer's page takes
once (take_bought_code) and keeps in this tab only."""

from __future__ import annotations

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.routes import promise_link
from krypton_app.services.buy_deals import BuyDestinationView, take_bought_code
from krypton_app.services.qr import qr_data_uri
from krypton_app.state.offload import off_loop
from krypton_app.state.views import amount_text


def _code_row(buyer_id: int, deal_id: int, app_url: str) -> tuple[str, str, str, int, str] | None:
    """(code, link, QR, amount, asset) of the bought promise, taken now; None when there is none to take."""
    deps = app_deps()
    bought = take_bought_code(deps.uow, buyer_id, deal_id, settings=deps.settings)
    if bought is None:
        return None
    link = f"{app_url.rstrip('/')}{promise_link(bought.code)}"
    return bought.code, link, qr_data_uri(link), bought.amount, bought.asset


class BuyDestination(rx.State, mixin=True):
    buy_kind: str = ""  # "" when the deal buys for no destination
    buy_target: str = ""
    buy_payout: str = ""  # what the payout sends ("" without one)
    buy_outcome: str = ""  # "" until released | delivered | to_balance
    buy_reason: str = ""  # deal.sys.buy_to_balance.<reason> when it went to the balance
    buy_payout_status: str = ""
    buy_promise_status: str = ""
    # The bought promise's code, shown in this tab after the page took it (never sent again).
    buy_code: str = ""
    buy_code_link: str = ""
    buy_code_qr: str = ""
    buy_code_worth: str = ""

    _buy_code_waiting: bool = False
    _buy_code_deal: int = 0  # the deal whose code the tab shows

    def _reset_buy(self, deal_id: int) -> None:
        """A page load: the code taken for this deal stays shown (a reload of the page, a reconnect runs
        on_load again, and the code cannot be taken twice); another deal's goes."""
        self.buy_kind, self._buy_code_waiting = "", False
        if deal_id != self._buy_code_deal:
            self.buy_code, self.buy_code_link, self.buy_code_qr, self.buy_code_worth = "", "", "", ""

    def _show_buy(self, view: BuyDestinationView | None, lang: str) -> None:
        if view is None:
            self.buy_kind, self._buy_code_waiting = "", False
            return
        self.buy_kind, self.buy_target = view.kind, view.target
        payout = view.payout_amount
        self.buy_payout = "" if payout is None else amount_text(payout, view.decimals, view.asset, lang, full=True)
        self.buy_outcome = view.outcome or ""
        self.buy_reason = f"deal.sys.buy_to_balance.{view.reason}" if view.reason else ""
        self.buy_payout_status = view.payout_status or ""
        self.buy_promise_status = view.promise_status or ""
        self._buy_code_waiting = view.code_waiting

    async def _take_buy_code(self, user_id: int, deal_id: int, decimals: int, lang: str) -> None:
        """The buyer's page takes the code the release sealed for them: shown here, once."""
        if not self._buy_code_waiting:
            return
        self._buy_code_waiting = False
        row = await off_loop(_code_row, user_id, deal_id, app_deps().settings.app_url)
        if row is not None:
            self.buy_code, self.buy_code_link, self.buy_code_qr, amount, asset = row
            self._buy_code_deal = deal_id
            self.buy_code_worth = amount_text(amount, decimals, asset, lang, full=True)
