"""The fiat payout on the merchant's invoice page (SPEC F10, services/fiat_payouts.py): the payout's
settings, the deposit (held / one payment needs / available), the payments waiting for their fiat, the
intermediary picker (BUY ads of the invoice's market that fit the payment) and "take it in crypto".

`PayoutPanelState` is a mixin of InvoiceDetailState (pages/invoice_detail/state.py), which reads the
panel with the rest of the page (`_show_payout`) and uses its `_user_id`, `_reload`, `busy` and
`action_error`. Every handler takes what the browser sends as untrusted: only payments the panel lists
as waiting and ads the picker listed are acted on, and the services check the merchant again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.catalog_data import COUNTRY_NAMES, method_name
from krypton_app.domain.deals import LIVE as LIVE_DEAL
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.fees import TAKER
from krypton_app.i18n import error_texts, translate
from krypton_app.services.deal_fee_quotes import deal_fee_terms
from krypton_app.services.fiat_payouts import PayoutOffer, PayoutPanel, open_payout_deal, payout_ads, take_in_crypto
from krypton_app.state.fiat_market import OfferRow, offer_row
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.views import amount_text, when


@dataclass
class PayoutRow:
    """The invoice's payout settings and deposit, formatted."""

    market: str = ""  # "RUB by SBP (Russia)"
    held: str = ""
    needed: str = ""
    available: str = ""
    short: bool = False  # the available balance cannot hold one more payment's deposit


@dataclass
class WaitingRow:
    payment_id: int = 0
    amount: str = ""
    payer: str = ""
    created: str = ""
    deal_id: int = 0
    deal_href: str = ""
    deal_status_key: str = ""
    live: bool = False  # its deal runs: no other intermediary and no "take in crypto" meanwhile


def payout_row(panel: PayoutPanel, decimals: int, asset: str, lang: str) -> PayoutRow:
    fiat = panel.fiat
    return PayoutRow(
        market=f"{fiat} · {method_name(panel.method, lang)} · {COUNTRY_NAMES.get(panel.country, {}).get(lang, '')}",
        held=amount_text(panel.held, decimals, asset, lang, full=True),
        needed=amount_text(panel.needed, decimals, asset, lang, full=True),
        available=amount_text(panel.available, decimals, asset, lang, full=True),
        short=panel.available < panel.needed,
    )


