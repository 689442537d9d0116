"""A part paid from a Lightning wallet (issue 12), a mixin of PayState and its panel in the fund step.

"Lightning wallet" asks the platform's node for a BOLT11 invoice of the part's worth in sats
(services/lightning_parts.py); the panel shows it to copy and as a QR, with the sats, the rate and a
countdown to its expiry. A watcher (one per tab, state/watchers.py) follows the payment while an invoice
is open, so the part turns funded when the settle worker sees the invoice paid. Where the node is the
fake one, a demo wallet pays it, and the same service settles it at once.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.countdown import countdown
from krypton_app.components.qr import qr_code
from krypton_app.components.ui import copy_value
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_texts
from krypton_app.i18n.formatting import unit
from krypton_app.pages.pay import payment_step
from krypton_app.services.lightning_parts import (
    LightningInvoiceView,
    lightning_invoices_of,
    pay_from_demo_wallet,
    start_lightning_part,
)
from krypton_app.services.payment_rows import PaymentView
from krypton_app.services.payments import get_payment
from krypton_app.services.qr import qr_data_uri
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import PartRow
from krypton_app.state.offload import off_loop
from krypton_app.state.views import amount_text
from krypton_app.state.watchers import TabWatcher
from krypton_app.wakeups import payment_topic


@dataclass(frozen=True)
class LightningRow:
    invoice_id: int = 0
    bolt11: str = ""
    qr: str = ""  # data URI of the `lightning:` URI's QR code
    sats: str = ""  # "5 200 sat"
    rate: str = ""  # "1 TON = 0.000052 BTC"
    amount: str = ""  # what the part gets, with its asset
    deadline_ms: int = 0  # the invoice's expiry, for the countdown
    open: bool = False
    expired: bool = False


def lightning_row(view: LightningInvoiceView, qr: str, lang: str | None) -> LightningRow:
    """`qr`: the invoice's QR as made off the event loop by `_qr`."""
    expired = view.status == "expired" or (view.status == "open" and view.expires_at <= payment_step.now())
    return LightningRow(
        invoice_id=view.id,
        bolt11=view.bolt11,
        qr=qr,
        sats=unit(lang, "sat", view.sats),
        rate=f"1 {view.asset} = {Decimal(view.rate).normalize():f} BTC",
        amount=amount_text(view.amount, view.decimals, view.asset, lang, full=True),
        deadline_ms=int(view.expires_at.timestamp() * 1000),
        open=view.status == "open" and not expired,
        expired=expired,
    )


def _qr(view: LightningInvoiceView) -> str:
    return qr_data_uri(f"lightning:{view.bolt11}")


Shown = dict[int, tuple[LightningInvoiceView, str]]  # part id -> its invoice and the invoice's QR


def _read(key: tuple[int, int]) -> tuple[PaymentView, Shown]:
    user_id, payment_id = key
    deps = app_deps()
    # The invoices first: a settlement commits the invoice and the funded part together, so an invoice
    # read as settled comes with a payment read after it that shows the part funded (the other order
    # could show a settled invoice beside a pending part, and the watcher would stop there).
    invoices = lightning_invoices_of(deps.uow, user_id, payment_id)
    shown = {part_id: (view, _qr(view)) for part_id, view in invoices.items()}
    return get_payment(deps.uow, user_id, payment_id, settings=deps.settings), shown


