"""The ledger invariants: checked when the console loads, after each decision and on request."""

from __future__ import annotations

import reflex as rx

from krypton_app.pages.operator.state import OperatorState
from krypton_app.state.i18n import I18n


def count_tile(key: str) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[f"operator.count.{key}"], size="1", color_scheme="gray"),
        rx.text(getattr(OperatorState.invariant_counts, key), size="5", weight="bold", data_testid=f"count-{key}"),
        spacing="0",
        padding="12px 16px",
        border_radius="14px",
        background=rx.color("gray", 3),
        min_width="120px",
    )


def liquidity_tile(row) -> rx.Component:
    return rx.vstack(
        rx.text(row.asset, size="1", color_scheme="gray"),
        rx.text(row.amount, size="4", weight="bold", data_testid="lightning-liquidity-amount"),
        spacing="0",
        padding="12px 16px",
        border_radius="14px",
        background=rx.color("amber", 3),
        min_width="120px",
    )


def node_payout_line(row) -> rx.Component:
    """A Lightning payout the node is paying: nothing to do, unless it stays here (see the app's log)."""
    return rx.text(
        "#",
        row.id,
        " · ",
        row.detail,
        " · ",
        row.amount,
        " · ",
        row.when,
        size="1",
        color_scheme="gray",
        data_testid="node-payout",
    )


def lightning_liquidity() -> rx.Component:
    """Negative: that much of the asset was given out for sats the Lightning node received."""
    return rx.vstack(
        rx.heading(I18n.t["operator.lightning_liquidity"], size="3"),
        rx.cond(
            OperatorState.lightning_liquidity.length() > 0,
            rx.hstack(rx.foreach(OperatorState.lightning_liquidity, liquidity_tile), spacing="3", wrap="wrap"),
            rx.text(I18n.t["operator.lightning_liquidity_none"], size="2", color_scheme="gray"),
        ),
        rx.text(I18n.t["operator.lightning_liquidity_hint"], size="2", color_scheme="gray"),
        rx.cond(
            OperatorState.node_payouts.length() > 0,
            rx.vstack(
                rx.text(I18n.t["operator.node_payouts"], size="2", weight="bold"),
                rx.foreach(OperatorState.node_payouts, node_payout_line),
                spacing="1",
                width="100%",
            ),
            rx.fragment(),
        ),
        spacing="2",
        width="100%",
        data_testid="lightning-liquidity",
    )


def invariants_panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.cond(
                OperatorState.invariants_ok,
                rx.badge(
                    rx.icon("shield-check", size=16),
                    I18n.t["operator.invariants_ok"],
                    color_scheme="green",
                    size="3",
                    radius="full",
                    data_testid="invariants-status",
                ),
                rx.badge(
                    rx.icon("shield-alert", size=16),
                    I18n.t["operator.invariants_broken"],
                    color_scheme="red",
                    size="3",
                    radius="full",
                    data_testid="invariants-status",
                ),
            ),
            rx.text(I18n.t["operator.checked_at"], " ", OperatorState.checked_at, size="1", color_scheme="gray"),
            rx.spacer(),
            rx.button(
                rx.icon("refresh-cw", size=15),
                I18n.t["operator.refresh"],
                on_click=OperatorState.refresh,
                variant="soft",
                data_testid="invariants-refresh",
            ),
            spacing="3",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.hstack(*(count_tile(k) for k in ("transactions", "postings", "accounts")), spacing="3", wrap="wrap"),
        rx.text(I18n.t["operator.invariants_hint"], size="2", color_scheme="gray"),
        lightning_liquidity(),
        rx.cond(
            OperatorState.violations.length() > 0,
            rx.vstack(
                rx.foreach(
                    OperatorState.violations,
                    lambda v: rx.callout(v, icon="triangle-alert", color_scheme="red", size="1", width="100%"),
                ),
                spacing="2",
                width="100%",
            ),
            rx.fragment(),
        ),
        spacing="4",
        width="100%",
        padding_top="16px",
    )
