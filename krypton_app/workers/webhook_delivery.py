"""Webhook delivery: every couple of seconds, the due webhook events are posted to the merchants.

Every app process runs it, without a leader: `webhooks.deliver_due` claims the events it posts (FOR
UPDATE SKIP LOCKED on PostgreSQL, with a lease), so two processes never deliver the same attempt twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

import httpx

from krypton_app.bootstrap import app_deps
from krypton_app.db import UnitOfWork
from krypton_app.models.common import utcnow
from krypton_app.services.webhooks import deliver_due
from krypton_app.settings import Settings
from krypton_app.workers.loop import every

INTERVAL_S = 2.0  # a queued event waits at most this long for its first attempt


async def run_webhook_delivery(
    uow: UnitOfWork,
    *,
    settings: Settings,
    stop: asyncio.Event,
    interval_s: float = INTERVAL_S,
    client: httpx.AsyncClient | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """Delivery rounds until `stop`; returns the rounds run."""
    own_client = client is None
    # Redirects are never followed: the checks on a webhook URL hold for the address checked, not for
    # wherever it redirects (the internal network, say).
    client = client or httpx.AsyncClient(follow_redirects=False)

    async def deliver() -> None:
        await deliver_due(uow, settings=settings, client=client, now=clock())

    try:
        return await every(interval_s, {"webhook delivery": deliver}, stop=stop)
    finally:
        if own_client:
            await client.aclose()


async def webhook_delivery_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    deps = app_deps()
    await run_webhook_delivery(deps.uow, settings=deps.settings, stop=asyncio.Event())
