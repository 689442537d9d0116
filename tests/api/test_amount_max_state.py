"""The available balance and "Max" of the amount inputs, as a browser tab drives them: the withdraw
form's Max is the available balance less the fee the services price (TON network fee, Bitcoin payout
fee), in the asset spent; a balance below the fee says so instead of filling in nothing. The Bitcoin
form's amount may be typed in BTC instead, the other unit shown beside it."""

from __future__ import annotations

import asyncio

import pytest
from builders import TAPROOT, TON, USDT, deposit, make_invoice, make_user
from reflex_tabs import Processor

from krypton_app import bootstrap, routes
from krypton_app.domain.errors import InsufficientFunds
from krypton_app.i18n import error_texts
from krypton_app.pages.pay.state import PayState
from krypton_app.pages.wallet.withdraw_state import WithdrawState, _max_amount
from krypton_app.services import payout_quotes, payouts, withdrawals
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


def test_the_bitcoin_amount_may_be_typed_in_btc_and_shows_the_other_unit(uow, user):
    deposit(uow, user, 10 * TON, "TON")

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.WALLET)
            await tab.send(LiveState.start_live)
            await tab.send(WithdrawState.choose_method, method="bitcoin")
            # Typed in TON (the default unit): what it sends at 0.0000520 BTC per TON, rounded down.
            await tab.send(WithdrawState.type_amount, text=" 9.9 ")
            assert (await tab.state(WithdrawState)).equivalent == "≈ 0.0005148 BTC"
            # Switched to BTC: the same money, now in BTC, and its TON beside it.
            await tab.send(WithdrawState.choose_unit, unit="btc")
            state = await tab.state(WithdrawState)
            assert (state.unit, state.equivalent) == ("btc", "≈ 9.9 TON")
            # Not a unit, or not an amount (yet): nothing changes, no equivalent shown.
            await tab.send(WithdrawState.choose_unit, unit="doge")
            assert (await tab.state(WithdrawState)).unit == "btc"
            await tab.send(WithdrawState.type_amount, text="1e")
            assert (await tab.state(WithdrawState)).equivalent == ""
            # Max in BTC: the most that can be spent (10 TON less the 0.1 TON fee), rounded down to the satoshi.
            await tab.send(WithdrawState.fill_max)
            state = await tab.state(WithdrawState)
            assert (state.field_errors, state.equivalent) == ({}, "≈ 9.9 TON")
            # Review of 0.0005 BTC: quoted as the least TON that sends at least that (50,000 sat / 0.000052 TON).
            form = {"asset": "TON", "address": TAPROOT, "amount": "0.0005"}
            await tab.send(WithdrawState.review, form_data=form)
            lines = {line.label_key: line.value for line in (await tab.state(WithdrawState)).quote_lines}
            assert lines["withdraw.amount"] == "9.615384616 TON"
            assert lines["withdraw.recipient_gets"] == "50,000 sat (0.0005 BTC)"
            await tab.send(WithdrawState.confirm)
            state = await tab.state(WithdrawState)
            assert (state.field_errors, state.equivalent) == ({}, "")
        (payout,) = payouts.list_user_payouts(uow, user)
        assert (payout.asset, payout.amount, payout.amount_sat) == ("TON", 9_615_384_616, 50_000)

    asyncio.run(scenario())


def test_a_btc_amount_with_too_many_decimals_is_refused_under_the_amount(uow, user):
    deposit(uow, user, 10 * TON, "TON")

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.WALLET)
            await tab.send(LiveState.start_live)
            await tab.send(WithdrawState.choose_method, method="bitcoin")
            await tab.send(WithdrawState.choose_unit, unit="btc")
            form = {"asset": "TON", "address": TAPROOT, "amount": "0.000500001"}
            await tab.send(WithdrawState.review, form_data=form)
            state = await tab.state(WithdrawState)
            assert state.field_errors["amount"]["en"] == "At most 8 digits after the decimal point."
            assert state.quote_lines == []
            # Another tab of the form starts in the asset again.
            await tab.send(WithdrawState.choose_method, method="ton")
            assert (await tab.state(WithdrawState)).unit == "asset"

    asyncio.run(scenario())
