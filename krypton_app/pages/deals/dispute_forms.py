"""The deal page's dispute forms, a mixin of DealState (pages/deals/state.py): each side's statement and
the operator's decision, previewed with what each side gets before it is final. The services check the
viewer's right to each again."""

from __future__ import annotations

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.domain import deals as machine
from krypton_app.domain.deal_fees import fee_payout
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_key
from krypton_app.models.common import utcnow
from krypton_app.services.disputes import resolve_dispute, submit_statement
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.views import amount_text


class DisputeForms(rx.State, mixin=True):
    statement_error: str = ""
    statement_saved: bool = False
    # The operator's decision, asked once more before it is final: "" | release | refund | split
    decision: str = ""
    decision_share: str = ""
    decision_to_buyer: str = ""
    decision_to_seller: str = ""
    decision_fee: str = ""  # the deal fee the decision charges ("" none)
    decision_error: str = ""

    @rx.event
    async def save_statement(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None:
            return
        text = str(form_data.get("statement") or "")
        try:
            await off_loop(submit_statement, app_deps().uow, user_id, self._deal_id, text)
        except KryptonError as error:
            self.statement_error, self.statement_saved = error_key(error.code, error.details), False
            return
        self.statement_error, self.statement_saved = "", True
        self._changed()
        await self._refresh(user_id)

    @rx.event
    async def propose(self, form_data: dict):
        """First step of the operator's decision: show exactly what each side will get."""
        outcome = str(form_data.get("outcome") or "")
        self.decision_error = ""
        try:
            share = machine.share_from_percent(str(form_data.get("share") or "")) if outcome == "split" else None
            to_buyer, to_seller = machine.split_amounts(self._amount, outcome, share)
        except KryptonError as error:
            self.decision, self.decision_error = "", error_key(error.code, error.details)
            return
        self.decision, self.decision_share = outcome, share or ""
        lang = (await self.get_state(I18n)).lang
        # With the deal's fee, as services/deal_purposes.py pays it out: on the released share only.
        out = fee_payout(self._amount, self._fee, self._fee_side or machine.SELLER, to_buyer)
        self.decision_to_buyer = amount_text(out.to_target, self._decimals, self._asset, lang, full=True)
        back = to_seller + out.fee_back
        self.decision_to_seller = amount_text(back, self._decimals, self._asset, lang, full=True)
        self.decision_fee = (
            amount_text(out.charged, self._decimals, self._asset, lang, full=True) if out.charged else ""
        )

    @rx.event
    def back_to_decision(self):
        self.decision = ""

    @rx.event
    async def decide(self):
        user_id = await self._user_id()
        if user_id is None or not self.decision:
            return
        try:
            await off_loop(
                resolve_dispute,
                app_deps().uow,
                user_id,
                self._deal_id,
                outcome=self.decision,
                buyer_share=self.decision_share or None,
                now=utcnow(),
                settings=app_deps().settings,
                rates=app_deps().rates,
            )
        except KryptonError as error:
            self.decision_error = error_key(error.code, error.details)
            return
        self.decision, self.decision_error = "", ""
        self._changed()
        await self._refresh(user_id)
