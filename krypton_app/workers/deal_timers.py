"""Deal timers: every few seconds, deals whose deadline passed are expired (unpaid) or sent to dispute
("fiat sent" and no release).

Every app process runs it, without a leader: `deals.run_timers` claims each deal with SKIP LOCKED on
PostgreSQL and moves it with a conditional UPDATE, so two processes never act on the same deal twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from krypton_app.bootstrap import app_deps
from krypton_app.db import UnitOfWork
from krypton_app.models.common import utcnow
from krypton_app.services.deal_timers import run_timers
from krypton_app.workers.loop import every

INTERVAL_S = 5.0


async def run_deal_timers(
    uow: UnitOfWork,
    *,
    stop: asyncio.Event,
    interval_s: float = INTERVAL_S,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """Timer rounds until `stop`; returns the number of deals moved."""
    moved = 0

    def act_on_due_deals() -> None:
        nonlocal moved
        moved += run_timers(uow, now=clock())

    await every(interval_s, {"deal timers": act_on_due_deals}, stop=stop)
    return moved


async def deal_timer_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    await run_deal_timers(app_deps().uow, stop=asyncio.Event())
