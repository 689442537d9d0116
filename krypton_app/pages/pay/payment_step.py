"""The wizard's third step, a mixin of PayState (pages/pay/state.py): the started payment shown part
by part, each part funded from the balance at the amount the page shows, or the payment cancelled. It
sets PayState's step, rate, invoice card and messages as the payment moves."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.invoices import PENDING, QuoteRenewed, unfinished_payment_deadline
from krypton_app.i18n import error_texts
from krypton_app.pages.pay.methods import DEFAULT_METHOD, METHOD_KEYS
from krypton_app.services.payer_payments import find_unfinished_payment
from krypton_app.services.payment_rows import PaymentView
from krypton_app.services.payments import cancel_payment, fund_part_from_balance, get_payment
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import PartRow, PaymentRow, part_row, payment_row
from krypton_app.state.offload import off_loop
from krypton_app.state.views import amount_text, when


def now() -> datetime:
    """The moment both pay states hand the services (a test sets its own clock here)."""
    return datetime.now(UTC)


class PaymentStep(rx.State, mixin=True):
    # None until a payment starts (its redirect back to the shop is the payer's only once it completes)
    payment: PaymentRow | None = None
    payment_parts: list[PartRow] = []
    # the part being funded (0: none)
    busy: int = 0
    # until when the started payment's fiat quote holds (ms; 0: no quote)
    quote_deadline_ms: int = 0
    # an unfinished payment: when it is cancelled by itself ("" once it cannot be funded any more)
    cancels_at: str = ""
    # the payment was started earlier (another visit of the link), not by this page's Continue
    resumed: bool = False
    # pending part id (as text: a JSON object's key) -> the method the payer picked (pages/pay/methods.py)
    part_methods: dict[str, str] = {}
    # pending parts the available balance does not cover, as the page last read it
    balance_short: list[int] = []

    _payment_id: int = 0
    # the method part 1's picker starts on (`?method=`, pages/pay/methods.QUERY_METHODS); "" for the default
    _first_method: str = ""
    # part id -> amount (minor units) as the page shows it: a part is funded at that amount or not at all
    _part_amounts: dict[int, int] = {}
    # the payer's available balance in the invoice's asset (minor units), as the page last read it
    _available_minor: int = 0

    async def _resume(self, user_id: int, number: str) -> None:
        """Opening the invoice link again (a reload, another tab, the next day's browser) goes back to
        the payer's unfinished payment of this invoice, its funded parts shown, instead of starting a
        second payment beside it while the first one's money stays held."""
        deps = app_deps()
        view = await off_loop(find_unfinished_payment, deps.uow, user_id, number, settings=deps.settings, now=now())
        if view is not None:
            self._show_payment(view, (await self.get_state(I18n)).lang)
            self.step = "fund"
            self.resumed = True

    def _show_payment(self, view: PaymentView, lang: str) -> None:
        self._payment_id = view.id
        self.payment = payment_row(view, lang)
        self.payment_parts = [part_row(p, view.decimals, view.asset, lang) for p in view.parts]
        self._part_amounts = {p.id: p.amount for p in view.parts}
        pending = [str(p.id) for p in view.parts if p.status == PENDING]
        first = str(view.parts[0].id) if view.parts else ""
        self.part_methods = {
            part: self.part_methods.get(part, (part == first and self._first_method) or DEFAULT_METHOD)
            for part in pending
        }
        self._mark_short()
        deadline = unfinished_payment_deadline(view.created_at, app_deps().settings.payment_ttl_min)
        self.cancels_at = when(deadline, lang) if self.payment.can_fund else ""
        quoted = view.quote_expires_at is not None and self.payment.can_fund
        self.quote_deadline_ms = int(view.quote_expires_at.timestamp() * 1000) if quoted else 0
        if quoted:
            # The card shows what this payment asks at its quote, not the price when the page opened.
            self.rate = self.payment.fiat_rate
            self.invoice = replace(self.invoice, asset_amount=self.payment.amount_full)

    async def _show_renewed_quote(self, user_id: int, renewed: QuoteRenewed) -> None:
        """Nothing was funded: the page shows the new amounts, the payer presses again to pay them."""
        deps = app_deps()
        view = await off_loop(get_payment, deps.uow, user_id, self._payment_id, settings=deps.settings)
        lang = (await self.get_state(I18n)).lang
        self._show_payment(view, lang)
        details = renewed.details
        self.rate_updated = amount_text(details["remaining"], details["decimals"], details["asset"], lang, full=True)
        self.field_errors = {}

    def _mark_short(self) -> None:
        pending, available = self.part_methods.keys(), self._available_minor
        amounts = self._part_amounts.items()
        self.balance_short = [part for part, amount in amounts if str(part) in pending and amount > available]

    # -- step 3: pick each part's method and fund it ---------------------------------------------------

    @rx.event
    def choose_method(self, part_id: int, method: str):
        """The picker of one pending part. Any value may come from the client: only a pending part of
        this payment and a method the picker offers."""
        if type(part_id) is not int or str(part_id) not in self.part_methods:
            return
        if type(method) is not str or method not in METHOD_KEYS:
            return
        if method == "fiat_deal" and self.invoice.crypto_only:
            return  # its merchant takes fiat for the payer's crypto (services/fiat_payouts.py)
        self.part_methods[str(part_id)] = method
        self.field_errors = {}

    @rx.event
    async def fund(self, part_id: int):
        user_id = await self._user_id()
        if user_id is None or self.busy or not self._payment_id:
            return
        # Any value may come from the client: only a part of this payment, as the page shows it.
        if type(part_id) is not int or part_id not in self._part_amounts:
            return
        self.busy = part_id
        yield
        deps = app_deps()
        try:
            view = await off_loop(
                fund_part_from_balance,
                deps.uow,
                user_id,
                self._payment_id,
                part_id,
                settings=deps.settings,
                rates=deps.rates,
                now=now(),
                expected_amount=self._part_amounts[part_id],
            )
        except QuoteRenewed as renewed:
            await self._show_renewed_quote(user_id, renewed)
            return
        except KryptonError as error:
            self.field_errors = {"fund": error_texts(error)}
            return
        finally:
            self.busy = 0
        self.field_errors = {}
        self.rate_updated = ""
        self._show_payment(view, (await self.get_state(I18n)).lang)
        if self.payment.is_completed or self.payment.awaiting_fiat:
            yield rx.redirect(routes.payment(view.id))
            return
        await self._show_available(user_id)

    @rx.event
    async def cancel(self):
        user_id = await self._user_id()
        if user_id is None or not self._payment_id:
            return None
        try:
            view = await off_loop(cancel_payment, app_deps().uow, user_id, self._payment_id, now=now())
        except KryptonError as error:
            self.field_errors = {"fund": error_texts(error)}
            return None
        self._show_payment(view, (await self.get_state(I18n)).lang)
        return rx.redirect(routes.payment(view.id))
