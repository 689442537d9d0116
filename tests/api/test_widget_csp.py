"""Who may frame the widgets: the CSP wrapper reads the invoice's allowed origins, and for the ad widget
its owner's (SQLite and PostgreSQL); plus Telegram's routing of start parameters. (The even split of the
pay wizard is a domain rule now: tests/unit/test_invoice_domain.py.)"""

import uuid
from datetime import UTC, datetime

from builders import make_invoice, sell_ad
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from krypton_app.api.widget import widget_csp
from krypton_app.models import User
from krypton_app.pages.telegram import route_for
from krypton_app.services.ads import close_ad
from krypton_app.services.invoices import InvoiceDraft, create_invoice
from krypton_app.settings import Settings

SETTINGS = Settings(KRYPTON_APP_URL="https://krypton.example")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _page(_request):
    # Stands for Reflex's static mount, which may send its own X-Frame-Options.
    return PlainTextResponse("widget", headers={"X-Frame-Options": "DENY"})


def _client(uow) -> TestClient:
    inner = Starlette(
        routes=[Route("/widget/invoice/{number}", _page), Route("/widget/ad/{ad_id}", _page), Route("/wallet", _page)]
    )
    return TestClient(widget_csp(inner))


def _invoice(uow, **changes) -> str:
    with uow.transaction() as s:
        merchant = User(wallet_address=f"0:{uuid.uuid4().hex}{uuid.uuid4().hex}", username=None)
        s.add(merchant)
        s.flush()
        merchant_id = merchant.id
    if changes.get("kind") == "private":
        with uow.transaction() as s:
            payer = User(wallet_address=f"0:{uuid.uuid4().hex}{uuid.uuid4().hex}", username=f"p{uuid.uuid4().hex[:8]}")
            s.add(payer)
            s.flush()
            changes["payer_contact"] = payer.username
    draft = InvoiceDraft(**{"kind": "fixed", "title": "VPN key", "asset": "TON", "amount": "1", **changes})
    view, _created = create_invoice(uow, merchant_id, draft, settings=SETTINGS, now=NOW)
    return view.number


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


def test_the_ad_widget_may_be_framed_by_the_sites_its_owner_allowed(uow):
    owner, _taker, ad_id = sell_ad(uow)
    client = _client(uow)
    # No site allowed yet: nobody frames it.
    assert client.get(f"/widget/ad/{ad_id}").headers["content-security-policy"] == "frame-ancestors 'none'"
    make_invoice(uow, owner, allowed_origins=("https://shop.example",))
    make_invoice(uow, owner, allowed_origins=("https://shop.example", "https://blog.example:8443"))
    make_invoice(uow, allowed_origins=("https://someone-else.example",))  # another merchant's site
    response = client.get(f"/widget/ad/{ad_id}")
    assert (
        response.headers["content-security-policy"] == "frame-ancestors https://blog.example:8443 https://shop.example"
    )
    assert "x-frame-options" not in response.headers
    close_ad(uow, owner, ad_id)
    assert client.get(f"/widget/ad/{ad_id}").headers["content-security-policy"] == "frame-ancestors 'none'"


def test_ad_widget_paths_that_name_no_ad_are_not_frameable(uow):
    client = _client(uow)
    for key in ("999999", "abc", "1e3", "١٢", "9" * 40, "-1"):
        assert client.get(f"/widget/ad/{key}").headers["content-security-policy"] == "frame-ancestors 'none'", key


def test_telegram_start_parameters():
    assert route_for("inv_k7qx2mpa") == "/pay/K7QX2MPA"
    assert route_for("inv_") is None
    assert route_for("inv_../wallet") is None
    assert route_for("ad_12") == "/market/ads/12"
    for refused in ("ad_", "ad_12x", "ad_-3", "ad_../wallet", "ad_١٢", "ad_" + "9" * 40, "ads_12", "AD_12"):
        assert route_for(refused) is None, refused
    assert route_for("") is None
