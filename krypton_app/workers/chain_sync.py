"""Chain sync: the chain monitor and the withdrawal sender, one round of each every `monitor_poll_s`,
in exactly one process across all app processes (a leader lock, see loop.py).

The lock saves work; correctness does not depend on it: the monitor's cursor lock, the conditional
withdrawal transitions and the seqno lock keep even two concurrent runners from doing anything twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from krypton_app.bootstrap import app_deps
from krypton_app.chain.gateway import ChainGateway
from krypton_app.chain.hot_wallet import HotWallet
from krypton_app.db import UnitOfWork
from krypton_app.services.chain_sync import ChainMonitor
from krypton_app.services.withdrawals import process_withdrawals
from krypton_app.settings import Settings
from krypton_app.workers.loop import LeaderLock, every

CHAIN_WORKER_LOCK_KEY = 0x6B72_7970_6368_6E77  # "krypchnw"


async def run_chain_sync(
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

    async def send_withdrawals() -> None:
        await process_withdrawals(uow, gateway, hot_wallet, settings=settings, now=int(clock()))

    return await every(
        settings.monitor_poll_s,
        # Each step fails alone and is retried next round; its state is in the database.
        {"chain monitor": monitor.run_once, "withdrawal sender": send_withdrawals},
        stop=stop,
        leader=LeaderLock(uow.engine, CHAIN_WORKER_LOCK_KEY, name="chain sync"),
    )


async def chain_sync_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    deps = app_deps()
    await run_chain_sync(deps.uow, deps.gateway, deps.hot_wallet, settings=deps.settings, stop=asyncio.Event())
