"""What every page's first load carries (bench/pages.py measures it against a blank Reflex app).

Reflex compiles a page's components into a JS module named after the page function's module, and the
bundler splits the build by those modules: a library one page uses loads on every page whose module
imports it. So each page has a module of its own, and the shell around every page imports neither
TON Connect nor an icon named by a Var (lucide's map of every icon, ~650 KB).
"""

import reflex as rx

from krypton_app import pages
from krypton_app.components.layout.shell import shell


def _tree(component: rx.Component):
    yield component
    for child in component.children:
        yield from _tree(child)


def test_each_page_compiles_to_its_own_module():
    modules = {page.route: page.component.__module__ for page in pages.ALL}
    assert [route for route, module in modules.items() if not module.startswith("krypton_app.pages.")] == []
    assert len(set(modules.values())) == len(modules)


def test_the_shell_loads_no_wallet_library_and_no_icon_map():
    around = shell(rx.fragment())
    assert [lib for lib in around._get_all_imports() if "tonconnect" in lib] == []
    assert "DynamicIcon" not in {getattr(node, "tag", None) for node in _tree(around)}
