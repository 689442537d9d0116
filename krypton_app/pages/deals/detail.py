"""/deals/[deal_id]: the deal, the actions the viewer may take, the dispute, the review and the chat.

The operator's dispute page is this page too: an operator may open a deal once it is disputed,
reads both statements and the chat, writes in it, and decides (release, refund or split).
"""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.skeleton import page_skeleton
from krypton_app.components.ui import WRAP_ANYWHERE, card, empty_note
from krypton_app.domain import deals as machine
from krypton_app.pages.deals.buy_info import buy_info
from krypton_app.pages.deals.chat import chat
from krypton_app.pages.deals.dispute import dispute_card
from krypton_app.pages.deals.part_info import part_info
from krypton_app.pages.deals.promise_info import promise_info
from krypton_app.pages.deals.review import review_card
from krypton_app.pages.deals.state import DealState
from krypton_app.pages.deals.summary import summary
from krypton_app.pages.deals.trade_info import trade_info
from krypton_app.state.i18n import I18n


@template(route=routes.DEAL_DETAIL, title="Deal", on_load=[DealState.load])
def deal_detail() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("chevron-left", size=15), I18n.t["deals.title"], align="center"),
            href=routes.DEALS,
            size="2",
        ),
        rx.cond(
            DealState.missing,
            card(empty_note(I18n.t["deal.missing"])),
            # The previous deal stays in the tab's state until on_load has run: show only the URL's.
            rx.cond(
                DealState.deal.id.to_string() == rx.State.deal_id,
                rx.vstack(
                    summary(),
                    rx.cond(DealState.part_position > 0, part_info()),
                    rx.cond(DealState.deal.purpose == machine.PROMISE_SALE, promise_info()),
                    rx.cond(DealState.buy_kind != "", buy_info()),
                    rx.cond(
                        (DealState.other_name != "") | (DealState.ad_terms != "") | (DealState.payment_details != ""),
                        trade_info(),
                    ),
                    rx.cond(DealState.dispute_info.outcome != "", dispute_card()),
                    rx.cond(DealState.actions.contains(machine.REVIEW), review_card()),
                    chat(),
                    spacing="4",
                    width="100%",
                ),
                page_skeleton(I18n.t["deal.loading"], cards=3),
            ),
        ),
        spacing="4",
        width="100%",
        # The ad's terms and chat messages are typed by people: long unbroken text wraps.
        **WRAP_ANYWHERE,
    )
