"""Migrations run against `sqlalchemy.url` when the caller set it, else the app's DATABASE_URL."""

from alembic import context
from sqlalchemy import pool
from sqlmodel import SQLModel

import krypton_app.models  # noqa: F401  (registers every table on the metadata)
from krypton_app.db import make_engine
from krypton_app.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata
url = config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
