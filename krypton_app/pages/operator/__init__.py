"""/operator: the operator's console: Bitcoin / Lightning payout queue (payouts.py), deposits the chain
monitor could not credit, each with its reason (deposits.py), open deal disputes, each opening the deal
page where the operator reads and decides (disputes.py), payment chats a side called an operator to
(chats.py), the ledger invariants (invariants.py), the fee schedule with its history (fees.py), fees
and their sweeps to the owner (sweeps.py), users: search, card, block, unblock, revoke sessions
(users.py), reconciliation of the hot wallet with the ledger (reconciliation.py) and the operators'
audit log (audit.py). The last five have their own states, loaded when their tab opens.
The page shows nothing to other users; the services refuse them too (every call names the operator,
and a non-operator gets Forbidden, which is what the page shows)."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout import template
from krypton_app.components.ui import card, card_title, empty_note, loading_note, page_heading
from krypton_app.pages.operator.audit import AuditState, audit_panel
from krypton_app.pages.operator.chats import chat_item
from krypton_app.pages.operator.deposits import deposit_item
from krypton_app.pages.operator.disputes import dispute_item
from krypton_app.pages.operator.fees import fees_panel
from krypton_app.pages.operator.invariants import invariants_panel
from krypton_app.pages.operator.payouts import payout_item
from krypton_app.pages.operator.reconciliation import ReconciliationState, reconciliation_panel
from krypton_app.pages.operator.state import OperatorState
from krypton_app.pages.operator.sweeps import sweeps_panel
from krypton_app.pages.operator.users_view import users_panel
from krypton_app.state.i18n import I18n


def queue_tab(tab: str, rows: rx.Var[list], item: Callable[[rx.Var], rx.Component]) -> rx.Component:
    """A console tab listing one queue, `item` a row; when the queue is empty, that all is done."""
    return rx.tabs.content(
        rx.cond(
            rows.length() > 0,
            rx.vstack(rx.foreach(rows, item), spacing="0", width="100%"),
            empty_note(I18n.t[f"operator.no_{tab}"], "circle-check"),
        ),
        value=tab,
    )


def console() -> rx.Component:
    def trigger(tab: str, count: rx.Var | None = None, **opens) -> rx.Component:
        label = [I18n.t[f"operator.tab.{tab}"]]
        if count is not None:
            label.append(
                rx.badge(
                    count,
                    variant="solid",
                    color_scheme=rx.cond(count > 0, "blue", "gray"),
                    radius="full",
                    size="1",
                    margin_left="6px",
                )
            )
        return rx.tabs.trigger(*label, value=tab, data_testid=f"operator-tab-{tab}", **opens)

    return card(
        rx.tabs.root(
            rx.tabs.list(
                trigger("payouts", OperatorState.payouts.length()),
                trigger("deposits", OperatorState.deposits.length()),
                trigger("disputes", OperatorState.disputes.length()),
                trigger("chats", OperatorState.chats.length()),
                trigger("invariants"),
                trigger("fees"),
                trigger("sweeps"),
                trigger("users"),
                trigger("reconciliation", on_click=ReconciliationState.check),
                trigger("audit", on_click=AuditState.load_audit),
                # The labels do not fit a phone's width (nor all of them a desktop's): they wrap into
                # rows rather than scroll out of sight.
                flex_wrap="wrap",
            ),
            queue_tab("payouts", OperatorState.payouts, payout_item),
            queue_tab("deposits", OperatorState.deposits, deposit_item),
            queue_tab("disputes", OperatorState.disputes, dispute_item),
            queue_tab("chats", OperatorState.chats, chat_item),
            rx.tabs.content(invariants_panel(), value="invariants"),
            rx.tabs.content(fees_panel(), value="fees"),
            rx.tabs.content(sweeps_panel(), value="sweeps"),
            rx.tabs.content(users_panel(), value="users"),
            rx.tabs.content(reconciliation_panel(), value="reconciliation"),
            rx.tabs.content(audit_panel(), value="audit"),
            value=OperatorState.tab,
            on_change=OperatorState.choose_tab,
            width="100%",
        ),
        data_testid="operator-console",
    )


def refused() -> rx.Component:
    return card(
        card_title("shield-x", I18n.t["operator.refused_title"], color="red"),
        rx.text(I18n.t["operator.refused"], size="2", color_scheme="gray"),
        data_testid="operator-refused",
        max_width="640px",
    )


@template(route=routes.OPERATOR, title="Operator", on_load=[OperatorState.load])
def operator() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["operator.title"], I18n.t["operator.subtitle"]),
        rx.cond(
            OperatorState.loaded,
            rx.cond(OperatorState.allowed, console(), refused()),
            loading_note(I18n.t["operator.loading"]),
        ),
        width="100%",
    )
