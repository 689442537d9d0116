"""The prerendered shells of link pages (api/link_pages.py): which request paths get one, what the build
is told to prerender, and the ASGI wrapper, which serves the shell's file only where the build made it."""

from __future__ import annotations

import asyncio

import pytest

from krypton_app.api import link_pages
from krypton_app.api.link_pages import LINK_ROUTES, placeholder_path, shell_for


@pytest.mark.parametrize(
    ("path", "shell"),
    [
        ("/deals/12", "/deals/_"),
        ("/deals/12/", "/deals/_"),
        ("/i/K7QX2M", "/i/_"),
        ("/pay/K7QX2M", "/pay/_"),
        ("/payment/3", "/payment/_"),
        ("/payment/3/chat", "/payment/_/chat"),
        ("/invoices/K7QX2M", "/invoices/_"),
        ("/market/ads/4", "/market/ads/_"),
        ("/market/ads/4/edit", "/market/ads/_/edit"),
        ("/p/kOq1raEkSaq1ysGF6O7CmGWHOb4NWliA", "/p/_"),
        ("/deals", None),  # prerendered by Reflex itself
        ("/pay", None),
        ("/deals/12/more", None),
        ("/api/v1/invoices/K7QX2M", None),
        ("/widget/invoice/K7QX2M", None),
    ],
)
def test_only_the_link_pages_get_a_shell(path, shell):
    assert shell_for(path) == shell


def test_every_link_route_has_one_placeholder_the_build_prerenders():
    config = 'export default {"ssr": false, "prerender": true, "build": "build"};'
    changed = link_pages._with_link_pages(config)
    assert '"prerender": async ({getStaticPaths}) => [...getStaticPaths(), ' in changed
    assert all(f'"{placeholder_path(route)}"' in changed for route in LINK_ROUTES)
    # A development build prerenders nothing: its config stays as Reflex wrote it.
    development = 'export default {"ssr": false};'
    assert link_pages._with_link_pages(development) == development


def _served_path(monkeypatch, path: str, *, built: bool, method: str = "GET") -> str:
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["path"])

    link_pages._built.cache_clear()
    monkeypatch.setattr(link_pages, "_static_dir", lambda: _Dir(built))
    try:
        asyncio.run(link_pages.serve_link_pages(app)({"type": "http", "method": method, "path": path}, None, None))
    finally:
        link_pages._built.cache_clear()
    return seen[0]


class _Dir:
    """A static folder in which every file exists (a production build) or none does (development)."""

    def __init__(self, built: bool):
        self.built = built

    def __truediv__(self, name: str) -> _Dir:
        return self

    def exists(self) -> bool:
        return self.built


def test_the_wrapper_serves_the_shells_file_only_where_the_build_made_it(monkeypatch):
    assert _served_path(monkeypatch, "/deals/12", built=True) == "/deals/_.html"
    assert _served_path(monkeypatch, "/deals/12", built=True, method="HEAD") == "/deals/_.html"
    assert _served_path(monkeypatch, "/deals/12", built=False) == "/deals/12"
    assert _served_path(monkeypatch, "/deals/12", built=True, method="POST") == "/deals/12"
    assert _served_path(monkeypatch, "/wallet", built=True) == "/wallet"
