"""The tests' own layout. pytest's default import mode needs unique test module names across folders (a
clash only shows in a full run); browser tests run last; builders live in tests/builders.py only; and a test
module never imports another test module (shared fixtures go to a conftest.py, shared helpers to a non-test
module such as tests/migrations.py): a copied builder drifts from the service it stands for, and an imported
test module runs its tests twice and ties two files together."""

import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
BUILDERS = TESTS / "builders.py"


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


def _modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if p != BUILDERS)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _builder_names() -> set[str]:
    return {
        node.name
        for node in _tree(BUILDERS).body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
    }


def _imported_modules(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                names.add(node.module)
            if node.level:  # `from . import test_x`
                names.update(alias.name for alias in node.names)
    return names


def test_no_test_module_imports_another_test_module():
    offenders = [
        f"{path.relative_to(TESTS)} imports {name}"
        for path in _modules()
        for name in _imported_modules(_tree(path))
        if name.rsplit(".", 1)[-1].startswith("test_")
    ]
    assert offenders == [], "move what they share to a conftest.py or a helper module such as tests/builders.py"


def test_no_module_defines_its_own_copy_of_a_builder():
    builders = _builder_names()
    assert {"make_user", "make_users", "deposit", "race", "make_session", "image_bytes"} <= builders
    offenders = [
        f"{path.relative_to(TESTS)}:{node.lineno} defines {node.name}"
        for path in _modules()
        for node in _tree(path).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name in builders
    ]
    assert offenders == [], "use (or extend) the builder in tests/builders.py"