class LightningPart(TabWatcher, mixin=True):
    # pending part id (as text: a JSON object's key) -> its Lightning invoice as the panel shows it
    lightning_invoices: dict[str, LightningRow] = {}
    # the fake node's demo wallet can pay here (local runs only)
    lightning_demo: bool = False
    # this deployment takes Lightning at all (a real node, or the fake one outside production)
    lightning_on: bool = app_deps().settings.lightning_enabled

    def _show_lightning(self, invoices: Shown, pending: set[int], lang: str) -> None:
        self.lightning_invoices = {
            str(part_id): lightning_row(view, qr, lang)
            for part_id, (view, qr) in invoices.items()
            if part_id in pending
        }

    def _pending_parts(self) -> set[int]:
        return {part.id for part in self.payment_parts if part.pending}

    async def _lightning_refresh(self, payment: PaymentView, invoices: Shown):
        lang = (await self.get_state(I18n)).lang
        self._show_payment(payment, lang)
        self._show_lightning(invoices, self._pending_parts(), lang)
        if self.payment.is_completed or self.payment.awaiting_fiat:
            return [rx.redirect(routes.payment(payment.id))]
        return None

    def _own_part(self, part_id: object) -> bool:
        """Any value may come from the client: only a part of this payment, as the page shows it."""
        return type(part_id) is int and part_id in self._part_amounts

    @rx.event
    async def start_lightning(self, part_id: int):
        """The part's "Lightning wallet" button: its invoice (the open one again, or a new one)."""
        user_id = await self._user_id()
        if user_id is None or self.busy or not self._payment_id or not self._own_part(part_id):
            return
        self.busy = part_id
        yield
        deps = app_deps()
        try:
            view = await off_loop(
                start_lightning_part,
                deps.uow,
                deps.lightning,
                user_id,
                self._payment_id,
                part_id,
                rates=deps.rates,
                settings=deps.settings,
                now=payment_step.now(),
            )
        except KryptonError as error:
            self.field_errors = {"fund": error_texts(error)}
            return
        finally:
            self.busy = 0
        self.field_errors = {}
        self.lightning_demo = deps.settings.lightning_demo_wallet
        rows = dict(self.lightning_invoices)
        qr = await off_loop(_qr, view)
        rows[str(part_id)] = lightning_row(view, qr, (await self.get_state(I18n)).lang)
        self.lightning_invoices = rows
        yield type(self).watch_arrivals

    @rx.event
    async def pay_lightning_demo(self, part_id: int):
        """The demo wallet pays the part's invoice (only with the fake node, outside production)."""
        user_id = await self._user_id()
        if user_id is None or self.busy or not self._own_part(part_id):
            return
        shown = self.lightning_invoices.get(str(part_id))
        if shown is None or not shown.open:
            return
        self.busy = part_id
        yield
        deps = app_deps()
        try:
            await off_loop(
                pay_from_demo_wallet,
                deps.uow,
                deps.lightning,
                user_id,
                shown.invoice_id,
                settings=deps.settings,
                rates=deps.rates,
                now=payment_step.now(),
            )
            payment, invoices = await off_loop(_read, (user_id, self._payment_id))
        except KryptonError as error:
            self.field_errors = {"fund": error_texts(error)}
            return
        finally:
            self.busy = 0
        self.field_errors = {}
        for event in await self._lightning_refresh(payment, invoices) or ():
            yield event

    # -- the watcher: a part turns funded when its money arrives (its invoice is paid, its deal released)

    def _awaiting(self) -> bool:
        """A part waits for money from outside: an open Lightning invoice, or a P2P deal still running."""
        return any(row.open for row in self.lightning_invoices.values()) or any(
            part.deal_live for part in self.payment_parts
        )

    async def _resume_arrivals(self, user_id: int):
        """A resumed payment shows its parts' open invoices again, and watches what they wait for."""
        payment, invoices = await off_loop(_read, (user_id, self._payment_id))
        await self._lightning_refresh(payment, invoices)
        return type(self).watch_arrivals if self._awaiting() else None

    async def _watch_key(self) -> tuple[int, int] | None:
        if not self._payment_id or not self._awaiting():
            return None
        user_id = await self._user_id()
        return None if user_id is None else (user_id, self._payment_id)

    _watch_read = staticmethod(_read)

    async def _watch_show(self, key: tuple[int, int], snapshot) -> list | None:
        if key[1] != self._payment_id:
            return None
        return await self._lightning_refresh(*snapshot)

    def _watch_topics(self, key) -> tuple[Hashable, ...]:
        return (payment_topic(key[1]),)

    @rx.event(background=True)
    async def watch_arrivals(self):
        async for event in self._watch_rounds():
            yield event


