"""The engine's pool (krypton_app/db.py) pings a connection only after it sat idle: one that served a
transaction a moment ago is handed out as is, one that sat longer is pinged, and a dead one is replaced
without failing the transaction that asked for it. PostgreSQL only (`pg_uow`)."""

from sqlalchemy import text

from krypton_app import db
from krypton_app.db import UnitOfWork, make_engine


def _backend(uow: UnitOfWork) -> int:
    with uow.transaction() as s:
        return s.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_that_died_while_idle_is_replaced_unnoticed(pg_uow, monkeypatch):
    uow = UnitOfWork(make_engine(pg_uow.engine.url.render_as_string(hide_password=False), pool_size=1))
    try:
        first = _backend(uow)
        assert _backend(uow) == first  # a moment ago: the same connection, no ping
        with pg_uow.engine.connect() as other:
            # The server ends the idle connection, as a restart or a firewall's idle timeout would.
            assert other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
        monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)
        second = _backend(uow)
        assert second != first
    finally:
        uow.engine.dispose()
