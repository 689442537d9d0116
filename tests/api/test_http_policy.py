"""Framing and CORS as the served app answers them: the ASGI wrappers of krypton_app.py assembled the way Reflex
assembles them (reflex/app.py `App.__call__`: each transformer around the ones before, a Starlette one with
Reflex's CORS middleware and the rest mounted in it, CORS again outside everything) around a stand-in for
Reflex's compiled pages.

- every page and route but the invoice widget: `Content-Security-Policy: frame-ancestors 'none'` and
  `X-Frame-Options: DENY`; the widget keeps the policy its invoice allows;
- CORS: only the app's own origin (plus KRYPTON_CORS_ORIGINS) may call it with the user's cookies; the TON
  Connect manifest stays readable by every wallet.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from reflex.app import App
from reflex_base.config import get_config
from rows import image_bytes, make_deal, make_session, make_user
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from krypton_app.api.app import build_api
from krypton_app.api.widget import widget_csp
from krypton_app.models import User
from krypton_app.services import chat
from krypton_app.services.auth import SESSION_COOKIE
from krypton_app.services.invoices import InvoiceDraft, create_invoice
from krypton_app.settings import Settings, get_settings

FOREIGN = "https://evil.example"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def own_origin() -> str:
    return get_settings().app_origin


def reflex_pages() -> Starlette:
    """Stands for Reflex's static mount of the compiled pages (any path is a page)."""

    async def page(_request):
        return HTMLResponse("<!doctype html><div id=root></div>")

    return Starlette(routes=[Route("/{path:path}", page)])


def assemble(transformers) -> Starlette:
    asgi = reflex_pages()
    for transformer in transformers:
        if isinstance(transformer, Starlette):
            App._add_cors(transformer)
            transformer.mount("", asgi)
            asgi = transformer
        else:
            asgi = transformer(asgi)
    top = Starlette()
    top.mount("", asgi)
    App._add_cors(top)
    return top


@pytest.fixture(scope="module")
def served_app():
    """The app's own transformer list (only routes that need no database are asked of it)."""
    from krypton_app.krypton_app import app

    return TestClient(assemble(app.api_transformer), base_url="http://localhost:3000")


def with_database(tmp_path) -> TestClient:
    """The same wrappers in the same order, on the test's database (tests/api/conftest.py puts it in the
    composition root), with the test's folder of chat images."""
    from krypton_app.api.guards import deny_framing, upload_guard

    stack = [build_api(chat_upload_dir=tmp_path), widget_csp, upload_guard, deny_framing]
    return TestClient(assemble(stack), base_url="http://localhost:3000")


def assert_not_frameable(response):
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path",
    ["/", "/wallet", "/deals/1", "/tonconnect-manifest.json", "/api/v1/openapi.json", "/api/v1/invoices", "/ping"],
)
def test_pages_and_routes_may_not_be_framed(served_app, path):
    response = served_app.get(path)
    assert response.status_code in (200, 401, 404)
    assert_not_frameable(response)


def test_a_route_with_its_own_policy_gets_frame_ancestors_added(uow, tmp_path):
    seller, buyer = make_user(uow), make_user(uow)
    deal_id = make_deal(uow, seller, buyer)
    message = chat.post_message(uow, buyer, deal_id, text="", image=image_bytes("png"), upload_dir=tmp_path)
    client = with_database(tmp_path)
    client.cookies.set(SESSION_COOKIE, make_session(uow, seller))
    response = client.get(f"/files/chat/{message.id}")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response.headers["x-frame-options"] == "DENY"


def _invoice(uow, **changes) -> str:
    with uow.transaction() as s:
        merchant = User(wallet_address=f"0:{uuid.uuid4().hex}{uuid.uuid4().hex}")
        s.add(merchant)
        s.flush()
        merchant_id = merchant.id
    draft = InvoiceDraft(**{"kind": "fixed", "title": "VPN key", "asset": "TON", "amount": "1", **changes})
    settings = Settings(KRYPTON_APP_URL="https://krypton.example")
    view, _created = create_invoice(uow, merchant_id, draft, settings=settings, now=NOW)
    return view.number


def test_the_widget_keeps_its_own_policy_and_no_deny(uow, tmp_path):
    client = with_database(tmp_path)
    number = _invoice(uow, allowed_origins=("https://shop.example",))
    framed = client.get(f"/widget/invoice/{number}?parts=1")
    assert framed.headers["content-security-policy"] == "frame-ancestors https://shop.example"
    assert "x-frame-options" not in framed.headers
    closed = client.get("/widget/invoice/NOSUCH22")
    assert closed.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert "x-frame-options" not in closed.headers


def preflight(client, origin: str, path: str = "/api/v1/invoices"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


def test_a_preflight_from_a_foreign_origin_is_not_allowed(served_app):
    response = preflight(served_app, FOREIGN)
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_a_preflight_from_the_apps_own_origin_is_allowed(served_app):
    response = preflight(served_app, own_origin())
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == own_origin()
    assert response.headers["access-control-allow-credentials"] == "true"


def test_a_foreign_page_cannot_read_a_response_made_with_the_users_cookie(uow, tmp_path):
    seller, buyer = make_user(uow), make_user(uow)
    deal_id = make_deal(uow, seller, buyer)
    message = chat.post_message(uow, buyer, deal_id, text="", image=image_bytes("png"), upload_dir=tmp_path)
    client = with_database(tmp_path)
    client.cookies.set(SESSION_COOKIE, make_session(uow, seller))
    foreign = client.get(f"/files/chat/{message.id}", headers={"Origin": FOREIGN})
    assert foreign.status_code == 200  # the server answers; the browser keeps it from the foreign page
    assert "access-control-allow-origin" not in foreign.headers
    own = client.get(f"/files/chat/{message.id}", headers={"Origin": own_origin()})
    assert own.headers["access-control-allow-origin"] == own_origin()


def test_wallets_read_the_manifest_from_any_origin(served_app):
    response = served_app.get("/tonconnect-manifest.json", headers={"Origin": "https://wallet.example"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_reflex_config_takes_the_settings_list():
    origins = list(get_config().cors_allowed_origins)
    assert "*" not in origins
    assert origins == get_settings().cors_allowed_origins and origins[0] == own_origin()
