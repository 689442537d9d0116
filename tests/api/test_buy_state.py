"""The buy wizard (pages/buy/state.py) and the deal page's destination card as a browser tab drives them:
a link from an ad fills the wizard and lists that ad first; a visitor sees the ads but "Buy" asks for a
login; "Buy" acts only on a listed ad and a double click opens one deal; after the release the buyer's
deal page shows the bought promise's code once, and the seller's never (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from builders import NOW, SELL, SETTINGS, TON, deposit, make_user, sell_ad
from reflex_tabs import Processor
from sqlalchemy import select

from krypton_app import bootstrap
from krypton_app.models import Deal
from krypton_app.pages.buy.state import BuyState
from krypton_app.pages.deals.state import DealState
from krypton_app.services import deals
from krypton_app.services.ads import create_ad
from krypton_app.services.rates import StaticRateProvider
from krypton_app.state.auth import AuthState

RATES = StaticRateProvider({"TON/RUB": "420", "TON/BTC": "0.0000520"})


@pytest.fixture
def market(uow):
    with bootstrap.override(uow=uow, rates=RATES, settings=SETTINGS):
        owner, buyer, ad_id = sell_ad(uow)
        # A cheaper ad by another trader: the market's order puts it first, a link from `ad_id` does not.
        other = make_user(uow)
        deposit(uow, other, 10 * TON)
        cheaper = create_ad(uow, other, replace(SELL, price="390"), rates=RATES, idempotency_key="cheap").id
        yield owner, buyer, ad_id, cheaper


def sign_in(monkeypatch, user_id: int | None) -> None:
    async def signed_in(self):
        return user_id

    monkeypatch.setattr(AuthState, "_user_id", signed_in)


def _deals(uow) -> list[Deal]:
    with uow.read() as s:
        return list(s.exec(select(Deal).order_by(Deal.id)).scalars())


def test_a_link_from_an_ad_fills_the_wizard_and_lists_the_ad_first(market, monkeypatch):
    owner, buyer, ad_id, cheaper = market
    sign_in(monkeypatch, buyer)

    async def scenario():
        async with Processor() as p:
            tab = p.tab("/buy", {"ad": str(ad_id), "to": "promise", "amount": "2"})
            await tab.send(BuyState.load)
            return await tab.state(BuyState)

    page = asyncio.run(scenario())
    assert (page.asset, page.fiat_country, page.fiat_currency, page.fiat_method, page.to) == (
        "TON",
        "RU",
        "RUB",
        "sbp",
        "promise",
    )
    assert [(o.ad_id, o.linked, o.total) for o in page.offers] == [
        (ad_id, True, "800.00 RUB"),
        (cheaper, False, "780.00 RUB"),
    ]
    assert page.summary["en"][0] == "You buy 2 TON"
    assert page.converted["en"] == "≈ 840.00 RUB at the reference rate 420 RUB/TON"
    assert page.converted["ru"] == "≈ 840,00 RUB по справочному курсу 420 RUB/TON"


def test_a_visitor_sees_the_ads_and_buy_asks_for_a_login(market, uow, monkeypatch):
    owner, buyer, ad_id, cheaper = market
    sign_in(monkeypatch, None)

    async def scenario():
        async with Processor() as p:
            tab = p.tab("/buy", {"country": "RU", "fiat": "RUB", "method": "sbp", "amount": "2"})
            await tab.send(BuyState.load)
            await tab.send(BuyState.open_deal, ad_id=cheaper)
            return await tab.state(BuyState), await tab.state(AuthState)

    page, auth = asyncio.run(scenario())
    assert [o.ad_id for o in page.offers] == [cheaper, ad_id]
    assert auth.notice_key == "auth.login_required"
    assert _deals(uow) == []


def test_buy_acts_on_a_listed_ad_once_and_the_deal_page_shows_the_code_once(market, uow, monkeypatch):
    owner, buyer, ad_id, cheaper = market
    stranger_ad = sell_ad(uow)[2]

    async def scenario():
        async with Processor() as p:
            sign_in(monkeypatch, buyer)
            tab = p.tab("/buy", {"to": "promise", "country": "RU", "fiat": "RUB", "method": "sbp"})
            await tab.send(BuyState.load)
            await tab.send(BuyState.type_amount, text="1,5")
            await tab.send(BuyState.find)
            await tab.send(BuyState.open_deal, ad_id=999_999)  # never listed: nothing happens
            await tab.send(BuyState.open_deal, ad_id=cheaper)
            await tab.send(BuyState.open_deal, ad_id=cheaper)  # a double click: the same deal
            listed = [o.ad_id for o in (await tab.state(BuyState)).offers]
            (deal,) = _deals(uow)
            deals.mark_fiat_sent(uow, buyer, deal.id, now=NOW)
            deals.release(uow, deal.seller_id, deal.id, now=NOW, settings=SETTINGS, rates=RATES)

            deal_tab = p.tab(f"/deals/{deal.id}")
            await deal_tab.send(DealState.load)
            first = await deal_tab.state(DealState)
            shown = (first.buy_kind, first.buy_outcome, first.buy_promise_status, first.buy_code_worth)
            code = first.buy_code
            again = p.tab(f"/deals/{deal.id}")
            await again.send(DealState.load)
            second_code = (await again.state(DealState)).buy_code

            # The session is patched for the whole process: the seller's tab comes last (the buyer's
            # watchers then read as the seller, who has no code to take).
            sign_in(monkeypatch, deal.seller_id)
            seller_tab = p.tab(f"/deals/{deal.id}")
            await seller_tab.send(DealState.load)
            seller = await seller_tab.state(DealState)
            seller_view = (seller.buy_kind, seller.buy_code)
            return listed, deal, seller_view, shown, code, second_code

    listed, deal, seller_view, shown, code, second_code = asyncio.run(scenario())
    assert stranger_ad in listed
    assert (deal.ad_id, deal.amount, deal.purpose) == (cheaper, 3 * TON // 2, "buy")
    assert seller_view == ("promise", "")
    assert shown == ("promise", "delivered", "active", "1.5 TON")
    assert len(code) == 32
    assert second_code == ""
