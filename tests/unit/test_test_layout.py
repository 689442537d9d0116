"""pytest's default import mode needs unique test module names across folders; a clash only shows in a full run."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_test_module_names_are_unique_across_folders():
    names = Counter(path.name for path in TESTS.rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []


MODULES = ["tests/unit/test_money.py", "tests/unit/test_ton_address.py", "tests/e2e/test_app.py"]


def test_browser_tests_come_last_in_a_random_order():
    """pytest-randomly shuffles the modules, but once a browser test has started the sync Playwright an
    event loop stays running until the session ends, and `asyncio.run()` in any later test fails."""
    collected = subprocess.run(
        # Seed 5 puts the browser module first when nothing reorders it.
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "randomly", "--randomly-seed=5", *MODULES],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    in_e2e = [line.startswith("tests/e2e/") for line in collected.splitlines() if "::" in line]
    assert any(in_e2e) and not all(in_e2e)
    assert in_e2e == sorted(in_e2e), "a browser test is collected before a non-browser test"