class PayoutPanelState(rx.State, mixin=True):
    payout: PayoutRow | None = None  # None: the invoice is paid out in crypto
    payout_waiting: list[WaitingRow] = []
    picker_payment: int = 0  # the waiting payment whose intermediaries are listed (0: none)
    picker_label: str = ""  # the payment listed for, "2 TON" (formatted: raw amounts stay on the server)
    picker_offers: list[OfferRow] = []
    picker_loaded: bool = False
    picker_fee: str = ""  # the deal fee of paying this payment out and who pays it, before "Open deal"

    _waiting_ids: list[int] = []
    # The ads the picker lists: "Open deal" acts on these only; one key per listing (a double click
    # opens one deal).
    _picker_ads: list[int] = []
    _picker_key: str = ""
    # The listing as the service gave it, formatted again when the page is read in another language.
    _picker_found: list[PayoutOffer] = []
    # The waiting payments' amounts and the invoice's asset, for the deal fee; the fee terms shown.
    _waiting_amounts: dict[int, int] = {}
    _payout_asset: str = ""
    _fee_terms: str = ""

    def _show_payout(self, panel: PayoutPanel | None, decimals: int, asset: str, lang: str) -> None:
        if panel is None:
            self.payout, self.payout_waiting, self._waiting_ids = None, [], []
            self._close_picker()
            return
        self.payout = payout_row(panel, decimals, asset, lang)
        self._waiting_amounts = {w.payment_id: w.amount for w in panel.waiting}
        self._payout_asset = asset
        self.payout_waiting = [
            WaitingRow(
                payment_id=w.payment_id,
                amount=amount_text(w.amount, decimals, asset, lang, full=True),
                payer=w.payer_name,
                created=when(w.created_at, lang),
                deal_id=w.deal_id or 0,
                deal_href=routes.deal_detail(w.deal_id) if w.deal_id else "",
                deal_status_key=f"deal.status.{w.deal_status}" if w.deal_id else "",
                live=w.deal_status in LIVE_DEAL,
            )
            for w in panel.waiting
        ]
        self._waiting_ids = [w.payment_id for w in panel.waiting]
        if self.picker_payment not in self._waiting_ids:
            self._close_picker()
            return
        self.picker_offers = [offer_row(o, lang) for o in self._picker_found]
        self.picker_label = next((w.amount for w in self.payout_waiting if w.payment_id == self.picker_payment), "")

    def _close_picker(self) -> None:
        self.picker_payment, self.picker_label, self.picker_offers = 0, "", []
        self.picker_loaded, self._picker_ads, self._picker_key, self._picker_found = False, [], "", []

    @rx.event
    def close_picker(self):
        self._close_picker()

    @rx.event
    async def choose_intermediary(self, payment_id: int):
        """List the BUY ads that can pay this waiting payment out."""
        user_id = await self._user_id()
        if user_id is None or type(payment_id) is not int or payment_id not in self._waiting_ids:
            return
        deps = app_deps()
        try:
            offers = await off_loop(payout_ads, deps.uow, user_id, payment_id, rates=deps.rates, now=datetime.now(UTC))
        except KryptonError as error:
            self.action_error = error_texts(error)
            return
        lang = (await self.get_state(I18n)).lang
        self.action_error = {}
        self.picker_payment = payment_id
        self.picker_label = next(w.amount for w in self.payout_waiting if w.payment_id == payment_id)
        self.picker_offers = [offer_row(o, lang) for o in offers]
        self.picker_loaded = True
        await self._note_fee(self._waiting_amounts.get(payment_id, 0), lang)
        self._picker_ads = [o.ad.id for o in offers]
        self._picker_found = list(offers)
        self._picker_key = uuid.uuid4().hex

    async def _note_fee(self, amount: int, lang: str) -> None:
        """The deal fee of a payout deal now: the merchant's (held from their balance while the deal runs)
        or the intermediary's (out of the deposit they receive), as the rule says."""
        try:
            terms = await off_loop(deal_fee_terms, app_deps().uow, self._payout_asset)
        except KryptonError:
            self.picker_fee, self._fee_terms = "", ""
            return
        self._fee_terms = terms.fingerprint
        fee = terms.fee_on(amount)
        if not fee:
            self.picker_fee = translate(lang, "fee.deal.none")
            return
        mine = terms.payer == TAKER  # the merchant takes the intermediary's BUY ad
        money = amount_text(fee if mine else min(fee, amount), terms.decimals, terms.asset, lang, full=True)
        self.picker_fee = translate(lang, "fee.payout.by_you" if mine else "fee.payout.by_trader", fee=money)

    @rx.event
    async def open_payout(self, ad_id: int):
        """Open the payout deal on a listed ad and go to its page (its chat)."""
        user_id = await self._user_id()
        if user_id is None or self.busy or type(ad_id) is not int or ad_id not in self._picker_ads:
            return
        payment_id, key, deps = self.picker_payment, f"{self._picker_key}:{ad_id}", app_deps()
        self.busy = f"payout-{ad_id}"
        yield
        try:
            deal = await off_loop(
                open_payout_deal,
                deps.uow,
                user_id,
                payment_id,
                ad_id,
                idempotency_key=key,
                rates=deps.rates,
                now=datetime.now(UTC),
                fee_terms=self._fee_terms or None,
            )
        except KryptonError as error:
            if error.code == "fee_changed":
                await self._note_fee(self._waiting_amounts.get(payment_id, 0), (await self.get_state(I18n)).lang)
            self.action_error = error_texts(error)
            return
        finally:
            self.busy = ""
        self._close_picker()
        yield rx.redirect(routes.deal_detail(deal.id))

    @rx.event
    async def take_crypto(self, payment_id: int):
        """Complete the waiting payment in crypto: the payer's crypto to the merchant, the deposit back."""
        user_id = await self._user_id()
        if user_id is None or self.busy or type(payment_id) is not int or payment_id not in self._waiting_ids:
            return
        deps = app_deps()
        self.busy = f"crypto-{payment_id}"
        yield
        try:
            await off_loop(take_in_crypto, deps.uow, user_id, payment_id, settings=deps.settings, now=datetime.now(UTC))
        except KryptonError as error:
            self.action_error = error_texts(error)
            return
        finally:
            self.busy = ""
        self.action_error = {}
        await self._reload(user_id)
        yield rx.toast.success((await self.get_state(I18n)).t["payment.status.completed"])
