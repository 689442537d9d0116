"""Marketplace browse: filters, sorting (price, then reputation), paging, on SQLite and PostgreSQL."""

import uuid
from dataclasses import replace

import pytest
from builders import deposit, make_users

from krypton_app.domain.ads import AdInvalid
from krypton_app.domain.errors import InvalidAmount
from krypton_app.models import Deal
from krypton_app.services.ads import AdDraft, close_ad, create_ad, pause_ad, take_ad_volume
from krypton_app.services.market import browse
from krypton_app.services.rates import StaticRateProvider
from krypton_app.settings import Settings

TON = 10**9
RATES = StaticRateProvider(Settings().rates)
BASE = AdDraft(
    side="sell",
    asset="TON",
    fiat="RUB",
    country="RU",
    methods=("sbp",),
    price_kind="fixed",
    price="420",
    margin_percent=None,
    min_amount="1",
    max_amount="5",
    total_volume="10",
)


def post(uow, owner, **change):
    return create_ad(uow, owner, replace(BASE, **change), rates=RATES, idempotency_key=uuid.uuid4().hex)


def released_deals(uow, seller, buyer, count):
    """Finished trades written straight into the table: reputation reads only what P2 records."""
    with uow.transaction() as s:
        ad = post(uow, buyer, side="buy")
        s.add_all(
            Deal(
                ad_id=ad.id,
                seller_id=seller,
                buyer_id=buyer,
                taker_id=seller,
                asset="TON",
                amount=TON,
                fiat="RUB",
                fiat_amount=42000,
                price=42000,
                method="sbp",
                status="released",
                idempotency_key=uuid.uuid4().hex,
            )
            for _ in range(count)
        )


def ids(page):
    return [item.ad.id for item in page.items]


@pytest.fixture
def traders(uow):
    users = make_users(uow, 4)
    for user in users:
        deposit(uow, user, 100 * TON)
        deposit(uow, user, 100 * 10**6, "USDT")
    return users


def test_sell_ads_cheapest_first_then_reputation(uow, traders):
    a, b, c, taker = traders
    pricey = post(uow, a, price="430")
    cheap_new = post(uow, b, price="410")
    cheap_trusted = post(uow, c, price="410")
    released_deals(uow, c, taker, 3)
    page = browse(uow, side="sell", asset="TON", fiat="RUB")
    assert ids(page) == [cheap_trusted.id, cheap_new.id, pricey.id]
    assert page.items[0].trader.completed_deals == 3 and page.items[0].trader.user_id == c
    assert (page.total, page.pages) == (3, 1)


def test_buy_ads_highest_first_and_floating_at_the_current_rate(uow, traders):
    a, b, c, _ = traders
    low = post(uow, a, side="buy", price="400")
    floating = post(uow, b, side="buy", price_kind="floating", price=None, margin_percent="1")
    high = post(uow, c, side="buy", price="425")
    page = browse(uow, side="buy", asset="TON", fiat="RUB")
    assert ids(page) == [high.id, floating.id, low.id]  # 424.20 stored at creation
    rates = StaticRateProvider({"TON/RUB": "430"})
    page = browse(uow, side="buy", asset="TON", fiat="RUB", rates=rates)
    assert ids(page) == [floating.id, high.id, low.id]
    assert page.items[0].ad.price == 43430  # 430 x 1.01


def test_a_currency_without_a_reference_rate_lists_its_ads_at_their_stored_prices(uow, traders):
    """A market whose rate is not configured (or whose source is down) still lists: the buy wizard, a
    promise sale and a fiat part all browse it with the rates at hand."""
    a, b, _, _ = traders
    high = post(uow, a, side="buy", price="425")
    floating = post(uow, b, side="buy", price_kind="floating", price=None, margin_percent="1")  # 424.20
    page = browse(uow, side="buy", asset="TON", fiat="RUB", rates=StaticRateProvider({"TON/KZT": "2600"}))
    assert ids(page) == [high.id, floating.id]
    assert page.items[1].ad.price == 42420


def test_filters(uow, traders):
    a, b, c, _ = traders
    sbp = post(uow, a)
    card_kz = post(uow, b, fiat="KZT", country="KZ", methods=("kaspi", "card"))
    big = post(uow, c, min_amount="6", max_amount="20", total_volume="20")
    usdt = post(uow, c, asset="USDT", min_amount="10", max_amount="50", total_volume="50")
    paused = post(uow, a)
    pause_ad(uow, a, paused.id)
    closed = post(uow, b)
    close_ad(uow, b, closed.id)
    post(uow, c, side="buy")

    def find(**kw):
        return set(ids(browse(uow, **{"side": "sell", "asset": "TON", "fiat": "RUB", **kw})))

    assert find() == {sbp.id, big.id}
    assert find(amount="3") == {sbp.id}
    assert find(amount="7.5") == {big.id}
    assert find(amount="30") == set()
    assert find(method="sbp") == {sbp.id, big.id}
    assert find(method="card") == set()
    assert find(country="KZ") == set()
    assert find(fiat="KZT", method="card") == {card_kz.id}
    assert find(fiat="KZT", method="car%") == set()  # no LIKE wildcards from the input
    assert set(ids(browse(uow, side="sell", asset="USDT", fiat="RUB", amount="10"))) == {usdt.id}
    with pytest.raises(InvalidAmount):
        browse(uow, side="sell", asset="TON", fiat="RUB", amount="1.0000000001")
    with pytest.raises(AdInvalid):
        browse(uow, side="both", asset="TON", fiat="RUB")


def test_remaining_volume_must_cover_the_amount(uow, traders):
    a, taker = traders[0], traders[3]
    ad = post(uow, a, total_volume="6", min_amount="1.5")
    with uow.transaction() as s:
        take_ad_volume(s, ad.id, 4 * TON, taker)
    assert ids(browse(uow, side="sell", asset="TON", fiat="RUB", amount="2")) == [ad.id]
    assert ids(browse(uow, side="sell", asset="TON", fiat="RUB", amount="3")) == []
    with uow.transaction() as s:
        take_ad_volume(s, ad.id, 3 * TON // 2, taker)
    assert ids(browse(uow, side="sell", asset="TON", fiat="RUB")) == []  # less than its minimum left


def test_paging(uow, traders):
    a = traders[0]
    posted = [post(uow, a, price=str(400 + i), total_volume="5") for i in range(5)]
    first = browse(uow, side="sell", asset="TON", fiat="RUB", page=1, page_size=2)
    third = browse(uow, side="sell", asset="TON", fiat="RUB", page=3, page_size=2)
    assert (first.total, first.pages) == (5, 3)
    assert ids(first) == [posted[0].id, posted[1].id] and ids(third) == [posted[4].id]
