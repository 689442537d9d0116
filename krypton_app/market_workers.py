"""P2P market background work, run as a lifespan task of the app (registered in krypton_app.py).

`deal_timer_worker`: every few seconds, deals whose deadline passed are expired (unpaid) or sent to
dispute ("fiat sent" and no release). Every app process runs it: no leader lock is needed because
`deals.run_timers` claims each deal with SKIP LOCKED on PostgreSQL and moves it with a conditional
UPDATE, so two workers never act on the same deal twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime

from krypton_app.db import UnitOfWork, default_uow
from krypton_app.models.common import utcnow
from krypton_app.services.deals import run_timers

log = logging.getLogger(__name__)

DEAL_TIMER_POLL_S = 5.0


async def run_deal_timer_worker(
    uow: UnitOfWork,
    *,
    stop: asyncio.Event,
    poll_s: float = DEAL_TIMER_POLL_S,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """Timer rounds until `stop`; returns the number of deals moved."""
    moved = 0
    while not stop.is_set():
        try:
            moved += await asyncio.to_thread(run_timers, uow, now=clock())
        except Exception:
            # A loop that dies would leave every deal's timer unenforced: log and retry next round.
            log.exception("deal timers: round failed, retrying next round")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), poll_s)
    return moved


async def deal_timer_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    await run_deal_timer_worker(default_uow(), stop=asyncio.Event())
