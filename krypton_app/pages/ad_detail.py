"""/market/ads/[ad_id]: one ad in full with its trader's card, "Open deal" (MarketState.take), and the ad's
links to share (SPEC F11): with helper, without helper (this page), Telegram, and the iframe widget.

Public like /market; opening a deal asks for a login. A closed or unknown ad is "no longer available";
a paused one is shown without the deal form; the owner sees an Edit button instead of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.market import ad_not_found, country_label, open_deal_form, stat
from krypton_app.components.skeleton import page_skeleton
from krypton_app.components.ui import (
    INSET_STYLE,
    WRAP_ANYWHERE,
    card,
    card_title,
    code_snippet,
    copy_value,
    page_heading,
    status_chip,
)
from krypton_app.domain.ads import CLOSED, PAUSED
from krypton_app.domain.errors import NotFound
from krypton_app.i18n.formatting import format_date
from krypton_app.models.common import utcnow
from krypton_app.services.ad_views import ad_frame_origins, get_ad
from krypton_app.services.market import AdListing
from krypton_app.services.reputation import trader_card
from krypton_app.services.reviews import list_reviews
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.market import AdRow, MarketState, ad_row
from krypton_app.state.offload import off_loop

# The trader card shows the latest reviews about the ad's owner; reviews are public (services/reviews.py).
REVIEWS_SHOWN = 5


@dataclass(frozen=True)
class ReviewRow:
    id: int
    positive: bool
    author: str  # "" when the author has no name: the row shows only the verdict and date
    comment: str  # plain text, escaped by React
    date: str


@dataclass(frozen=True)
class AdLinks:
    helper: str = ""  # the wizard on this ad (routes.ad_helper)
    direct: str = ""  # this page
    telegram: str = ""  # "" without a bot (the setting KRYPTON_TELEGRAM_BOT)
    telegram_app: str = ""
    embed: str = ""  # the widget's HTML for a site


def ad_links(app_url: str, bot: str | None, ad_id: int, side: str) -> AdLinks:
    base = app_url.rstrip("/")
    src = f"{base}{routes.widget_ad(ad_id)}"
    embed = "\n".join(
        [
            f'<iframe src="{src}" width="420" height="360" style="border:0" title="Krypton ad"></iframe>',
            "<script>",
            "window.addEventListener('message', (e) => {",
            f"  if (e.origin !== '{base}' || e.data?.type !== 'krypton:ad') return;",
            "  console.log(e.data.ad, e.data.side, e.data.asset, e.data.fiat, e.data.price);",
            "});",
            "</script>",
        ]
    )
    return AdLinks(
        helper=f"{base}{routes.ad_helper(ad_id, side)}",
        direct=f"{base}{routes.market_ad(ad_id)}",
        # The start parameter /tg routes (pages/telegram.py): to this page.
        telegram=f"https://t.me/{bot}?start=ad_{ad_id}" if bot else "",
        telegram_app=f"https://t.me/{bot}?startapp=ad_{ad_id}" if bot else "",
        embed=embed,
    )


def _read_listing(ad_id: int, lang: str) -> tuple[AdListing, list[ReviewRow]] | None:
    """The ad at the current rate with its trader's card and latest reviews; None when there is no such ad."""
    uow = app_deps().uow
    try:
        view = get_ad(uow, ad_id, rates=app_deps().rates)
        listing = AdListing(ad=view, trader=trader_card(uow, view.owner_id, now=utcnow()))
    except NotFound:
        return None
    reviews = list_reviews(uow, view.owner_id, page_size=REVIEWS_SHOWN).items
    rows = [ReviewRow(r.id, r.positive, r.author_name, r.comment, format_date(r.created_at, lang)) for r in reviews]
    return listing, rows


