"""/payments: the payer's own invoice payments, newest first. A pending one holds its funded parts'
money, so it is shown with how far it got and until when it waits, with "Continue" (back to the
invoice's wizard, which opens at the same payment) and "Cancel" (after a confirmation; the funded
parts go back to the balance). A paid one links its receipt on /payment/<id>.

The third tab of the wallet (tabs.py): what the payer's money is doing, beside balances and history.
"""

from __future__ import annotations

from dataclasses import replace

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.rows import ROW_RULE, confirm_dialog, split_row
from krypton_app.components.ui import card, empty_note, form_error, loading_note, page_heading, status_chip
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.invoices import unfinished_payment_deadline
from krypton_app.i18n import error_key
from krypton_app.models.common import utcnow
from krypton_app.pages.wallet.tabs import wallet_tabs
from krypton_app.services.payer_payments import list_payer_payments
from krypton_app.services.payments import cancel_payment
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.invoice_views import PaymentRow, payment_row
from krypton_app.state.offload import off_loop
from krypton_app.state.views import when


def _rows(user_id: int, lang: str) -> list[PaymentRow]:
    """The payer's payments as rows; a pending one with until when it waits."""
    deps = app_deps()
    rows = []
    for view in list_payer_payments(deps.uow, user_id, settings=deps.settings):
        row = payment_row(view, lang)
        if row.can_cancel:
            deadline = unfinished_payment_deadline(view.created_at, deps.settings.payment_ttl_min)
            row = replace(row, expires=when(deadline, lang))
        rows.append(row)
    return rows


class PaymentsState(AuthState):
    rows: list[PaymentRow] = []
    loaded: bool = False
    error: str = ""

    async def _reload(self, user_id: int) -> None:
        self.rows = await off_loop(_rows, user_id, (await self.get_state(I18n)).lang)
        self.loaded = True

    @rx.event
    async def load(self):
        self.error = ""
        self.loaded = False
        user_id = await self._user_id()
        if user_id is None:
            return
        await self._reload(user_id)

    @rx.event
    async def cancel(self, payment_id: int):
        """The confirmed Cancel of one row. Any id may come from the client: only a cancellable payment
        this page lists goes to the service, which checks again that it is the caller's."""
        user_id = await self._user_id()
        if user_id is None:
            return
        if type(payment_id) is not int or not any(r.id == payment_id and r.can_cancel for r in self.rows):
            return
        try:
            await off_loop(cancel_payment, app_deps().uow, user_id, payment_id, now=utcnow())
        except KryptonError as error:
            self.error = error_key(error.code, error.details)
        else:
            self.error = ""
        await self._reload(user_id)


def cancel_button(row: rx.Var[PaymentRow]) -> rx.Component:
    return confirm_dialog(
        rx.button(
            rx.icon("circle-x", size=15),
            I18n.t["pay.cancel"],
            color_scheme="red",
            variant="soft",
            size="2",
            data_testid="payments-cancel",
        ),
        title=I18n.t["payments.cancel_title"],
        description=rx.fragment(
            rx.text(row.invoice_title, " · ", row.amount_full, weight="medium"),
            rx.text(I18n.t["payments.cancel_warning"], margin_top="8px"),
        ),
        keep_label=I18n.t["payments.keep"],
        confirm_label=I18n.t["pay.cancel"],
        on_confirm=PaymentsState.cancel(row.id),
        confirm_test_id="payments-cancel-confirm",
    )


def payment_line(row: rx.Var[PaymentRow]) -> rx.Component:
    return rx.vstack(
        split_row(
            rx.vstack(
                rx.text(row.invoice_title, size="3", weight="bold", overflow_wrap="anywhere"),
                rx.text(row.merchant, " · ", row.invoice_number, size="2", color_scheme="gray"),
                spacing="1",
                min_width="0",
            ),
            rx.vstack(
                rx.text(row.amount, size="3", weight="bold", white_space="nowrap", title=row.amount_full),
                status_chip(I18n.t[row.status_key], row.status_color, data_testid="payments-status"),
                spacing="1",
                align="end",
            ),
        ),
        rx.hstack(
            rx.text(I18n.t["pay.parts_funded"], ": ", row.funded, size="2"),
            rx.text(row.created, size="2", color_scheme="gray"),
            rx.cond(
                row.can_cancel,
                rx.text(I18n.t["payments.expires"], " ", rx.text.span(row.expires, white_space="nowrap"), size="2"),
            ),
            spacing="3",
            wrap="wrap",
        ),
        rx.hstack(
            rx.cond(
                row.can_fund,
                rx.link(
                    rx.button(rx.icon("arrow-right", size=15), I18n.t["payments.continue"], size="2"),
                    href=routes.pay_invoice("") + row.invoice_number,
                    data_testid="payments-continue",
                ),
            ),
            rx.cond(row.can_cancel, cancel_button(row)),
            rx.link(
                rx.button(
                    rx.icon("receipt", size=15),
                    rx.cond(row.is_completed, I18n.t["payments.receipt"], I18n.t["payments.details"]),
                    variant="soft",
                    size="2",
                ),
                href=routes.payment("") + row.id.to_string(),
                data_testid="payments-open",
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="2",
        width="100%",
        padding_y="14px",
        border_top=ROW_RULE,
        # The card's edge is the first row's top line.
        style={"&:first-child": {"border_top": "none", "padding_top": "0"}},
        data_testid="payments-row",
    )


@template(route=routes.PAYMENTS, title="My payments", on_load=[PaymentsState.load])
def payments() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["payments.title"], I18n.t["payments.subtitle"], margin_bottom="0"),
        wallet_tabs(routes.PAYMENTS),
        rx.cond(PaymentsState.error != "", form_error(I18n.t[PaymentsState.error], data_testid="payments-error")),
        card(
            rx.cond(
                PaymentsState.loaded,
                rx.cond(
                    PaymentsState.rows.length() > 0,
                    rx.vstack(rx.foreach(PaymentsState.rows, payment_line), spacing="0", width="100%"),
                    empty_note(I18n.t["payments.empty"]),
                ),
                loading_note(I18n.t["pay.loading"]),
            ),
            data_testid="payments-list",
        ),
        width="100%",
        max_width="760px",
        spacing="4",
    )
