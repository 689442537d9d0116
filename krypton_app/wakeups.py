"""Wake-ups inside one process: whoever changes something says so, and whoever follows it looks again
at once instead of at the end of its poll interval.

A tab's watcher (state/watchers.py) sleeps until its next round *or* until one of its topics is woken,
whichever comes first; a worker's loop (workers/loop.py) likewise. Topics are small tuples:
`("deal", 12)` (a deal's room changed: its status, its chat), `("deals", user_id)` (the user's list of
deals changed: a new deal, another status), `("ledger",)` (balances moved: the chain monitor credited
deposits), `("chain",)` (something waits on the chain: run the monitor).

This is a hint, never the only way a change arrives: the polls go on as before, so a change made in
another process (several app processes behind Redis) or a lost wake-up still shows at the next round.
`wake` may be called from any thread (services run off the event loop); `sleep` runs on a loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Hashable, Iterable


class Wakeups:
    """Topic -> the sleepers waiting on it, each an event on its own loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sleepers: dict[Hashable, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}

    def wake(self, *topics: Hashable) -> None:
        with self._lock:
            sleepers = {sleeper for topic in topics for sleeper in self._sleepers.get(topic, ())}
        for loop, event in sleepers:
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)

    async def sleep(self, topics: Iterable[Hashable], timeout_s: float) -> bool:
        """Sleep `timeout_s`, or less if a topic is woken meanwhile; True when woken."""
        topics = tuple(topics)
        if not topics:
            await asyncio.sleep(timeout_s)
            return False
        sleeper = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            for topic in topics:
                self._sleepers.setdefault(topic, set()).add(sleeper)
        try:
            await asyncio.wait_for(sleeper[1].wait(), timeout_s)
            return True
        except TimeoutError:
            return False
        finally:
            with self._lock:
                for topic in topics:
                    waiting = self._sleepers.get(topic)
                    if waiting is not None:
                        waiting.discard(sleeper)
                        if not waiting:
                            del self._sleepers[topic]

    def sleeping(self, topic: Hashable) -> int:
        """How many sleepers wait on `topic` now (for tests and the bench)."""
        with self._lock:
            return len(self._sleepers.get(topic, ()))


# The process's one hub: the watchers, the handlers and the workers of this process share it.
WAKEUPS = Wakeups()


def deal_topic(deal_id: int) -> tuple[str, int]:
    return ("deal", deal_id)


def payment_chat_topic(payment_id: int) -> tuple[str, int]:
    """A payment's "contact the seller" chat got a message (pages/payment/chat_state.py)."""
    return ("payment_chat", payment_id)


def deals_topic(user_id: int) -> tuple[str, int]:
    return ("deals", user_id)


LEDGER_TOPIC = ("ledger",)
CHAIN_TOPIC = ("chain",)
