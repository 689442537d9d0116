"""One invoice for its merchant: the invoice, its payments, a chart of them, its webhook deliveries, and
the merchant's actions (close, simulate a payment in test mode, send a test event, redeliver).

The page follows the invoice while it is open in a tab: when the invoice or one of the payments it shows
announces a change (a payment started or funded, an event queued or delivered: krypton_app/wakeups.py),
the tab's watcher (state/watchers.py) reads a cheap fingerprint of the invoice and its webhook log, and
reads the whole page again only when it changed, so payments and deliveries show up without a reload.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_key, error_texts
from krypton_app.pages.invoice_detail.payout_state import PayoutPanelState
from krypton_app.services.fiat_payouts import PayoutPanel, payout_panel
from krypton_app.services.invoice_rows import InvoiceView
from krypton_app.services.invoices import close_invoice, get_merchant_invoice, payments_over_time
from krypton_app.services.payment_chat import unread_counts
from krypton_app.services.payment_rows import PaymentView
from krypton_app.services.payments import list_invoice_payments, simulate_test_payment
from krypton_app.services.qr import qr_data_uri
from krypton_app.services.webhooks import DeliveryView, list_deliveries, redeliver, send_test_event
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import (
    DeliveryRow,
    InvoiceRow,
    PaymentRow,
    delivery_row,
    invoice_row,
    payment_row,
)
from krypton_app.state.offload import off_loop
from krypton_app.state.once_form import OnceForm
from krypton_app.state.watchers import TabWatcher
from krypton_app.wakeups import invoice_topic, payment_topic


def _now() -> datetime:
    return datetime.now(UTC)


def embed_snippet(app_url: str, number: str, origins: str) -> str:
    """The HTML a shop pastes to show the invoice's widget and hear the payer's choices."""
    base = app_url.rstrip("/")
    src = f"{base}{routes.WIDGET_PREFIX}{number}?parts=1"
    lines = [
        f'<iframe src="{src}" width="420" height="440" style="border:0" title="Krypton invoice"></iframe>',
        "<script>",
        "window.addEventListener('message', (e) => {",
        f"  if (e.origin !== '{base}' || e.data?.type !== 'krypton:invoice') return;",
        "  console.log(e.data.number, e.data.parts, e.data.currency, e.data.amount);",
        "});",
        "</script>",
    ]
    if not origins:
        lines.insert(0, "<!-- add your site's origin to the invoice's allowed frame origins first -->")
    return "\n".join(lines)


def _fingerprint(
    view: InvoiceView, deliveries: list[DeliveryView], unread: dict[int, int], payout: PayoutPanel | None
) -> str:
    """What changes by itself while the merchant looks: counters, status, deliveries, unread messages,
    the fiat payout (a payment starting to wait, a deal moving)."""
    return repr(
        (
            view.status,
            view.payments_count,
            view.collected,
            [(d.id, d.status, d.attempts) for d in deliveries],
            sorted(unread.items()),
            payout,
        )
    )


@dataclass(frozen=True)
class _Page:
    view: InvoiceView
    payments: list[PaymentView]
    chart: list[tuple[str, int, int]]
    deliveries: list[DeliveryView]
    qr: str
    fingerprint: str
    unread: dict[int, int]  # payment id -> the payer's messages the merchant has not read
    payout: PayoutPanel | None  # the fiat payout (services/fiat_payouts.py); None: paid out in crypto


def _read_page(user_id: int, number: str) -> _Page:
    """Everything the page shows (blocking: the database, the QR encoder)."""
    deps = app_deps()
    view = get_merchant_invoice(deps.uow, user_id, number, settings=deps.settings)
    deliveries = list_deliveries(deps.uow, user_id, view.number)
    unread = unread_counts(deps.uow, user_id, view.number)
    payout = payout_panel(deps.uow, user_id, view.number)
    return _Page(
        view=view,
        payments=list_invoice_payments(deps.uow, user_id, view.number, settings=deps.settings),
        chart=payments_over_time(deps.uow, user_id, view.number),
        deliveries=deliveries,
        qr=qr_data_uri(view.direct_url),
        fingerprint=_fingerprint(view, deliveries, unread, payout),
        unread=unread,
        payout=payout,
    )


def _read_if_changed(key: tuple[int, str, str]) -> _Page | None:
    """The page again when its fingerprint moved from `seen`, else None (also when it is gone)."""
    user_id, number, seen = key
    deps = app_deps()
    try:
        view = get_merchant_invoice(deps.uow, user_id, number, settings=deps.settings)
        unread = unread_counts(deps.uow, user_id, view.number)
        payout = payout_panel(deps.uow, user_id, view.number)
        if _fingerprint(view, list_deliveries(deps.uow, user_id, number), unread, payout) == seen:
            return None
        return _read_page(user_id, number)
    except KryptonError:
        return None


class InvoiceDetailState(PayoutPanelState, OnceForm, TabWatcher, AuthState):
    # None until loaded: a tab that never opened this page holds nothing of a merchant's integration
    invoice: InvoiceRow | None = None
    payments: list[PaymentRow] = []
    # recharts takes its data as plain objects: day, payments, sum (a float of whole units)
    chart: list[dict[str, str | int | float]] = []
    deliveries: list[DeliveryRow] = []
    qr: str = ""
    embed: str = ""
    error: str = ""
    action_error: dict[str, str] = {}  # in every language (i18n.error_texts)
    busy: str = ""

    # What "simulate payment" pays on a floating invoice: its minimum, or one whole unit.
    _simulate_amount: str = ""
    _invoice_id: int = 0
    _payment_ids: list[int] = []
    _fingerprint: str = ""
    _lang: str = ""  # the language the rows were formatted in

    def _number(self) -> str:
        return routes.last_segment(self.router.url.path)

    def _show(self, page: _Page, lang: str) -> None:
        view = page.view
        self.error = ""
        self.invoice = invoice_row(view, lang)
        self._invoice_id, self._payment_ids = view.id, [p.id for p in page.payments]
        self._simulate_amount = format_amount(view.min_payment or 10**view.decimals, view.decimals)
        self.qr = page.qr
        self.embed = embed_snippet(app_deps().settings.app_url, view.number, self.invoice.allowed_origins)
        self.payments = [
            replace(
                payment_row(p, lang),
                chat_href=routes.payment_chat(p.id) if p.payer_id is not None else "",
                chat_unread=page.unread.get(p.id, 0),
            )
            for p in page.payments
        ]
        # The chart is a picture: a float of whole units is precise enough to draw a bar.
        self.chart = [
            {"day": day, "payments": count, "sum": float(Decimal(total).scaleb(-view.decimals))}
            for day, count, total in page.chart
        ]
        self.deliveries = [delivery_row(d, lang) for d in page.deliveries]
        self._show_payout(page.payout, view.decimals, view.asset, lang)
        self._fingerprint, self._lang = page.fingerprint, lang

    async def _reload(self, user_id: int) -> None:
        try:
            self._show(await off_loop(_read_page, user_id, self._number()), (await self.get_state(I18n)).lang)
        except KryptonError as error:
            self.invoice = None
            self.error = error_key(error.code, error.details)

    @rx.event
    async def load(self):
        self.action_error = {}
        self._fresh_form_key()  # "Simulate payment" (state/once_form.py)
        user_id = await self._user_id()
        if user_id is None:
            return None
        await self._reload(user_id)
        return None if self.error else InvoiceDetailState.watch

    async def _watch_key(self) -> tuple[int, str, str] | None:
        """(user, number, fingerprint shown) while this tab still shows this invoice's page."""
        if not self.router.url.path.startswith(routes.invoice_detail("")) or self.invoice is None:
            return None
        user_id = await self._user_id()
        # After a language switch no fingerprint matches: the next round re-formats amounts and dates.
        relang = (await self.get_state(I18n)).lang != self._lang
        return None if user_id is None else (user_id, self._number(), "" if relang else self._fingerprint)

    _watch_read = staticmethod(_read_if_changed)

    def _watch_topics(self, key: tuple[int, str, str]) -> tuple:
        return (invoice_topic(self._invoice_id), *(payment_topic(p) for p in self._payment_ids))

    async def _watch_show(self, key: tuple[int, str, str], page: _Page | None) -> None:
        if page is not None and (await self._user_id(), self._number()) == key[:2]:
            self._show(page, (await self.get_state(I18n)).lang)

    @rx.event(background=True)
    async def watch(self):
        async for event in self._watch_rounds():
            yield event

    async def _act(self, name: str, action, success_key: str):
        """One of the merchant's actions: the button spins, the service runs off the loop, the page
        shows the outcome and a toast says it was done."""
        user_id = await self._user_id()
        if user_id is None or self.busy:
            return
        self.busy = name
        yield
        try:
            await off_loop(action, user_id)
        except KryptonError as error:
            self.action_error = error_texts(error)
            return
        finally:
            self.busy = ""
        self.action_error = {}
        await self._reload(user_id)
        i18n = await self.get_state(I18n)
        yield rx.toast.success(i18n.t[success_key])

    @rx.event
    async def close(self):
        number, deps = self._number(), app_deps()
        async for update in self._act(
            "close",
            lambda uid: close_invoice(deps.uow, uid, number, now=_now(), settings=deps.settings),
            "detail.closed",
        ):
            yield update

    @rx.event
    async def simulate(self):
        """Simulate a payment with the page's form key: a double click makes one payment."""
        user_id = await self._user_id()
        if user_id is None:
            return
        number, amount, deps = self._number(), self._simulate_amount, app_deps()
        self.submitting = True
        yield
        try:
            await off_loop(
                simulate_test_payment,
                deps.uow,
                user_id,
                number,
                amount=amount,
                settings=deps.settings,
                rates=deps.rates,
                now=_now(),
                idempotency_key=self._submit_key(),
            )
        except KryptonError as error:
            self.action_error = error_texts(error)
            return
        finally:
            self.submitting = False
        self.action_error = {}
        await self._reload(user_id)
        i18n = await self.get_state(I18n)
        yield rx.toast.success(i18n.t["detail.simulated"])
        # Queued behind any click already sent, which repeats this payment; the next click is a new one.
        yield InvoiceDetailState.next_simulation

    @rx.event
    def next_simulation(self):
        """Chained by `simulate` after a success: a new key for the next simulated payment. It renews
        only the caller's own tab's key."""
        self._fresh_form_key()

    @rx.event
    async def test_event(self):
        number, deps = self._number(), app_deps()
        async for update in self._act(
            "test_event",
            lambda uid: send_test_event(deps.uow, uid, number, settings=deps.settings, now=_now()),
            "detail.test_event_sent",
        ):
            yield update

    @rx.event
    async def redeliver(self, row_id: int):
        if type(row_id) is not int:
            return
        deps = app_deps()
        async for update in self._act(
            f"redeliver-{row_id}",
            lambda uid: redeliver(deps.uow, uid, row_id, now=_now()),
            "detail.redelivery_queued",
        ):
            yield update

    @rx.event
    async def refresh(self):
        user_id = await self._user_id()
        if user_id is not None:
            await self._reload(user_id)
