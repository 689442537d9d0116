"""Who may frame the invoice widget: the CSP wrapper reads the invoice's allowed origins (SQLite and
PostgreSQL); plus the small UI rules the payment pages and Telegram routing rely on."""

import uuid
from datetime import UTC, datetime

from builders import make_invoice, make_user
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from krypton_app.api.widget import widget_csp
from krypton_app.pages.pay import even_split
from krypton_app.pages.telegram import route_for
from krypton_app.settings import Settings

SETTINGS = Settings(KRYPTON_APP_URL="https://krypton.example")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _page(_request):
    # Stands for Reflex's static mount, which may send its own X-Frame-Options.
    return PlainTextResponse("widget", headers={"X-Frame-Options": "DENY"})


def _client(uow) -> TestClient:
    inner = Starlette(routes=[Route("/widget/invoice/{number}", _page), Route("/wallet", _page)])
    return TestClient(widget_csp(inner))


def _invoice(uow, **changes) -> str:
    if changes.get("kind") == "private":
        changes["payer_contact"] = username = f"p{uuid.uuid4().hex[:8]}"
        make_user(uow, username=username)
    return make_invoice(uow, settings=SETTINGS, now=NOW, **changes).number


def test_allowed_origins_may_frame_the_widget(uow):
    number = _invoice(uow, allowed_origins=("https://shop.example", "https://m.shop.example:8443"))
    response = _client(uow).get(f"/widget/invoice/{number}?parts=2")
    assert response.headers["content-security-policy"] == (
        "frame-ancestors https://shop.example https://m.shop.example:8443"
    )
    assert "x-frame-options" not in response.headers


def test_no_origins_unknown_numbers_and_private_invoices_are_not_frameable(uow):
    client = _client(uow)
    for number in (_invoice(uow), "NOSUCH22", _invoice(uow, kind="private", allowed_origins=("https://shop.example",))):
        assert client.get(f"/widget/invoice/{number}").headers["content-security-policy"] == "frame-ancestors 'none'"


def test_other_pages_are_left_alone(uow):
    response = _client(uow).get("/wallet")
    assert "content-security-policy" not in response.headers
    assert response.headers["x-frame-options"] == "DENY"


@given(total=st.integers(min_value=1, max_value=10**18), parts=st.integers(min_value=1, max_value=10))
def test_an_even_split_adds_up_exactly(total, parts):
    amounts = even_split(total, parts)
    assert len(amounts) == parts and sum(amounts) == total
    assert max(amounts) - min(amounts) <= 1


def test_telegram_start_parameters():
    assert route_for("inv_k7qx2mpa") == "/pay/K7QX2MPA"
    assert route_for("inv_") is None
    assert route_for("inv_../wallet") is None
    assert route_for("ad_12") is None
    assert route_for("") is None
