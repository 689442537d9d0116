"""Fee sweeps: every `monitor_poll_s`, and soon after the ledger moves (`LEDGER_TOPIC`: the chain
monitor confirmed a withdrawal, whose fee may reach a threshold), make a sweep for each asset whose fee
account reached its threshold (services/fee_sweeps.py), in one process at a time. A sweep made wakes the
chain sync (`CHAIN_TOPIC`), whose withdrawal sender signs and sends it.

The lock only saves work: making a sweep locks the fee account, so two runners (or a runner and an
operator's forced sweep) make one sweep of one balance.
"""

from __future__ import annotations

import asyncio

from krypton_app.bootstrap import app_deps
from krypton_app.db import UnitOfWork
from krypton_app.services.fee_sweeps import sweep_due
from krypton_app.settings import Settings
from krypton_app.wakeups import CHAIN_TOPIC, LEDGER_TOPIC, WAKEUPS
from krypton_app.workers.loop import LeaderLock, every

FEE_SWEEP_LOCK_KEY = 0x6B72_7970_7377_7070  # "krypswpp"


async def run_fee_sweeps(uow: UnitOfWork, *, settings: Settings, stop: asyncio.Event) -> int:
    """Threshold checks while leading, until `stop`; returns the rounds this process led."""

    def sweep() -> None:
        if sweep_due(uow, settings):
            WAKEUPS.wake(CHAIN_TOPIC)

    return await every(
        settings.monitor_poll_s,
        {"fee sweep": sweep},
        stop=stop,
        leader=LeaderLock(uow.engine, FEE_SWEEP_LOCK_KEY, name="fee sweep"),
        wake_on=(LEDGER_TOPIC,),
    )


async def fee_sweep_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    deps = app_deps()
    await run_fee_sweeps(deps.uow, settings=deps.settings, stop=asyncio.Event())
