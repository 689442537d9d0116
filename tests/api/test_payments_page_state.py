"""/payments as a browser tab drives it (SQLite and PostgreSQL): the payer's pending and paid payments,
a pending one with until when it waits, and Cancel, which returns the funded part and takes only a
payment the page lists (another payer's id from the client changes nothing)."""

from __future__ import annotations

import asyncio
import uuid

from builders import INVOICE_SETTINGS, NOW, TON, balances, make_invoice, make_user, pay_invoice
from reflex_tabs import Processor

from krypton_app import bootstrap
from krypton_app.pages.wallet.payments import PaymentsState
from krypton_app.services import payments
from krypton_app.services.rates import StaticRateProvider
from krypton_app.settings import get_settings
from krypton_app.state.auth import AuthState


def sign_in(monkeypatch, user_id: int) -> None:
    async def signed_in(self):
        return user_id

    monkeypatch.setattr(AuthState, "_user_id", signed_in)


def half_funded(uow, payer: int) -> payments.PaymentView:
    settings, number = get_settings(), make_invoice(uow, amount="2", max_parts=2).number
    rates = StaticRateProvider(settings.rates)
    started = payments.start_payment(
        uow, payer, number, parts=["1", "1"], idempotency_key=uuid.uuid4().hex, settings=settings, rates=rates, now=NOW
    )
    part = started.parts[0].id
    return payments.fund_part_from_balance(uow, payer, started.id, part, settings=settings, rates=rates, now=NOW)


def test_the_payer_sees_pending_and_paid_payments_and_cancels_only_their_own(uow, monkeypatch):
    payer, other = make_user(uow, balance=5 * TON), make_user(uow, balance=5 * TON)
    paid = pay_invoice(uow, payer, make_invoice(uow).number, settings=INVOICE_SETTINGS)
    pending = half_funded(uow, payer)
    foreign = half_funded(uow, other)

    async def scenario():
        async with Processor() as p:
            tab = p.tab("/payments")
            await tab.send(PaymentsState.load)
            page = await tab.state(PaymentsState)
            listed = [(r.id, r.status, r.funded, r.can_cancel, r.expires != "") for r in page.rows]
            await tab.send(PaymentsState.cancel, payment_id=foreign.id)
            await tab.send(PaymentsState.cancel, payment_id="1")
            await tab.send(PaymentsState.cancel, payment_id=pending.id)
            page = await tab.state(PaymentsState)
            return listed, [(r.id, r.status) for r in page.rows], page.error

    sign_in(monkeypatch, payer)
    with bootstrap.override(uow=uow):
        listed, after, error = asyncio.run(scenario())
    assert listed == [(pending.id, "pending", "1/2", True, True), (paid.id, "completed", "1/1", False, False)]
    assert after == [(pending.id, "cancelled"), (paid.id, "completed")] and error == ""
    assert balances(uow, payer) == (4 * TON, 0)
    # The other payer's payment was not in the list: it still holds its part.
    assert balances(uow, other) == (4 * TON, TON)
