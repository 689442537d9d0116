"""Background watchers: one per tab, however often the browser asks for one.

The browser can call any public state method by name, background tasks included, so a watcher cannot
rely on the handler that normally starts it. Each watcher guards itself: under `async with self` it
claims the tab (`_claim_watch`) before its loop and returns at once when a live watcher holds it; each
round it checks in (`_keep_watch`), and it lets go in `finally` (`_end_watch`).

The claim lives in the state, so it also holds across the app's worker processes (Redis state). A
claim not checked in for WATCH_STALE_S belongs to a watcher that is gone (its process died with the
claim still set), and the next call may take it over; the old one, if it wakes up, sees it lost.
"""

from __future__ import annotations

import time
import uuid

import reflex as rx

# Longer than any watcher's poll interval plus a slow database read.
WATCH_STALE_S = 60.0


def tab_connected(token: str) -> bool:
    """True while the tab with this client token has its websocket open."""
    # Imported here: the app module imports the pages, which import the states.
    from reflex.utils.prerequisites import get_app

    namespace = get_app().app.event_namespace
    return namespace is not None and token in namespace.token_to_sid


class TabWatcher(rx.State, mixin=True):
    """The claim of a state's background watcher on its tab (backend-only vars, never sent)."""

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
