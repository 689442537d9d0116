"""The payer's pages as a browser tab drives them: handlers run through Reflex's event processor against
the test database (SQLite and PostgreSQL). Neither the deltas sent to the widget, wizard or direct page
nor the tab's whole client state hold the merchant's integration (webhook URL, order id, frame
origins, redirect URL, the merchant's id); and the wizard carries a fiat price's rate quote through."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from builders import make_user
from reflex_base.utils.format import json_dumps
from reflex_tabs import Processor

from krypton_app import bootstrap
from krypton_app.domain.errors import InsufficientFunds
from krypton_app.domain.ledger import EXTERNAL, Leg
from krypton_app.i18n import error_texts
from krypton_app.models import User
from krypton_app.pages.pay import payment_step
from krypton_app.pages.pay.state import PayState
from krypton_app.pages.widget import WidgetState
from krypton_app.services import ledger, ledger_reads, payments
from krypton_app.services.invoices import InvoiceDraft, create_invoice
from krypton_app.services.rates import StaticRateProvider
from krypton_app.settings import get_settings
from krypton_app.state.auth import AuthState

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HOOK = "https://hooks.shop.example/krypton-f81c2a"
ORDER = "order-7f3a9c41"
ORIGIN = "https://frame-9d2e.shop.example"
REDIRECT = "https://shop.example/thanks?grant=3b7e11c0"
MERCHANT_KEYS = ("webhook_url", "order_id", "allowed_origins", "redirect_url", "merchant_id", "payer_contact")


class MovingRates:
    """A rate source whose table the test changes, as the market moves."""

    def __init__(self, table: dict[str, str]):
        self.table = table

    def rate(self, base: str, quote: str):
        return StaticRateProvider(self.table).rate(base, quote)


@pytest.fixture
def app_on(uow):
    """The app's pages read and write the test database."""
    with bootstrap.override(uow=uow) as deps:
        yield deps


def sign_in(monkeypatch, user_id: int) -> None:
    async def signed_in(self):
        return user_id

    monkeypatch.setattr(AuthState, "_user_id", signed_in)


@pytest.fixture
def invoice(uow, app_on):
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
        sign_in(monkeypatch, user_id)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(path, {"parts": "2"})
            await tab.send(handler)
            state = await tab.state(state_cls)
            # As Reflex sends them: typed rows become JSON objects with their field names as keys.
            return json_dumps(tab.deltas), json_dumps(await tab.client_state()), state.invoice

    return asyncio.run(scenario())


