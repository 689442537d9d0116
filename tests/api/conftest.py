"""The API tests' databases are the app's: the routes, the ASGI wrappers and the guards take their unit of
work from the composition root when a request comes in, so the database fixtures put theirs there
(`bootstrap.override`) for the whole test and every app it builds."""

from __future__ import annotations

import pytest

from krypton_app import bootstrap


@pytest.fixture
def uow(uow):
    with bootstrap.override(uow=uow):
        yield uow


@pytest.fixture
def pg_uow(pg_uow):
    with bootstrap.override(uow=pg_uow):
        yield pg_uow
