"""Lightning settlement: every `lightning_poll_s`, ask the node about each open Lightning invoice and
fund the parts of the settled ones (services/lightning_parts.py), in one process at a time.

The lock only saves calls to the node; correctness does not depend on it: an invoice is settled by a
conditional UPDATE from open, so two runners (or a runner and the demo wallet's button) fund it once.
Each round that settled something wakes the fee sweeper (`LEDGER_TOPIC`); the tabs that show the
balances and the payment hear it from the settlement's own announcements (krypton_app/wakeups.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from krypton_app.bootstrap import app_deps
from krypton_app.db import UnitOfWork
from krypton_app.lightning.base import LightningProvider
from krypton_app.models.common import utcnow
from krypton_app.services.lightning_parts import settle_lightning_invoices
from krypton_app.services.rates import RateProvider
from krypton_app.settings import Settings
from krypton_app.wakeups import LEDGER_TOPIC, WAKEUPS
from krypton_app.workers.loop import LeaderLock, every

LIGHTNING_WORKER_LOCK_KEY = 0x6B72_7970_6C6E_7374  # "kryplnst"


async def run_lightning_settle(
    uow: UnitOfWork,
    lightning: LightningProvider,
    *,
    settings: Settings,
    rates: RateProvider,
    stop: asyncio.Event,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """Settlement rounds while leading, until `stop`; returns the rounds this process led."""

    def settle() -> None:
        if settle_lightning_invoices(uow, lightning, settings=settings, rates=rates, now=clock()):
            WAKEUPS.wake(LEDGER_TOPIC)

    return await every(
        settings.lightning_poll_s,
        {"lightning settlement": settle},
        stop=stop,
        leader=LeaderLock(uow.engine, LIGHTNING_WORKER_LOCK_KEY, name="lightning settlement"),
    )


async def lightning_settle_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    deps = app_deps()
    await run_lightning_settle(deps.uow, deps.lightning, settings=deps.settings, rates=deps.rates, stop=asyncio.Event())
