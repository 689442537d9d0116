"""The periodic loop every worker runs on (krypton_app/workers/loop.py) and the list the app registers."""

import asyncio
import inspect
import logging
import threading

from krypton_app import workers
from krypton_app.chain.gateway import ChainError
from krypton_app.workers.loop import every


def run_rounds(steps, *, rounds: int = 3, leader=None) -> int:
    """Run `every` until `rounds` rounds began (or, with a leader, for a while), then stop it."""

    async def scenario():
        stop = asyncio.Event()
        started = 0

        async def count() -> None:
            nonlocal started
            started += 1
            if started >= rounds:
                stop.set()

        loop = asyncio.create_task(every(0.001, {"count": count, **steps}, stop=stop, leader=leader))
        if leader is not None:
            await asyncio.sleep(0.05)
            stop.set()
        return await asyncio.wait_for(loop, 5)

    return asyncio.run(scenario())


def test_a_failing_step_is_logged_and_the_next_step_and_round_still_run(caplog):
    after = []

    async def broken() -> None:
        raise RuntimeError("injected")

    async def node_away() -> None:
        raise ChainError("timeout")

    async def later() -> None:
        after.append(1)

    with caplog.at_level(logging.WARNING, logger="krypton_app.workers.loop"):
        assert run_rounds({"broken": broken, "node": node_away, "later": later}) == 3
    assert len(after) == 3
    failures = [r for r in caplog.records if r.message.startswith("broken: round failed")]
    assert len(failures) == 3 and all(r.exc_info for r in failures)
    warnings = [r for r in caplog.records if r.message.startswith("node: chain unavailable")]
    assert len(warnings) == 3 and all(r.levelno == logging.WARNING and not r.exc_info for r in warnings)


def test_a_blocking_step_runs_off_the_event_loop():
    threads = []
    assert run_rounds({"blocking": lambda: threads.append(threading.get_ident())}) == 3
    assert len(threads) == 3 and threading.get_ident() not in threads


def test_a_step_that_returns_a_coroutine_instead_of_being_one_is_reported_not_dropped(caplog, recwarn):
    ran = []

    async def work() -> None:
        ran.append(1)

    with caplog.at_level(logging.ERROR, logger="krypton_app.workers.loop"):
        run_rounds({"wrapped": lambda: work()}, rounds=2)
    assert ran == []
    assert any("returned a coroutine" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    assert not [w for w in recwarn if "never awaited" in str(w.message)]


class Follower:
    """A leader lock some other process holds."""

    name = "test"

    def __init__(self):
        self.released = False

    def hold(self) -> bool:
        return False

    def release(self) -> None:
        self.released = True


def test_without_the_leader_lock_no_round_runs_and_the_lock_is_released_on_the_way_out():
    follower = Follower()
    assert run_rounds({}, leader=follower) == 0
    assert follower.released


def test_the_app_registers_each_worker_as_a_lifespan_task_of_its_own():
    assert len(workers.ALL) == 8
    assert all(inspect.iscoroutinefunction(task) and not inspect.signature(task).parameters for task in workers.ALL)
    # Reflex names a lifespan task by its function: distinct names keep its log readable.
    assert len({task.__name__ for task in workers.ALL}) == len(workers.ALL)
