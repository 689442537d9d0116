"""The recent card of /wallet: the user's latest TON withdrawals and Bitcoin / Lightning payouts."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.rows import confirm_dialog, list_row
from krypton_app.components.ui import card, card_title, empty_note, status_chip
from krypton_app.pages.wallet.state import WalletState
from krypton_app.state.i18n import I18n
from krypton_app.state.views import WithdrawalRow


def cancel_payout_button(row: rx.Var[WithdrawalRow]) -> rx.Component:
    """Cancel a queued payout, after a confirmation that says what comes back."""
    return confirm_dialog(
        rx.button(
            rx.icon("x", size=14),
            I18n.t["recent.cancel"],
            size="1",
            variant="soft",
            color_scheme="red",
            loading=WalletState.cancelling == row.id,
            data_testid="recent-cancel",
        ),
        title=I18n.t["recent.cancel_title"],
        description=I18n.t["recent.cancel_body"].replace("{amount}", row.amount_full).replace("{fee}", row.fee),
        keep_label=I18n.t["recent.cancel_keep"],
        confirm_label=I18n.t["recent.cancel_confirm"],
        on_confirm=WalletState.cancel_payout(row.id),
        confirm_test_id="recent-cancel-confirm",
        max_width="440px",
        data_testid="recent-cancel-dialog",
    )


def recent_row(row: rx.Var[WithdrawalRow]) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.hstack(
                rx.text(I18n.t[row.method_key], size="2", weight="bold"),
                status_chip(I18n.t[row.status_key], row.status_color, data_testid="recent-status"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.tooltip(
                rx.text(row.destination_short, size="1", color_scheme="gray", font_family="var(--code-font-family)"),
                content=row.destination,
            ),
            rx.text(row.when, size="1", color_scheme="gray"),
            rx.cond(
                row.reference != "",
                rx.text(
                    I18n.t[row.reference_key],
                    ": ",
                    row.reference,
                    size="1",
                    color_scheme="gray",
                    font_family="var(--code-font-family)",
                    data_testid="recent-reference",
                ),
                rx.fragment(),
            ),
            rx.cond(
                row.note_key != "",
                rx.text(I18n.t[row.note_key], size="1", color_scheme="gray", data_testid="recent-note"),
                rx.fragment(),
            ),
            rx.cond(
                row.reject_reason != "",
                rx.text(I18n.t["recent.reject_reason"], ": ", row.reject_reason, size="1", color_scheme="red"),
                rx.fragment(),
            ),
            spacing="1",
            min_width="0",
        ),
        rx.vstack(
            rx.text(
                row.amount,
                size="3",
                weight="bold",
                style={"font_variant_numeric": "tabular-nums"},
                title=row.amount_full,
                data_testid="recent-amount",
            ),
            rx.text(I18n.t["withdraw.fee"], ": ", row.fee, size="1", color_scheme="gray"),
            rx.cond(row.detail != "", rx.text(row.detail, size="1", color_scheme="gray"), rx.fragment()),
            rx.cond(row.can_cancel, rx.box(cancel_payout_button(row), margin_top="6px"), rx.fragment()),
            spacing="0",
            align="end",
        ),
        test_id="recent-row",
    )


def recent_card() -> rx.Component:
    return card(
        card_title("list", I18n.t["recent.title"]),
        rx.cond(
            WalletState.recent.length() > 0,
            rx.vstack(rx.foreach(WalletState.recent, recent_row), spacing="0", width="100%"),
            empty_note(I18n.t["recent.empty"]),
        ),
        data_testid="recent-card",
    )
