"""The layer contract (HOUSE_STYLE rules 1 and 2), read from the source: which way imports point.

- Business code never imports Reflex.
- `domain` imports nothing of the app but `domain`.
- `services` import nothing of `state`, `pages`, `api`, `workers`, `components`; `workers` nothing of
  `state`, `pages`, `api`, `components` (both sit under the UI, beside it for workers).
- `chain` imports nothing of `services`: adapters are used by services, never the other way.
- No page imports another page: shared pieces live in `components/`. A page package may import its
  own submodules; `pages/__init__.py` is the list of all pages.
- No module imports another module's `_private` name, by `from x import _y` or as `x._y` on an
  imported module; siblings in one package are other modules too. Only a package's `__init__` may take
  private names from its own submodules. Names of other libraries are not checked here.

The checker runs on any tree, so a test breaks each rule on purpose in a small synthetic package and
sees it reported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = "krypton_app"
BUSINESS = ["domain", "services", "chain", "payouts", "lightning", "mail"]


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the module imported, or imported from
    name: str | None  # the name taken from `target` (`from target import name`, `target.name`), if any
    line: int

    def __str__(self) -> str:
        taken = f" ({self.name})" if self.name else ""
        return f"{self.module}:{self.line} imports {self.target}{taken}"


@dataclass(frozen=True)
class Tree:
    modules: dict[str, Path]  # dotted name -> file; a package is its __init__.py
    imports: list[Import]

    def is_package(self, module: str) -> bool:
        return self.modules[module].name == "__init__.py"


def read_tree(root: Path, package: str = APP) -> Tree:
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    imports = []
    for module, path in modules.items():
        imports += _imports_of(module, ast.parse(path.read_text()), modules, is_package=path.name == "__init__.py")
    return Tree(modules, imports)


def _imports_of(module: str, tree: ast.AST, modules: dict[str, Path], *, is_package: bool) -> list[Import]:
    found: list[Import] = []
    bound: dict[str, str] = {}  # local name -> the module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(module, alias.name, None, node.lineno))
                local = alias.asname or alias.name.split(".")[0]
                bound[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package=is_package)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in modules:
                    found.append(Import(module, submodule, None, node.lineno))
                    bound[alias.asname or alias.name] = submodule
                else:
                    found.append(Import(module, base, alias.name, node.lineno))
    for node in ast.walk(tree):
        # `x._y` where x is a module bound by an import (`import a.b`, `from a import b`, `as` aliases).
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            dotted = _dotted(node.value)
            head, _, rest = (dotted or "").partition(".")
            if head in bound:
                target = bound[head] + (f".{rest}" if rest else "")
                if target in modules:
                    found.append(Import(module, target, node.attr, node.lineno))
    return found


def _absolute(node: ast.ImportFrom, module: str, *, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


# --- the rules: each returns what breaks it, as readable lines ---------------------------------------


def layer_violations(
    tree: Tree, layer: str, *, allowed: list[str] | None = None, forbidden: list[str] = ()
) -> list[str]:
    """Imports of app modules by `layer`: outside `allowed` (when given), or inside any of `forbidden`."""
    app = layer.split(".")[0]
    return [
        str(imp)
        for imp in tree.imports
        if _within(imp.module, layer)
        and _within(imp.target, app)
        and (
            (allowed is not None and not any(_within(imp.target, ok) for ok in allowed))
            or any(_within(imp.target, bad) for bad in forbidden)
        )
    ]


def page_violations(tree: Tree, pages: str = f"{APP}.pages") -> list[str]:
    """A page (module or package under `pages`) that imports another page, or the list of all pages."""

    def page_of(module: str) -> str | None:
        rest = module.removeprefix(pages + ".")
        return rest.split(".")[0] if rest != module else None

    return [
        str(imp)
        for imp in tree.imports
        if page_of(imp.module) is not None and _within(imp.target, pages) and page_of(imp.target) != page_of(imp.module)
    ]


def private_violations(tree: Tree, app: str = APP) -> list[Import]:
    """Imports that take another app module's private name."""
    return [
        imp
        for imp in tree.imports
        if _within(imp.target, app)
        and imp.name is not None
        and _is_private(imp.name)
        and imp.target != imp.module
        and not (tree.is_package(imp.module) and _within(imp.target, imp.module))
    ]


# --- the app's tree --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_tree() -> Tree:
    return read_tree(ROOT)


