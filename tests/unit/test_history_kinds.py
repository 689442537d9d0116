"""The history cannot forget a ledger kind: every kind a service posts is in MOVEMENT_KINDS (so the
filter lists it and a movement of it gets a description family) and has a label in both catalogs.

The kinds are found in the services' source: each `post(..., kind=...)` call (and each batched
`ledger_batch.Entry(..., kind=...)`), its kind followed to a
constant, through a local variable, or through a helper's parameter to the helper's callers.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from krypton_app.i18n import CATALOGS, LANGUAGES
from krypton_app.services.history import FAMILIES, MOVEMENT_KINDS

SERVICES = Path(__file__).resolve().parents[2] / "krypton_app" / "services"


class _Module:
    def __init__(self, path: Path):
        self.name = f"krypton_app.services.{path.stem}"
        self.tree = ast.parse(path.read_text())
        self.namespace = vars(importlib.import_module(self.name))
        self.parents: dict[ast.AST, ast.AST] = {
            child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)
        }

    def function_of(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _calls(modules: list[_Module]):
    for module in modules:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call):
                yield module, node


def _resolve(expr: ast.AST, module: _Module, modules: list[_Module], seen: set) -> set[str]:
    """Every string `expr` can be where it stands: a literal, a module constant, a local variable's
    possible values, or what the enclosing function's callers pass for that parameter."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _resolve(expr.body, module, modules, seen) | _resolve(expr.orelse, module, modules, seen)
    if not isinstance(expr, ast.Name):
        raise AssertionError(f"{module.name}: cannot follow the ledger kind {ast.unparse(expr)!r}")
    function = module.function_of(expr)
    if function is not None:
        params = [a.arg for a in function.args.args + function.args.kwonlyargs]
        if expr.id in params:
            return _from_callers(function, params.index(expr.id), expr.id, module, modules, seen)
        assigned = [
            node.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)
        ]
        if assigned:
            return set().union(*(_resolve(value, module, modules, seen) for value in assigned))
    value = module.namespace.get(expr.id)
    assert isinstance(value, str), f"{module.name}: the ledger kind {expr.id} is not a string constant"
    return {value}


def _from_callers(function: ast.FunctionDef, index: int, param: str, module, modules, seen) -> set[str]:
    if (module.name, function.name) in seen:
        return set()
    seen = seen | {(module.name, function.name)}
    kinds: set[str] = set()
    callers = [(m, c) for m, c in _calls(modules) if _called_name(c) == function.name]
    assert callers, f"{module.name}.{function.name} posts a kind it is given, but nothing calls it"
    for caller_module, call in callers:
        passed = next((k.value for k in call.keywords if k.arg == param), None)
        if passed is None and index < len(call.args):
            passed = call.args[index]
        if passed is not None:
            kinds |= _resolve(passed, caller_module, modules, seen)
    return kinds


def posted_kinds() -> set[str]:
    modules = [_Module(path) for path in sorted(SERVICES.glob("*.py")) if path.stem != "__init__"]
    kinds: set[str] = set()
    for module, call in _calls(modules):
        keywords = {k.arg: k.value for k in call.keywords}
        # `post(...)` one transaction; `Entry(...)` one of a batch (services/ledger_batch.py).
        if _called_name(call) in ("post", "Entry") and "kind" in keywords and "idempotency_key" in keywords:
            kinds |= _resolve(keywords["kind"], module, modules, set())
    return kinds


def test_every_kind_a_service_posts_is_a_movement_kind_and_nothing_else_is():
    posted = posted_kinds()
    # The scan sees the kinds posted directly, through a local and through a helper's parameter.
    assert {"deposit", "invoice_payment", "ad_reserve", "ad_release", "deal_release", "deal_resolve"} <= posted
    assert sorted(posted - set(MOVEMENT_KINDS)) == []
    assert sorted(set(MOVEMENT_KINDS) - posted) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_movement_kind_has_a_label(lang):
    assert [k for k in MOVEMENT_KINDS if f"history.kind.{k}" not in CATALOGS[lang]] == []


def test_every_family_describes_its_movements():
    """Each family but the ledger's bare primitives has the catalog text its descriptions use."""
    keys = {
        "deposit": ["history.about.deposit"],
        "withdrawal": ["history.about.withdrawal"],
        "payout": ["history.about.payout.bitcoin", "history.about.payout.lightning"],
        "ad": ["history.about.ad.sell", "history.about.ad.buy"],
        "deal": ["history.about.deal"],
        "invoice": ["history.about.invoice", "history.about.invoice_part"],
        "promise": ["history.about.promise", "history.about.promise_note"],
    }
    assert set(FAMILIES.values()) - {None} == set(keys)
    for lang in LANGUAGES:
        assert [k for family in keys.values() for k in family if k not in CATALOGS[lang]] == [], lang
