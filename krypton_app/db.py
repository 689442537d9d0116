"""Engine and unit of work. Services receive a `UnitOfWork` and open one transaction per use case."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event, exc
from sqlmodel import Session, create_engine


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        # SQLite has no row locks: take the database write lock when the transaction starts
        # (BEGIN IMMEDIATE) so that two writers serialise instead of failing at commit.
        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            dbapi_conn.execute("PRAGMA foreign_keys=ON")

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


# A pooled connection that served a transaction a moment ago is alive: a ping before every transaction
# (`pool_pre_ping`) would cost a round trip each, a fifth of a ledger transfer. One that sat idle longer
# than this is pinged when taken, so a restarted server or a dropped idle connection costs no request.
PING_AFTER_IDLE_S = 5.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn, record, _proxy) -> None:
        # A new connection has no "idle_since": it was just made.
        if time.monotonic() - record.info.get("idle_since", time.monotonic()) > PING_AFTER_IDLE_S:
            try:
                engine.dialect.do_ping(dbapi_conn)
            except engine.dialect.loaded_dbapi.Error as error:
                # The pool drops this connection and takes (or makes) another.
                raise exc.DisconnectionError() from error


class UnitOfWork:
    """Opens sessions on one engine; `with uow.transaction() as s:` commits once or rolls back."""

    def __init__(self, engine: Engine):
        self.engine = engine
        # A read is one snapshot: PostgreSQL's default (read committed) lets each statement see commits
        # made since the one before, so a payment read pending beside its parts read captured (a
        # Lightning settlement committing between the two) stopped the wizard's watcher on a torn view.
        # SQLite's reads see one snapshot already.
        postgres = engine.dialect.name == "postgresql"
        self._reader = engine.execution_options(isolation_level="REPEATABLE READ") if postgres else engine

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self._reader, expire_on_commit=False) as session:
            yield session