class AdPageState(AuthState):
    ad: AdRow = AdRow()  # id 0 when missing
    missing: bool = False
    mine: bool = False
    reviews: list[ReviewRow] = []
    links: AdLinks = AdLinks()
    # The owner's sites that may frame the widget, space-separated (shown to the owner only).
    origins: str = ""

    @rx.event
    async def load(self):
        market = await self.get_state(MarketState)
        market._deal_form_shown()
        lang = (await self.get_state(I18n)).lang
        read = await off_loop(_read_listing, routes.ad_id_in(self.router.url.path), lang)
        listing, self.reviews = read if read is not None else (None, [])
        if listing is None or listing.ad.status == CLOSED:
            self.ad, self.missing, self.mine, self.reviews = AdRow(), True, False, []
            return
        self.ad = ad_row(listing, lang)
        await market._load_fee_terms(listing.ad.asset)
        self.missing = False
        self.mine = listing.ad.owner_id == await self._user_id()
        settings = app_deps().settings
        self.links = ad_links(settings.app_url, settings.telegram_bot, listing.ad.id, listing.ad.side)
        self.origins = " ".join(await off_loop(ad_frame_origins, app_deps().uow, listing.ad.id)) if self.mine else ""


def _offer(ad: AdRow) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(
                rx.cond(ad.side == "sell", I18n.t["ad.offer.sell"], I18n.t["ad.offer.buy"]),
                " ",
                ad.asset,
                color_scheme=rx.cond(ad.side == "sell", "green", "blue"),
                variant="soft",
                radius="full",
                size="2",
                data_testid="ad-side",
            ),
            rx.cond(
                ad.status == PAUSED,
                status_chip(I18n.t["ad.status.paused"], "amber", data_testid="ad-status"),
            ),
            spacing="2",
            align="center",
        ),
        rx.text(I18n.t["ad.view.price"], size="1", color_scheme="gray", margin_top="8px"),
        rx.text(ad.price, size="7", weight="bold", data_testid="ad-price"),
        rx.grid(
            stat("market.limits", ad.limits),
            stat("market.remaining", ad.remaining, data_testid="ad-remaining"),
            stat("market.methods", ad.methods, data_testid="ad-methods"),
            stat("ad.field.country", country_label(ad.country)),
            stat("ad.view.window", ad.window, data_testid="ad-window"),
            stat(
                "ad.view.requirement",
                rx.cond(
                    ad.min_deals == 0,
                    I18n.t["ad.requirement.none"],
                    I18n.t["ad.requirement.min"] + ": " + ad.min_deals.to_string(),
                ),
                data_testid="ad-requirement",
            ),
            columns=rx.breakpoints(initial="2", md="3"),
            spacing="4",
            width="100%",
            margin_top="12px",
        ),
        rx.cond(
            ad.terms != "",
            rx.vstack(
                rx.text(I18n.t["ad.field.terms"], size="1", color_scheme="gray"),
                rx.text(ad.terms, size="2", white_space="pre-wrap", data_testid="ad-terms", **WRAP_ANYWHERE),
                spacing="1",
                width="100%",
                padding="12px 14px",
                margin_top="12px",
                **INSET_STYLE,
            ),
        ),
        spacing="1",
        width="100%",
    )


def _deal_section(ad: AdRow) -> rx.Component:
    return rx.cond(
        AdPageState.mine,
        rx.hstack(
            rx.text(I18n.t["ad.own_note"], size="2", color_scheme="gray"),
            rx.link(
                rx.button(rx.icon("pencil", size=15), I18n.t["ad.edit"], variant="soft", data_testid="ad-edit"),
                href=ad.edit_href,
            ),
            align="center",
            justify="between",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            ad.open_for_deals,
            rx.vstack(
                rx.heading(I18n.t["ad.deal_title"], size="3", weight="bold"),
                rx.cond(~AuthState.signed_in, rx.text(I18n.t["ad.login_hint"], size="2", color_scheme="gray")),
                open_deal_form(ad),
                spacing="2",
                width="100%",
            ),
            rx.text(I18n.t["ad.paused_note"], size="2", color_scheme="gray"),
        ),
    )


def _trader(ad: AdRow) -> rx.Component:
    return card(
        card_title("user-round", I18n.t["ad.trader.title"]),
        rx.text(ad.owner, size="4", weight="bold", data_testid="trader-name"),
        rx.grid(
            stat("ad.trader.completed", ad.completed, data_testid="trader-completed"),
            stat("ad.trader.rate", ad.rate, data_testid="trader-rate"),
            stat("ad.trader.release", ad.release, data_testid="trader-avg-release"),
            rx.vstack(
                rx.text(I18n.t["ad.trader.reviews"], size="1", color_scheme="gray"),
                rx.hstack(
                    rx.badge(rx.icon("thumbs-up", size=12), ad.positive, color_scheme="green", variant="soft"),
                    rx.badge(rx.icon("thumbs-down", size=12), ad.negative, color_scheme="red", variant="soft"),
                    spacing="2",
                    data_testid="trader-reviews",
                ),
                spacing="1",
            ),
            columns="2",
            spacing="4",
            width="100%",
            margin_top="16px",
        ),
        rx.cond(
            AdPageState.reviews.length() > 0,
            rx.vstack(
                rx.divider(margin_y="8px"),
                rx.foreach(AdPageState.reviews, _review),
                spacing="3",
                width="100%",
                margin_top="8px",
            ),
        ),
        data_testid="trader-card",
    )


