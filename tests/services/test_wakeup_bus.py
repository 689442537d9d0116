"""Announcements (krypton_app/wakeups.py) and the bus between app processes (krypton_app/wakeup_bus.py).

A change announces its topics in its own transaction: they are woken when it commits and never when it
rolls back, on both databases. On PostgreSQL they travel as NOTIFY: another process (here: a plain
psycopg connection LISTENing, and payloads tagged with another origin) hears them at commit, and a
running bus wakes this process's sleepers for the others' announcements.
"""

from __future__ import annotations

import asyncio
import json
import threading

import psycopg
import pytest
from builders import make_user
from sqlalchemy.engine import make_url

from krypton_app.services import ledger, notifications
from krypton_app.wakeup_bus import CHANNEL, PgBus, payloads, topics_of
from krypton_app.wakeups import WAKEUPS, announce, balances_topic, bell_topic, deal_topic


@pytest.fixture
def woken(monkeypatch) -> list:
    """Every topic this process wakes, in order."""
    seen: list = []
    real = WAKEUPS.wake_here

    def record(*topics):
        seen.extend(topics)
        real(*topics)

    monkeypatch.setattr(WAKEUPS, "wake_here", record)
    return seen


def test_an_announcement_is_woken_at_commit_and_never_after_a_rollback(uow, woken):
    with uow.transaction() as s:
        announce(s, deal_topic(1), deal_topic(1), deal_topic(2))
        assert woken == []  # nothing before the commit: a reader would not see the change yet
    assert sorted(woken) == [deal_topic(1), deal_topic(2)]

    woken.clear()
    with pytest.raises(RuntimeError), uow.transaction() as s:
        announce(s, deal_topic(3))
        raise RuntimeError("the use case failed")
    with uow.transaction():
        pass  # the next transaction on a fresh session carries nothing over
    assert woken == []


def test_a_transfer_announces_both_users_balances_and_a_notification_the_bell(uow, woken):
    alice, bob = make_user(uow, balance=10**9), make_user(uow)
    woken.clear()
    ledger.transfer(uow, alice, bob, "TON", 5, "bus-transfer")
    assert sorted(woken) == sorted([balances_topic(alice), balances_topic(bob)])

    woken.clear()
    with uow.transaction() as s:
        notifications.notify(s, bob, kind=notifications.DEAL_STATUS, deal_id=None, text_key="deal.sys.opened")
    assert woken == [bell_topic(bob)]
    woken.clear()
    notifications.mark_read(uow, bob)
    assert woken == [bell_topic(bob)]


def test_payloads_stay_under_postgresql_s_limit_and_skip_this_process_s_echo():
    topics = {("deals", n) for n in range(3000)}
    sent = list(payloads(topics))
    assert len(sent) > 1 and all(len(p.encode()) < 8000 for p in sent)  # PostgreSQL's limit
    assert all(topics_of(p) is None for p in sent)  # this process woke its own sleepers already
    other = [json.dumps({"o": "another-process", "t": json.loads(p)["t"]}) for p in sent]
    assert {topic for p in other for topic in topics_of(p)} == topics
    assert topics_of("not json") is None


def _conninfo(uow) -> str:
    return (
        make_url(uow.engine.url.render_as_string(hide_password=False))
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )


def test_on_postgresql_other_processes_hear_an_announcement_at_commit_only(pg_uow):
    """Also from a process that runs no bus itself (a CLI, this test): every writer tells the app."""
    with psycopg.connect(_conninfo(pg_uow), autocommit=True) as other:
        other.execute(f"LISTEN {CHANNEL}")
        with pg_uow.transaction() as s:
            announce(s, deal_topic(7))
        with pytest.raises(RuntimeError), pg_uow.transaction() as s:
            announce(s, deal_topic(8))
            raise RuntimeError("rolled back")
        heard = [json.loads(n.payload)["t"] for n in other.notifies(timeout=2.0, stop_after=2)]
    assert heard == [[["deal", 7]]]


def test_on_postgresql_a_transfer_is_heard_once_and_woken_here_at_commit(pg_uow, woken):
    """The use case's posting sends its own NOTIFY (ledger_post_keys(), migration 0039): the commit
    sends no second one, and this process still wakes both users' balances."""
    alice, bob = make_user(pg_uow, balance=10**9), make_user(pg_uow, balance=1)  # both have accounts
    woken.clear()
    with psycopg.connect(_conninfo(pg_uow), autocommit=True) as other:
        other.execute(f"LISTEN {CHANNEL}")
        ledger.transfer(pg_uow, alice, bob, "TON", 5, "heard-once")
        with pg_uow.transaction() as s:
            announce(s, deal_topic(1))  # a later announcement, to know the transfer's were all heard
        heard = [json.loads(n.payload)["t"] for n in other.notifies(timeout=2.0, stop_after=3)]
    assert [sorted(topics) for topics in heard] == [
        sorted([list(balances_topic(alice)), list(balances_topic(bob))]),
        [list(deal_topic(1))],
    ]
    assert sorted(woken) == sorted([balances_topic(alice), balances_topic(bob), deal_topic(1)])


def test_a_running_bus_wakes_this_process_for_another_process_s_announcement(pg_uow):
    bus = PgBus(pg_uow.engine.url.render_as_string(hide_password=False))
    bus.start()
    try:
        assert bus.listening.wait(10)

        async def sleep_until_woken() -> bool:
            sleeping = asyncio.create_task(WAKEUPS.sleep([deal_topic(9)], 30))
            while WAKEUPS.sleeping(deal_topic(9)) == 0:
                await asyncio.sleep(0.01)
            # Another app process commits a change of deal 9.
            payload = json.dumps({"o": "another-process", "t": [["deal", 9]]})
            await asyncio.to_thread(_notify, _conninfo(pg_uow), payload)
            return await sleeping

        assert asyncio.run(sleep_until_woken()) is True
    finally:
        bus.stop()
    assert WAKEUPS.send is None


def test_a_wake_after_the_fact_reaches_the_other_processes_through_the_bus(pg_uow):
    bus = PgBus(pg_uow.engine.url.render_as_string(hide_password=False))
    bus.start()
    heard: list = []
    listening = threading.Event()

    def listen():
        with psycopg.connect(_conninfo(pg_uow), autocommit=True) as other:
            other.execute(f"LISTEN {CHANNEL}")
            listening.set()
            heard.extend(json.loads(n.payload)["t"] for n in other.notifies(timeout=5.0, stop_after=1))

    try:
        listener = threading.Thread(target=listen)
        listener.start()
        assert listening.wait(10)
        WAKEUPS.wake(("chain",))  # a worker's wake-up: the leader's chain worker may run elsewhere
        listener.join(10)
    finally:
        bus.stop()
    assert heard == [[["chain"]]]


def _notify(conninfo: str, payload: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
