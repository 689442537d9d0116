"""Wake-ups: whoever changes something says so, and whoever follows it looks again at once.

A tab's watcher (state/watchers.py) sleeps until one of its topics is woken; a worker's loop
(workers/loop.py) sleeps until its next round or a topic, whichever comes first. Topics are small tuples
of strings and integers: `("deal", 12)` (a deal's room: its status, its chat), `("deals", user_id)` (the
user's list of deals), `("balances", user_id)` (the user's balances and withdrawals), `("bell", user_id)`
(the user's notifications), `("chain",)` (something waits on the chain: run the monitor)…

Two ways to say it:
- `announce(session, *topics)` inside a service's transaction: the topics are woken when, and only if,
  it commits. On PostgreSQL they ride in the transaction as a `pg_notify` (krypton_app/wakeup_bus.py),
  whichever process writes, which the server delivers to every app process at commit, never before and
  never for a rollback.
- `WAKEUPS.wake(*topics)` after the fact (a worker's round, a handler): this process at once, and the
  others through the bus when one runs (PostgreSQL); `WAKEUPS.wake_here` for this process only.
`wake` may be called from any thread (services run off the event loop); `sleep` runs on a loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Hashable, Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session

Topic = tuple[str | int, ...]
# Where a session keeps the topics its transaction announces, and those it has sent itself.
_TOPICS = "krypton_topics"
_SENT = "krypton_topics_sent"


class Subscription:
    """A follower's standing interest in some topics, made on its event loop. A wake-up that arrives
    while the follower is busy (reading what changed before) is kept until its next `wait`, so none is
    lost between two reads."""

    def __init__(self, hub: Wakeups) -> None:
        self.hub = hub
        self.loop = asyncio.get_running_loop()
        self.woken = asyncio.Event()
        self.topics: frozenset[Hashable] = frozenset()

    def follow(self, topics: Iterable[Hashable]) -> None:
        """From now on these topics (and no others) wake this follower."""
        self.hub._move(self, frozenset(topics))

    async def wait(self, timeout_s: float) -> bool:
        """Until a followed topic is (or was, since the last wait) woken, or `timeout_s`; True when woken."""
        try:
            await asyncio.wait_for(self.woken.wait(), timeout_s)
        except TimeoutError:
            return False
        self.woken.clear()
        return True

    def close(self) -> None:
        self.hub._move(self, frozenset())


class Wakeups:
    """Topic -> the subscriptions following it, each on its own loop; and the bus to the other
    processes, when one runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._followers: dict[Hashable, set[Subscription]] = {}
        # Sends topics to the other app processes (wakeup_bus.PgBus.send); None: one process.
        self.send: Callable[[Iterable[Topic]], None] | None = None

    def subscribe(self, topics: Iterable[Hashable] = ()) -> Subscription:
        """On an event loop: a subscription (close it when done)."""
        subscription = Subscription(self)
        subscription.follow(topics)
        return subscription

    def _move(self, subscription: Subscription, topics: frozenset[Hashable]) -> None:
        with self._lock:
            for topic in subscription.topics - topics:
                waiting = self._followers.get(topic)
                if waiting is not None:
                    waiting.discard(subscription)
                    if not waiting:
                        del self._followers[topic]
            for topic in topics - subscription.topics:
                self._followers.setdefault(topic, set()).add(subscription)
            subscription.topics = topics

    def wake(self, *topics: Topic) -> None:
        """This process's followers now, the other processes' through the bus."""
        self.wake_here(*topics)
        if self.send is not None and topics:
            self.send(topics)

    def wake_here(self, *topics: Hashable) -> None:
        with self._lock:
            woken = {sub for topic in topics for sub in self._followers.get(topic, ())}
        self._set(woken)

    def wake_all(self) -> None:
        """Every follower of this process: after the bus lost its connection, announcements may be lost."""
        with self._lock:
            woken = {sub for waiting in self._followers.values() for sub in waiting}
        self._set(woken)

    @staticmethod
    def _set(subscriptions: set[Subscription]) -> None:
        for sub in subscriptions:
            if not sub.loop.is_closed():
                sub.loop.call_soon_threadsafe(sub.woken.set)

    async def sleep(self, topics: Iterable[Hashable], timeout_s: float) -> bool:
        """Sleep `timeout_s`, or less if a topic is woken meanwhile; True when woken."""
        topics = tuple(topics)
        if not topics:
            await asyncio.sleep(timeout_s)
            return False
        subscription = self.subscribe(topics)
        try:
            return await subscription.wait(timeout_s)
        finally:
            subscription.close()

    def sleeping(self, topic: Hashable) -> int:
        """How many sleepers wait on `topic` now (for tests and the bench)."""
        with self._lock:
            return len(self._followers.get(topic, ()))


