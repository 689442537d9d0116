"""The wizard's per-part method picker and its promise panel as a browser tab drives them (SQLite and
PostgreSQL): each pending part starts on the balance, a pick is kept per part, anything the picker does
not offer (an unknown method, a part of another payment, a funded part, a value of the wrong type)
changes nothing, and the balance's panel says which parts the available balance does not cover; a part
paid with a bigger promise shows its change's code once."""

from __future__ import annotations

import asyncio

import pytest
from builders import NOW, SETTINGS, TON, balances, make_invoice, make_promise, make_user
from reflex_tabs import Processor

from krypton_app import bootstrap
from krypton_app.domain.promises import PromiseRefused
from krypton_app.i18n import error_texts
from krypton_app.pages.pay.state import PayState
from krypton_app.pages.payment.state import PaymentState
from krypton_app.services.promises import redeem_promise
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


@pytest.mark.parametrize(
    ("query", "first_method"),
    [("fiat", "fiat_deal"), ("lightning", "lightning"), ("promise", "promise"), ("moon", "balance"), ("", "balance")],
)
def test_the_start_pages_method_starts_part_one_on_it(uow, app_on, monkeypatch, query, first_method):
    """`?method=` (the start page's "pay with", through /pay): part 1's picker starts on it, the other
    parts on the balance; a value the picker does not know leaves the default."""
    invoice = make_invoice(uow, amount="2", max_parts=2)
    sign_in(monkeypatch, make_user(uow, balance=2 * TON))

    async def scenario():
        async with Processor() as p:
            tab = p.tab(f"/pay/{invoice.number}", {"parts": "2", "method": query})
            await tab.send(PayState.load)
            await tab.send(PayState.to_amounts)
            await tab.send(PayState.start)
            page = await tab.state(PayState)
            return [row.id for row in page.payment_parts], dict(page.part_methods)

    (first, second), methods = asyncio.run(scenario())
    assert methods == {str(first): first_method, str(second): "balance"}


def test_the_promise_panel_pays_a_part_and_shows_the_change_code_once(uow, app_on, monkeypatch):
    """Part 2 with a bigger promise: the change's code is on the wizard, and nowhere after; part 1 with
    another promise completes the payment and its change is on the result page. Inputs the panel does
    not send (another payment's part, a form that is not one, a too long code) change nothing; a wrong
    code is refused under its part."""
    merchant, issuer, payer = make_user(uow), make_user(uow, balance=5 * TON), make_user(uow)
    invoice = make_invoice(uow, merchant, amount="1", max_parts=2)
    first, second = make_promise(uow, issuer, 2 * TON), make_promise(uow, issuer, TON)
    sign_in(monkeypatch, payer)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(f"/pay/{invoice.number}", {"parts": "2"})
            await tab.send(PayState.load)
            await tab.send(PayState.to_amounts)
            await tab.edit(PayState, amounts=["0.25", "0.75"])
            await tab.send(PayState.start)
            page = await tab.state(PayState)
            one, two = (row.id for row in page.payment_parts)
            for form in (
                {"part": str(one + two + 99), "code": first.code},
                {"part": one, "code": first.code},
                {"part": f"-{one}", "code": first.code},
                "code",
                {"part": str(two), "code": "x" * 401},
            ):
                await tab.send(PayState.pay_with_promise, form=form)
            page = await tab.state(PayState)
            seen = {"ignored": ([r.status for r in page.payment_parts], page.promise_codes)}
            seen["too_long"] = dict(page.field_errors)
            await tab.send(PayState.pay_with_promise, form={"part": str(two), "code": "A" * 32})
            seen["wrong"] = dict((await tab.state(PayState)).field_errors)
            link = f"https://k.example/p/{first.code}"
            await tab.send(PayState.pay_with_promise, form={"part": str(two), "code": link})
            page = await tab.state(PayState)
            seen["paid"] = ([r.status for r in page.payment_parts], page.field_errors, page.part_methods)
            seen["codes"] = [(c.origin_key, c.amount, c.code, c.link) for c in page.promise_codes]
            await tab.send(PayState.pay_with_promise, form={"part": str(one), "code": second.code})
            seen["done"] = (await tab.state(PayState)).payment.status
            result = p.tab(f"/payment/{page.payment.id}")
            await result.send(PaymentState.load)
            seen["result"] = [(c.origin_key, c.amount) for c in (await result.state(PaymentState)).promise_codes]
            again = p.tab(f"/payment/{page.payment.id}")
            await again.send(PaymentState.load)
            seen["again"] = (await again.state(PaymentState)).promise_codes
            return two, seen

    two, seen = asyncio.run(scenario())
    assert seen["ignored"] == (["pending", "pending"], [])
    assert seen["too_long"] == {f"promise-{two}": error_texts(PromiseRefused(code="promise_not_found"))}
    assert seen["wrong"][f"promise-{two}"]["en"] == "No promise has this code. Check that it was copied whole."
    statuses, errors, methods = seen["paid"]
    assert statuses == ["pending", "funded"] and errors == {} and str(two) not in methods
    [(origin, amount, code, link)] = seen["codes"]
    assert (origin, amount) == ("paywiz.promise_origin.change", "1.25 TON")
    assert link.endswith(f"/p/{code}")
    assert seen["done"] == "completed"
    assert seen["result"] == [("paywiz.promise_origin.change", "0.75 TON")]
    assert seen["again"] == []
    # The change codes really are the payer's promises: redeeming the first one pays 1.25 TON.
    redeem_promise(uow, payer, code, settings=SETTINGS, now=NOW)
    assert balances(uow, payer) == (5 * TON // 4, 0)
