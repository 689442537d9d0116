"""/pay: the payer types an invoice's number (any case, with spaces or dashes) and goes to its wizard."""

from __future__ import annotations

from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.ui import card, field_error, page_heading
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.invoices import normalise_number
from krypton_app.i18n import error_key
from krypton_app.pages.pay.methods import wizard_with_method
from krypton_app.services.invoices import get_payer_invoice
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop


class PayEntryState(AuthState):
    error: str = ""

    @rx.event
    async def open_invoice(self, form_data: dict):
        number = normalise_number(str(form_data.get("number") or ""))
        if not number:
            self.error = "pay.number_required"
            return None
        deps, user_id = app_deps(), await self._user_id()
        try:
            await off_loop(get_payer_invoice, deps.uow, user_id, number, now=datetime.now(UTC), settings=deps.settings)
        except KryptonError as error:
            self.error = "pay.number_unknown" if error.code == "not_found" else error_key(error.code, error.details)
            return None
        self.error = ""
        # The start page's "pay with" (`/pay?method=`) goes on to the wizard, whose picker starts on it.
        method = self.router.url.query_parameters.get("method", "")
        return rx.redirect(wizard_with_method(routes.pay_invoice(number), method))

    @rx.event
    def clear(self):
        self.error = ""


@template(route=routes.PAY, title="Pay", protected=False, on_load=[PayEntryState.clear])
def pay() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["pay.title"], I18n.t["pay.subtitle"]),
        card(
            rx.form(
                rx.vstack(
                    rx.el.label(rx.text(I18n.t["pay.number"], size="2", weight="medium"), html_for="invoice_number"),
                    rx.hstack(
                        rx.input(
                            id="invoice_number",
                            name="number",
                            placeholder="K7QX 2MPA",
                            auto_complete="off",
                            spell_check=False,
                            size="3",
                            flex="1",
                            style={"text_transform": "uppercase", "letter_spacing": "0.08em"},
                        ),
                        rx.button(
                            I18n.t["pay.open"],
                            rx.icon("arrow-right", size=16),
                            type="submit",
                            size="3",
                            data_testid="pay-open",
                        ),
                        width="100%",
                        spacing="2",
                    ),
                    rx.cond(PayEntryState.error != "", field_error(I18n.t[PayEntryState.error])),
                    rx.text(I18n.t["pay.number_hint"], size="1", color_scheme="gray"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=PayEntryState.open_invoice,
                reset_on_submit=False,
                width="100%",
            ),
            max_width="640px",
            data_testid="pay-entry",
        ),
        width="100%",
    )
