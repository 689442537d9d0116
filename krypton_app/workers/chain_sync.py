"""Chain sync: the chain monitor and the withdrawal sender, one round of each every `monitor_poll_s`,
in exactly one process across all app processes (a leader lock, see loop.py).

Sooner when something waits: a round right away when woken (`CHAIN_TOPIC`: the demo faucet sent a
deposit), and every PENDING_S while a transaction waits for its confirmations, so a deposit is credited
about when the chain makes its next block rather than up to a whole interval later. Each round that
credits something wakes the fee sweeper (`LEDGER_TOPIC`); the tabs that show the balances hear it
from the ledger's own announcements (krypton_app/wakeups.py).

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
from krypton_app.services.withdrawal_sender import process_withdrawals
from krypton_app.settings import Settings
from krypton_app.wakeups import CHAIN_TOPIC, LEDGER_TOPIC, WAKEUPS
from krypton_app.workers.loop import LeaderLock, every

CHAIN_WORKER_LOCK_KEY = 0x6B72_7970_6368_6E77  # "krypchnw"
# The pause while a transaction waits for confirmations: short next to a block (TON: ~5 s), and only
# while one waits, so a node's rate limit sees it only then.
PENDING_S = 0.5


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

    async def watch_chain() -> None:
        if await monitor.run_once():
            WAKEUPS.wake(LEDGER_TOPIC)

    async def send_withdrawals() -> None:
        await process_withdrawals(uow, gateway, hot_wallet, settings=settings, now=int(clock()))

    def pause() -> float:
        return min(PENDING_S, settings.monitor_poll_s) if monitor.unconfirmed else settings.monitor_poll_s

    return await every(
        pause,
        # Each step fails alone and is retried next round; its state is in the database.
        {"chain monitor": watch_chain, "withdrawal sender": send_withdrawals},
        stop=stop,
        leader=LeaderLock(uow.engine, CHAIN_WORKER_LOCK_KEY, name="chain sync"),
        wake_on=(CHAIN_TOPIC,),
    )


async def chain_sync_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    deps = app_deps()
    await run_chain_sync(deps.uow, deps.gateway, deps.hot_wallet, settings=deps.settings, stop=asyncio.Event())