@pytest.mark.parametrize("folder", BUSINESS)
def test_business_code_does_not_import_reflex(folder, app_tree):
    offenders = [
        str(imp) for imp in app_tree.imports if _within(imp.module, f"{APP}.{folder}") and _within(imp.target, "reflex")
    ]
    assert offenders == []


def test_domain_imports_nothing_of_the_app_but_domain(app_tree):
    assert layer_violations(app_tree, f"{APP}.domain", allowed=[f"{APP}.domain"]) == []


def test_services_import_nothing_of_the_layers_above(app_tree):
    above = [f"{APP}.{name}" for name in ("state", "pages", "api", "workers", "components")]
    assert layer_violations(app_tree, f"{APP}.services", forbidden=above) == []


def test_workers_import_nothing_of_the_ui_or_the_api(app_tree):
    beside = [f"{APP}.{name}" for name in ("state", "pages", "api", "components")]
    assert layer_violations(app_tree, f"{APP}.workers", forbidden=beside) == []


def test_chain_adapters_import_nothing_of_services(app_tree):
    assert layer_violations(app_tree, f"{APP}.chain", forbidden=[f"{APP}.services"]) == []
    assert layer_violations(app_tree, f"{APP}.lightning", forbidden=[f"{APP}.services"]) == []


def test_no_page_imports_another_page(app_tree):
    assert page_violations(app_tree) == []


def _areas() -> list[str]:
    folders = sorted(p.name for p in (ROOT / APP).iterdir() if (p / "__init__.py").exists())
    return folders + ["root modules"]


@pytest.mark.parametrize("area", _areas())
def test_no_module_imports_another_modules_private_name(area, app_tree):
    folders = [f"{APP}.{name}" for name in _areas()[:-1]]
    if area == "root modules":
        found = [imp for imp in private_violations(app_tree) if not any(_within(imp.module, f) for f in folders)]
    else:
        found = [imp for imp in private_violations(app_tree) if _within(imp.module, f"{APP}.{area}")]
    assert [str(imp) for imp in found] == []


# --- the checker catches what it should, and only that ------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_each_rule_broken_on_purpose_is_reported(tmp_path):
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/domain/__init__.py": "",
            "app/domain/money.py": "from app.domain import rules\nfrom app.services import ledger\n",
            "app/domain/rules.py": "",
            "app/services/__init__.py": "",
            "app/services/ledger.py": "import app.pages.wallet\n_ROW = 1\n\ndef _helper(): ...\n",
            "app/services/payments.py": "from app.services.ledger import _helper\n",
            "app/services/invoices.py": "from app.services import ledger\n\nledger._ROW\n",
            "app/services/deals.py": "import app.services.ledger\n\napp.services.ledger._helper()\n",
            "app/chain/__init__.py": "",
            "app/chain/monitor.py": "from ..services import ledger\n",
            "app/pages/__init__.py": "from app.pages import deals, wallet\n",
            "app/pages/wallet.py": "from app.pages.deals import chat\n",
            "app/pages/deals/__init__.py": "from app.pages.deals.chat import _state\nfrom . import chat\n",
            "app/pages/deals/chat.py": (
                "from app.pages.deals import view\nfrom app.pages.deals.view import _row\n_state = 1\n"
            ),
            "app/pages/deals/view.py": "_row = 1\n",
        },
    )
    tree = read_tree(tmp_path, "app")
    assert layer_violations(tree, "app.domain", allowed=["app.domain"]) == [
        "app.domain.money:2 imports app.services.ledger"
    ]
    assert layer_violations(tree, "app.services", forbidden=["app.pages"]) == [
        "app.services.ledger:1 imports app.pages.wallet"
    ]
    assert layer_violations(tree, "app.chain", forbidden=["app.services"]) == [
        "app.chain.monitor:1 imports app.services.ledger"
    ]
    # The list of pages and a page package's own submodules are fine; another page is not.
    assert page_violations(tree, "app.pages") == ["app.pages.wallet:1 imports app.pages.deals.chat"]
    # A package's __init__ may take its submodules' privates; siblings and other packages may not.
    assert sorted(str(imp) for imp in private_violations(tree, "app")) == [
        "app.pages.deals.chat:2 imports app.pages.deals.view (_row)",
        "app.services.deals:3 imports app.services.ledger (_helper)",
        "app.services.invoices:3 imports app.services.ledger (_ROW)",
        "app.services.payments:1 imports app.services.ledger (_helper)",
    ]
