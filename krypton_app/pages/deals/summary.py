"""The deal's summary card: amounts, the countdown, a pending cancel request, the buttons of what the
viewer may do now (DealState.actions, from the deal view) and when a dispute becomes possible."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.countdown import countdown
from krypton_app.components.layout.measures import PRIMARY_SIZE, PRIMARY_WIDTH
from krypton_app.components.ui import card, card_title, field_error, status_chip
from krypton_app.domain import deals as machine
from krypton_app.pages.deals.confirm import confirm_button
from krypton_app.pages.deals.state import DealState
from krypton_app.state.i18n import I18n


def _kv(label_key: str, value: rx.Var | rx.Component, test_id: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[label_key], size="1", color_scheme="gray"),
        rx.text(value, size="3", weight="medium", data_testid=test_id or None),
        spacing="0",
    )


def _may(action: str) -> rx.Var:
    return DealState.actions.contains(action)


def _sentence(*parts) -> rx.Component:
    """A dialog's text from catalog pieces and values (amount, name), so each language keeps its order."""
    return rx.text(*parts)


def _name() -> rx.Component:
    # An address-like name ("UQC3…Ugs0") must not break across lines on a phone.
    return rx.text.span(DealState.other_name, white_space="nowrap")


def _warning(key: str) -> rx.Component:
    return rx.callout(
        I18n.t[key],
        icon="triangle-alert",
        color_scheme="amber",
        size="1",
        margin_top="12px",
        data_testid="deal-warning",
    )


def actions() -> rx.Component:
    d = DealState.deal
    t = I18n.t
    return rx.hstack(
        rx.cond(
            _may("mark_fiat_sent"),
            confirm_button(
                rx.button(
                    t["deal.action.mark_paid"], size=PRIMARY_SIZE, width=PRIMARY_WIDTH, data_testid="deal-mark-paid"
                ),
                title=t["deal.confirm.paid_title"],
                body=_sentence(
                    t["deal.confirm.paid_before"],
                    " ",
                    d.fiat_amount,
                    " ",
                    t["deal.confirm.to"],
                    " ",
                    _name(),
                    t["deal.confirm.paid_after"],
                ),
                confirm_label=t["deal.confirm.paid_ok"],
                on_confirm=DealState.mark_paid,
                test_id="deal-mark-paid",
            ),
        ),
        rx.cond(
            _may("undo_fiat_sent"),
            rx.button(t["deal.action.undo"], on_click=DealState.undo_paid, variant="soft", data_testid="deal-undo"),
        ),
        rx.cond(
            _may("release"),
            confirm_button(
                rx.button(
                    t["deal.action.release"],
                    color_scheme="green",
                    size=PRIMARY_SIZE,
                    width=PRIMARY_WIDTH,
                    data_testid="deal-release",
                ),
                title=t["deal.confirm.release_title"],
                body=_sentence(
                    t["deal.confirm.release_before"],
                    " ",
                    d.amount_full,
                    " ",
                    t["deal.confirm.to"],
                    " ",
                    _name(),
                    t["deal.confirm.release_after"],
                ),
                # Offered before "paid" too (domain/deals.py says why), but never without this warning.
                warning=rx.cond(DealState.status == machine.ESCROW_LOCKED, _warning("deal.confirm.release_unpaid")),
                confirm_label=t["deal.confirm.release_ok"],
                on_confirm=DealState.release,
                test_id="deal-release",
                color="green",
            ),
        ),
        rx.cond(
            _may(machine.CANCEL),
            confirm_button(
                rx.button(
                    rx.cond(
                        DealState.cancel_requested == "other", t["deal.action.agree_cancel"], t["deal.action.cancel"]
                    ),
                    variant="soft",
                    color_scheme="gray",
                    # My own request waits for the other side: asking again changes nothing.
                    disabled=DealState.cancel_requested == "me",
                    data_testid="deal-cancel",
                ),
                title=t["deal.confirm.cancel_title"],
                body=rx.cond(
                    DealState.cancel_now,
                    _sentence(
                        t["deal.confirm.cancel_now_before"], " ", d.amount_full, " ", t["deal.confirm.cancel_now_after"]
                    ),
                    _sentence(
                        t["deal.confirm.cancel_request_before"],
                        " ",
                        _name(),
                        " ",
                        t["deal.confirm.cancel_request_after"],
                    ),
                ),
                confirm_label=t["deal.confirm.cancel_ok"],
                on_confirm=DealState.cancel,
                test_id="deal-cancel",
                color="red",
            ),
        ),
        rx.cond(
            _may("open_dispute"),
            confirm_button(
                rx.button(
                    t["deal.action.dispute"],
                    variant="outline",
                    color_scheme="red",
                    # Not before the wait after "paid" is over (the service refuses it too): the line below says when.
                    disabled=DealState.dispute_waiting,
                    data_testid="deal-dispute",
                ),
                title=t["deal.confirm.dispute_title"],
                body=_sentence(t["deal.confirm.dispute_before"], " ", d.amount_full, t["deal.confirm.dispute_after"]),
                confirm_label=t["deal.confirm.dispute_ok"],
                on_confirm=DealState.dispute,
                test_id="deal-dispute",
                color="red",
            ),
        ),
        spacing="2",
        wrap="wrap",
        margin_top="16px",
    )


