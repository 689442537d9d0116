"""The wizard's promise method (SPEC F5, F6), a mixin of PayState: the payer pastes a promise's code
(or its /p/<code> link) under a part and pays the part with it; a bigger promise's change comes back
as a new promise whose code this page shows once (services/promise_parts.py)."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.invoices import QuoteRenewed
from krypton_app.i18n import error_texts
from krypton_app.pages.pay import payment_step
from krypton_app.services.promise_parts import fund_part_from_promise, take_promise_codes
from krypton_app.state.i18n import I18n, in_language
from krypton_app.state.invoice_views import PartRow, PromiseCodeRow, promise_code_rows
from krypton_app.state.offload import off_loop

# Longer than any code with its link around it; anything longer is not one of ours.
CODE_INPUT_MAX = 400


def error_slot(part_id: int) -> str:
    return f"promise-{part_id}"


class PromisePart(rx.State, mixin=True):
    # The change (or refund) promises' codes, shown once: taken from the services as they are shown.
    promise_codes: list[PromiseCodeRow] = []

    @rx.event
    async def pay_with_promise(self, form: dict):
        """The promise panel's form: `form["part"]` is the part's id (a hidden field: a form's submit
        handler is drawn outside the parts' loop, so it cannot name the part itself) and `form["code"]`
        the pasted code or link. Any value may come from the client: only a part of this payment as the
        page shows it, and text of a sane length."""
        user_id = await self._user_id()
        if user_id is None or self.busy or not self._payment_id or not isinstance(form, dict):
            return
        part = form.get("part")
        if not isinstance(part, str) or not part.isdigit() or len(part) > 18 or int(part) not in self._part_amounts:
            return
        part_id = int(part)
        code = form.get("code")
        if not isinstance(code, str) or not code.strip() or len(code) > CODE_INPUT_MAX:
            self.field_errors = {error_slot(part_id): error_texts(KryptonError(code="promise_not_found"))}
            return
        self.busy = part_id
        yield
        deps = app_deps()
        lang = (await self.get_state(I18n)).lang
        try:
            view = await off_loop(
                fund_part_from_promise,
                deps.uow,
                user_id,
                self._payment_id,
                part_id,
                code,
                settings=deps.settings,
                rates=deps.rates,
                now=payment_step.now(),
                expected_amount=self._part_amounts[part_id],
            )
        except QuoteRenewed as renewed:
            # Nothing was spent: the page shows the new amounts (as the balance's Pay does).
            await self._show_renewed_quote(user_id, renewed)
            return
        except KryptonError as error:
            self.field_errors = {error_slot(part_id): error_texts(error)}
            return
        finally:
            self.busy = 0
        self.field_errors = {}
        self.rate_updated = ""
        self._show_payment(view, lang)
        if self.payment.is_completed or self.payment.awaiting_fiat:
            # The result page shows the change's code.
            yield rx.redirect(routes.payment(view.id))
            return
        codes = await off_loop(take_promise_codes, deps.uow, user_id, view.id, settings=deps.settings)
        if codes:
            rows = await off_loop(promise_code_rows, codes, view.decimals, deps.settings.app_url, lang)
            self.promise_codes = self.promise_codes + rows


def promise_panel(row: rx.Var[PartRow]) -> rx.Component:
    # Imported here: PayState is built from this module's mixin.
    from krypton_app.pages.pay.state import PayState

    slot = "promise-" + row.id.to_string()
    return rx.form(
        rx.vstack(
            rx.el.input(type="hidden", name="part", value=row.id.to_string()),
            rx.hstack(
                rx.text(I18n.t["paywiz.you_pay"], size="2", color_scheme="gray"),
                rx.spacer(),
                rx.text(row.amount, size="2", weight="medium"),
                width="100%",
            ),
            rx.text(I18n.t["paywiz.promise_hint"], size="1", color_scheme="gray"),
            rx.input(
                name="code",
                placeholder=I18n.t["paywiz.promise_placeholder"],
                auto_complete="off",
                spell_check=False,
                max_length=CODE_INPUT_MAX,
                size="3",
                width="100%",
                data_testid="pay-promise-code",
            ),
            rx.cond(
                PayState.field_errors.contains(slot),
                rx.text(
                    in_language(PayState.field_errors[slot]),
                    size="2",
                    color=rx.color("red", 11),
                    data_testid="pay-promise-error",
                ),
            ),
            rx.button(
                rx.icon("ticket", size=15),
                I18n.t["paywiz.pay_with_promise"],
                type="submit",
                loading=PayState.busy == row.id,
                disabled=PayState.busy != 0,
                width="100%",
                size="3",
                data_testid="pay-promise-pay",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=PayState.pay_with_promise,
        reset_on_submit=False,
        width="100%",
    )
