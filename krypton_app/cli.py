"""`python -m krypton_app.cli bootstrap`: migrate the database and load the reference catalog.
`python -m krypton_app.cli serve [PORT]`: serve the app from the frontend built before, without building it.

`reflex run --env prod` builds the frontend on every start, into `.web` (REFLEX_WEB_WORKDIR). Several
processes of one machine or one image (the cluster, the Docker replicas) share one build instead: it is
made once with `reflex export --frontend-only --no-zip` (REFLEX_API_URL names where browsers reach the
websocket: the public URL, or this process's port), then each process serves it with `serve`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from krypton_app.settings import ROOT

USAGE = "usage: python -m krypton_app.cli bootstrap | serve [PORT]"
DEFAULT_PORT = 3000
# Replicas that start together (compose) bootstrap one after the other: two Alembic upgrades, or two
# catalog upserts, at once would both try to create the same rows.
BOOTSTRAP_LOCK_KEY = 0x6B72_7970_626F_6F74  # "krypboot"


def migrate(url: str | None = None) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")


def bootstrap() -> None:
    from krypton_app.bootstrap import app_deps
    from krypton_app.services.catalog import load_catalog

    uow = app_deps().uow
    with _one_at_a_time(uow.engine):
        migrate()
        load_catalog(uow)
    print("database migrated, catalog loaded")


@contextmanager
def _one_at_a_time(engine: Engine) -> Iterator[None]:
    """Hold a PostgreSQL advisory lock (waiting for it) on a connection of its own; SQLite is one machine's
    database, where one process bootstraps."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": BOOTSTRAP_LOCK_KEY})
        lock.commit()
        try:
            yield
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": BOOTSTRAP_LOCK_KEY})
            lock.commit()


def serve(port: int) -> None:
    """What `reflex run --env prod` starts once its build is done: the backend (Granian, with one worker
    process per GRANIAN_WORKERS, several by default when REDIS_URL is set) with the built pages mounted."""
    from reflex.utils import exec as reflex_exec
    from reflex.utils.prerequisites import get_web_dir
    from reflex_base import constants
    from reflex_base.config import get_config
    from reflex_base.environment import environment

    os.chdir(ROOT)  # Reflex finds the app module and the build from the project root
    if not (get_web_dir() / constants.Dirs.STATIC / "index.html").exists():
        sys.exit("no frontend build: run `reflex export --frontend-only --no-zip` first")
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    reflex_exec.run_backend_prod(
        get_config().backend_host, port, constants.LogLevel.INFO, mount_frontend_compiled_app=True
    )


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["bootstrap"]:
            bootstrap()
        case ["serve"]:
            serve(DEFAULT_PORT)
        case ["serve", port] if port.isdigit():
            serve(int(port))
        case _:
            sys.exit(USAGE)
