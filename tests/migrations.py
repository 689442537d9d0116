"""Helpers of the migration tests: run Alembic to a revision on a database, and find the revision a
migration follows (whichever that is after merges). Their database is the `empty_url` fixture
(tests/conftest.py)."""

from alembic.config import Config
from alembic.script import ScriptDirectory

from krypton_app.settings import ROOT


def _config() -> Config:
    return Config(str(ROOT / "alembic.ini"))


def alembic(url: str, action, revision: str) -> None:
    """`action` (alembic.command.upgrade or .downgrade) on the database at `url`, to `revision`."""
    config = _config()
    config.set_main_option("sqlalchemy.url", url)
    action(config, revision)


def revision_before(revision: str) -> str:
    return ScriptDirectory.from_config(_config()).get_revision(revision).down_revision
