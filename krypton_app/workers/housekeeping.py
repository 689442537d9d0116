"""Housekeeping: overdue invoices expire (refunding funded parts, queueing invoice.expired), payments
left unfinished for KRYPTON_PAYMENT_TTL_MIN are cancelled (returning their funded parts), promises past
their expiry end with their money back to the issuer, paid "pay me in fiat" payments whose merchant has
not paid them out for KRYPTON_FIAT_PAYOUT_WAIT_H complete in crypto, and idempotency keys past their
replay window and wrong promise codes older than their limit's hour are forgotten.

Every app process runs it, without a leader: each expiry is a conditional UPDATE per invoice or payment
in its own transaction, so two processes never expire the same one twice (nor refund it twice), and
pruning is an idempotent DELETE.
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
from krypton_app.services.fiat_payouts import end_waiting_payouts
from krypton_app.services.invoices import expire_invoices
from krypton_app.services.payer_payments import expire_unfinished_payments
from krypton_app.services.promises import expire_promises, prune_guesses
from krypton_app.settings import Settings
from krypton_app.workers.loop import every

log = logging.getLogger(__name__)

# An expired invoice stops taking payments at once (checked on payment); this round refunds its parts.
INTERVAL_S = 15.0


async def run_housekeeping(
    uow: UnitOfWork,
    *,
    settings: Settings,
    stop: asyncio.Event,
    interval_s: float = INTERVAL_S,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """Housekeeping rounds until `stop`; returns the rounds run."""

    def expire() -> None:
        expired = expire_invoices(uow, now=clock())
        if expired:
            log.info("expired %d invoices", expired)

    def expire_payments() -> None:
        expired = expire_unfinished_payments(uow, settings=settings, now=clock())
        if expired:
            log.info("cancelled %d unfinished payments", expired)

    def expire_vouchers() -> None:
        expired = expire_promises(uow, now=clock())
        if expired:
            log.info("expired %d promises", expired)

    def end_payouts() -> None:
        ended = end_waiting_payouts(uow, settings=settings, now=clock())
        if ended:
            log.info("completed %d waiting fiat payouts in crypto", ended)

    def prune() -> None:
        prune_idempotency_records(uow, now=clock())
        prune_guesses(uow, now=clock())

    steps = {
        "invoice expiry": expire,
        "payment expiry": expire_payments,
        "promise expiry": expire_vouchers,
        "waiting fiat payouts": end_payouts,
        "idempotency key pruning": prune,
    }
    return await every(interval_s, steps, stop=stop)


async def housekeeping_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    deps = app_deps()
    await run_housekeeping(deps.uow, settings=deps.settings, stop=asyncio.Event())
