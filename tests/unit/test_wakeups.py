"""Wake-ups (krypton_app/wakeups.py): a change in this process ends the sleep of whoever follows it.

The hub itself (a topic wakes its sleepers only, from any thread, and forgets them after), a tab's
watcher that reads only when its topic is woken (its check-in is an hour away), and a worker's
loop that runs a round when woken. No test measures time: each sleep is an hour, so only the wake-up
can end it within the tests' bounds.
"""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

import pytest
from reflex_tabs import Processor, wait_for

import krypton_app.krypton_app
from krypton_app import bootstrap, routes
from krypton_app.pages.deals import listing
from krypton_app.pages.deals.listing import DealsState
from krypton_app.state import watchers
from krypton_app.state.auth import AuthState
from krypton_app.wakeups import WAKEUPS, Wakeups, deals_topic
from krypton_app.workers.loop import every

HOUR = 3600.0


def test_a_topic_wakes_its_sleepers_and_no_others():
    hub = Wakeups()

    async def scenario():
        mine = asyncio.create_task(hub.sleep([("deal", 1), ("deals", 7)], HOUR))
        other = asyncio.create_task(hub.sleep([("deal", 2)], 0.05))
        assert await wait_for(lambda: hub.sleeping(("deal", 1)) == 1 and hub.sleeping(("deal", 2)) == 1)
        hub.wake(("deals", 7))
        return await asyncio.wait_for(mine, 5), await other

    assert asyncio.run(scenario()) == (True, False)
    # Both sleeps ended: nobody is left registered under any topic.
    assert [hub.sleeping(t) for t in (("deal", 1), ("deals", 7), ("deal", 2))] == [0, 0, 0]


def test_a_wake_from_another_thread_reaches_the_loop():
    hub = Wakeups()

    async def scenario():
        sleeper = asyncio.create_task(hub.sleep([("ledger",)], HOUR))
        assert await wait_for(lambda: hub.sleeping(("ledger",)) == 1)
        # Services run in worker threads (off_loop): that is where a change is known.
        thread = threading.Thread(target=hub.wake, args=(("ledger",),))
        thread.start()
        thread.join()
        return await asyncio.wait_for(sleeper, 5)

    assert asyncio.run(scenario()) is True


def test_no_topic_is_a_plain_sleep():
    assert asyncio.run(Wakeups().sleep([], 0.01)) is False


def test_a_worker_loop_runs_a_round_when_woken():
    rounds = []

    async def scenario():
        stop = asyncio.Event()

        async def step() -> None:
            rounds.append(1)
            if len(rounds) == 2:
                stop.set()

        loop = asyncio.create_task(every(HOUR, {"step": step}, stop=stop, wake_on=(("chain",),)))
        assert await wait_for(lambda: WAKEUPS.sleeping(("chain",)) == 1)
        WAKEUPS.wake(("chain",))
        return await asyncio.wait_for(loop, 5)

    assert asyncio.run(scenario()) == 2
    assert WAKEUPS.sleeping(("chain",)) == 0


def test_a_callable_interval_is_asked_after_each_round():
    asked = []

    async def scenario():
        stop = asyncio.Event()

        def interval() -> float:
            asked.append(1)
            if len(asked) == 3:
                stop.set()
            return 0.001

        return await asyncio.wait_for(every(interval, {"nothing": lambda: None}, stop=stop), 5)

    assert asyncio.run(scenario()) == 3


@pytest.fixture
def connected(monkeypatch):
    class OpenTabs:
        open = True

        def __contains__(self, token: str) -> bool:
            return self.open

    tabs = OpenTabs()
    monkeypatch.setattr(krypton_app.krypton_app.app, "_event_namespace", SimpleNamespace(token_to_sid=tabs))
    return tabs


def test_a_deals_list_reads_only_when_its_user_s_topic_is_woken(monkeypatch, connected):
    """The seller's open /deals tab: a deal opened on their ad announces their topic (services/deals.py),
    so the list is read again now; another user's wake-up does not, and an idle tab reads nothing."""
    # Only the watcher runs: not the page's on_load (session, bell, the first read).
    monkeypatch.setitem(krypton_app.krypton_app.app._load_events, routes.DEALS.strip("/"), [])

    async def signed_in(self):
        return 7

    monkeypatch.setattr(AuthState, "_user_id", signed_in)
    monkeypatch.setattr(watchers, "CHECK_IN_S", HOUR)
    reads = []
    monkeypatch.setattr(listing, "_deal_rows", lambda user_id, lang: reads.append(user_id) or [])

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.DEALS)
            watcher = await tab.start(DealsState.watch)
            assert await wait_for(lambda: reads == [7] and WAKEUPS.sleeping(deals_topic(7)) == 1)
            WAKEUPS.wake(deals_topic(8))
            await asyncio.sleep(0.05)
            assert reads == [7], "another user's change woke this list"
            WAKEUPS.wake(deals_topic(7))
            assert await wait_for(lambda: reads == [7, 7])
            connected.open = False  # the tab goes: the next round ends the watcher
            WAKEUPS.wake(deals_topic(7))
            await asyncio.wait_for(watcher, 5)

    with bootstrap.override(uow=None):  # no database: the read above stands in for it
        asyncio.run(scenario())


def test_a_wake_up_while_the_follower_is_busy_is_kept_for_its_next_wait():
    """A watcher reads between two waits: a change announced during the read must not be lost."""
    hub = Wakeups()

    async def scenario():
        subscription = hub.subscribe([deals_topic(1)])
        hub.wake_here(deals_topic(1))  # while "reading"
        await asyncio.sleep(0)
        kept = await subscription.wait(HOUR)
        quiet = await subscription.wait(0.01)  # that one wake-up is used up
        subscription.follow([deals_topic(2)])
        hub.wake_here(deals_topic(1))
        await asyncio.sleep(0)
        unfollowed = await subscription.wait(0.01)
        subscription.close()
        return kept, quiet, unfollowed, hub.sleeping(deals_topic(2))

    assert asyncio.run(scenario()) == (True, False, False, 0)
