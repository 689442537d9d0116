"""Lightning payouts: every `lightning_poll_s`, send the payouts handed to the node and look up the ones
in flight (services/lightning_payouts.py). Every process runs it: each payout is claimed by a
conditional UPDATE before the node is called, so two processes never send one twice. A round that
ended a payout wakes the fee sweeper (`LEDGER_TOPIC`); the tabs that show balances and payouts hear
it from the ledger's and the withdrawal's own announcements (krypton_app/wakeups.py)."""

from __future__ import annotations

import asyncio

from krypton_app.bootstrap import app_deps
from krypton_app.db import UnitOfWork
from krypton_app.lightning.base import LightningProvider
from krypton_app.services.lightning_payouts import send_lightning_payouts
from krypton_app.settings import Settings
from krypton_app.wakeups import LEDGER_TOPIC, WAKEUPS
from krypton_app.workers.loop import every


async def run_lightning_payouts(
    uow: UnitOfWork, lightning: LightningProvider, *, settings: Settings, stop: asyncio.Event
) -> int:
    """Payout rounds until `stop`; returns the rounds run."""

    def send() -> None:
        if send_lightning_payouts(uow, lightning):
            WAKEUPS.wake(LEDGER_TOPIC)

    return await every(settings.lightning_poll_s, {"lightning payouts": send}, stop=stop)


async def lightning_payout_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    deps = app_deps()
    await run_lightning_payouts(deps.uow, deps.lightning, settings=deps.settings, stop=asyncio.Event())
