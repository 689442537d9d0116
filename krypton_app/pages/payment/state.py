"""/payment/[payment_id]: a payment's result for its payer (or its merchant): the parts, the signed
receipt with a link to /verify, the secrets the merchant's webhook answered with, the redirect back to
the shop, and cancel while it is incomplete.

A payment paid but waiting for its merchant's fiat payout (services/fiat_payouts.py) says so and is
followed the same way until it completes. Until the merchant's secrets arrive the page says "waiting
for the seller" and a background task (one
per tab, guarded in itself, see state/watchers.py) reloads the payment until they do, the tab leaves,
or it gives up.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import urlencode

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.invoices import AWAITING_FIAT
from krypton_app.i18n import error_key
from krypton_app.services.payment_rows import PaymentView
from krypton_app.services.payments import cancel_payment, get_payment, request_receipt
from krypton_app.services.promise_parts import take_promise_codes
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import (
    PartRow,
    PaymentRow,
    PromiseCodeRow,
    part_row,
    payment_row,
    promise_code_rows,
)
from krypton_app.state.offload import off_loop
from krypton_app.state.watchers import TabWatcher
from krypton_app.wakeups import payment_topic

# A merchant that has not answered in ten minutes is retried by the webhook worker for hours; the page
# stops following and says to come back later instead of waiting for that long.
POLL_FOR_S = 600


def _read(key: tuple[int, int]) -> PaymentView:
    viewer_id, payment_id = key
    deps = app_deps()
    return get_payment(deps.uow, viewer_id, payment_id, settings=deps.settings)


class PaymentState(TabWatcher, AuthState):
    # None until loaded: a tab that never opened this page holds nothing of a merchant's integration
    payment: PaymentRow | None = None
    parts: list[PartRow] = []
    # Delivered by the merchant for this payer: shown to them, as the goods they paid for.
    secrets: list[str] = []
    waiting: bool = False
    # promises the payment's parts gave its payer (change, refund): their codes shown this once
    promise_codes: list[PromiseCodeRow] = []
    verify_url: str = ""
    # The payment's chat with the other side ("contact the seller"); "" for a test simulation (no payer).
    chat_href: str = ""
    is_payer: bool = False
    error: str = ""
    action_error: str = ""

    _payment_id: int = 0
    # until when (epoch seconds) the watcher waits for the merchant's secrets
    _poll_until: float = 0.0
    # the watcher follows the payment: waiting for secrets, or for its merchant's fiat payout to complete it
    _follow: bool = False

    def _show(self, view: PaymentView, lang: str) -> None:
        self._payment_id = view.id
        self.payment = payment_row(view, lang)
        self.parts = [part_row(p, view.decimals, view.asset, lang) for p in view.parts]
        self.chat_href = routes.payment_chat(view.id) if view.payer_id is not None else ""
        self.secrets = list(view.secrets or ())
        self.waiting = bool(view.waiting_for_secrets)
        self._follow = self.waiting or view.status == AWAITING_FIAT
        self.verify_url = (
            f"{routes.VERIFY}?{urlencode({'token': view.receipt, 'invoice': view.invoice_number})}"
            if view.receipt
            else ""
        )

    @rx.event
    async def load(self):
        self.error = ""
        self.action_error = ""
        self.payment = None
        user_id = await self._user_id()
        if user_id is None:
            return None
        try:
            payment_id = int(routes.last_segment(self.router.url.path))
            view = await off_loop(_read, (user_id, payment_id))
        except (KryptonError, ValueError) as error:
            self.error = error_key(getattr(error, "code", "not_found"))
            return None
        if view.id != self._payment_id:
            # Another payment's codes leave; this one's stay through a reload of the tab's state (they
            # are taken from the services once, so a second load would otherwise blank them).
            self.promise_codes = []
        await self._show_promise_codes(user_id, view)
        self._show(view, (await self.get_state(I18n)).lang)
        self.is_payer = view.payer_id == user_id
        if not self._follow:
            return None
        self._poll_until = time.time() + POLL_FOR_S
        return PaymentState.wait_for_secrets

    async def _watch_key(self) -> tuple[int, int] | None:
        """(viewer, payment) while this tab shows a payment that waits for its secrets, for at most
        POLL_FOR_S after the page loaded it. Read each round: a tab that moved on to another waiting
        payment follows that one."""
        path = self.router.url.path.rstrip("/")
        if not self._payment_id or path != routes.payment(self._payment_id) or not self._follow:
            return None
        if time.time() > self._poll_until:
            return None
        user_id = await self._user_id()
        return None if user_id is None else (user_id, self._payment_id)

    _watch_read = staticmethod(_read)

    def _watch_topics(self, key: tuple[int, int]) -> tuple:
        return (payment_topic(key[1]),)

    async def _watch_show(self, key: tuple[int, int], view: PaymentView) -> None:
        if self._payment_id == view.id:
            self._show(view, (await self.get_state(I18n)).lang)

    @rx.event(background=True)
    async def wait_for_secrets(self):
        async for event in self._watch_rounds():
            yield event

    @rx.event
    async def cancel(self):
        user_id = await self._user_id()
        if user_id is None or not self._payment_id:
            return
        try:
            view = await off_loop(cancel_payment, app_deps().uow, user_id, self._payment_id, now=datetime.now(UTC))
        except KryptonError as error:
            self.action_error = error_key(error.code, error.details)
            return
        self.action_error = ""
        await self._show_promise_codes(user_id, view)
        self._show(view, (await self.get_state(I18n)).lang)

    async def _show_promise_codes(self, user_id: int, view: PaymentView) -> None:
        """The payer's promise codes of this payment no page has shown yet (a refunded promise part's,
        a change the wizard did not show), taken as they are shown."""
        if view.payer_id != user_id:
            return
        deps = app_deps()
        codes = await off_loop(take_promise_codes, deps.uow, user_id, view.id, settings=deps.settings)
        lang = (await self.get_state(I18n)).lang
        if codes:
            rows = await off_loop(promise_code_rows, codes, view.decimals, deps.settings.app_url, lang)
            self.promise_codes = self.promise_codes + rows

    @rx.event
    async def ask_receipt(self):
        """Private invoices: the payer asks for a receipt (public ones always get one)."""
        user_id = await self._user_id()
        if user_id is None or not self._payment_id:
            return
        deps = app_deps()
        try:
            view = await off_loop(request_receipt, deps.uow, user_id, self._payment_id, settings=deps.settings)
        except KryptonError as error:
            self.action_error = error_key(error.code, error.details)
            return
        self._show(view, (await self.get_state(I18n)).lang)
