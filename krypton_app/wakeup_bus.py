"""The wake-up bus between app processes: PostgreSQL `LISTEN/NOTIFY` on one channel.

Why PostgreSQL and not Redis pub/sub: an announcement made in a service's transaction
(`wakeups.announce`) is a `pg_notify` in that very transaction, so the server delivers it if and only if
the change commits, and only after it is visible: no reader wakes before the data is there, and a crash
between commit and publish cannot lose it. It costs no extra round trip, and every multi-process
deployment has PostgreSQL already (SQLite is the one-process setup, where the in-process hub is enough).

Each process runs one `PgBus`: a thread that LISTENs on a dedicated connection and wakes this process's
sleepers, and sends the wake-ups made outside a transaction (`WAKEUPS.wake`) from a queue, so a handler
on the event loop never waits for the database. A payload carries the sending process's id: a process
has woken its own sleepers already and skips its own echo. If the listening connection breaks, the bus
reconnects and wakes every sleeper once, since announcements made meanwhile were lost.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import uuid
from collections.abc import Iterable, Iterator

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from krypton_app.wakeups import WAKEUPS, Topic

log = logging.getLogger(__name__)

CHANNEL = "krypton_wakeups"
# PostgreSQL refuses a payload of 8000 bytes or more; topics are split over several notifications.
MAX_PAYLOAD = 7000
RECONNECT_S = 1.0
ORIGIN = uuid.uuid4().hex[:12]


def payloads(topics: Iterable[Topic]) -> Iterator[str]:
    """The topics as JSON payloads under MAX_PAYLOAD bytes each, tagged with this process."""
    batch: list[list] = []
    size = 0
    for topic in sorted(topics, key=repr):
        item = len(_compact(list(topic))) + 1  # and its comma
        if batch and size + item > MAX_PAYLOAD:
            yield _compact({"o": ORIGIN, "t": batch})
            batch, size = [], 0
        batch.append(list(topic))
        size += item
    if batch:
        yield _compact({"o": ORIGIN, "t": batch})


def _compact(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def topics_of(payload: str) -> list[Topic] | None:
    """The topics another process announced, or None for this process's own echo or a foreign payload."""
    try:
        message = json.loads(payload)
        if message["o"] == ORIGIN:
            return None
        return [tuple(topic) for topic in message["t"]]
    except (ValueError, KeyError, TypeError):
        log.warning("ignored a malformed wake-up on %s", CHANNEL)
        return None


def notify_in_transaction(session: Session, topics: frozenset[Topic]) -> None:
    """The topics as NOTIFY in the session's transaction (wakeups.py, before its commit)."""
    for payload in payloads(topics):
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})


class PgBus:
    """One process's end of the bus: a listening thread and a sending thread, both daemons."""

    def __init__(self, database_url: str):
        self.conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._outbox: queue.SimpleQueue[Iterable[Topic] | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._listen, name="wakeup-listen", daemon=True),
            threading.Thread(target=self._send_loop, name="wakeup-send", daemon=True),
        ]
        self.listening = threading.Event()

    def start(self) -> None:
        WAKEUPS.send = self.send
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        if WAKEUPS.send == self.send:
            WAKEUPS.send = None
        self._stop.set()
        self._outbox.put(None)
        for thread in self._threads:
            thread.join(timeout=5)

    def send(self, topics: Iterable[Topic]) -> None:
        self._outbox.put(tuple(topics))

    def _listen(self) -> None:
        lost = False
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if lost:
                        WAKEUPS.wake_all()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            topics = topics_of(note.payload)
                            if topics:
                                WAKEUPS.wake_here(*topics)
            except psycopg.Error as exc:
                self.listening.clear()
                lost = True
                log.warning("wake-up bus: listening connection lost (%s); reconnecting", exc)
                self._stop.wait(RECONNECT_S)

    def _send_loop(self) -> None:
        conn: psycopg.Connection | None = None
        while (topics := self._outbox.get()) is not None:
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(self.conninfo, autocommit=True)
                for payload in payloads(topics):
                    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
            except psycopg.Error as exc:
                # The others' watchers and workers still catch up at their next round or announcement.
                log.warning("wake-up bus: could not send %s (%s)", topics, exc)
                conn = None
        if conn is not None:
            conn.close()
