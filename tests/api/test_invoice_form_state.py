"""Forms that must start clean and payer pages that must not offer what fails, as a browser tab drives
them (Reflex's event processor, the test database): the "New invoice" form's kind and test switch do
not carry over to the next form, a reload or another user in the same tab; a test invoice's payer
pages say it cannot be paid and offer no payment; a Lightning payout above the balance says so on
Review; a queued payout is cancelled from the wallet."""

from __future__ import annotations

import asyncio
import time

import pytest
from builders import USDT, deposit, lightning_invoice, make_user
from reflex_tabs import Processor
from sqlalchemy import func, select

from krypton_app import bootstrap, routes
from krypton_app.domain.invoices import MAX_PARTS_LIMIT
from krypton_app.i18n import translate
from krypton_app.models import InvoicePayment
from krypton_app.pages.invoices.state import InvoicesState
from krypton_app.pages.pay.state import PayState
from krypton_app.pages.wallet.state import WalletState
from krypton_app.pages.wallet.withdraw_state import WithdrawState
from krypton_app.services.invoices import list_invoices
from krypton_app.services.payouts import list_user_payouts
from krypton_app.settings import get_settings
from krypton_app.state.auth import AuthState

FORM = {"title": "VPN, 1 month", "asset": "TON", "amount": "2", "expires_in_s": "0"}


@pytest.fixture
def who(uow, monkeypatch):
    """`who[0]` is the tab's signed-in user; a test changes it as a logout and another login would."""
    signed = [make_user(uow)]

    async def signed_in(self):
        return signed[0]

    monkeypatch.setattr(AuthState, "_user_id", signed_in)
    with bootstrap.override(uow=uow):
        yield signed


def form_of(state: InvoicesState) -> tuple[bool, str, bool]:
    return state.show_form, state.kind, state.is_test


def test_each_new_invoice_form_starts_live_and_fixed(uow, who):
    merchant = who[0]

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.INVOICES)
            await tab.send(InvoicesState.load)
            await tab.send(InvoicesState.toggle_form)
            await tab.send(InvoicesState.choose_kind, kind="floating")
            await tab.send(InvoicesState.set_test, value=True)
            assert form_of(await tab.state(InvoicesState)) == (True, "floating", True)
            # Closed and opened again: a new form.
            await tab.send(InvoicesState.toggle_form)
            await tab.send(InvoicesState.toggle_form)
            assert form_of(await tab.state(InvoicesState)) == (True, "fixed", False)

            # A TEST invoice made on purpose; the next form is live again.
            await tab.send(InvoicesState.set_test, value=True)
            await tab.send(InvoicesState.create, form_data=FORM)
            assert form_of(await tab.state(InvoicesState)) == (False, "fixed", False)
            await tab.send(InvoicesState.toggle_form)
            assert form_of(await tab.state(InvoicesState)) == (True, "fixed", False)
            await tab.send(InvoicesState.create, form_data=FORM)
            made = list_invoices(uow, merchant, settings=get_settings()).items
            assert sorted(v.is_test for v in made) == [False, True]

            # A reload (the tab keeps its state on the server) finds the form closed and clean.
            await tab.send(InvoicesState.toggle_form)
            await tab.send(InvoicesState.choose_kind, kind="private")
            await tab.send(InvoicesState.set_test, value=True)
            await tab.send(InvoicesState.load)
            assert form_of(await tab.state(InvoicesState)) == (False, "fixed", False)

            # Another user signs in in the same tab: nothing of the first one's form.
            await tab.send(InvoicesState.toggle_form)
            await tab.send(InvoicesState.choose_kind, kind="floating")
            await tab.send(InvoicesState.set_test, value=True)
            who[0] = make_user(uow)
            await tab.send(InvoicesState.load)
            await tab.send(InvoicesState.toggle_form)
            assert form_of(await tab.state(InvoicesState)) == (True, "fixed", False)

            # And a tab of its own starts clean.
            other = p.tab(routes.INVOICES)
            await other.send(InvoicesState.load)
            await other.send(InvoicesState.toggle_form)
            assert form_of(await other.state(InvoicesState)) == (True, "fixed", False)

    asyncio.run(scenario())


def test_a_test_invoices_payer_is_told_and_offered_no_payment(uow, who):
    async def scenario():
        async with Processor() as p:
            merchant_tab = p.tab(routes.INVOICES)
            await merchant_tab.send(InvoicesState.load)
            await merchant_tab.send(InvoicesState.toggle_form)
            await merchant_tab.send(InvoicesState.set_test, value=True)
            await merchant_tab.send(InvoicesState.create, form_data=FORM)
            (invoice,) = list_invoices(uow, who[0], settings=get_settings()).items
            assert invoice.is_test

            who[0] = make_user(uow, balance=10)
            for path in (routes.pay_invoice(invoice.number), f"/i/{invoice.number}"):
                tab = p.tab(path)
                await tab.send(PayState.load)
                state = await tab.state(PayState)
                assert (state.invoice.test, state.unavailable, state.error) == (True, "error.invoice_is_test", "")
            # Even a crafted call of the hidden button leaves no payment behind.
            await tab.send(PayState.pay_now)
            with uow.read() as s:
                assert s.execute(select(func.count()).select_from(InvoicePayment)).scalar_one() == 0

    asyncio.run(scenario())


