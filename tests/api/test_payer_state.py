"""What the payer's browser receives: the widget, the pay wizard and the direct page run their on_load
handlers through Reflex's event processor against the test database (SQLite and PostgreSQL), and
neither the deltas sent to the tab nor the tab's whole client state hold the merchant's integration:
webhook URL, order id, frame origins, redirect URL, the merchant's id."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import pytest
from reflex_tabs import Processor, use_database

from krypton_app.models import User
from krypton_app.pages.pay import PayState
from krypton_app.pages.widget import WidgetState
from krypton_app.services.invoices import InvoiceDraft, create_invoice
from krypton_app.settings import get_settings
from krypton_app.state.auth import AuthState

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HOOK = "https://hooks.shop.example/krypton-f81c2a"
ORDER = "order-7f3a9c41"
ORIGIN = "https://frame-9d2e.shop.example"
REDIRECT = "https://shop.example/thanks?grant=3b7e11c0"
MERCHANT_KEYS = ("webhook_url", "order_id", "allowed_origins", "redirect_url", "merchant_id", "payer_contact")


@pytest.fixture
def invoice(uow, monkeypatch):
    use_database(monkeypatch, uow)
    with uow.transaction() as s:
        merchant = User(wallet_address=f"0:{uuid.uuid4().hex}{uuid.uuid4().hex}", display_name="VPN shop")
        s.add(merchant)
        s.flush()
        merchant_id = merchant.id
    draft = InvoiceDraft(
        kind="fixed",
        title="VPN, 1 month",
        asset="TON",
        amount="1.5",
        max_parts=3,
        order_id=ORDER,
        webhook_url=HOOK,
        redirect_url=REDIRECT,
        allowed_origins=(ORIGIN,),
    )
    view, _created = create_invoice(uow, merchant_id, draft, settings=get_settings(), now=NOW)
    return view


def _leaks(text: str, merchant_id: int) -> list[str]:
    found = [value for value in (HOOK, ORDER, ORIGIN, REDIRECT) if value in text]
    found += [f'"{key}"' for key in MERCHANT_KEYS if f'"{key}"' in text]
    found += [f"merchant id {merchant_id}" for _ in [0] if f'"merchant_id": {merchant_id}' in text]
    return found


def _opened(path: str, handler, state_cls, *, user_id: int | None = None, monkeypatch=None):
    if user_id is not None:
        monkeypatch.setattr(AuthState, "_verified_user_id", lambda self: user_id)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(path, {"parts": "2"})
            await tab.send(handler)
            state = await tab.state(state_cls)
            return tab.received_text(), json.dumps(await tab.client_state(), default=str), dict(state.invoice)

    return asyncio.run(scenario())


def test_the_anonymous_widget_receives_no_merchant_integration(invoice):
    sent, client, shown = _opened(f"/widget/invoice/{invoice.number}", WidgetState.load, WidgetState)
    # The widget did load the invoice, so the checks below look at a real card.
    assert (shown["number"], shown["title"], shown["amount"], shown["merchant"]) == (
        invoice.number,
        "VPN, 1 month",
        "1.5 TON",
        "VPN shop",
    )
    assert invoice.number in sent
    assert _leaks(sent, invoice.merchant_id) == []
    assert _leaks(client, invoice.merchant_id) == []


@pytest.mark.parametrize("path", ["/pay/{number}", "/i/{number}"])
def test_the_payers_pages_receive_no_merchant_integration(invoice, path, monkeypatch, uow):
    with uow.transaction() as s:
        payer = User(wallet_address=f"0:{uuid.uuid4().hex}{uuid.uuid4().hex}")
        s.add(payer)
        s.flush()
        payer_id = payer.id
    route = path.format(number=invoice.number)
    sent, client, shown = _opened(route, PayState.load, PayState, user_id=payer_id, monkeypatch=monkeypatch)
    assert (shown["number"], shown["amount"]) == (invoice.number, "1.5 TON")
    assert _leaks(sent, invoice.merchant_id) == []
    assert _leaks(client, invoice.merchant_id) == []
