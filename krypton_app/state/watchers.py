"""Background watchers: one per tab, however often the browser asks for one, all on one loop.

A page that follows something by itself (balances, a deal, an invoice, the bell) subclasses
`TabWatcher`, says what to follow (`_watch_key`), how to read it (`_watch_read`, off the event loop)
how to show it (`_watch_show`) and which wake-up topics announce a change of it (`_watch_topics`,
krypton_app/wakeups.py); its background handler is one line:
`async for event in self._watch_rounds(): yield event`.

The browser can call any public state method by name, background tasks included, so a watcher cannot
rely on the handler that normally starts it. Each watcher guards itself: under `async with self` it
claims the tab (`_claim_watch`) before its loop and returns at once when a live watcher holds it; each
round it checks in (`_keep_watch`), and it lets go in `finally` (`_end_watch`).

The claim lives in the state, so it also holds across the app's worker processes (Redis state). A
claim not checked in for WATCH_STALE_S belongs to a watcher that is gone (its process died with the
claim still set), and the next call may take it over; the old one, if it wakes up, sees it lost.

A watcher reads only when told: its topics are announced by the services in the transaction that
changes what it shows, in whichever app process (PostgreSQL NOTIFY, krypton_app/wakeup_bus.py), and its
tab's own topic is woken when the tab switches language or a page asks for the watcher again (it then
re-reads its key: another deal, another page). An idle tab costs the database nothing; a change reaches
every tab that shows it at once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Hashable
from typing import Any

import reflex as rx

from krypton_app.state.offload import off_loop
from krypton_app.wakeups import WAKEUPS, tab_topic

# A watcher checks in this often while nothing wakes it: it keeps its claim and notices a closed tab.
CHECK_IN_S = 20.0
# Longer than a check-in plus a slow database read.
WATCH_STALE_S = 60.0


def tab_connected(token: str) -> bool:
    """True while the tab with this client token has its websocket open."""
    # Imported here: the app module imports the pages, which import the states.
    from reflex.utils.prerequisites import get_app

    namespace = get_app().app.event_namespace
    return namespace is not None and token in namespace.token_to_sid


class TabWatcher(rx.State, mixin=True):
    """A state's background watcher: its claim on the tab (backend-only vars, never sent) and its loop."""

    _watcher: str = ""
    _watcher_seen: float = 0.0

    def _claim_watch(self) -> str | None:
        """A token for a new watcher loop, or None when a live one runs already. Call under the lock."""
        now = time.time()
        if self._watcher and now - self._watcher_seen < WATCH_STALE_S:
            return None
        self._watcher = uuid.uuid4().hex
        self._watcher_seen = now
        return self._watcher

    def _keep_watch(self, token: str) -> bool:
        """Check in for another round; False when another watcher took the tab over. Under the lock."""
        if self._watcher != token:
            return False
        self._watcher_seen = time.time()
        return True

    def _end_watch(self, token: str) -> None:
        """Let go of the tab, unless another watcher holds it by now. Under the lock."""
        if self._watcher == token:
            self._watcher = ""
            self._watcher_seen = 0.0

    # -- what a watcher follows: subclasses fill these in ------------------------------------------

    async def _watch_key(self) -> Hashable | None:
        """Under the lock: what the next round reads (a user id, a deal id…), or None when this tab
        no longer needs the watcher (another page, logged out). Only asked while the tab is open."""
        raise NotImplementedError

    @staticmethod
    def _watch_read(key: Any) -> Any:
        """Off the event loop and outside the lock: read what `key` names (the database, a rate)."""
        raise NotImplementedError

    async def _watch_show(self, key: Any, snapshot: Any) -> list | None:
        """Under the lock: show the snapshot if it still applies; return events to send (toasts)."""
        raise NotImplementedError

    def _watch_topics(self, key: Any) -> tuple[Hashable, ...]:
        """Under the lock: the wake-up topics (krypton_app/wakeups.py) announced when what `key` names
        changes."""
        raise NotImplementedError

    async def _watch_ended(self) -> None:
        """Under the lock, when the watcher stops because `_watch_key` said so."""

    def _watch_tick(self) -> float | None:
        """Under the lock, every round: update what the page shows from the clock alone (a countdown),
        without the database. The seconds until the next tick, or None while nothing counts down."""
        return None

    async def _watch_rounds(self) -> AsyncIterator:
        """The loop of every watcher: claim the tab, then read outside the lock (so the tab's own events
        are not held up) and show, on the first round and whenever one of its topics or the tab's own
        is woken, until the tab goes or `_watch_key` says stop; lets go of the tab however it ends.
        Between reads it checks in every CHECK_IN_S (and ticks its countdowns, `_watch_tick`) without
        touching the database, so an idle tab costs the database nothing."""
        async with self:
            tab = self.router.session.client_token
            token = self._claim_watch()
        if token is None:
            # A page wants this watcher again, with what it shows now: the running one re-reads its key.
            WAKEUPS.wake_here(tab_topic(tab))
            return
        # Following from the first read on: a change committed while the watcher reads is not lost.
        subscription = WAKEUPS.subscribe()
        try:
            key, read = None, True
            while True:
                async with self:
                    if not self._keep_watch(token):
                        return
                    if not tab_connected(tab):
                        key = None
                    elif read:
                        key = await self._watch_key()
                    if key is None:
                        await self._watch_ended()
                        return
                    subscription.follow((*self._watch_topics(key), tab_topic(tab)))
                    tick = self._watch_tick()
                if read:
                    snapshot = await off_loop(self._watch_read, key)
                    async with self:
                        events = await self._watch_show(key, snapshot)
                        # What it showed may end the watch (the part is paid): now, not at the next change.
                        done = await self._watch_key() is None
                        if done:
                            await self._watch_ended()
                        tick = self._watch_tick()  # what it showed may start a countdown
                    for event in events or ():
                        yield event
                    if done:
                        return
                read = await subscription.wait(min(CHECK_IN_S, tick or CHECK_IN_S))
        finally:
            subscription.close()
            async with self:
                self._end_watch(token)
