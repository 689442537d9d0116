"""/invoices/[number]: one invoice for its merchant: links with QR, counters, a chart of payments over
time, the payments, the webhook deliveries (redeliver, send a test event), close, simulate (test mode)
and the widget's embed snippet.

The page follows the invoice while it is open in a tab: a background task (one per tab, guarded in
itself, see state/watchers.py) reads a cheap fingerprint of the invoice and its webhook log and reloads on a change,
so payments and deliveries show up without a reload.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.ui import (
    card,
    card_title,
    copy_value,
    empty_note,
    form_error,
    loading_note,
    page_heading,
    status_chip,
)
from krypton_app.db import default_uow
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_key
from krypton_app.pages.invoices import test_mark
from krypton_app.services.deposits import _qr_data_uri as qr_data_uri
from krypton_app.services.invoices import close_invoice, get_merchant_invoice, payments_over_time
from krypton_app.services.payments import list_invoice_payments, simulate_test_payment
from krypton_app.services.webhooks import list_deliveries, redeliver, send_test_event
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import delivery_row, invoice_row, payment_row
from krypton_app.state.watchers import TabWatcher, tab_connected

POLL_S = 2.0


def _now() -> datetime:
    return datetime.now(UTC)


def _read_fingerprint(user_id: int, number: str) -> str:
    """What changes by itself while the merchant looks: counters, status, deliveries (blocking)."""
    uow = default_uow()
    view = get_merchant_invoice(uow, user_id, number)
    deliveries = [(d.id, d.status, d.attempts) for d in list_deliveries(uow, user_id, number)]
    return repr((view.status, view.payments_count, view.collected, deliveries))


def embed_snippet(app_url: str, number: str, origins: str) -> str:
    src = f"{app_url.rstrip('/')}/widget/invoice/{number}?parts=1"
    lines = [
        f'<iframe src="{src}" width="420" height="440" style="border:0" title="Krypton invoice"></iframe>',
        "<script>",
        "window.addEventListener('message', (e) => {",
        f"  if (e.origin !== '{app_url.rstrip('/')}' || e.data?.type !== 'krypton:invoice') return;",
        "  console.log(e.data.number, e.data.parts, e.data.currency, e.data.amount);",
        "});",
        "</script>",
    ]
    if not origins:
        lines.insert(0, "<!-- add your site's origin to the invoice's allowed frame origins first -->")
    return "\n".join(lines)


class InvoiceDetailState(TabWatcher, AuthState):
    invoice: dict[str, str] = {}
    payments: list[dict[str, str]] = []
    chart: list[dict] = []
    deliveries: list[dict[str, str]] = []
    qr: str = ""
    embed: str = ""
    error: str = ""
    action_error: str = ""
    busy: str = ""

    # What "simulate payment" pays on a floating invoice: its minimum, or one whole unit.
    _simulate_amount: str = ""
    _fingerprint: str = ""

    def _number(self) -> str:
        return routes.last_segment(self.router.url.path)

    def _load(self, user_id: int) -> None:
        uow = default_uow()
        number = self._number()
        try:
            view = get_merchant_invoice(uow, user_id, number)
        except KryptonError as error:
            self.invoice = {}
            self.error = error_key(error.code)
            return
        self.error = ""
        self.invoice = invoice_row(view)
        self._simulate_amount = format_amount(view.min_payment or 10**view.decimals, view.decimals)
        self.qr = qr_data_uri(view.direct_url)
        self.embed = embed_snippet(app_deps().settings.app_url, view.number, self.invoice["allowed_origins"])
        self.payments = [
            payment_row(p) for p in list_invoice_payments(uow, user_id, view.number, settings=app_deps().settings)
        ]
        # The chart is a picture: a float of whole units is precise enough to draw a bar.
        self.chart = [
            {"day": day, "payments": count, "sum": float(Decimal(total).scaleb(-view.decimals))}
            for day, count, total in payments_over_time(uow, user_id, view.number)
        ]
        deliveries = list_deliveries(uow, user_id, view.number)
        self.deliveries = [delivery_row(d) for d in deliveries]
        self._fingerprint = repr(
            (view.status, view.payments_count, view.collected, [(d.id, d.status, d.attempts) for d in deliveries])
        )

    @rx.event
    def load(self):
        self.action_error = ""
        user_id = self._verified_user_id()
        if user_id is None:
            return None
        self._load(user_id)
        return None if self.error else InvoiceDetailState.watch

    def _watch_target(self) -> tuple[int, str] | None:
        """(user, number) while this tab still shows an invoice page, else None."""
        path = self.router.url.path.rstrip("/")
        if not path.startswith("/invoices/") or not tab_connected(self.router.session.client_token):
            return None
        user_id = self._verified_user_id()
        return (user_id, self._number()) if user_id is not None and self.invoice else None

    @rx.event(background=True)
    async def watch(self):
        async with self:
            token = self._claim_watch()
        if token is None:
            return
        try:
            while True:
                await asyncio.sleep(POLL_S)
                async with self:
                    target = self._watch_target() if self._keep_watch(token) else None
                if target is None:
                    return
                try:
                    fingerprint = await asyncio.to_thread(_read_fingerprint, *target)
                except KryptonError:
                    continue
                async with self:
                    if fingerprint != self._fingerprint and self._watch_target() == target:
                        self._load(target[0])
        finally:
            async with self:
                self._end_watch(token)

    async def _act(self, name: str, action, success_key: str):
        user_id = self._verified_user_id()
        if user_id is None or self.busy:
            return
        self.busy = name
        yield
        try:
            action(user_id)
        except KryptonError as error:
            self.action_error = error_key(error.code)
            return
        finally:
            self.busy = ""
        self.action_error = ""
        self._load(user_id)
        i18n = await self.get_state(I18n)
        yield rx.toast.success(i18n.t[success_key])

    @rx.event
    async def close(self):
        number = self._number()
        async for update in self._act(
            "close", lambda uid: close_invoice(default_uow(), uid, number, now=_now()), "detail.closed"
        ):
            yield update

    @rx.event
    async def simulate(self):
        number, amount = self._number(), self._simulate_amount
        async for update in self._act(
            "simulate",
            lambda uid: simulate_test_payment(
                default_uow(),
                uid,
                number,
                amount=amount,
                settings=app_deps().settings,
                rates=app_deps().rates,
                now=_now(),
            ),
            "detail.simulated",
        ):
            yield update

    @rx.event
    async def test_event(self):
        number = self._number()
        async for update in self._act(
            "test_event",
            lambda uid: send_test_event(default_uow(), uid, number, settings=app_deps().settings, now=_now()),
            "detail.test_event_sent",
        ):
            yield update

    @rx.event
    async def redeliver(self, row_id: str):
        async for update in self._act(
            f"redeliver-{row_id}",
            lambda uid: redeliver(default_uow(), uid, int(row_id), now=_now()),
            "detail.redelivery_queued",
        ):
            yield update

    @rx.event
    def refresh(self):
        user_id = self._verified_user_id()
        if user_id is not None:
            self._load(user_id)


def counter(label_key: str, value: rx.Var, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[label_key], size="2", color_scheme="gray"),
        rx.text(value, size="6", weight="bold", data_testid=test_id),
        spacing="1",
        padding="14px",
        border_radius="14px",
        background=rx.color("gray", 2),
        border=f"1px solid {rx.color('gray', 4)}",
        width="100%",
    )


def links_card() -> rx.Component:
    inv = InvoiceDetailState.invoice
    return card(
        card_title("link", I18n.t["detail.links"]),
        rx.grid(
            rx.center(
                rx.image(src=InvoiceDetailState.qr, alt=I18n.t["detail.qr_alt"], width="100%", data_testid="direct-qr"),
                width="168px",
                height="168px",
                padding="8px",
                border_radius="16px",
                background="white",
                border=f"1px solid {rx.color('gray', 5)}",
                justify_self="center",
            ),
            rx.vstack(
                copy_value(
                    I18n.t["detail.direct_link"],
                    inv["direct_url"],
                    copied=I18n.t["common.copied"],
                    copy_label=I18n.t["common.copy"],
                    test_id="link-direct",
                ),
                copy_value(
                    I18n.t["detail.helper_link"],
                    inv["helper_url"],
                    copied=I18n.t["common.copied"],
                    copy_label=I18n.t["common.copy"],
                    test_id="link-helper",
                ),
                rx.cond(
                    inv["telegram_start_url"] != "",
                    rx.vstack(
                        copy_value(
                            I18n.t["detail.telegram_link"],
                            inv["telegram_start_url"],
                            copied=I18n.t["common.copied"],
                            copy_label=I18n.t["common.copy"],
                            test_id="link-telegram",
                        ),
                        copy_value(
                            I18n.t["detail.telegram_app_link"],
                            inv["telegram_app_url"],
                            copied=I18n.t["common.copied"],
                            copy_label=I18n.t["common.copy"],
                            test_id="link-telegram-app",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    rx.text(I18n.t["detail.telegram_off"], size="1", color_scheme="gray"),
                ),
                spacing="3",
                width="100%",
                min_width="0",
            ),
            columns=rx.breakpoints(initial="1", sm="auto 1fr"),
            spacing="5",
            width="100%",
        ),
        data_testid="links-card",
    )


def chart_card() -> rx.Component:
    return card(
        card_title("chart-column", I18n.t["detail.chart"]),
        rx.cond(
            InvoiceDetailState.chart.length() > 0,
            rx.recharts.bar_chart(
                rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                rx.recharts.x_axis(data_key="day"),
                rx.recharts.y_axis(allow_decimals=False, width=32),
                rx.recharts.graphing_tooltip(),
                # No grow-in animation: the bar is there the moment the page (or a screenshot) shows it.
                rx.recharts.bar(
                    data_key="payments",
                    fill="var(--accent-9)",
                    radius=[6, 6, 0, 0],
                    name="#",
                    is_animation_active=False,
                ),
                data=InvoiceDetailState.chart,
                width="100%",
                height=220,
            ),
            empty_note(I18n.t["detail.no_payments"], "chart-column"),
        ),
        data_testid="chart-card",
    )


def payment_item(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text("#", row["id"], size="2", weight="bold"),
                status_chip(I18n.t[row["status_key"]], row["status_color"]),
                test_mark(row["test"]),
                spacing="2",
                align="center",
            ),
            rx.text(row["created"], size="1", color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        rx.vstack(
            rx.text(row["amount"], size="3", weight="bold"),
            rx.text(I18n.t["pay.parts_funded"], ": ", row["funded"], size="1", color_scheme="gray"),
            spacing="0",
            align="end",
        ),
        width="100%",
        padding_y="10px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="payment-row",
    )


def payments_card() -> rx.Component:
    return card(
        card_title("list-checks", I18n.t["detail.payments"]),
        rx.cond(
            InvoiceDetailState.payments.length() > 0,
            rx.vstack(rx.foreach(InvoiceDetailState.payments, payment_item), spacing="0", width="100%"),
            empty_note(I18n.t["detail.no_payments"]),
        ),
        data_testid="payments-card",
    )


def delivery_item(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.code(row["type"], size="1", variant="soft"),
                status_chip(I18n.t[row["status_key"]], row["status_color"], data_testid="delivery-status"),
                test_mark(row["test"]),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(
                I18n.t["detail.attempts"],
                ": ",
                row["attempts"],
                " · HTTP ",
                row["last_code"],
                rx.cond(row["last_ms"] != "", rx.text.span(" · ", row["last_ms"])),
                size="1",
                color_scheme="gray",
            ),
            rx.cond(row["last_error"] != "", rx.text(row["last_error"], size="1", color_scheme="red")),
            rx.text(row["event_short"], " · ", row["last_when"], size="1", color_scheme="gray"),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        rx.button(
            rx.icon("rotate-cw", size=14),
            I18n.t["detail.redeliver"],
            on_click=InvoiceDetailState.redeliver(row["id"]),
            loading=InvoiceDetailState.busy == "redeliver-" + row["id"],
            variant="soft",
            size="1",
            data_testid="delivery-redeliver",
        ),
        width="100%",
        wrap="wrap",
        padding_y="10px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="delivery-row",
    )


def deliveries_card() -> rx.Component:
    return card(
        card_title(
            "webhook",
            I18n.t["detail.deliveries"],
            rx.button(
                rx.icon("refresh-cw", size=14),
                I18n.t["detail.refresh"],
                on_click=InvoiceDetailState.refresh,
                variant="ghost",
                size="1",
                data_testid="deliveries-refresh",
            ),
            rx.cond(
                InvoiceDetailState.invoice["webhook_url"] != "",
                rx.button(
                    rx.icon("send", size=14),
                    I18n.t["detail.send_test"],
                    on_click=InvoiceDetailState.test_event,
                    loading=InvoiceDetailState.busy == "test_event",
                    variant="soft",
                    size="1",
                    data_testid="send-test-event",
                ),
            ),
        ),
        rx.cond(
            InvoiceDetailState.invoice["webhook_url"] != "",
            rx.text(
                InvoiceDetailState.invoice["webhook_url"],
                size="1",
                color_scheme="gray",
                style={"word_break": "break-all"},
            ),
            rx.text(I18n.t["detail.no_webhook"], size="2", color_scheme="gray"),
        ),
        rx.cond(
            InvoiceDetailState.deliveries.length() > 0,
            rx.vstack(rx.foreach(InvoiceDetailState.deliveries, delivery_item), spacing="0", width="100%"),
            empty_note(I18n.t["detail.no_deliveries"], "webhook"),
        ),
        data_testid="deliveries-card",
    )


def embed_card() -> rx.Component:
    return card(
        card_title("app-window", I18n.t["detail.embed"]),
        rx.text(I18n.t["detail.embed_intro"], size="2", color_scheme="gray"),
        rx.hstack(
            rx.el.pre(
                InvoiceDetailState.embed,
                style={
                    "white_space": "pre-wrap",
                    "word_break": "break-all",
                    "font_family": "var(--code-font-family)",
                    "font_size": "12px",
                    "margin": "0",
                },
                flex="1",
                min_width="0",
                padding="12px",
                border_radius="12px",
                background=rx.color("gray", 3),
                data_testid="embed-snippet",
            ),
            rx.icon_button(
                rx.icon("copy", size=15),
                on_click=[rx.set_clipboard(InvoiceDetailState.embed), rx.toast(I18n.t["common.copied"], duration=1500)],
                variant="soft",
                size="1",
                aria_label=I18n.t["common.copy"],
            ),
            align="start",
            width="100%",
            min_width="0",
            margin_top="8px",
            overflow_x="auto",
        ),
        rx.text(
            I18n.t["detail.origins"],
            ": ",
            rx.cond(
                InvoiceDetailState.invoice["allowed_origins"] != "",
                InvoiceDetailState.invoice["allowed_origins"],
                I18n.t["detail.no_origins"],
            ),
            size="1",
            color_scheme="gray",
            margin_top="8px",
        ),
        data_testid="embed-card",
    )


def actions() -> rx.Component:
    inv = InvoiceDetailState.invoice
    return rx.hstack(
        rx.cond(
            (inv["test"] != "") & (inv["open"] != ""),
            rx.button(
                rx.icon("flask-conical", size=15),
                I18n.t["detail.simulate"],
                on_click=InvoiceDetailState.simulate,
                loading=InvoiceDetailState.busy == "simulate",
                color_scheme="amber",
                data_testid="simulate-payment",
            ),
        ),
        rx.cond(
            inv["open"] != "",
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(
                    rx.button(
                        rx.icon("circle-x", size=15),
                        I18n.t["detail.close"],
                        color_scheme="red",
                        variant="soft",
                        data_testid="invoice-close",
                    )
                ),
                rx.alert_dialog.content(
                    rx.alert_dialog.title(I18n.t["detail.close"]),
                    rx.alert_dialog.description(I18n.t["detail.close_warning"]),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button(I18n.t["common.cancel"], variant="soft", color_scheme="gray")),
                        rx.alert_dialog.action(
                            rx.button(
                                I18n.t["detail.close"],
                                color_scheme="red",
                                on_click=InvoiceDetailState.close,
                                data_testid="invoice-close-confirm",
                            )
                        ),
                        spacing="3",
                        justify="end",
                        margin_top="16px",
                    ),
                ),
            ),
        ),
        spacing="2",
        wrap="wrap",
    )


def detail() -> rx.Component:
    inv = InvoiceDetailState.invoice
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=15), rx.text(I18n.t["detail.back"], size="2"), spacing="1"),
            href=routes.INVOICES,
            underline="none",
        ),
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.code(inv["number"], size="3", variant="soft", data_testid="detail-number"),
                    status_chip(I18n.t[inv["status_key"]], inv["status_color"], data_testid="detail-status"),
                    test_mark(inv["test"]),
                    rx.badge(I18n.t[inv["kind_key"]], variant="outline", radius="full"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                page_heading(inv["title"], inv["description"], margin_bottom="0"),
                rx.cond(
                    inv["close_reason_key"] != "",
                    rx.text(I18n.t[inv["close_reason_key"]], size="2", color_scheme="gray", data_testid="close-reason"),
                ),
                spacing="2",
                min_width="0",
            ),
            rx.spacer(),
            actions(),
            width="100%",
            wrap="wrap",
            align="end",
            spacing="3",
        ),
        rx.cond(InvoiceDetailState.action_error != "", form_error(I18n.t[InvoiceDetailState.action_error])),
        rx.grid(
            counter(
                "detail.amount",
                rx.cond(inv["amount"] != "", inv["amount"], I18n.t["invoice.any_amount"]),
                "detail-amount",
            ),
            counter(
                "invoice.payments",
                rx.cond(
                    inv["max_payments"] != "",
                    inv["payments_count"] + " / " + inv["max_payments"],
                    inv["payments_count"],
                ),
                "detail-payments",
            ),
            counter("invoice.collected", inv["collected"], "detail-collected"),
            counter("detail.expires", rx.cond(inv["expires"] != "", inv["expires"], "—"), "detail-expires"),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
        links_card(),
        rx.grid(chart_card(), payments_card(), columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%"),
        deliveries_card(),
        embed_card(),
        spacing="4",
        width="100%",
    )


@template(route=routes.INVOICE_DETAIL, title="Invoice", on_load=[InvoiceDetailState.load])
def invoice_detail() -> rx.Component:
    return rx.cond(
        InvoiceDetailState.error != "",
        rx.vstack(
            page_heading(I18n.t["invoices.title"]),
            form_error(I18n.t[InvoiceDetailState.error], data_testid="detail-error"),
            width="100%",
        ),
        # The previous invoice stays in the tab's state until on_load has run: show only the URL's.
        rx.cond(
            InvoiceDetailState.invoice["number"] == rx.State.number.upper(),
            detail(),
            loading_note(I18n.t["invoices.loading"]),
        ),
    )