def test_a_repeated_order_id_is_said_under_its_field_with_a_link_not_opened(uow, who):
    """The second form with an order id used before makes nothing and goes nowhere: the order id's
    message, a link to the invoice that answers for it, and the form as typed."""
    with_order = FORM | {"order_id": "order-42"}

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.INVOICES)
            await tab.send(InvoicesState.load)
            await tab.send(InvoicesState.toggle_form)
            await tab.send(InvoicesState.create, form_data=with_order)
            (first,) = list_invoices(uow, who[0], settings=get_settings()).items
            await tab.send(InvoicesState.toggle_form)
            await tab.send(InvoicesState.create, form_data=with_order | {"title": "Another"})
            state = await tab.state(InvoicesState)
            shown = (state.show_form, state.field_errors, state.existing_number, state.existing_path)
            assert shown == (
                True,
                {"order_id": "invoices.existing_order"},
                first.number,
                routes.invoice_detail(first.number),
            )
            assert list_invoices(uow, who[0], settings=get_settings()).total == 1
            # A new form forgets the link.
            await tab.send(InvoicesState.toggle_form)
            await tab.send(InvoicesState.toggle_form)
            state = await tab.state(InvoicesState)
            assert (state.field_errors, state.existing_number) == ({}, "")

    asyncio.run(scenario())


@pytest.mark.parametrize("parts", ["0", "11", "-1", "1.5"])
def test_parts_out_of_range_get_one_clear_message(uow, who, parts):
    """Below one, above the limit or not a whole number: the same message under "Parts", with the range."""

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.INVOICES)
            await tab.send(InvoicesState.load)
            await tab.send(InvoicesState.toggle_form)
            await tab.send(InvoicesState.create, form_data=FORM | {"max_parts": parts})
            return (await tab.state(InvoicesState)).field_errors

    assert asyncio.run(scenario()) == {"max_parts": "error.invoice_parts_invalid"}
    assert list_invoices(uow, who[0], settings=get_settings()).total == 0
    assert f"1 to {MAX_PARTS_LIMIT}" in translate("en", "error.invoice_parts_invalid")
    assert f"1 до {MAX_PARTS_LIMIT}" in translate("ru", "error.invoice_parts_invalid")


def test_lightning_above_the_balance_says_so_on_review(uow, who):
    deposit(uow, who[0], USDT, "USDT")
    invoice = lightning_invoice(msat=10**11, date=int(time.time()), expiry=3600, currency="bc")  # 1 BTC

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.WALLET)
            await tab.send(WithdrawState.choose_method, method="lightning")
            await tab.send(WithdrawState.review, form_data={"asset": "USDT", "invoice": invoice})
            state = await tab.state(WithdrawState)
            # On the form, which shows it: the Lightning form has no amount input to show it under.
            said = "Not enough on your balance: 1 USDT available."
            assert (state.field_errors[""]["en"], state.quote_lines) == (said, [])
            await tab.send(WithdrawState.choose_method, method="bitcoin")
            await tab.send(
                WithdrawState.review,
                form_data={"asset": "USDT", "address": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "amount": "5"},
            )
            refusal = (await tab.state(WithdrawState)).field_errors["amount"]
            assert refusal["ru"] == "Недостаточно средств на балансе: доступно 1 USDT."

    asyncio.run(scenario())


def test_a_queued_payout_is_cancelled_from_the_wallet(uow, who):
    owner = who[0]
    deposit(uow, owner, 10 * USDT, "USDT")
    invoice = lightning_invoice(msat=2_000_000, date=int(time.time()), expiry=3600, currency="bc")

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.WALLET)
            await tab.send(WalletState.load)
            await tab.send(WithdrawState.choose_method, method="lightning")
            await tab.send(WithdrawState.review, form_data={"asset": "USDT", "invoice": invoice})
            await tab.send(WithdrawState.confirm)
            (row,) = (await tab.state(WalletState)).recent
            assert (row.status_key, row.can_cancel) == ("status.queued", True)
            # Another user's tab cannot cancel it.
            who[0] = make_user(uow)
            await p.tab(routes.WALLET).send(WalletState.cancel_payout, payout_id=row.id)
            assert list_user_payouts(uow, owner)[0].status == "queued"
            who[0] = owner
            await tab.send(WalletState.cancel_payout, payout_id=row.id)
            (row,) = (await tab.state(WalletState)).recent
            assert (row.status_key, row.can_cancel) == ("status.cancelled", False)
            balances = {b.asset: b for b in (await tab.state(WalletState)).balances}
            assert "10" in balances["USDT"].available
            # A repeat (a second click, a crafted call) changes nothing.
            await tab.send(WalletState.cancel_payout, payout_id=row.id)
            await tab.send(WalletState.cancel_payout, payout_id="1")
            assert [p.status for p in list_user_payouts(uow, owner)] == ["cancelled"]

    asyncio.run(scenario())
