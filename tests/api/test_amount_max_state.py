"""The available balance and "Max" of the amount inputs, as a browser tab drives them: the withdraw
form's Max is the available balance less the fee the services price (TON network fee, Bitcoin payout
fee), in the asset spent; a balance below the fee says so instead of filling in nothing."""

from __future__ import annotations

import asyncio

import pytest
from builders import TON, USDT, deposit, make_invoice, make_user
from reflex_tabs import Processor

from krypton_app import bootstrap, routes
from krypton_app.domain.errors import InsufficientFunds
from krypton_app.i18n import error_texts
from krypton_app.pages.pay.state import PayState
from krypton_app.pages.wallet.withdraw_state import WithdrawState, _max_amount
from krypton_app.services import payout_quotes, withdrawals
from krypton_app.settings import get_settings
from krypton_app.state.auth import AuthState
from krypton_app.state.live import LiveState


@pytest.fixture
def user(uow, monkeypatch):
    user_id = make_user(uow)

    async def signed_in(self):
        return user_id

    monkeypatch.setattr(AuthState, "_user_id", signed_in)
    with bootstrap.override(uow=uow):
        yield user_id


def test_max_is_the_balance_less_the_services_fee(uow, user):
    deposit(uow, user, 3 * TON, "TON")
    deposit(uow, user, 20 * USDT, "USDT")
    settings = get_settings()
    ton = withdrawals.max_ton_withdrawal(uow, user, asset="TON", settings=settings)
    assert (ton.available, ton.fee, ton.amount) == (3 * TON, settings.withdrawal_fees["TON"], 3 * TON - ton.fee)
    btc = payout_quotes.max_bitcoin_payout(uow, user, asset="USDT", settings=settings)
    assert btc.amount == 20 * USDT - settings.payout_fees["USDT"]
    assert _max_amount("ton", user, "TON") == "2.95"
    assert _max_amount("bitcoin", user, "USDT") == "19"
    # The most that can be sent is accepted by the quote as it is.
    quote = withdrawals.quote_ton_withdrawal(
        uow,
        user,
        asset="TON",
        address="EQD__________________________________________0vo",
        amount="2.95",
        settings=settings,
    )
    assert quote.total == 3 * TON


def test_the_form_shows_the_chosen_assets_balance_and_max_fills_the_amount(uow, user):
    deposit(uow, user, 3 * TON, "TON")

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.WALLET)
            await tab.send(LiveState.start_live)
            assert (await tab.state(WithdrawState)).available == "3 TON"
            await tab.send(WithdrawState.fill_max)
            assert (await tab.state(WithdrawState)).field_errors == {}
            # USDT: nothing available, less than the fee: said under the amount, nothing filled in.
            await tab.send(WithdrawState.choose_asset, asset="USDT")
            state = await tab.state(WithdrawState)
            assert state.available == "0 USDT"
            await tab.send(WithdrawState.fill_max)
            refusal = (await tab.state(WithdrawState)).field_errors["amount"]
            assert refusal["en"] == "Not enough on your balance: 0 USDT available."
            # Another tab resets the asset to the one its form shows first.
            await tab.send(WithdrawState.choose_method, method="bitcoin")
            assert (await tab.state(WithdrawState)).asset == "TON"
            # Not an asset of the catalog: ignored.
            await tab.send(WithdrawState.choose_asset, asset="DOGE")
            assert (await tab.state(WithdrawState)).asset == "TON"

    asyncio.run(scenario())


def test_the_payer_sees_the_balance_and_max_fills_a_floating_amount(uow, user):
    invoice = make_invoice(uow, kind="floating", amount=None)
    deposit(uow, user, 3 * TON, "TON")

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.pay_invoice(invoice.number))
            await tab.send(PayState.load)
            assert (await tab.state(PayState)).available == "3 TON"
            await tab.send(PayState.fill_max)
            state = await tab.state(PayState)
            assert (state.amount, state.field_errors) == ("3", {})
            # What Max filled in goes on as the payment's amount.
            await tab.send(PayState.to_amounts)
            assert (await tab.state(PayState)).step == "amounts"

    asyncio.run(scenario())


def test_a_payer_with_nothing_gets_a_message_not_an_empty_max(uow, user):
    invoice = make_invoice(uow, kind="floating", amount=None)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.pay_invoice(invoice.number))
            await tab.send(PayState.load)
            await tab.send(PayState.fill_max)
            state = await tab.state(PayState)
            assert (state.available, state.amount, state.field_errors) == (
                "0 TON",
                "",
                {"amount": error_texts(InsufficientFunds(available=0, decimals=9, asset="TON"))},
            )

    asyncio.run(scenario())
