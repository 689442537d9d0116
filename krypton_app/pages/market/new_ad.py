"""/market/new: post an ad (the form /market/ads/[ad_id]/edit shares), above the owner's own ads."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.market import ad_form
from krypton_app.components.ui import card, card_title, page_heading
from krypton_app.pages.market.my_ads import my_ads
from krypton_app.pages.market.state import NewAdState
from krypton_app.state.i18n import I18n


@template(route=routes.MARKET_NEW, title="New ad", on_load=[NewAdState.load])
def market_new() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["market.new_ad"]),
        card(
            card_title("megaphone", I18n.t["market.new_ad"]),
            ad_form(
                NewAdState,
                editing=False,
                submit_label=I18n.t["ad.publish"],
                on_submit=NewAdState.create,
                submit_test_id="ad-publish",
                busy=NewAdState.submitting,
            ),
        ),
        my_ads(),
        spacing="4",
        width="100%",
    )
