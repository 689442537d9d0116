"""The one periodic loop every background worker runs on, and the leader lock some of them take.

`every`: until `stop`, a round every `interval_s` (or what a function of it says now), or sooner when one
of its `wake_on` topics is woken (krypton_app/wakeups.py); a round is named steps run in order. Each step fails
alone: it is logged and the next step and the next round run as usual, since a background loop that
dies stops its work for good (deposits, timers, deliveries) while the state of every step is in the
database, ready to be picked up again. A blocking step (a plain function: database work) runs in a
thread, off the event loop, so the app's pages stay responsive; a coroutine function is awaited.

`LeaderLock`: with one, rounds run only in the process that holds it:
- PostgreSQL: a session-level advisory lock, taken with `pg_try_advisory_lock` on a connection kept
  for as long as the process leads. If that connection dies the server drops the lock and another
  process takes over; the others try again every round.
- SQLite: one app process is assumed (SQLite is the single-machine setup), so it always leads.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager, suppress

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from krypton_app.chain.gateway import ChainError
from krypton_app.wakeups import WAKEUPS

log = logging.getLogger(__name__)


class LeaderLock:
    """A PostgreSQL session-level advisory lock on a dedicated connection; always held on SQLite.
    `name` says whose lock it is in the log."""

    def __init__(self, engine: Engine, key: int, *, name: str):
        self.engine = engine
        self.key = key
        self.name = name
        self._connection: Connection | None = None

    def hold(self) -> bool:
        """Whether this process leads now: keeps a lock it holds (if its connection is alive), or
        tries to take it."""
        if self.engine.dialect.name != "postgresql":
            return True
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT 1"))
                self._connection.commit()
                return True
            except DBAPIError:
                log.warning("%s: lost the leader connection", self.name)
                self._drop()
        connection = self.engine.connect()
        try:
            taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar_one()
            connection.commit()  # the lock is the session's; no transaction stays open
        except DBAPIError:
            connection.invalidate()
            connection.close()
            raise
        if not taken:
            connection.close()
            return False
        log.info("%s: leading", self.name)
        self._connection = connection
        return True

    def release(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            self._connection.commit()
            self._connection.close()
            self._connection = None
        except DBAPIError:
            self._drop()

    def _drop(self) -> None:
        # Closing the database session is what frees the lock: never hand it back to the pool locked.
        assert self._connection is not None
        self._connection.invalidate()
        self._connection.close()
        self._connection = None


async def every(
    interval_s: float | Callable[[], float],
    steps: Mapping[str, Callable[[], object]],
    *,
    stop: asyncio.Event,
    leader: LeaderLock | None = None,
    wake_on: tuple[Hashable, ...] = (),
) -> int:
    """Rounds of `steps` (name -> step, run in order) every `interval_s` until `stop`, only while
    leading if there is a `leader`; returns the rounds run. The lock is released on the way out.
    A callable `interval_s` is asked after each round (a shorter pause while work is pending)."""
    rounds = 0
    try:
        while not stop.is_set():
            leading = leader is None
            if leader is not None:
                with _logged(f"{leader.name}: leader lock"):  # the database may be away for a moment
                    leading = await asyncio.to_thread(leader.hold)
            if leading:
                rounds += 1
                for name, step in steps.items():
                    with _logged(name):
                        await _run(step)
            await _pause(stop, interval_s() if callable(interval_s) else interval_s, wake_on)
    finally:
        if leader is not None:
            leader.release()
    return rounds


async def _pause(stop: asyncio.Event, seconds: float, wake_on: tuple[Hashable, ...]) -> None:
    """Until `stop` is set, a topic of `wake_on` is woken, or `seconds` have passed."""
    if not wake_on:
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)
        return
    waits = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(WAKEUPS.sleep(wake_on, seconds))}
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


async def _run(step: Callable[[], object]) -> None:
    if inspect.iscoroutinefunction(step):
        await step()
        return
    result = await asyncio.to_thread(step)
    if inspect.iscoroutine(result):  # a lambda around a coroutine: it would silently never run
        result.close()
        raise TypeError(f"{step!r} returned a coroutine: make the step an `async def`")


@contextmanager
def _logged(what: str) -> Iterator[None]:
    """Log a failed step and carry on; an unreachable node is a warning, anything else a stack trace."""
    try:
        yield
    except ChainError as error:
        log.warning("%s: chain unavailable, retrying next round: %s", what, error)
    except Exception:
        log.exception("%s: round failed, retrying next round", what)
