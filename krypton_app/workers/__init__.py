"""Background work: one module per worker, all on the one periodic loop of loop.py (stop, interval,
leader lock, a failed round logged and retried). `ALL` is what krypton_app.py registers as lifespan
tasks, as it adds `pages.ALL`; each task builds nothing itself, it takes its adapters from bootstrap."""

from krypton_app.workers import (
    chain_sync,
    deal_timers,
    fee_sweeps,
    housekeeping,
    lightning_payouts,
    lightning_settle,
    wakeup_bus,
    webhook_delivery,
)

ALL = (
    wakeup_bus.wakeup_bus_worker,  # every process: the others' announcements wake this one's tabs
    chain_sync.chain_sync_worker,  # one leader across the app's processes
    deal_timers.deal_timer_worker,  # claimed deals: every process
    webhook_delivery.webhook_delivery_worker,  # claimed events: every process
    housekeeping.housekeeping_worker,  # conditional updates: every process
    lightning_settle.lightning_settle_worker,  # one leader; settling is a conditional update anyway
    lightning_payouts.lightning_payout_worker,  # claimed payouts: every process
    fee_sweeps.fee_sweep_worker,  # one leader; making a sweep locks the fee account anyway
)
