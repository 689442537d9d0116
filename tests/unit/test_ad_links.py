"""An ad's links (SPEC F11): with helper (a sell ad in the buy wizard, a buy ad on the promise's sell page),
without helper (the ad's page), Telegram links that /tg routes back to the ad, and the widget's snippet."""

from __future__ import annotations

from krypton_app import routes
from krypton_app.pages.ad_detail import ad_links
from krypton_app.pages.telegram import route_for


def test_a_sell_ad_opens_the_buy_wizard_and_a_buy_ad_the_promise_sale():
    sell = ad_links("https://k.example/", "krypton_bot", 12, "sell")
    buy = ad_links("https://k.example", "krypton_bot", 13, "buy")
    assert sell.helper == "https://k.example/buy?ad=12"
    assert buy.helper == "https://k.example/promises/sell?ad=13"
    assert sell.direct == "https://k.example/market/ads/12"
    assert buy.direct == "https://k.example/market/ads/13"


def test_telegram_links_come_back_to_the_ads_page():
    links = ad_links("https://k.example", "krypton_bot", 12, "sell")
    assert links.telegram == "https://t.me/krypton_bot?start=ad_12"
    assert links.telegram_app == "https://t.me/krypton_bot?startapp=ad_12"
    start = links.telegram.rsplit("=", 1)[1]
    assert route_for(start) == routes.market_ad(12)
    # Without a bot there is no Telegram link to show.
    none = ad_links("https://k.example", None, 12, "sell")
    assert (none.telegram, none.telegram_app) == ("", "")


def test_the_snippet_frames_the_ads_widget_and_hears_only_its_messages():
    embed = ad_links("https://k.example", None, 12, "buy").embed
    assert '<iframe src="https://k.example/widget/ad/12"' in embed
    assert "e.origin !== 'https://k.example'" in embed
    assert "'krypton:ad'" in embed
