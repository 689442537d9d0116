"""The pay wizard's "fiat through a trader" panel (pages/pay/part_fiat.py) as a browser tab drives it:
country -> currency -> method lists the trader's ad with the fiat total of the part, "Open deal" opens a
deal for the part and the part shows it in progress; an expired deal says so and the panel opens again.
Whatever the browser sends, only this payment's parts and the listed ads are acted on (SQLite and
PostgreSQL)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from builders import BUY, INVOICE_SETTINGS, NOW, RATES, part_deal_case
from reflex_tabs import Processor
from sqlalchemy import select

import krypton_app.krypton_app
from krypton_app import bootstrap
from krypton_app.models import Deal
from krypton_app.pages.pay import payment_step
from krypton_app.pages.pay.state import PayState
from krypton_app.services import deal_timers, deals
from krypton_app.services.ads import create_ad
from krypton_app.state.auth import AuthState


@pytest.fixture
def case(uow, monkeypatch):
    monkeypatch.setattr(payment_step, "now", lambda: NOW)
    with bootstrap.override(uow=uow, rates=RATES):
        yield part_deal_case(uow)


def sign_in(monkeypatch, user_id: int) -> None:
    async def signed_in(self):
        return user_id

    monkeypatch.setattr(AuthState, "_user_id", signed_in)


def deals_of(uow) -> list[Deal]:
    with uow.read() as s:
        return list(s.exec(select(Deal).order_by(Deal.id)).scalars())


async def _opened_panel(p, case, position=2):
    tab = p.tab(f"/pay/{case.invoice.number}")
    await tab.send(PayState.load)
    page = await tab.state(PayState)
    part_id = page.payment_parts[position - 1].id
    await tab.send(PayState.open_fiat, part_id=part_id)
    await tab.send(PayState.choose_fiat_country, code="RU")
    return tab, part_id


def test_the_panel_lists_the_ad_and_opens_a_deal_for_the_part(case, uow, monkeypatch):
    sign_in(monkeypatch, case.payer)

    async def scenario():
        async with Processor() as p:
            tab, part_id = await _opened_panel(p, case)
            page = await tab.state(PayState)
            listed = (page.fiat_currency, page.fiat_method, [(o.ad_id, o.total, o.trades) for o in page.fiat_offers])
            await tab.send(PayState.choose_fiat_method, code="card")
            card_offers = [o.ad_id for o in (await tab.state(PayState)).fiat_offers]
            await tab.send(PayState.open_fiat_deal, ad_id=case.ad_id)
            await tab.send(PayState.open_fiat_deal, ad_id=case.ad_id)  # a second press: no second deal
            page = await tab.state(PayState)
            row = page.payment_parts[1]
            return listed, card_offers, (row.deal_live, row.deal_key, row.deal_id), page.fiat_part

    listed, card_offers, row, panel = asyncio.run(scenario())
    assert listed == ("RUB", "sbp", [(case.ad_id, "800.00 RUB", 0)])
    assert card_offers == [case.ad_id]
    [deal] = deals_of(uow)
    assert (deal.buyer_id, deal.method, deal.part_id) == (case.payer, "card", case.payment.parts[1].id)
    assert row == (True, "payfiat.part.escrow_locked", deal.id)
    assert panel == 0


def test_an_expired_deal_is_shown_and_the_panel_opens_again(case, uow, monkeypatch):
    sign_in(monkeypatch, case.payer)

    async def scenario():
        async with Processor() as p:
            tab, part_id = await _opened_panel(p, case)
            await tab.send(PayState.open_fiat_deal, ad_id=case.ad_id)
            deal_timers.run_timers(uow, now=NOW.replace(hour=13))
            await tab.send(PayState.load)
            row = (await tab.state(PayState)).payment_parts[1]
            await tab.send(PayState.open_fiat, part_id=part_id)
            return (row.deal_live, row.deal_key, row.pending), (await tab.state(PayState)).fiat_part

    row, panel = asyncio.run(scenario())
    assert row == (False, "payfiat.part.expired", True)
    assert panel != 0


def test_the_browser_cannot_aim_the_panel_elsewhere(case, uow, monkeypatch):
    """Another payment's part, an unknown country or method, an ad the panel did not list, or text
    where a number goes: nothing is opened (the trader of the other payment's case lists a fitting ad
    too, so the panel lists two)."""
    other = part_deal_case(uow)
    # A BUY ad: never listed for a part (it would not sell the payer crypto).
    stranger_ad = create_ad(uow, other.trader, BUY, rates=RATES, idempotency_key="buy").id
    sign_in(monkeypatch, case.payer)

    async def scenario():
        async with Processor() as p:
            tab, _ = await _opened_panel(p, case)
            await tab.send(PayState.choose_fiat_country, code="XX")
            await tab.send(PayState.choose_fiat_method, code="nonsense")
            await tab.send(PayState.open_fiat_deal, ad_id=stranger_ad)
            await tab.send(PayState.open_fiat_deal, ad_id="one")
            page = await tab.state(PayState)
            kept = (page.fiat_country, page.fiat_method)
            await tab.send(PayState.open_fiat, part_id=other.payment.parts[0].id)
            return kept, (await tab.state(PayState)).fiat_part

    kept, panel = asyncio.run(scenario())
    assert kept == ("RU", "sbp")
    assert panel == case.payment.parts[1].id  # another payment's part did not take the panel
    assert deals_of(uow) == []


def test_a_signed_out_tab_opens_nothing(case, uow, monkeypatch):
    sign_in(monkeypatch, None)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(f"/pay/{case.invoice.number}")
            await tab.send(PayState.open_fiat, part_id=case.payment.parts[0].id)
            await tab.send(PayState.open_fiat_deal, ad_id=case.ad_id)
            return (await tab.state(PayState)).fiat_part

    assert asyncio.run(scenario()) == 0
    assert deals_of(uow) == []


class _Connected:
    """Every tab's websocket open once `now` is set (before it the page's other watchers end at once)."""

    now = False

    def __contains__(self, token: str) -> bool:
        return self.now


def test_the_part_turns_funded_on_the_open_page_when_the_trader_releases(case, uow, monkeypatch):
    sign_in(monkeypatch, case.payer)
    connected = _Connected()
    monkeypatch.setattr(krypton_app.krypton_app.app, "_event_namespace", SimpleNamespace(token_to_sid=connected))
    monkeypatch.setattr("krypton_app.state.watchers.CHECK_IN_S", 0.01)  # notices a closed tab soon

    async def shown(tab, condition) -> bool:
        for _ in range(500):
            if condition(await tab.state(PayState)):
                return True
            await asyncio.sleep(0.02)
        return False

    async def scenario():
        async with Processor() as p:
            tab, part_id = await _opened_panel(p, case)
            connected.now = True
            # Not awaited to the end: opening the deal chains the watcher, which runs while it is live.
            await tab.start(PayState.open_fiat_deal, ad_id=case.ad_id)
            watching = await shown(tab, lambda page: page.payment_parts[1].deal_live and page._watcher)
            [deal] = deals_of(uow)
            await asyncio.to_thread(deals.mark_fiat_sent, uow, case.payer, deal.id, now=NOW)
            await asyncio.to_thread(
                deals.release, uow, case.trader, deal.id, now=NOW, settings=INVOICE_SETTINGS, rates=RATES
            )
            # The deal ended: the watcher showed the funded part and let go of the tab.
            assert await shown(tab, lambda page: page._watcher == "")
            return watching, (await tab.state(PayState)).payment_parts[1]

    watching, row = asyncio.run(scenario())
    assert watching
    assert (row.status_key, row.deal_live) == ("part.status.funded", False)
