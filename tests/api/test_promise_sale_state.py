"""/promises/sell as a browser tab drives it (Reflex's event processor, the test database): `?ad=` picks
that BUY ad's market once the code is in and lists the ad; only listed ads are sold to; a wrong code
and a promise already in a deal are refused; a Bitcoin cash out shows its quote, and a double confirm
queues one payout; a Lightning one leaves the promise's rest on the balance."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from builders import BUY, RATES, TON, balances, lightning_invoice, make_promise, make_user, promise_backing
from reflex_tabs import Processor
from sqlalchemy import func, select

from krypton_app import bootstrap, routes
from krypton_app.models import Deal, Payout
from krypton_app.models.promises import Promise
from krypton_app.pages.promises.sell_state import SellPromiseState
from krypton_app.services.ads import create_ad
from krypton_app.state.auth import AuthState

S = SellPromiseState
TAPROOT = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"


@pytest.fixture
def who(uow, monkeypatch):
    """`who[0]` is the tab's signed-in user, the promise's holder."""
    signed = [make_user(uow)]

    async def signed_in(self):
        return signed[0]

    monkeypatch.setattr(AuthState, "_user_id", signed_in)
    with bootstrap.override(uow=uow):
        yield signed


def _status(uow, promise_id: int) -> str:
    with uow.read() as s:
        return s.get(Promise, promise_id).status


def test_a_linked_buy_ad_is_listed_and_only_listed_ads_are_sold_to(uow, who):
    holder, issuer, trader = who[0], make_user(uow, balance=5 * TON), make_user(uow)
    ad_id = create_ad(uow, trader, BUY, rates=RATES, idempotency_key=uuid.uuid4().hex).id
    made = make_promise(uow, issuer, 2 * TON)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.PROMISE_SELL, {"to": "fiat", "ad": str(ad_id)})
            await tab.send(S.load)
            await tab.send(S.check_code, form_data={"code": "A" * 32})
            state = await tab.state(S)
            assert state.amount == "" and state.errors["code"]["en"].startswith("No promise has this code")
            await tab.send(S.check_code, form_data={"code": f"https://krypton.example/p/{made.code}"})
            state = await tab.state(S)
            assert (state.amount, state.status, state.usable) == ("2 TON", "active", True)
            assert state.redeem_href == routes.promise_link(made.code)
            assert (state.fiat_country, state.fiat_currency, state.fiat_method) == ("RU", "RUB", "sbp")
            assert [(o.ad_id, o.linked, o.total) for o in state.offers] == [(ad_id, True, "800.00 RUB")]
            await tab.send(S.choose_way, way="nowhere")  # not a way: ignored
            await tab.send(S.choose_fiat_country, code="XX")  # not a catalog country: ignored
            assert (await tab.state(S)).fiat_country == "RU"
            await tab.send(S.sell, ad_id=ad_id + 1000)  # not listed: nothing opens
            await tab.send(S.sell, ad_id=None)  # not an ad id: nothing opens
            with uow.read() as s:
                assert s.execute(select(func.count()).select_from(Deal)).scalar_one() == 0
            events = await tab.send(S.sell, ad_id=ad_id)
            await tab.send(S.sell, ad_id=ad_id)  # a double click: the same deal
            return events

    asyncio.run(scenario())
    with uow.read() as s:
        (deal,) = s.execute(select(Deal)).scalars().all()
    assert (deal.seller_id, deal.buyer_id, deal.promise_id) == (holder, trader, made.promise.id)
    assert _status(uow, made.promise.id) == "in_deal"


def test_a_promise_in_a_deal_is_shown_but_not_offered(uow, who):
    issuer, trader = make_user(uow, balance=5 * TON), make_user(uow)
    ad_id = create_ad(uow, trader, BUY, rates=RATES, idempotency_key=uuid.uuid4().hex).id
    made = make_promise(uow, issuer, 2 * TON)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.PROMISE_SELL, {"ad": str(ad_id)})
            await tab.send(S.load)
            await tab.send(S.check_code, form_data={"code": made.code})
            await tab.send(S.sell, ad_id=ad_id)
            other = p.tab(routes.PROMISE_SELL)
            await other.send(S.load)
            await other.send(S.check_code, form_data={"code": made.code})
            return await other.state(S)

    state = asyncio.run(scenario())
    assert (state.status, state.usable, state.offers) == ("in_deal", False, [])


def test_a_bitcoin_cash_out_shows_the_rate_and_queues_one_payout(uow, who):
    holder, issuer = who[0], make_user(uow, balance=5 * TON)
    made = make_promise(uow, issuer, 2 * TON)

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.PROMISE_SELL, {"to": "bitcoin"})
            await tab.send(S.load)
            assert (await tab.state(S)).way == "bitcoin"
            await tab.send(S.check_code, form_data={"code": made.code})
            await tab.send(S.show_quote, form_data={"destination": "not an address"})
            assert "cash" in (await tab.state(S)).errors
            await tab.send(S.show_quote, form_data={"destination": TAPROOT})
            quote = (await tab.state(S)).quote
            assert (quote.send, quote.fee, quote.rest) == ("1.9 TON", "0.1 TON", "")
            assert quote.rate == "1 TON = 0.0000520 BTC" and quote.arrives == "0.0000988 BTC (9,880 sat)"
            await tab.send(S.confirm_cash_out)
            await tab.send(S.confirm_cash_out)  # a double click: the same payout
            return await tab.state(S)

    state = asyncio.run(scenario())
    assert state.payout_id and state.payout_status == "queued" and state.status == "redeemed"
    with uow.read() as s:
        assert s.execute(select(func.count()).select_from(Payout)).scalar_one() == 1
    assert balances(uow, holder) == (0, 2 * TON) and promise_backing(uow) == 0


def test_a_lightning_cash_out_pays_the_invoice_and_leaves_the_rest_on_the_balance(uow, who):
    holder, issuer = who[0], make_user(uow, balance=5 * TON)
    made = make_promise(uow, issuer, 2 * TON)
    invoice = lightning_invoice(msat=5_200_000, currency="bc", date=int(time.time()))  # 1 TON at the rate

    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.PROMISE_SELL, {"to": "lightning"})
            await tab.send(S.load)
            await tab.send(S.check_code, form_data={"code": made.code})
            await tab.send(S.show_quote, form_data={"destination": invoice})
            quote = (await tab.state(S)).quote
            assert (quote.send, quote.fee, quote.rest) == ("1 TON", "0.1 TON", "0.9 TON")
            assert quote.arrives == "0.000052 BTC (5,200 sat)"
            await tab.send(S.confirm_cash_out)
            return await tab.state(S)

    state = asyncio.run(scenario())
    assert state.payout_id and state.status == "redeemed"
    assert balances(uow, holder) == (9 * TON // 10, 11 * TON // 10) and promise_backing(uow) == 0
