"""The wizard's Lightning panel as a browser tab drives it (pages/pay/part_lightning.py), against the
test database and the fake node: the invoice reaches the page, the demo wallet's payment funds the part
(and completes the payment), and a handler called with another payment's part does nothing."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta

import bolt11
import pytest
from builders import NOW, lightning_node, make_invoice, make_user
from reflex_tabs import Processor

from krypton_app import bootstrap
from krypton_app.pages.pay import part_lightning, payment_step
from krypton_app.pages.pay.state import PayState
from krypton_app.services import payments
from krypton_app.services.lightning_parts import LightningInvoiceView
from krypton_app.services.rates import StaticRateProvider
from krypton_app.settings import get_settings
from krypton_app.state.auth import AuthState

RATES = StaticRateProvider(get_settings().rates)


@pytest.fixture
def node():
    return lightning_node()


@pytest.fixture
def app_on(uow, node, monkeypatch):
    monkeypatch.setattr(payment_step, "now", lambda: NOW)
    with bootstrap.override(uow=uow, lightning=node, rates=RATES) as deps:
        yield deps


def sign_in(monkeypatch, user_id: int) -> None:
    async def signed_in(self):
        return user_id

    monkeypatch.setattr(AuthState, "_user_id", signed_in)


def unfinished(uow, parts=("1", "2")):
    """A payer's started payment of a new invoice: the wizard resumes it at the fund step."""
    payer = make_user(uow)
    invoice = make_invoice(uow, amount=str(sum(int(p) for p in parts)), max_parts=len(parts), settings=get_settings())
    payment = payments.start_payment(
        uow,
        payer,
        invoice.number,
        parts=list(parts),
        idempotency_key=uuid.uuid4().hex,
        settings=get_settings(),
        rates=RATES,
        now=NOW,
    )
    return payer, invoice, payment


def drive(number: str, *steps):
    """Open the wizard, then send each (handler, payload); the PayState after each step."""

    async def scenario():
        async with Processor() as p:
            tab = p.tab(f"/pay/{number}")
            await tab.send(PayState.load)
            seen = []
            for handler, payload in steps:
                await tab.send(handler, **payload)
                seen.append(await tab.state(PayState))
            return seen

    return asyncio.run(scenario())


def test_the_panel_gets_the_parts_invoice(uow, app_on, node, monkeypatch):
    payer, invoice, payment = unfinished(uow)
    sign_in(monkeypatch, payer)
    part = payment.parts[0].id
    (page,) = drive(invoice.number, (PayState.start_lightning, {"part_id": part}))
    row = page.lightning_invoices[str(part)]
    decoded = bolt11.decode(row.bolt11)
    assert decoded.payee == node.pubkey and decoded.amount_msat == 5200 * 1000
    assert (row.sats, row.rate, row.amount) == ("5,200 sat", "1 TON = 0.000052 BTC", "1 TON")
    assert row.open and not row.expired and row.qr.startswith("data:image/svg+xml;base64,")
    assert row.deadline_ms == int((NOW + timedelta(minutes=15)).timestamp() * 1000)
    assert page.lightning_demo is True and page.field_errors == {}


def test_the_demo_wallet_funds_the_part_and_completes_the_payment(uow, app_on, monkeypatch):
    payer, invoice, payment = unfinished(uow, ("1",))
    sign_in(monkeypatch, payer)
    part = payment.parts[0].id
    drive(
        invoice.number,
        (PayState.start_lightning, {"part_id": part}),
        (PayState.pay_lightning_demo, {"part_id": part}),
    )
    view = payments.get_payment(uow, payer, payment.id, settings=get_settings())
    assert view.status == "completed" and view.parts[0].method == "lightning"


def test_a_part_paid_while_another_is_pending_turns_funded(uow, app_on, monkeypatch):
    payer, invoice, payment = unfinished(uow)
    sign_in(monkeypatch, payer)
    first = payment.parts[0].id
    _, page = drive(
        invoice.number,
        (PayState.start_lightning, {"part_id": first}),
        (PayState.pay_lightning_demo, {"part_id": first}),
    )
    assert [p.status for p in page.payment_parts] == ["funded", "pending"]
    assert page.lightning_invoices == {}  # the funded part has no panel any more


@pytest.mark.parametrize("part", ["7", None, 10**12, True])
def test_a_part_not_of_this_payment_gets_nothing(uow, app_on, monkeypatch, part):
    payer, invoice, _ = unfinished(uow)
    _, _, other = unfinished(uow)
    sign_in(monkeypatch, payer)
    for wrong in (part, other.parts[0].id):
        (page,) = drive(invoice.number, (PayState.start_lightning, {"part_id": wrong}))
        assert page.lightning_invoices == {} and page.busy == 0


def test_no_demo_wallet_with_a_real_node(uow, app_on, monkeypatch):
    payer, invoice, payment = unfinished(uow)
    sign_in(monkeypatch, payer)
    part = payment.parts[0].id
    lnd = app_on.settings.model_copy(update={"lightning": "lnd"})
    with bootstrap.override(settings=lnd):
        shown, paid = drive(
            invoice.number,
            (PayState.start_lightning, {"part_id": part}),
            (PayState.pay_lightning_demo, {"part_id": part}),
        )
    assert shown.lightning_demo is False
    assert "fund" in paid.field_errors
    assert payments.get_payment(uow, payer, payment.id, settings=get_settings()).parts[0].status == "pending"


def test_an_invoice_past_its_time_shows_expired(monkeypatch):
    monkeypatch.setattr(payment_step, "now", lambda: NOW)
    view = LightningInvoiceView(
        id=1,
        part_id=2,
        payment_id=3,
        bolt11="lnbcrt1",
        payment_hash="00" * 32,
        amount_msat=5_200_000,
        amount=10**9,
        asset="TON",
        decimals=9,
        rate="0.0000520",
        status="open",
        expires_at=NOW,
        settled_at=None,
    )
    row = part_lightning.lightning_row(view, "en")
    assert row.expired and not row.open
    assert not part_lightning.lightning_row(replace(view, expires_at=NOW + timedelta(seconds=1)), "en").expired
