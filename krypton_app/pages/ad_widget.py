"""/widget/ad/[ad_id]: an ad's card a site puts in an iframe (SPEC F11).

No login and no app shell, like the invoice widget (pages/widget.py). On load the ad goes to the parent
page as `{type: "krypton:ad", ad, side, asset, fiat, price, min, max, methods}` with postMessage; the
button opens the deal outside the frame, in a new tab: a sell ad in the buy wizard on it, a buy ad on its
own page. Who may frame it is decided by the Content-Security-Policy of krypton_app/api/widget.py (the
ad owner's allowed sites).
"""

from __future__ import annotations

import json

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import Page
from krypton_app.components.market import stat
from krypton_app.components.ui import card
from krypton_app.domain.ads import CLOSED
from krypton_app.domain.errors import NotFound
from krypton_app.domain.money import format_amount
from krypton_app.models.common import utcnow
from krypton_app.services.ad_views import get_ad
from krypton_app.services.market import AdListing
from krypton_app.services.reputation import trader_card
from krypton_app.state.i18n import I18n
from krypton_app.state.market import AdRow, ad_row
from krypton_app.state.offload import off_loop


def _read(ad_id: int) -> AdListing | None:
    """The ad at the current rate with its trader's card; None when there is none or it is closed."""
    deps = app_deps()
    try:
        view = get_ad(deps.uow, ad_id, rates=deps.rates)
        listing = AdListing(ad=view, trader=trader_card(deps.uow, view.owner_id, now=utcnow()))
    except NotFound:
        return None
    return None if view.status == CLOSED else listing


def ad_message(listing: AdListing) -> dict:
    """What the framing site hears: public values of the ad only (amounts as decimal text)."""
    ad = listing.ad
    return {
        "type": "krypton:ad",
        "ad": ad.id,
        "side": ad.side,
        "asset": ad.asset,
        "fiat": ad.fiat,
        "price": format_amount(ad.price, ad.fiat_decimals),
        "min": format_amount(ad.min_amount, ad.decimals),
        "max": format_amount(ad.max_amount, ad.decimals),
        "methods": list(ad.methods),
        "open": ad.open_for_deals,
    }


class AdWidgetState(rx.State):
    ad: AdRow = AdRow()
    missing: bool = False
    deal_url: str = ""

    @rx.event
    async def load(self):
        segment = routes.last_segment(self.router.url.path)
        # ASCII digits that fit a database integer: anything else names no ad.
        ad_id = int(segment) if segment.isascii() and segment.isdigit() and len(segment) <= 18 else 0
        listing = await off_loop(_read, ad_id) if ad_id else None
        if listing is None:
            self.ad, self.missing, self.deal_url = AdRow(), True, ""
            return None
        self.ad = ad_row(listing, (await self.get_state(I18n)).lang)
        self.missing = False
        # A sell ad's deal starts in the buy wizard (country, amount, destination); a buy ad's on its page.
        base = app_deps().settings.app_url.rstrip("/")
        target = routes.ad_helper(ad_id, "sell") if listing.ad.side == "sell" else routes.market_ad(ad_id)
        self.deal_url = f"{base}{target}"
        # Nothing private in it, hence target "*" (as the invoice widget's message).
        message = json.dumps(ad_message(listing))
        return rx.call_script(f"window.parent && window.parent.postMessage({message}, '*')")


def _card() -> rx.Component:
    ad = AdWidgetState.ad
    return card(
        rx.vstack(
            rx.hstack(
                rx.badge(
                    rx.cond(ad.side == "sell", I18n.t["ad.offer.sell"], I18n.t["ad.offer.buy"]),
                    " ",
                    ad.asset,
                    color_scheme=rx.cond(ad.side == "sell", "green", "blue"),
                    variant="soft",
                    radius="full",
                    data_testid="adwidget-side",
                ),
                rx.spacer(),
                rx.code("#" + ad.id.to_string(), size="1", variant="soft"),
                width="100%",
                align="center",
            ),
            rx.text(ad.price, size="7", weight="bold", data_testid="adwidget-price"),
            rx.grid(
                stat("market.limits", ad.limits, data_testid="adwidget-limits"),
                stat("market.methods", ad.methods, data_testid="adwidget-methods"),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.icon("user-round", size=15, flex_shrink="0"),
                rx.text(ad.owner, size="2", weight="medium", truncate=True),
                rx.spacer(),
                rx.badge(ad.completed_text, variant="soft", color_scheme="gray"),
                rx.badge(rx.icon("thumbs-up", size=12), ad.positive, color_scheme="green", variant="soft"),
                rx.badge(rx.icon("thumbs-down", size=12), ad.negative, color_scheme="red", variant="soft"),
                spacing="2",
                align="center",
                width="100%",
                data_testid="adwidget-trader",
            ),
            rx.cond(
                ad.open_for_deals,
                rx.link(
                    rx.button(
                        rx.cond(ad.side == "sell", I18n.t["adwidget.buy"], I18n.t["adwidget.sell"]),
                        " ",
                        ad.asset,
                        rx.icon("external-link", size=15),
                        size="3",
                        width="100%",
                    ),
                    href=AdWidgetState.deal_url,
                    is_external=True,
                    width="100%",
                    data_testid="adwidget-go",
                ),
                rx.callout(I18n.t["ad.paused_note"], icon="info", size="1", data_testid="adwidget-paused"),
            ),
            rx.text(I18n.t["widget.powered"], size="1", color_scheme="gray", align="center", width="100%"),
            spacing="3",
            width="100%",
        ),
        padding="16px",
    )


def ad_widget_page() -> rx.Component:
    return rx.box(
        rx.cond(
            AdWidgetState.missing,
            card(rx.text(I18n.t["ad.not_found"], data_testid="adwidget-missing"), padding="16px"),
            rx.cond(AdWidgetState.ad.id > 0, _card(), rx.center(rx.spinner(), padding="24px")),
        ),
        padding="8px",
        max_width="420px",
        margin_x="auto",
        data_testid="adwidget",
    )


ad_widget = Page(component=ad_widget_page, route=routes.WIDGET_AD, title="Krypton", on_load=[AdWidgetState.load])
