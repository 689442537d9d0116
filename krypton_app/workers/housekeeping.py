"""Housekeeping: overdue invoices expire (refunding funded parts, queueing invoice.expired) and
idempotency keys past their replay window are forgotten.

Every app process runs it, without a leader: expiry is a conditional UPDATE per invoice in its own
transaction, so two processes never expire the same invoice twice, and pruning is an idempotent DELETE.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from krypton_app.bootstrap import app_deps
from krypton_app.db import UnitOfWork
from krypton_app.models.common import utcnow
from krypton_app.services.api_keys import prune_idempotency_records
from krypton_app.services.invoices import expire_invoices
from krypton_app.workers.loop import every

log = logging.getLogger(__name__)

# An expired invoice stops taking payments at once (checked on payment); this round refunds its parts.
INTERVAL_S = 15.0


async def run_housekeeping(
    uow: UnitOfWork,
    *,
    stop: asyncio.Event,
    interval_s: float = INTERVAL_S,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """Housekeeping rounds until `stop`; returns the rounds run."""

    def expire() -> None:
        expired = expire_invoices(uow, now=clock())
        if expired:
            log.info("expired %d invoices", expired)

    def prune() -> None:
        prune_idempotency_records(uow, now=clock())

    return await every(interval_s, {"invoice expiry": expire, "idempotency key pruning": prune}, stop=stop)


async def housekeeping_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    await run_housekeeping(app_deps().uow, stop=asyncio.Event())
