"""Every Reflex event handler that reaches a service learns who is asking from the verified session.

The services check that the user may act (NotFound / Forbidden, tested in tests/services); this test
makes sure no handler hands them a user id from anywhere else, or calls one without a user at all.
It reads the page and state modules (no Reflex app needed): a handler passes when it, or a method or
module function it uses, calls `_user_id` (or a helper built on it). Handlers that serve
anonymous visitors on purpose are listed in PUBLIC with the reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "krypton_app"
MODULES = sorted([*ROOT.joinpath("pages").rglob("*.py"), *ROOT.joinpath("state").rglob("*.py")])
# Methods of AuthState (state/auth.py) that read the verified session themselves.
AUTH_CALLS = {"_user_id", "_load_user"}
PUBLIC = {
    # the public market and an ad's page: browsing needs no account (opening a deal does)
    ("MarketState", "load"),
    ("MarketState", "apply_filters"),
    ("MarketState", "go_page"),
    # the fee of an amount typed on an ad's form: the public fee schedule applied to a public ad
    ("MarketState", "preview_fee"),
    # the buy wizard is public until "Buy" (which needs a login): its pickers convert the typed amount at
    # the reference rate (no database), and its on_load reads the public ad a link names
    ("BuyState", "load"),
    ("BuyState", "choose_asset"),
    ("BuyState", "choose_unit"),
    ("BuyState", "type_amount"),
    ("BuyState", "choose_to"),
    # the price list is the public fee schedule
    ("PriceListState", "load"),
    # receipts are verified by anyone holding one
    ("VerifyState", "load"),
    ("VerifyState", "verify"),
    # a promise's link shows what it holds to whoever opens it (guesses are limited per client)
    ("RedeemPromiseState", "load"),
    # the iframe widgets open for visitors
    ("WidgetState", "load"),
    ("AdWidgetState", "load"),
    # logging in is how a visitor gets a session
    ("AuthState", "prepare_login"),
    ("AuthState", "login_with_wallet"),
    ("AuthState", "login_with_demo_wallet"),
    # logging out ends only the session the tab's own cookie names (no user needed to end it)
    ("AuthState", "logout"),
}


def _service_names(tree: ast.Module) -> set[str]:
    """Names bound to krypton_app.services code in this module (functions and module aliases)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("krypton_app.services"):
            names.update(alias.asname or alias.name for alias in node.names)
        if isinstance(node, ast.ImportFrom) and node.module == "krypton_app":
            names.update(alias.asname or alias.name for alias in node.names if alias.name == "services")
    return names


def _uses(node: ast.AST) -> tuple[set[str], set[str]]:
    """(self attributes, bare names) used anywhere inside `node`."""
    attrs, names = set(), set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "self":
            attrs.add(sub.attr)
        elif isinstance(sub, ast.Name):
            names.add(sub.id)
    return attrs, names


def _is_event(fn: ast.AST) -> bool:
    return any("event" in ast.unparse(d) for d in fn.decorator_list)


def _handlers():
    for path in MODULES:
        tree = ast.parse(path.read_text())
        services = _service_names(tree)
        functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            methods = {n.name: n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
            for name, fn in methods.items():
                if _is_event(fn):
                    yield path.name, cls.name, name, fn, methods, functions, services


def _reach(fn, methods, functions):
    """Everything `fn` uses, following self methods and module functions of its module."""
    seen, todo, attrs, names = set(), [fn], set(), set()
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        a, n = _uses(node)
        attrs |= a
        names |= n
        todo += [methods[x] for x in a if x in methods]
        todo += [functions[x] for x in n if x in functions]
    return attrs, names


CASES = list(_handlers())


def test_the_scan_finds_the_market_handlers():
    found = {(cls, name) for _, cls, name, *_ in CASES}
    assert {
        ("DealState", "release"),
        ("DisputeForms", "decide"),
        ("NewAdState", "close"),
        ("OperatorState", "credit"),
    } <= found


@pytest.mark.parametrize(("module", "cls", "name"), [(m, c, n) for m, c, n, *_ in CASES])
def test_handler_reaching_a_service_reads_the_session(module, cls, name):
    _, _, _, fn, methods, functions, services = next(case for case in CASES if case[:3] == (module, cls, name))
    attrs, names = _reach(fn, methods, functions)
    if not names & services or (cls, name) in PUBLIC:
        return
    assert attrs & AUTH_CALLS, f"{module}: {cls}.{name} calls a service without reading the verified session"


def test_public_list_names_only_handlers_that_reach_services():
    reaching = {
        (cls, name)
        for _, cls, name, fn, methods, functions, services in CASES
        if _reach(fn, methods, functions)[1] & services
    }
    assert reaching >= PUBLIC, f"not handlers that reach a service: {sorted(PUBLIC - reaching)}"
