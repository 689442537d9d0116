"""Lifespan tasks of the merchant integrations (registered in krypton_app.py).

`webhook_worker` runs two loops in every app process: webhook delivery, and housekeeping (invoice
expiry, old idempotency keys). Neither needs a leader: delivery claims outbox rows (FOR UPDATE SKIP
LOCKED on PostgreSQL) and expiry is a conditional UPDATE per invoice, so two processes never deliver
or expire the same thing twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime

from krypton_app.db import UnitOfWork, default_uow
from krypton_app.services.api_keys import prune_idempotency_records
from krypton_app.services.invoices import expire_invoices
from krypton_app.services.webhooks import run_webhook_worker
from krypton_app.settings import get_settings

log = logging.getLogger(__name__)

WEBHOOK_POLL_S = 2.0  # a queued event waits at most this long for its first attempt
HOUSEKEEPING_POLL_S = 15.0  # expired invoices stop taking payments at once (checked on payment); this refunds


async def run_housekeeping(
    uow: UnitOfWork,
    *,
    stop: asyncio.Event,
    poll_s: float = HOUSEKEEPING_POLL_S,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Until `stop`: expire overdue invoices (refunding funded parts, queueing invoice.expired) and
    forget idempotency keys past their replay window."""
    while not stop.is_set():
        try:
            expired = await asyncio.to_thread(expire_invoices, uow, now=clock())
            if expired:
                log.info("expired %d invoices", expired)
            await asyncio.to_thread(prune_idempotency_records, uow, now=clock())
        except Exception:  # retried next round; each invoice expires in its own transaction
            log.exception("housekeeping round failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), poll_s)


async def webhook_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    settings = get_settings()
    uow = default_uow()
    stop = asyncio.Event()
    await asyncio.gather(
        run_webhook_worker(uow, settings=settings, stop=stop, poll_s=WEBHOOK_POLL_S),
        run_housekeeping(uow, stop=stop),
    )
