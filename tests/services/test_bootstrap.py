"""`python -m krypton_app.cli bootstrap` in several replicas at once (compose starts them together): each
migrates and loads the catalog in turn, and all of them succeed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from krypton_app.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
REPLICAS = 3


def test_replicas_bootstrap_one_database_at_once(empty_url):
    if not empty_url.startswith("postgresql"):
        pytest.skip("SQLite is one machine's database: one process bootstraps it")
    env = {**os.environ, "DATABASE_URL": empty_url}
    command = [sys.executable, "-m", "krypton_app.cli", "bootstrap"]
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(REPLICAS)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0] * REPLICAS, outputs
    engine = make_engine(empty_url)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM assets")).scalar_one() > 0
    engine.dispose()