def lightning_panel(row: rx.Var[PartRow]) -> rx.Component:
    """The panel of one pending part under the method picker (pages/pay/part_picker.py): the button,
    then its invoice (or that it expired)."""
    # Here, not at the top: pages/pay/state.py builds PayState from this module's mixin.
    from krypton_app.pages.pay.state import PayState

    key = row.id.to_string()
    invoice = PayState.lightning_invoices[key].to(LightningRow)
    has_invoice = PayState.lightning_invoices.contains(key)
    create = rx.button(
        rx.icon("zap", size=15),
        rx.cond(has_invoice, I18n.t["payln.new"], I18n.t["payln.create"]),
        on_click=PayState.start_lightning(row.id),
        loading=PayState.busy == row.id,
        disabled=PayState.busy != 0,
        width="100%",
        size="3",
        data_testid="pay-lightning-create",
    )
    shown = rx.vstack(
        rx.cond(
            invoice.expired,
            rx.callout(
                I18n.t["payln.expired"],
                icon="timer-off",
                color_scheme="amber",
                size="1",
                width="100%",
                data_testid="pay-lightning-expired",
            ),
            rx.vstack(
                rx.center(qr_code(invoice.qr, alt=I18n.t["payln.qr_alt"], test_id="pay-lightning-qr"), width="100%"),
                copy_value(
                    I18n.t["payln.invoice"],
                    invoice.bolt11,
                    copied=I18n.t["payln.copied"],
                    copy_label=I18n.t["common.copy"],
                    test_id="pay-lightning-bolt11",
                ),
                _line(I18n.t["payln.you_pay"], invoice.sats, "pay-lightning-sats"),
                _line(I18n.t["payln.part_gets"], invoice.amount, "pay-lightning-amount"),
                _line(I18n.t["payln.rate"], invoice.rate, "pay-lightning-rate"),
                rx.hstack(
                    rx.icon("timer", size=14, flex_shrink="0"),
                    countdown(
                        invoice.deadline_ms,
                        label=I18n.t["payln.expires_in"],
                        expired_text=I18n.t["payln.expired"],
                        style={"font_variant_numeric": "tabular-nums"},
                        data_testid="pay-lightning-countdown",
                    ),
                    spacing="1",
                    align="center",
                    font_size="var(--font-size-1)",
                ),
                rx.hstack(
                    rx.spinner(size="1"),
                    rx.text(I18n.t["payln.waiting"], size="1", color_scheme="gray"),
                    spacing="2",
                    align="center",
                ),
                rx.cond(
                    PayState.lightning_demo,
                    rx.button(
                        rx.icon("flask-conical", size=15),
                        I18n.t["payln.demo_pay"],
                        on_click=PayState.pay_lightning_demo(row.id),
                        loading=PayState.busy == row.id,
                        disabled=PayState.busy != 0,
                        variant="outline",
                        color_scheme="amber",
                        width="100%",
                        data_testid="pay-lightning-demo",
                    ),
                ),
                spacing="2",
                width="100%",
                align="stretch",
            ),
        ),
        spacing="2",
        width="100%",
    )
    panel = rx.vstack(
        rx.cond(has_invoice, shown),
        rx.cond(~has_invoice | invoice.expired, create),
        rx.text(I18n.t["payln.cancel_note"], size="1", color_scheme="gray", data_testid="pay-lightning-note"),
        spacing="2",
        width="100%",
        data_testid="pay-lightning-panel",
    )
    off = rx.text(I18n.t["error.lightning_disabled"], size="2", color_scheme="gray", data_testid="pay-lightning-off")
    return rx.cond(PayState.lightning_on, panel, off)


def _line(label: rx.Var, value: rx.Var, test_id: str) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.text(value, size="2", weight="medium", style={"font_variant_numeric": "tabular-nums"}, data_testid=test_id),
        width="100%",
        align="baseline",
    )
