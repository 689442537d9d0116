"""The payer's pages as a browser tab drives them: handlers run through Reflex's event processor against
the test database (SQLite and PostgreSQL). Neither the deltas sent to the widget, wizard or direct page
nor the tab's whole client state hold the merchant's integration (webhook URL, order id, frame
origins, redirect URL, the merchant's id); and the wizard carries a fiat price's rate quote through."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from builders import make_invoice, make_user
from reflex_tabs import Processor, use_database

from krypton_app.pages import pay
from krypton_app.pages.pay import PayState
from krypton_app.pages.widget import WidgetState
from krypton_app.services import ledger
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
    return make_invoice(
        uow,
        make_user(uow, display_name="VPN shop"),
        settings=get_settings(),
        now=NOW,
        title="VPN, 1 month",
        amount="1.5",
        max_parts=3,
        order_id=ORDER,
        webhook_url=HOOK,
        redirect_url=REDIRECT,
        allowed_origins=(ORIGIN,),
    )


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
    payer_id = make_user(uow)
    route = path.format(number=invoice.number)
    sent, client, shown = _opened(route, PayState.load, PayState, user_id=payer_id, monkeypatch=monkeypatch)
    assert (shown["number"], shown["amount"]) == (invoice.number, "1.5 TON")
    assert _leaks(sent, invoice.merchant_id) == []
    assert _leaks(client, invoice.merchant_id) == []


def test_the_pay_page_counts_the_quote_down_and_asks_again_after_the_rate_moved(uow, monkeypatch):
    """The wizard's handlers with a fiat-priced invoice: the quote's deadline reaches the page; a part
    funded after it shows the new amount and funds nothing; the second press pays the new amount."""
    use_database(monkeypatch, uow)
    settings = get_settings()
    monkeypatch.setattr(settings, "rates", {"TON/RUB": "420"})
    clock = {"now": NOW}
    monkeypatch.setattr(pay, "_now", lambda: clock["now"])
    merchant, payer = make_user(uow), make_user(uow, balance=10 * 10**9)
    number = make_invoice(
        uow, merchant, settings=settings, now=NOW, title="Tour", amount=None, fiat_currency="RUB", fiat_amount="1000"
    ).number
    monkeypatch.setattr(AuthState, "_verified_user_id", lambda self: payer)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(f"/pay/{number}")
            await tab.send(PayState.load)
            page = await tab.state(PayState)
            seen = {"amount": page.amount, "rate": page.rate}
            await tab.send(PayState.to_amounts)
            await tab.send(PayState.start)
            page = await tab.state(PayState)
            seen |= {"step": page.step, "deadline": page.quote_deadline_ms}
            part_id = page.payment_parts[0]["id"]

            clock["now"] = NOW + timedelta(minutes=16)
            monkeypatch.setattr(settings, "rates", {"TON/RUB": "400"})
            await tab.send(PayState.fund, part_id=part_id)
            page = await tab.state(PayState)
            seen |= {
                "updated": page.rate_updated,
                "part": page.payment_parts[0]["amount"],
                "held": ledger.list_balances(uow, payer)[0].held,
                "new_deadline": page.quote_deadline_ms,
            }
            await tab.send(PayState.fund, part_id=part_id)
            seen["paid"] = (await tab.state(PayState)).payment["status"]
            return seen

    seen = asyncio.run(scenario())
    assert (seen["amount"], seen["rate"]) == ("2.380952381", "1 TON = 420 RUB")
    assert seen["step"] == "fund" and seen["deadline"] == int((NOW + timedelta(minutes=15)).timestamp() * 1000)
    assert (seen["updated"], seen["part"], seen["held"]) == ("2.5 TON", "2.5 TON", 0)
    assert seen["new_deadline"] == int((NOW + timedelta(minutes=31)).timestamp() * 1000)
    assert seen["paid"] == "completed"
    assert ledger.list_balances(uow, merchant)[0].available == 2_500_000_000