def test_the_anonymous_widget_receives_no_merchant_integration(invoice):
    sent, client, shown = _opened(f"/widget/invoice/{invoice.number}", WidgetState.load, WidgetState)
    # The widget did load the invoice, so the checks below look at a real card.
    assert (shown.number, shown.title, shown.amount, shown.merchant) == (
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
    assert (shown.number, shown.amount) == (invoice.number, "1.5 TON")
    assert _leaks(sent, invoice.merchant_id) == []
    assert _leaks(client, invoice.merchant_id) == []


def test_the_pay_page_counts_the_quote_down_and_asks_again_after_the_rate_moved(uow, monkeypatch):
    """The wizard's handlers with a fiat-priced invoice: the quote's deadline reaches the page; a part
    funded after it shows the new amount and funds nothing; the second press pays the new amount."""
    settings = get_settings()
    rates = MovingRates({"TON/RUB": "420"})
    clock = {"now": NOW}
    monkeypatch.setattr(payment_step, "now", lambda: clock["now"])
    merchant, payer = make_user(uow), make_user(uow)
    with uow.transaction() as s:
        leg = Leg(ledger.system_account(s, EXTERNAL, "TON"), ledger.user_account(s, payer, "TON"), 10 * 10**9)
        ledger.post(s, idempotency_key=f"deposit:{uuid.uuid4()}", kind="deposit", legs=[leg])
    draft = InvoiceDraft(kind="fixed", title="Tour", asset="TON", fiat_currency="RUB", fiat_amount="1000")
    number = create_invoice(uow, merchant, draft, settings=settings, now=NOW)[0].number
    sign_in(monkeypatch, payer)

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
            part_id = page.payment_parts[0].id

            clock["now"] = NOW + timedelta(minutes=16)
            rates.table = {"TON/RUB": "400"}
            await tab.send(PayState.fund, part_id=part_id)
            page = await tab.state(PayState)
            seen |= {
                "updated": page.rate_updated,
                "part": page.payment_parts[0].amount,
                "held": ledger_reads.list_balances(uow, payer)[0].held,
                "new_deadline": page.quote_deadline_ms,
            }
            await tab.send(PayState.fund, part_id=part_id)
            seen["paid"] = (await tab.state(PayState)).payment.status
            return seen

    with bootstrap.override(uow=uow, rates=rates):
        seen = asyncio.run(scenario())
    assert (seen["amount"], seen["rate"]) == ("2.380952381", "1 TON = 420 RUB")
    assert seen["step"] == "fund" and seen["deadline"] == int((NOW + timedelta(minutes=15)).timestamp() * 1000)
    assert (seen["updated"], seen["part"], seen["held"]) == ("2.5 TON", "2.5 TON", 0)
    assert seen["new_deadline"] == int((NOW + timedelta(minutes=31)).timestamp() * 1000)
    assert seen["paid"] == "completed"
    assert ledger_reads.list_balances(uow, merchant)[0].available == 2_500_000_000


def test_the_direct_page_pays_in_one_press_or_leaves_nothing_behind(invoice, uow, monkeypatch):
    """/i/<number>: not enough balance shows the refusal and starts no payment; with the money, one
    press pays the invoice in one part."""
    short, rich = make_user(uow), make_user(uow)
    with uow.transaction() as s:
        leg = Leg(ledger.system_account(s, EXTERNAL, "TON"), ledger.user_account(s, rich, "TON"), 5 * 10**9)
        ledger.post(s, idempotency_key=f"deposit:{uuid.uuid4()}", kind="deposit", legs=[leg])

    async def press(user_id: int):
        sign_in(monkeypatch, user_id)
        async with Processor() as p:
            tab = p.tab(f"/i/{invoice.number}")
            await tab.send(PayState.load)
            await tab.send(PayState.pay_now)
            return (await tab.state(PayState)).field_errors

    errors = asyncio.run(press(short))
    assert errors == {"amount": error_texts(InsufficientFunds(available=0, decimals=9, asset="TON"))}
    assert errors["amount"]["en"] == "Not enough on your balance: 0 TON available."
    assert payments.list_invoice_payments(uow, invoice.merchant_id, invoice.number, settings=get_settings()) == []
    errors = asyncio.run(press(rich))
    [paid] = payments.list_invoice_payments(uow, invoice.merchant_id, invoice.number, settings=get_settings())
    assert (paid.status, paid.payer_id, len(paid.parts), errors) == ("completed", rich, 1, {})


def test_the_invoice_link_opened_again_goes_back_to_the_half_funded_payment(invoice, uow, monkeypatch):
    """Part 1 of 2 funded, the browser closed: a new tab on the wizard opens at the funding step of the
    same payment with part 1 funded, and funding part 2 completes it; no second payment is started.
    The direct page is a one-press payment of its own and stays on its amount."""
    payer = make_user(uow, balance=5 * 10**9)
    sign_in(monkeypatch, payer)

    async def first_visit():
        async with Processor() as p:
            tab = p.tab(f"/pay/{invoice.number}", {"parts": "2"})
            await tab.send(PayState.load)
            await tab.send(PayState.to_amounts)
            await tab.send(PayState.start)
            page = await tab.state(PayState)
            await tab.send(PayState.fund, part_id=page.payment_parts[0].id)
            return (await tab.state(PayState)).payment.id

    async def opened_again(path: str):
        async with Processor() as p:
            tab = p.tab(path)
            await tab.send(PayState.load)
            page = await tab.state(PayState)
            shown = (page.step, page.payment.id if page.payment else 0, [r.status for r in page.payment_parts])
            shown += (page.resumed, page.cancels_at != "")
            if page.step == "fund":
                await tab.send(PayState.fund, part_id=page.payment_parts[1].id)
            return shown

    payment_id = asyncio.run(first_visit())
    assert asyncio.run(opened_again(f"/i/{invoice.number}")) == ("parts", 0, [], False, False)
    resumed = ("fund", payment_id, ["funded", "pending"], True, True)
    assert asyncio.run(opened_again(f"/pay/{invoice.number}")) == resumed
    [paid] = payments.list_invoice_payments(uow, invoice.merchant_id, invoice.number, settings=get_settings())
    assert (paid.id, paid.status) == (payment_id, "completed")
    # Paid: the link no longer has anything to go back to.
    assert asyncio.run(opened_again(f"/pay/{invoice.number}")) == ("parts", 0, [], False, False)


@pytest.mark.parametrize("path", ["/pay/{number}", "/i/{number}"])
def test_a_visitor_sees_a_public_invoice_and_nothing_of_a_private_one(invoice, path, uow):
    """No session: a public invoice shows what is asked and by whom (nothing of the integration); a
    private one answers exactly as a number that does not exist (services/invoices.get_payer_invoice)."""
    sent, client, shown = _opened(path.format(number=invoice.number), PayState.load, PayState)
    assert (shown.number, shown.title, shown.amount, shown.merchant, shown.status_key) == (
        invoice.number,
        "VPN, 1 month",
        "1.5 TON",
        "VPN shop",
        "invoice.status.open",
    )
    assert _leaks(sent, invoice.merchant_id) == []
    assert _leaks(client, invoice.merchant_id) == []

    name = f"payer_{uuid.uuid4().hex[:8]}"
    merchant, _payer = make_user(uow), make_user(uow, username=name)
    draft = InvoiceDraft(kind="private", title="Consulting", asset="TON", amount="2", payer_contact=f"@{name}")
    private = create_invoice(uow, merchant, draft, settings=get_settings(), now=NOW)[0].number

    async def visit(number: str):
        async with Processor() as p:
            tab = p.tab(path.format(number=number))
            await tab.send(PayState.load)
            page = await tab.state(PayState)
            return page.error, page.invoice.number, json_dumps(tab.deltas)

    hidden, missing = asyncio.run(visit(private)), asyncio.run(visit("NOSUCH22"))
    assert hidden[:2] == missing[:2] == ("error.not_found", "")
    assert "Consulting" not in hidden[2]