# The process's one hub: the watchers, the handlers and the workers of this process share it.
WAKEUPS = Wakeups()


def announce(session: Session, *topics: Topic) -> None:
    """Wake `topics` in every process when this session's transaction commits (not if it rolls back)."""
    session.info.setdefault(_TOPICS, set()).update(topics)


def announce_sent(session: Session, *topics: Topic) -> None:
    """`announce` topics whose NOTIFY a statement of the transaction made already (services/ledger.py
    posting on PostgreSQL): this process wakes them at commit, and the commit sends them no second time."""
    announce(session, *topics)
    session.info.setdefault(_SENT, set()).update(topics)


def announced(session: Session) -> frozenset[Topic]:
    """What the session's open transaction announces so far."""
    return frozenset(session.info.get(_TOPICS, ()))


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    topics = announced(session) - session.info.get(_SENT, frozenset())
    if topics and session.get_bind().dialect.name == "postgresql":
        # Every process that writes tells the app processes, whether or not it listens itself (a CLI).
        # Imported here: the bus module builds on this one.
        from krypton_app.wakeup_bus import notify_in_transaction

        notify_in_transaction(session, topics)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_SENT, None)
    topics = session.info.pop(_TOPICS, None)
    if topics:
        # The other processes hear it from the server; this one needs no round trip.
        WAKEUPS.wake_here(*topics)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_TOPICS, None)
    session.info.pop(_SENT, None)


def deal_topic(deal_id: int) -> Topic:
    return ("deal", deal_id)


def deals_topic(user_id: int) -> Topic:
    return ("deals", user_id)


def balances_topic(user_id: int) -> Topic:
    """The user's balances and recent withdrawals (state/live.py)."""
    return ("balances", user_id)


def bell_topic(user_id: int) -> Topic:
    """The user's notifications (state/notifications.py)."""
    return ("bell", user_id)


def payment_topic(payment_id: int) -> Topic:
    """An invoice payment: its parts, its status, the secrets the merchant answered."""
    return ("payment", payment_id)


def invoice_topic(invoice_id: int) -> Topic:
    """An invoice: its status, its payments, its deliveries (the merchant's invoice page)."""
    return ("invoice", invoice_id)


def invoice_pages(invoice_id: int | None, payment_id: int | None) -> list[Topic]:
    """The topics of the pages that show a change of this invoice and this payment (either may be None)."""
    topics = [invoice_topic(invoice_id)] if invoice_id is not None else []
    return topics + ([payment_topic(payment_id)] if payment_id is not None else [])


def payment_chat_topic(payment_id: int) -> Topic:
    """A payment's "contact the seller" chat got a message (pages/payment/chat_state.py)."""
    return ("payment_chat", payment_id)


def tab_topic(client_token: str) -> Topic:
    """One tab: its language changed, or a page started a watcher that already runs (a new key)."""
    return ("tab", client_token)


LEDGER_TOPIC: Topic = ("ledger",)
CHAIN_TOPIC: Topic = ("chain",)
