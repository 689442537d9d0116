"""Every blocking call an event handler makes (a service, hence the database) runs here, off the
event loop.

Reflex runs every tab of a process on one event loop. A service call made on it waits for the
database with the loop stopped (SQLite's `BEGIN IMMEDIATE` may wait up to 30 s for the write lock),
so one slow request would freeze every other tab. Handlers `await off_loop(service, ...)` instead: the
call runs on a worker thread and the loop keeps serving the other tabs meanwhile.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# As many threads as the database pool has connections (pool_size 10 + max_overflow 20): more would
# only queue for a connection inside the pool.
_POOL = ThreadPoolExecutor(max_workers=30, thread_name_prefix="krypton-call")


async def off_loop(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` on a worker thread; its exceptions reach the caller unchanged."""
    # Context variables follow the call, as with asyncio.to_thread.
    call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_POOL, call)
