"""The wizard's Lightning panel as a browser tab drives it (pages/pay/part_lightning.py), against the
test database and the fake node: the invoice reaches the page, the demo wallet's payment funds the part
(and completes the payment), and a handler called with another payment's part does nothing."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import bolt11
import pytest
from builders import NOW, lightning_node, make_invoice, make_user
from reflex_tabs import Processor

import krypton_app.krypton_app
from krypton_app import bootstrap
from krypton_app.pages.pay import part_lightning, payment_step
from krypton_app.pages.pay.state import PayState
from krypton_app.services import payments
from krypton_app.services.lightning_parts import LightningInvoiceView, settle_lightning_invoices
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
    row = part_lightning.lightning_row(view, "", "en")
    assert row.expired and not row.open
    assert not part_lightning.lightning_row(replace(view, expires_at=NOW + timedelta(seconds=1)), "", "en").expired


async def wait_for_state(tab, condition, timeout_s: float = 10.0) -> bool:
    for _ in range(int(timeout_s / 0.02)):
        if condition(await tab.state(PayState)):
            return True
        await asyncio.sleep(0.02)
    return False


class _Connected:
    """The app's websocket namespace as the watchers see it: every tab connected once `now` is set
    (before that the page's other watchers, the bell's, end at once and `load` returns)."""

    now = False

    def __contains__(self, token: str) -> bool:
        return self.now


def test_the_watcher_turns_the_part_funded_when_the_worker_settles_it(uow, app_on, node, monkeypatch):
    payer, invoice, payment = unfinished(uow, ("1",))
    sign_in(monkeypatch, payer)
    connected = _Connected()
    monkeypatch.setattr(krypton_app.krypton_app.app, "_event_namespace", SimpleNamespace(token_to_sid=connected))
    monkeypatch.setattr("krypton_app.state.watchers.CHECK_IN_S", 0.01)  # notices a closed tab soon
    part = payment.parts[0].id

    async def scenario():
        async with Processor() as p:
            tab = p.tab(f"/pay/{invoice.number}")
            await tab.send(PayState.load)
            connected.now = True
            # Not awaited to the end: the button chains the watcher, which runs until the part is paid.
            await tab.start(PayState.start_lightning, part_id=part)
            watching = await wait_for_state(tab, lambda page: str(part) in page.lightning_invoices and page._watcher)
            shown = (await tab.state(PayState)).lightning_invoices[str(part)]
            # The payer's own wallet pays; the settle worker sees it (its one round, called here).
            node.demo_pay(shown.bolt11)
            await asyncio.to_thread(
                settle_lightning_invoices, uow, node, settings=app_on.settings, rates=RATES, now=NOW
            )
            assert await wait_for_state(tab, lambda page: page._watcher == "")
            return watching, await tab.state(PayState)

    watching, page = asyncio.run(scenario())
    assert watching  # the button started the watcher
    # Only the watcher refreshes the page here: the completed payment is its doing.
    assert page.payment.status == "completed" and page.lightning_invoices == {}
    # nothing open any more: the watcher ended and let go of the tab
