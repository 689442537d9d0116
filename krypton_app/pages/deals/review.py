"""The review card: once the deal is over, each side rates the other once (+ or -) with a comment.
Neither verdict is chosen in advance: a review counts in the other's reputation, so it is a choice the
author makes, never a default they sent by pressing "Send"."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import card, card_title, field_error
from krypton_app.pages.deals.state import DealState
from krypton_app.state.i18n import I18n


def review_card() -> rx.Component:
    return card(
        card_title("star", I18n.t["deal.review.title"]),
        rx.cond(
            DealState.my_review != "",
            rx.text(
                I18n.t["deal.review.done"],
                " ",
                rx.cond(
                    DealState.my_review == "positive", I18n.t["deal.review.positive"], I18n.t["deal.review.negative"]
                ),
                size="2",
                data_testid="review-done",
            ),
            rx.form(
                rx.vstack(
                    rx.radio_group.root(
                        rx.radio_group.item(
                            I18n.t["deal.review.positive"], value="positive", data_testid="review-positive"
                        ),
                        rx.radio_group.item(
                            I18n.t["deal.review.negative"], value="negative", data_testid="review-negative"
                        ),
                        name="verdict",
                        direction="row",
                        spacing="4",
                    ),
                    rx.input(
                        name="comment",
                        placeholder=I18n.t["deal.review.comment"],
                        size="3",
                        width="100%",
                        data_testid="review-comment",
                    ),
                    rx.button(I18n.t["deal.review.send"], type="submit", data_testid="review-send"),
                    rx.cond(DealState.review_error != "", field_error(I18n.t[DealState.review_error])),
                    spacing="3",
                    width="100%",
                ),
                on_submit=DealState.review,
            ),
        ),
    )
