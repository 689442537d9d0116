"""Background watchers run once per tab, however often the browser calls them by name.

Every background handler of every state is found through Reflex itself and run through Reflex's
own event processor (tests/reflex_tabs.py): while another watcher holds the tab, a call returns at
once without reading anything; a watcher that ends lets go of the tab; a claim left by a watcher that
died is taken over; and five concurrent calls start exactly one polling loop.
"""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
from reflex_tabs import NO_PAGE, Processor, quiet_unknown_paths, state_classes, wait_for

import krypton_app.krypton_app
from krypton_app import bootstrap, routes
from krypton_app.state import notifications, watchers
from krypton_app.state.auth import AuthState
from krypton_app.state.notifications import NotificationsState

# The page each watcher follows (its loop ends elsewhere).
PAGES = {
    "LiveState.watch_ledger": routes.WALLET,
    "NotificationsState.watch": routes.WALLET,
    "DealsState.watch": routes.DEALS,
    "DealState.watch": "/deals/1",
    "PaymentState.wait_for_secrets": "/payment/1",
    "PaymentChatState.watch": "/payment/1/chat",
    "InvoiceDetailState.watch": "/invoices/ABCD2345",
    "PayState.watch_arrivals": "/pay/ABCD2345",
}


def background_handlers() -> list[tuple[type, str]]:
    return [
        (cls, name) for cls in state_classes() for name, handler in cls.event_handlers.items() if handler.is_background
    ]


WATCHERS = background_handlers()
IDS = [f"{cls.__name__}.{name}" for cls, name in WATCHERS]


class _Connections:
    """The app's websocket namespace as the watchers see it: which tabs are connected. Records who asked."""

    def __init__(self):
        self.connected = False
        self.asked: list[str] = []

    def __contains__(self, token: str) -> bool:
        self.asked.append(token)
        return self.connected


@pytest.fixture
def connected(monkeypatch):
    connections = _Connections()
    monkeypatch.setattr(krypton_app.krypton_app.app, "_event_namespace", SimpleNamespace(token_to_sid=connections))
    return connections


def test_the_scan_finds_every_watcher():
    assert set(IDS) == set(PAGES), "a new background handler: add its page here, the tests below then cover it"


@pytest.mark.parametrize(("cls", "name"), WATCHERS, ids=IDS)
def test_a_call_while_another_watcher_holds_the_tab_returns_at_once(cls, name, connected):
    async def scenario():
        async with Processor() as p:
            tab = p.tab(PAGES[f"{cls.__name__}.{name}"])
            await tab.edit(cls, _watcher="another-loop", _watcher_seen=time.time())
            await asyncio.wait_for(tab.send(getattr(cls, name)), timeout=3)
            state = await tab.state(cls)
            return state._watcher

    assert asyncio.run(scenario()) == "another-loop"
    assert connected.asked == [], "the second watcher looked at the tab instead of returning"


@pytest.mark.parametrize(("cls", "name"), WATCHERS, ids=IDS)
def test_a_watcher_that_ends_lets_go_of_the_tab(cls, name, connected):
    async def scenario():
        async with Processor() as p:
            # Nobody signed in and the tab is gone: the watcher has nothing to do and ends.
            tab = p.tab(PAGES[f"{cls.__name__}.{name}"])
            await asyncio.wait_for(tab.send(getattr(cls, name)), timeout=10)
            return (await tab.state(cls))._watcher

    assert asyncio.run(scenario()) == ""


def test_a_claim_left_by_a_dead_watcher_is_taken_over(connected):
    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.WALLET)
            stale = time.time() - watchers.WATCH_STALE_S - 1
            await tab.edit(NotificationsState, _watcher="died-with-its-process", _watcher_seen=stale)
            await asyncio.wait_for(tab.send(NotificationsState.watch), timeout=3)
            return (await tab.state(NotificationsState))._watcher

    # It ran (and, with nobody signed in, ended and let go) instead of deferring to the dead one.
    assert asyncio.run(scenario()) == ""


def test_five_concurrent_calls_start_one_watcher_loop(monkeypatch, connected):
    connected.connected = True
    quiet_unknown_paths(monkeypatch)

    async def signed_in(self):
        return 7

    monkeypatch.setattr(AuthState, "_user_id", signed_in)
    monkeypatch.setattr(watchers, "CHECK_IN_S", 0.01)  # the closed tab is noticed at the next check-in
    release = threading.Event()
    lock = threading.Lock()
    inside = {"now": 0, "most": 0, "reads": 0}

    def unread_count(_uow, user_id):
        with lock:
            inside["now"] += 1
            inside["reads"] += 1
            inside["most"] = max(inside["most"], inside["now"])
        release.wait(10)
        with lock:
            inside["now"] -= 1
        return 3

    monkeypatch.setattr(notifications, "unread_count", unread_count)

    async def scenario():
        async with Processor() as p:
            # No page and no 404 on_load: only the five calls below run (and no database).
            tab = p.tab(NO_PAGE)
            futures = [await tab.start(NotificationsState.watch) for _ in range(5)]
            try:
                assert await wait_for(lambda: inside["now"] >= 1)
                # Four of the five return at once; the fifth is the one loop, blocked in its read.
                await wait_for(lambda: sum(f.done() for f in futures) == 4, timeout_s=3)
                assert inside["most"] == 1, f"{inside['most']} loops polled at once in one tab"
                assert sum(f.done() for f in futures) == 4
                # The tab goes away: the loop finishes its round, sees it, ends and lets go.
                connected.connected = False
            finally:
                release.set()
            await asyncio.wait_for(asyncio.gather(*futures), timeout=5)
            state = await tab.state(NotificationsState)
            return state.unread, state._watcher

    with bootstrap.override(uow=None):  # no database: the read above stands in for it
        assert asyncio.run(scenario()) == (0, "")
    assert inside["most"] == 1
