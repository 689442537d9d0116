"""The promise pages as a browser tab drives them (Reflex's event processor, the test database): the
"New promise" form shows the code once with its link and QR, a double submit makes one promise, Max
fills the balance, Cancel gives the money back; the /p/<code> page previews and redeems, refuses a
pinned promise to another user and a wrong code, and asks a visitor to log in."""

from __future__ import annotations

import asyncio

import pytest
from builders import NOW, TON, balances, make_promise, make_user, promise_backing
from reflex_tabs import Processor

from krypton_app import bootstrap, routes
from krypton_app.pages.promises.redeem import RedeemPromiseState
from krypton_app.pages.promises.state import PromisesState
from krypton_app.services import promises
from krypton_app.state.auth import AuthState

FORM = {"amount": "2", "pin": "", "note": "for the taxi", "expiry": "0"}


@pytest.fixture
def who(uow, monkeypatch):
    """`who[0]` is the tab's signed-in user (None: a visitor); a test changes it as a login would."""
    signed = [make_user(uow, balance=5 * TON)]

    async def signed_in(self):
        return signed[0]

    monkeypatch.setattr(AuthState, "_user_id", signed_in)
    with bootstrap.override(uow=uow):
        yield signed


def test_create_shows_the_code_once_and_a_double_submit_makes_one_promise(uow, who):
    alice = who[0]

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.PROMISES)
            await tab.send(PromisesState.load)
            state = await tab.state(PromisesState)
            assert state.loaded and state.available_text == "5 TON"
            await tab.send(PromisesState.create, form_data=FORM)
            await tab.send(PromisesState.create, form_data=FORM)  # the same form's key: the same promise
            state = await tab.state(PromisesState)
            card, issued = state.created, state.issued
            assert len(issued) == 1 and issued[0].note == "for the taxi" and issued[0].can_cancel
            assert (
                len(card.code) == 32 and card.link.endswith(f"/p/{card.code}") and card.qr.startswith("data:image/svg")
            )
            assert card.amount == "2 TON" and state.available_text == "3 TON"
            # "I saved it": the card gives way to a new form, which makes a new promise.
            await tab.send(PromisesState.dismiss_code)
            assert (await tab.state(PromisesState)).created.code == ""
            await tab.send(PromisesState.create, form_data={**FORM, "amount": "0.5"})
            assert len((await tab.state(PromisesState)).issued) == 2
            # Leaving and coming back: the code is gone from the page.
            await tab.send(PromisesState.load)
            assert (await tab.state(PromisesState)).created.code == ""
            return card.code

    code = asyncio.run(scenario())
    assert balances(uow, alice) == (5 * TON // 2, 0) and promise_backing(uow) == 5 * TON // 2
    view = promises.redeem_promise(uow, make_user(uow), code, settings=bootstrap.app_deps().settings, now=NOW)
    assert view.amount == 2 * TON


def test_form_errors_max_and_cancel(uow, who):
    alice = who[0]

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.PROMISES)
            await tab.send(PromisesState.load)
            await tab.send(PromisesState.create, form_data={**FORM, "amount": "9"})
            assert "5 TON" in (await tab.state(PromisesState)).field_errors["amount"]["en"]
            await tab.send(PromisesState.create, form_data={**FORM, "pin": "@nobody_here"})
            assert set((await tab.state(PromisesState)).field_errors) == {"pin"}
            await tab.send(PromisesState.choose_asset, asset="NOPE")
            assert (await tab.state(PromisesState)).asset == "TON"
            await tab.send(PromisesState.fill_max)
            assert (await tab.state(PromisesState)).available_text == "5 TON"
            await tab.send(PromisesState.create, form_data=FORM)
            promise_id = (await tab.state(PromisesState)).issued[0].id
            await tab.send(PromisesState.cancel, promise_id="abc")  # not an int: ignored
            assert (await tab.state(PromisesState)).issued[0].status == "active"
            await tab.send(PromisesState.cancel, promise_id=promise_id)
            state = await tab.state(PromisesState)
            assert state.issued[0].status == "cancelled" and not state.issued[0].can_cancel
            await tab.send(PromisesState.cancel, promise_id=promise_id)
            assert (await tab.state(PromisesState)).field_errors["list"][
                "en"
            ] == "This promise was cancelled by the person who made it."

    asyncio.run(scenario())
    assert balances(uow, alice) == (5 * TON, 0)


def test_someone_elses_promise_cannot_be_cancelled_from_the_page(uow, who):
    other = make_user(uow, balance=5 * TON)
    theirs = make_promise(uow, other, TON)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.PROMISES)
            await tab.send(PromisesState.load)
            await tab.send(PromisesState.cancel, promise_id=theirs.promise.id)
            return (await tab.state(PromisesState)).field_errors["list"]["ru"]

    assert "Ваучера" in asyncio.run(scenario())
    assert balances(uow, other) == (4 * TON, 0) and promise_backing(uow) == TON


def test_redeem_page_previews_redeems_and_refuses(uow, who):
    alice = make_user(uow, balance=5 * TON)
    bob = who[0]
    carol = make_user(uow, username="carol_only")
    open_promise = make_promise(uow, alice, 2 * TON, note="thanks!")
    pinned = make_promise(uow, alice, TON, pin="@carol_only")

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.promise_link(open_promise.code))
            await tab.send(RedeemPromiseState.load)
            state = await tab.state(RedeemPromiseState)
            assert (state.found, state.amount, state.note, state.status, state.may_redeem) == (
                True,
                "2 TON",
                "thanks!",
                "active",
                True,
            )
            await tab.send(RedeemPromiseState.redeem)
            state = await tab.state(RedeemPromiseState)
            assert state.redeemed and state.status == "redeemed" and not state.may_redeem

            pinned_tab = p.tab(routes.promise_link(pinned.code))
            await pinned_tab.send(RedeemPromiseState.load)
            state = await pinned_tab.state(RedeemPromiseState)
            assert state.pinned_elsewhere and not state.may_redeem
            await pinned_tab.send(RedeemPromiseState.redeem)
            assert "another user" in (await pinned_tab.state(RedeemPromiseState)).error["en"]
            who[0] = carol
            await pinned_tab.send(RedeemPromiseState.load)
            assert (await pinned_tab.state(RedeemPromiseState)).pinned_to_viewer
            await pinned_tab.send(RedeemPromiseState.redeem)
            assert (await pinned_tab.state(RedeemPromiseState)).redeemed

            wrong = p.tab(routes.promise_link("x" * 32))
            await wrong.send(RedeemPromiseState.load)
            state = await wrong.state(RedeemPromiseState)
            assert not state.found and "No promise" in state.error["en"]

            who[0] = None  # a visitor: sees the promise, is sent to log in to redeem it
            third = make_promise(uow, alice, TON)
            visitor = p.tab(routes.promise_link(third.code))
            await visitor.send(RedeemPromiseState.load)
            assert (await visitor.state(RedeemPromiseState)).may_redeem
            deltas = await visitor.send(RedeemPromiseState.redeem)
            assert "redirect" in str(deltas) or (await visitor.state(AuthState)).notice_key == "auth.login_required"

    asyncio.run(scenario())
    assert balances(uow, bob) == (7 * TON, 0) and balances(uow, carol) == (TON, 0)
