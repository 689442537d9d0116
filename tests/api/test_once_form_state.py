"""A double click as the server gets it (state/once_form.py): two submits of one form queued for the
tab before the first has run. Each of the four forms makes one thing; the form shown again (or, for
"Simulate payment", the next click after the page showed the payment) makes a new one. SQLite and
PostgreSQL, through Reflex's event processor."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from builders import INVOICE_SETTINGS, SELL, TON, balances, deposit, make_invoice, make_user
from reflex_tabs import Processor
from sqlalchemy import func, select

from krypton_app import bootstrap, routes
from krypton_app.models.invoices import Invoice, InvoicePayment
from krypton_app.models.market import Ad, Deal
from krypton_app.pages.invoice_detail.state import InvoiceDetailState
from krypton_app.pages.invoices.state import InvoicesState
from krypton_app.pages.market.state import NewAdState
from krypton_app.services.ads import create_ad
from krypton_app.services.rates import StaticRateProvider
from krypton_app.state.auth import AuthState
from krypton_app.state.market import MarketState

RATES = StaticRateProvider(INVOICE_SETTINGS.rates)
AD_FORM = {
    "side": "sell",
    "asset": "TON",
    "price": "250",
    "total_volume": "5",
    "min_amount": "1",
    "max_amount": "5",
    "payment_window_min": "15",
    "terms": "",
}


@pytest.fixture
def signed_in(uow, monkeypatch):
    """`who[0]` is the tab's signed-in user."""
    who = [make_user(uow)]

    async def user_id(self):
        return who[0]

    monkeypatch.setattr(AuthState, "_user_id", user_id)
    with bootstrap.override(uow=uow, rates=RATES, settings=INVOICE_SETTINGS):
        yield who


def _count(uow, column, *where) -> int:
    with uow.read() as s:
        return s.execute(select(func.count(column)).where(*where)).scalar_one()


async def double_click(tab, handler, **payload) -> None:
    """Both events queued before the first runs, as a double click's reach the server."""
    first, second = await tab.start(handler, **payload), await tab.start(handler, **payload)
    await asyncio.gather(first, second)


def test_publish_ad_twice_posts_one_ad(signed_in, uow):
    owner = signed_in[0]
    deposit(uow, owner, 10 * TON)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.MARKET_NEW)
            await tab.send(NewAdState.load)
            await tab.edit(NewAdState, methods=["sbp"])
            await double_click(tab, NewAdState.create, form_data=AD_FORM)
            assert _count(uow, Ad.id, Ad.owner_id == owner) == 1
            assert balances(uow, owner) == (5 * TON, 5 * TON)
            # The form shown again is a new ad.
            await tab.send(NewAdState.load)
            await tab.send(NewAdState.create, form_data=AD_FORM)
            assert _count(uow, Ad.id, Ad.owner_id == owner) == 2

    asyncio.run(scenario())


def test_open_deal_twice_opens_one_deal(signed_in, uow):
    owner, taker = make_user(uow), signed_in[0]
    deposit(uow, owner, 10 * TON)
    ad = create_ad(uow, owner, SELL, rates=RATES, idempotency_key=uuid.uuid4().hex)
    form = {"ad_id": str(ad.id), "amount": "2", "method": "sbp"}

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.MARKET)
            await tab.send(MarketState.load)
            await double_click(tab, MarketState.take, form_data=form)
            assert _count(uow, Deal.id, Deal.taker_id == taker) == 1
            await tab.send(MarketState.load)
            await tab.send(MarketState.take, form_data=form)
            assert _count(uow, Deal.id, Deal.taker_id == taker) == 2

    asyncio.run(scenario())


def test_create_invoice_twice_makes_one_invoice(signed_in, uow):
    merchant = signed_in[0]
    form = {"title": "VPN key", "asset": "TON", "amount": "1"}

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.INVOICES)
            await tab.send(InvoicesState.load)
            await tab.send(InvoicesState.toggle_form)
            await double_click(tab, InvoicesState.create, form_data=form)
            assert _count(uow, Invoice.id, Invoice.merchant_id == merchant) == 1
            await tab.send(InvoicesState.toggle_form)
            await tab.send(InvoicesState.create, form_data=form)
            assert _count(uow, Invoice.id, Invoice.merchant_id == merchant) == 2

    asyncio.run(scenario())


def test_simulate_twice_makes_one_payment(signed_in, uow):
    invoice = make_invoice(uow, signed_in[0], is_test=True)
    invoice_id = select(Invoice.id).where(Invoice.number == invoice.number).scalar_subquery()
    payments = (InvoicePayment.invoice_id == invoice_id,)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.invoice_detail(invoice.number))
            await tab.send(InvoiceDetailState.load)
            await double_click(tab, InvoiceDetailState.simulate)
            assert _count(uow, InvoicePayment.id, *payments) == 1
            # The success chained a new key (after the queued second click): the next click pays again.
            await tab.send(InvoiceDetailState.simulate)
            assert _count(uow, InvoicePayment.id, *payments) == 2
            assert not (await tab.state(InvoiceDetailState)).submitting

    asyncio.run(scenario())
