"""`python -m krypton_app.cli bootstrap`: migrate the database and load the reference catalog."""

from __future__ import annotations

import sys

from alembic import command
from alembic.config import Config

from krypton_app.settings import ROOT


def migrate(url: str | None = None) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")


def bootstrap() -> None:
    from krypton_app.bootstrap import app_deps
    from krypton_app.services.catalog import load_catalog

    migrate()
    load_catalog(app_deps().uow)
    print("database migrated, catalog loaded")


if __name__ == "__main__":
    if sys.argv[1:] != ["bootstrap"]:
        sys.exit("usage: python -m krypton_app.cli bootstrap")
    bootstrap()