def dispute_when() -> rx.Component:
    """When a dispute becomes possible: the rule while the buyer has not marked the deal paid, then
    the countdown to it. Nothing once it may be opened (the button is enabled) or for an operator."""
    return rx.fragment(
        rx.cond(
            DealState.dispute_wait != "",
            rx.text(
                I18n.t["deal.dispute_rule_before"],
                " ",
                DealState.dispute_wait,
                " ",
                I18n.t["deal.dispute_rule_after"],
                size="2",
                color_scheme="gray",
                margin_top="8px",
                data_testid="deal-dispute-rule",
            ),
        ),
        rx.cond(
            DealState.dispute_waiting,
            rx.text(
                rx.icon("clock", size=14, display="inline", vertical_align="middle", margin_right="4px"),
                I18n.t["deal.dispute_in"],
                " ",
                countdown(DealState.dispute_opens_ms, expired_text="00:00", font_variant_numeric="tabular-nums"),
                size="2",
                color_scheme="gray",
                margin_top="8px",
                data_testid="deal-dispute-when",
            ),
        ),
    )


def purpose_line() -> rx.Component:
    """What the deal is for and who its release and refund pay: every viewer, the operator included,
    reads it before acting."""
    d = DealState.deal
    return rx.hstack(
        rx.badge(I18n.t[d.purpose_key], color_scheme="violet", radius="full", size="1", data_testid="deal-purpose"),
        rx.text(d.owed, size="2", color_scheme="gray", data_testid="deal-owed"),
        rx.cond(d.purpose_href != "", rx.link(I18n.t["deal.purpose.open"], href=d.purpose_href, size="2")),
        spacing="2",
        align="center",
        wrap="wrap",
        margin_top="12px",
        width="100%",
    )


def summary() -> rx.Component:
    d = DealState.deal
    return card(
        card_title(
            "handshake",
            rx.text.span(I18n.t["deal.title"], " #", d.id),
            status_chip(I18n.t[d.status_key], d.status_color, data_testid="deal-status"),
        ),
        rx.grid(
            _kv("deal.field.role", I18n.t[d.role_key], "deal-role"),
            _kv("deal.field.amount", d.amount_full, "deal-amount-value"),
            _kv("deal.field.fiat_amount", d.fiat_amount),
            _kv("deal.field.price", d.price),
            _kv("deal.field.method", d.method),
            rx.cond(d.fee != "", _kv("deal.field.fee", d.fee + " · " + I18n.t[d.fee_payer_key], "deal-fee")),
            rx.cond(
                DealState.deadline_ms > 0,
                _kv(
                    "deal.field.time_left",
                    countdown(DealState.deadline_ms, expired_text="00:00", font_variant_numeric="tabular-nums"),
                    "deal-time-left",
                ),
            ),
            columns=rx.breakpoints(initial="2", sm="3"),
            spacing="4",
            width="100%",
        ),
        purpose_line(),
        rx.cond(
            DealState.cancel_requested == "other",
            rx.callout(I18n.t["deal.cancel_asked"], icon="info", color_scheme="amber", size="1", margin_top="12px"),
        ),
        rx.cond(
            DealState.cancel_requested == "me",
            rx.callout(I18n.t["deal.cancel_waiting"], icon="info", color_scheme="gray", size="1", margin_top="12px"),
        ),
        actions(),
        dispute_when(),
        rx.cond(DealState.error != "", field_error(I18n.t[DealState.error])),
    )