def _review(review: ReviewRow) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.cond(
                review.positive,
                rx.icon("thumbs-up", size=14, color=rx.color("green", 10)),
                rx.icon("thumbs-down", size=14, color=rx.color("red", 10)),
            ),
            rx.text(review.author, size="1", weight="medium"),
            rx.text(review.date, size="1", color_scheme="gray"),
            spacing="2",
            align="center",
        ),
        rx.cond(
            review.comment != "",
            rx.text(review.comment, size="2", white_space="pre-wrap", overflow_wrap="anywhere"),
        ),
        spacing="1",
        width="100%",
        data_testid="trader-review",
    )


def _copy(label_key: str, value: rx.Var, test_id: str) -> rx.Component:
    return copy_value(
        I18n.t[label_key],
        value,
        copied=I18n.t["common.copied"],
        copy_label=I18n.t["common.copy"],
        test_id=test_id,
        link=True,
    )


def _links() -> rx.Component:
    links = AdPageState.links
    return card(
        card_title("link", I18n.t["ad.links.title"]),
        rx.text(I18n.t["ad.links.intro"], size="2", color_scheme="gray"),
        rx.grid(
            _copy("ad.links.helper", links.helper, "ad-link-helper"),
            _copy("ad.links.direct", links.direct, "ad-link-direct"),
            rx.cond(
                links.telegram != "",
                rx.fragment(
                    _copy("ad.links.telegram", links.telegram, "ad-link-telegram"),
                    _copy("ad.links.telegram_app", links.telegram_app, "ad-link-telegram-app"),
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
            margin_top="12px",
        ),
        rx.cond(links.telegram == "", rx.text(I18n.t["detail.telegram_off"], size="1", color_scheme="gray")),
        rx.text(I18n.t["ad.links.embed"], size="2", weight="medium", color_scheme="gray", margin_top="16px"),
        code_snippet(
            links.embed,
            copied=I18n.t["common.copied"],
            copy_label=I18n.t["common.copy"],
            test_id="ad-embed",
            copy_test_id="ad-embed-copy",
        ),
        rx.cond(
            AdPageState.mine,
            rx.text(
                I18n.t["ad.links.origins"],
                ": ",
                rx.cond(AdPageState.origins != "", AdPageState.origins, I18n.t["ad.links.no_origins"]),
                size="1",
                color_scheme="gray",
                margin_top="8px",
                data_testid="ad-origins",
            ),
        ),
        data_testid="ad-links",
    )


@template(route=routes.MARKET_AD, title="Ad", protected=False, on_load=[AdPageState.load])
def ad_detail() -> rx.Component:
    ad = AdPageState.ad
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=15), I18n.t["ad.back"], spacing="1", align="center"),
            href=routes.MARKET,
            size="2",
        ),
        page_heading(
            rx.cond(ad.id > 0, I18n.t["ad.title"] + " #" + ad.id.to_string(), I18n.t["ad.title"]),
            margin_bottom="0",
        ),
        rx.cond(
            AdPageState.missing,
            ad_not_found("ad.not_found"),
            # The previous ad stays in the tab's state until on_load has run: show only the URL's.
            rx.cond(
                ad.id.to_string() == rx.State.ad_id,
                rx.grid(
                    card(
                        _offer(ad),
                        rx.divider(margin_y="20px"),
                        _deal_section(ad),
                        grid_column=rx.breakpoints(md="span 2"),
                    ),
                    _trader(ad),
                    rx.box(_links(), grid_column=rx.breakpoints(md="span 3"), min_width="0"),
                    columns=rx.breakpoints(initial="1", md="3"),
                    spacing="4",
                    width="100%",
                    align_items="start",
                ),
                page_skeleton(I18n.t["ad.loading"]),
            ),
        ),
        spacing="4",
        width="100%",
    )
