"""Forms name the numbers a user must meet and keep what was typed (issue 11 item 10): a floating
invoice's minimum and what is left of its cap, on the pay wizard's first step and on the direct page;
the balance a new sell ad would hold. The message is kept in every language, so the tab shows its own
and a language switch re-words it."""

from __future__ import annotations

import asyncio

import pytest
from builders import TON, make_invoice, make_user
from reflex_base.utils.format import json_dumps
from reflex_tabs import Processor

from krypton_app import bootstrap, routes
from krypton_app.pages.market.state import NewAdState
from krypton_app.pages.pay.state import PayState
from krypton_app.state.auth import AuthState


@pytest.fixture
def floating(uow, monkeypatch):
    """A floating TON invoice taking at least 0.5 and 4 in all; the tab's payer has 10 TON."""
    invoice = make_invoice(uow, kind="floating", amount=None, min_payment="0.5", max_total="4")
    payer = make_user(uow, balance=10 * TON)

    async def signed_in(self):
        return payer

    monkeypatch.setattr(AuthState, "_user_id", signed_in)
    with bootstrap.override(uow=uow):
        yield invoice


def test_the_wizard_names_the_minimum_and_keeps_the_amount(floating):
    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.pay_invoice(floating.number))
            await tab.send(PayState.load)
            await tab.send(PayState.set_amount, value="0,4")
            await tab.send(PayState.to_amounts)
            state = await tab.state(PayState)
            assert (state.step, state.amount) == ("parts", "0,4")
            assert state.field_errors["amount"] == {
                "en": "The minimum is 0.5 TON for this invoice.",
                "ru": "Минимум для этого счёта — 0,5 TON.",
            }
            # Both languages reach the tab: switching the language re-words the message on screen.
            assert "Минимум для этого счёта" in json_dumps(tab.deltas)
            await tab.send(PayState.set_amount, value="4.5")
            await tab.send(PayState.to_amounts)
            state = await tab.state(PayState)
            assert (state.step, state.amount) == ("parts", "4.5")
            assert state.field_errors["amount"]["en"] == "Only 4 TON is left of this invoice."
            await tab.send(PayState.set_amount, value="4")
            await tab.send(PayState.to_amounts)
            state = await tab.state(PayState)
            assert (state.step, state.field_errors, state.amounts) == ("amounts", {}, ["4"])

    asyncio.run(scenario())


def test_the_direct_page_names_what_is_left_and_keeps_the_amount(floating):
    async def scenario():
        async with Processor() as p:
            tab = p.tab(f"/i/{floating.number}")
            await tab.send(PayState.load)
            await tab.send(PayState.set_amount, value="5")
            await tab.send(PayState.pay_now)
            state = await tab.state(PayState)
            assert (state.amount, state.payment) == ("5", None)
            assert state.field_errors["amount"]["ru"] == "По этому счёту осталось оплатить только 4 TON."

    asyncio.run(scenario())


def test_publishing_more_than_the_balance_names_what_is_available(uow, monkeypatch):
    """A sell ad holds its volume: above the available balance, the form says how much there is."""
    owner = make_user(uow, balance=3 * TON)

    async def signed_in(self):
        return owner

    monkeypatch.setattr(AuthState, "_user_id", signed_in)
    form = {"side": "sell", "asset": "TON", "fiat": "RUB", "country": "RU", "price": "410", "total_volume": "4"}
    form |= {"min_amount": "1", "max_amount": "2", "payment_window_min": "15", "min_completed_deals": "0"}

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.MARKET_NEW)
            await tab.send(NewAdState.load)
            await tab.send(NewAdState.create, form_data=form)
            state = await tab.state(NewAdState)
            assert state.field_errors == {
                "": {
                    "en": "Not enough on your balance: 3 TON available.",
                    "ru": "Недостаточно средств на балансе: доступно 3 TON.",
                }
            }

    with bootstrap.override(uow=uow):
        asyncio.run(scenario())
