"""The dispute card: who opened it, the statements (each side writes and reads its own; an operator
reads both), the outcome once decided, and the operator's two-step decision."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import card, card_title, field_error
from krypton_app.domain import deals as machine
from krypton_app.pages.deals.state import DealState
from krypton_app.state.i18n import I18n


def _statement(label_key: str, text: rx.Var, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[label_key], size="1", color_scheme="gray"),
        rx.text(
            rx.cond(text != "", text, I18n.t["dispute.no_statement"]),
            size="2",
            white_space="pre-wrap",
            word_break="break-word",
            data_testid=test_id,
        ),
        spacing="1",
        width="100%",
        padding="10px 12px",
        border_radius="12px",
        background=rx.color("gray", 3),
    )


def _callout(icon: str, color: str, *texts, test_id: str) -> rx.Component:
    """A callout whose text is made of several parts (rx.callout takes a single string)."""
    return rx.callout.root(
        rx.callout.icon(rx.icon(icon, size=16)),
        rx.callout.text(*texts),
        color_scheme=color,
        size="1",
        data_testid=test_id,
    )


def outcome_line() -> rx.Component:
    d = DealState.dispute_info
    return _callout(
        "gavel",
        "green",
        I18n.t[d.outcome_key],
        rx.cond(
            d.outcome == "split",
            rx.text.span(
                " ",
                I18n.t["dispute.to_buyer"],
                " ",
                d.to_buyer,
                " · ",
                I18n.t["dispute.to_seller"],
                " ",
                d.to_seller,
            ),
        ),
        test_id="dispute-outcome",
    )


def statement_form() -> rx.Component:
    d = DealState.dispute_info
    return rx.form(
        rx.vstack(
            rx.text(I18n.t["dispute.statement_hint"], size="2", color_scheme="gray"),
            rx.text_area(
                name="statement",
                default_value=d.mine,
                placeholder=I18n.t["dispute.statement_placeholder"],
                rows="4",
                width="100%",
                max_length=5000,
                data_testid="dispute-statement",
            ),
            rx.hstack(
                rx.button(I18n.t["dispute.statement_save"], type="submit", data_testid="dispute-statement-save"),
                rx.cond(
                    DealState.statement_saved,
                    rx.text(I18n.t["dispute.statement_saved"], size="2", color=rx.color("green", 11)),
                ),
                align="center",
                spacing="3",
            ),
            rx.text(
                rx.cond(d.other_wrote, I18n.t["dispute.other_wrote"], I18n.t["dispute.other_not_yet"]),
                size="1",
                color_scheme="gray",
                data_testid="dispute-other",
            ),
            rx.cond(DealState.statement_error != "", field_error(I18n.t[DealState.statement_error])),
            spacing="3",
            width="100%",
        ),
        on_submit=DealState.save_statement,
        reset_on_submit=False,
    )


def decision_form() -> rx.Component:
    """The operator's two steps: pick an outcome (and a split), then confirm what each side gets."""
    return rx.cond(
        DealState.decision == "",
        rx.form(
            rx.vstack(
                rx.radio_group.root(
                    rx.radio_group.item(I18n.t["dispute.decide.release"], value="release"),
                    rx.radio_group.item(I18n.t["dispute.decide.refund"], value="refund"),
                    rx.radio_group.item(I18n.t["dispute.decide.split"], value="split"),
                    name="outcome",
                    default_value="release",
                    direction="column",
                    spacing="2",
                    data_testid="dispute-outcome-choice",
                ),
                rx.hstack(
                    rx.input(
                        name="share",
                        placeholder="50",
                        input_mode="decimal",
                        size="2",
                        width="96px",
                        data_testid="dispute-share",
                    ),
                    rx.text(I18n.t["dispute.share_hint"], size="1", color_scheme="gray"),
                    align="center",
                    spacing="2",
                ),
                rx.button(I18n.t["dispute.decide.next"], type="submit", data_testid="dispute-propose"),
                spacing="3",
                width="100%",
            ),
            on_submit=DealState.propose,
            reset_on_submit=False,
        ),
        rx.vstack(
            _callout(
                "triangle-alert",
                "amber",
                I18n.t["dispute.confirm"],
                rx.text.span(
                    " ",
                    I18n.t["dispute.to_buyer"],
                    " ",
                    DealState.decision_to_buyer,
                    " · ",
                    I18n.t["dispute.to_seller"],
                    " ",
                    DealState.decision_to_seller,
                    rx.cond(
                        DealState.decision_fee != "", " · " + I18n.t["dispute.fee"] + " " + DealState.decision_fee, ""
                    ),
                ),
                test_id="dispute-confirm-text",
            ),
            rx.hstack(
                rx.button(
                    I18n.t["dispute.decide.confirm"],
                    on_click=DealState.decide,
                    color_scheme="red",
                    data_testid="dispute-decide",
                ),
                rx.button(
                    I18n.t["dispute.decide.back"],
                    on_click=DealState.back_to_decision,
                    variant="soft",
                    color_scheme="gray",
                ),
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
    )


def dispute_card() -> rx.Component:
    d = DealState.dispute_info
    return card(
        card_title("scale", I18n.t["dispute.title"], rx.badge(I18n.t[d.opened_by_key], variant="soft", size="1")),
        rx.vstack(
            rx.cond(d.decided, outcome_line()),
            rx.cond(
                DealState.role == machine.OPERATOR,
                rx.grid(
                    _statement("dispute.seller_statement", d.seller_statement, "dispute-seller-statement"),
                    _statement("dispute.buyer_statement", d.buyer_statement, "dispute-buyer-statement"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    DealState.actions.contains(machine.STATEMENT),
                    statement_form(),
                    _statement("dispute.my_statement", d.mine, "dispute-my-statement"),
                ),
            ),
            rx.cond(DealState.actions.contains("resolve"), decision_form()),
            rx.cond(DealState.decision_error != "", field_error(I18n.t[DealState.decision_error])),
            spacing="3",
            width="100%",
            margin_top="8px",
        ),
        data_testid="dispute-card",
    )
