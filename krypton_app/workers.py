"""Background work that runs as lifespan tasks of the app (registered in krypton_app.py).

`chain_worker`: the chain monitor and the withdrawal sender, one round of each every
`monitor_poll_s`, in exactly one process across all app workers:
- PostgreSQL: the process that holds a session-level advisory lock, taken with
  `pg_try_advisory_lock` on a connection kept for as long as it leads. If that connection dies the
  server drops the lock and another worker takes over; the others try again every round.
- SQLite: one app process is assumed (SQLite is the single-machine setup), so it always leads.

The lock saves work; correctness does not depend on it: the monitor's cursor lock, the conditional
withdrawal transitions and the seqno lock keep even two concurrent runners from doing anything twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from krypton_app.chain.factory import build_gateway
from krypton_app.chain.gateway import ChainError, ChainGateway
from krypton_app.chain.hot_wallet import HotWallet, hot_wallet_from_settings
from krypton_app.chain.monitor import ChainMonitor
from krypton_app.db import UnitOfWork, default_uow
from krypton_app.services.withdrawals import process_withdrawals
from krypton_app.settings import Settings, get_settings

log = logging.getLogger(__name__)

CHAIN_WORKER_LOCK_KEY = 0x6B72_7970_6368_6E77  # "krypchnw"


class LeaderLock:
    """A PostgreSQL session-level advisory lock on a dedicated connection; always held on SQLite."""

    def __init__(self, engine: Engine, key: int):
        self.engine = engine
        self.key = key
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
                log.warning("chain worker: lost the leader connection")
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
        log.info("chain worker: leading")
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


async def run_chain_worker(
    uow: UnitOfWork,
    gateway: ChainGateway,
    hot_wallet: HotWallet,
    *,
    settings: Settings,
    stop: asyncio.Event,
    clock: Callable[[], float] = time.time,
) -> int:
    """Monitor and sender rounds while leading, until `stop`; returns the rounds this process led."""
    monitor = ChainMonitor(uow, gateway, settings=settings, hot_wallet=hot_wallet)
    leader = LeaderLock(uow.engine, CHAIN_WORKER_LOCK_KEY)
    led = 0
    try:
        while not stop.is_set():
            leading = False
            with _logged("leader lock"):  # the database may be away for a moment
                leading = await asyncio.to_thread(leader.hold)
            if leading:
                led += 1
                # Each step fails alone and is retried next round; its state is in the database.
                with _logged("chain monitor"):
                    await monitor.run_once()
                with _logged("withdrawal sender"):
                    await process_withdrawals(uow, gateway, hot_wallet, settings=settings, now=int(clock()))
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.monitor_poll_s)
    finally:
        leader.release()
    return led


async def chain_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    settings = get_settings()
    await run_chain_worker(
        default_uow(),
        build_gateway(settings),
        hot_wallet_from_settings(settings),
        settings=settings,
        stop=asyncio.Event(),
    )


@contextmanager
def _logged(what: str) -> Iterator[None]:
    """Log a failed round and carry on: a background loop that dies stops deposits for good."""
    try:
        yield
    except ChainError as error:
        log.warning("%s: chain unavailable, retrying next round: %s", what, error)
    except Exception:
        log.exception("%s: round failed, retrying next round", what)
