"""The wake-up bus's lifespan task: on PostgreSQL, every app process listens for the others'
announcements (krypton_app/wakeup_bus.py) for as long as it runs; on SQLite (one process) nothing runs."""

from __future__ import annotations

import asyncio

from krypton_app.bootstrap import app_deps
from krypton_app.wakeup_bus import PgBus


async def wakeup_bus_worker() -> None:
    """The lifespan task: runs until the app shuts down (the task is cancelled)."""
    deps = app_deps()
    if not deps.uow.is_postgres:
        return
    bus = PgBus(deps.uow.engine.url.render_as_string(hide_password=False))
    bus.start()
    try:
        await asyncio.Event().wait()
    finally:
        await asyncio.to_thread(bus.stop)
