"""A slow service call in one tab does not hold up another tab's events.

Two tabs on one event processor (tests/reflex_tabs.py, Reflex's own): the first opens its
notifications and its service call blocks (a database waiting on a lock); meanwhile the second tab's
event must come back. Had the handler called the service on the event loop, the second tab would
wait for the first tab's call to end.
"""

from __future__ import annotations

import asyncio
import threading
import time

from reflex_tabs import NO_PAGE, Processor, quiet_unknown_paths, wait_for

from krypton_app import bootstrap
from krypton_app.state import notifications
from krypton_app.state.auth import AuthState
from krypton_app.state.notifications import NotificationsState


def test_a_blocked_service_call_does_not_delay_another_tab(monkeypatch):
    release = threading.Event()
    inside = threading.Event()

    def slow_list(_uow, user_id, *, limit):
        inside.set()
        release.wait(20)
        return []

    async def as_user_7(self):
        return 7

    monkeypatch.setattr(notifications, "list_notifications", slow_list)
    monkeypatch.setattr(notifications, "unread_count", lambda _uow, _user: 0)
    monkeypatch.setattr(AuthState, "_user_id", as_user_7)
    quiet_unknown_paths(monkeypatch)

    async def scenario() -> float:
        async with Processor() as p:
            blocked, other = p.tab(NO_PAGE), p.tab(NO_PAGE)
            slow = await blocked.start(NotificationsState.opened, is_open=True)
            try:
                assert await wait_for(inside.is_set, timeout_s=5), "the slow call never started"
                started = time.perf_counter()
                await asyncio.wait_for(other.send(AuthState.prepare_login), timeout=10)
                round_trip = time.perf_counter() - started
                assert not slow.done(), "the blocked tab finished first: the test proves nothing"
                assert (await other.state(AuthState)).proof_payload
            finally:
                release.set()
            await asyncio.wait_for(slow, timeout=10)
            return round_trip

    with bootstrap.override(uow=None):  # no database: the patched calls stand in for it
        round_trip = asyncio.run(scenario())
    print(f"the other tab's round trip while one tab waited on its service: {round_trip * 1000:.1f} ms")
