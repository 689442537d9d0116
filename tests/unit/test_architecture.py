"""Business code never imports Reflex (HOUSE_STYLE rule 1)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "krypton_app"
BUSINESS = ["domain", "services", "chain", "payouts", "mail"]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("folder", BUSINESS)
def test_business_code_does_not_import_reflex(folder):
    offenders = [p.name for p in (PACKAGE / folder).rglob("*.py") if "reflex" in _imports(p)]
    assert offenders == []
