"""State methods never call a service on the event loop (HOUSE_STYLE rule 3).

Reflex runs every tab of a process on one event loop, so a service call made on it (the database,
a rate source) stops every tab until it returns. A service is reached through `off_loop(service, ...)`
or from a lambda handed to it; `_watch_read`, which the watcher loop itself runs off the loop, is the
one method that calls services directly. tests/unit/test_event_loop_free.py shows what this buys at
run time; this test makes sure no handler forgets it. It reads the modules (no Reflex app needed).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "krypton_app"
MODULES = sorted(p for folder in ("pages", "state", "components") for p in ROOT.joinpath(folder).rglob("*.py"))
# Pure computations (no I/O): signing a payload with a key held in memory.
PURE = {"issue_proof_payload", "demo_wallet_proof", "new_demo_seed"}
RUN_OFF_LOOP = {"_watch_read"}
# Coroutine services: their chain gateway calls belong on the loop (as the chain worker's do), and they run
# their database work in threads themselves (asyncio.to_thread). Tested in tests/services.
ASYNC_SERVICES = {"reconcile_with_chain"}


def _service_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("krypton_app.services"):
            names.update(alias.asname or alias.name for alias in node.names)
        if isinstance(node, ast.ImportFrom) and node.module == "krypton_app":
            names.update(alias.asname or alias.name for alias in node.names if alias.name == "services")
    return names


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    while isinstance(func, ast.Attribute):
        func = func.value
    return func.id if isinstance(func, ast.Name) else None


def _blocking_functions(tree: ast.Module, services: set[str]) -> set[str]:
    """Module functions that call a service, directly or through another such function."""
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    blocking: set[str] = set()
    while True:
        more = {
            name
            for name, fn in functions.items()
            if name not in blocking
            and any(isinstance(c, ast.Call) and _called_name(c) in services | blocking for c in ast.walk(fn))
        }
        if not more:
            return blocking
        blocking |= more


def calls_on_the_loop(source: str) -> list[str]:
    """`Class.method:line name` for each service (or module function that calls one) called directly
    in a method of a class."""
    tree = ast.parse(source)
    services = _service_names(tree)
    services |= _blocking_functions(tree, services)
    found = []
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for method in cls.body:
            if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef) or method.name in RUN_OFF_LOOP:
                continue
            in_lambda = {id(n) for lam in ast.walk(method) if isinstance(lam, ast.Lambda) for n in ast.walk(lam)}
            for call in ast.walk(method):
                if not isinstance(call, ast.Call) or id(call) in in_lambda:
                    continue
                name = _called_name(call)
                # Classes (views, errors) are data, not calls that wait.
                if name in services and name not in PURE | ASYNC_SERVICES and not name[0].isupper():
                    found.append(f"{cls.name}.{method.name}:{call.lineno} {ast.unparse(call.func)}")
    return found


def test_no_state_method_calls_a_service_on_the_event_loop():
    found = [f"{path.relative_to(ROOT)} {c}" for path in MODULES for c in calls_on_the_loop(path.read_text())]
    assert found == [], "await off_loop(service, ...) instead"


def test_the_check_sees_a_direct_call_and_accepts_off_loop():
    source = """
from krypton_app.services.deals import get_deal, list_my_deals
from krypton_app import services

def rows(user_id):
    return [r for r in list_my_deals(uow, user_id)]

class S:
    async def bad(self):
        return get_deal(uow, 1, 2)

    async def also_bad(self):
        return services.deals.list_my_deals(uow, 1)

    async def through_a_function(self):
        return rows(1)

    async def good(self):
        await off_loop(get_deal, uow, 1, 2)
        await off_loop(lambda: list_my_deals(uow, 1))
        await off_loop(rows, 1)
"""
    assert calls_on_the_loop(source) == [
        "S.bad:10 get_deal",
        "S.also_bad:13 services.deals.list_my_deals",
        "S.through_a_function:16 rows",
    ]
