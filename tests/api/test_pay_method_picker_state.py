"""The wizard's per-part method picker as a browser tab drives it (SQLite and PostgreSQL): each
pending part starts on the balance, a pick is kept per part, anything the picker does not offer (an
unknown method, a part of another payment, a funded part, a value of the wrong type) changes nothing,
and the balance's panel says which parts the available balance does not cover."""

from __future__ import annotations

import asyncio

import pytest
from builders import TON, make_invoice, make_user
from reflex_tabs import Processor

from krypton_app import bootstrap
from krypton_app.pages.pay.state import PayState
from krypton_app.state.auth import AuthState


@pytest.fixture
def app_on(uow):
    with bootstrap.override(uow=uow) as deps:
        yield deps


def sign_in(monkeypatch, user_id: int) -> None:
    async def signed_in(self):
        return user_id

    monkeypatch.setattr(AuthState, "_user_id", signed_in)


def test_each_part_keeps_its_pick_and_the_picker_takes_only_what_it_offers(uow, app_on, monkeypatch):
    invoice = make_invoice(uow, amount="3", max_parts=3)
    # 1.5 TON: covers a 1 TON part, not a 2 TON one; after paying the first, not even a 1 TON one.
    payer = make_user(uow, balance=3 * TON // 2)
    sign_in(monkeypatch, payer)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(f"/pay/{invoice.number}", {"parts": "2"})
            await tab.send(PayState.load)
            await tab.send(PayState.to_amounts)
            await tab.edit(PayState, amounts=["1", "2"])
            await tab.send(PayState.start)
            page = await tab.state(PayState)
            first, second = (row.id for row in page.payment_parts)
            seen = {"start": dict(page.part_methods), "short": list(page.balance_short)}
            await tab.send(PayState.choose_method, part_id=second, method="promise")
            for part_id, method in (
                (first, "lightning-and-more"),
                (first, ["promise"]),
                (first + second + 1000, "promise"),
                (True, "promise"),
            ):
                await tab.send(PayState.choose_method, part_id=part_id, method=method)
            seen["picked"] = dict((await tab.state(PayState)).part_methods)
            await tab.send(PayState.fund, part_id=first)
            page = await tab.state(PayState)
            seen |= {"after": dict(page.part_methods), "short_after": list(page.balance_short)}
            # The funded part has no picker any more.
            await tab.send(PayState.choose_method, part_id=first, method="promise")
            seen["funded"] = dict((await tab.state(PayState)).part_methods)
            return first, second, seen

    first, second, seen = asyncio.run(scenario())
    assert seen["start"] == {str(first): "balance", str(second): "balance"}
    assert seen["short"] == [second]
    assert seen["picked"] == {str(first): "balance", str(second): "promise"}
    assert seen["after"] == {str(second): "promise"}
    assert seen["short_after"] == [second]
    assert seen["funded"] == {str(second): "promise"}
