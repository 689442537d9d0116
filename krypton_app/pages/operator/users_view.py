"""The users tab's view: the search form, the results, and the card with its actions (state: users.py)."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.rows import ROW_RULE
from krypton_app.components.ui import empty_note, field_error, status_chip
from krypton_app.pages.operator.users import QUERY_MAX, FoundUser, UsersState
from krypton_app.services.user_blocks import BLOCK_REASON_MAX
from krypton_app.state.i18n import I18n


def _section(title_key: str, rows: rx.Var, item, empty_key: str) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[title_key], size="2", weight="bold"),
        rx.cond(
            rows.length() > 0,
            rx.vstack(rx.foreach(rows, item), spacing="0", width="100%"),
            rx.text(I18n.t[empty_key], size="1", color_scheme="gray"),
        ),
        spacing="1",
        width="100%",
    )


def _line(*children, **props) -> rx.Component:
    return rx.hstack(*children, spacing="2", wrap="wrap", width="100%", padding_y="6px", border_top=ROW_RULE, **props)


def found_item(row: rx.Var[FoundUser]) -> rx.Component:
    return rx.button(
        rx.code("#", row.id, variant="ghost"),
        rx.text(row.name, weight="medium"),
        rx.text(row.address, size="1", color_scheme="gray", style={"word_break": "break-all"}),
        rx.cond(row.blocked, rx.badge(I18n.t["operator.users.blocked_badge"], color_scheme="red"), rx.fragment()),
        on_click=UsersState.open_user(row.id),
        variant="ghost",
        width="100%",
        justify="start",
        style={"height": "auto", "flex_wrap": "wrap", "padding": "8px"},
        data_testid="user-result",
    )


def _actions() -> rx.Component:
    head = UsersState.head
    return rx.vstack(
        rx.cond(
            head.can_block,
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="user_id", value=head.id),
                    rx.input(
                        name="reason",
                        placeholder=I18n.t["operator.users.reason_placeholder"],
                        max_length=BLOCK_REASON_MAX,
                        flex="1",
                        min_width="180px",  # a phone puts the button on the next line, not the reason
                        data_testid="block-reason",
                    ),
                    rx.button(
                        rx.icon("ban", size=15),
                        I18n.t["operator.users.block"],
                        type="submit",
                        color_scheme="red",
                        data_testid="user-block",
                    ),
                    spacing="2",
                    wrap="wrap",
                    width="100%",
                ),
                on_submit=UsersState.block,
                reset_on_submit=False,
                width="100%",
            ),
            rx.fragment(),
        ),
        rx.hstack(
            rx.cond(
                head.can_unblock,
                rx.button(
                    rx.icon("circle-check", size=15),
                    I18n.t["operator.users.unblock"],
                    on_click=UsersState.unblock(head.id),
                    variant="soft",
                    data_testid="user-unblock",
                ),
                rx.fragment(),
            ),
            rx.cond(
                head.can_revoke,
                rx.button(
                    rx.icon("log-out", size=15),
                    I18n.t["operator.users.revoke"],
                    on_click=UsersState.revoke_sessions(head.id),
                    variant="soft",
                    color_scheme="gray",
                    data_testid="user-revoke",
                ),
                rx.fragment(),
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="2",
        width="100%",
    )


def user_card_view() -> rx.Component:
    head = UsersState.head
    return rx.vstack(
        rx.hstack(
            rx.heading("#", head.id, " ", head.name, size="4"),
            rx.cond(head.operator, rx.badge(I18n.t["operator.users.operator_badge"]), rx.fragment()),
            rx.cond(
                head.blocked,
                status_chip(I18n.t["operator.users.blocked_badge"], "red", data_testid="user-blocked"),
                status_chip(I18n.t["operator.users.active_badge"], "green", data_testid="user-active"),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.code(head.address, variant="ghost", style={"word_break": "break-all"}),
        rx.text(head.contacts, size="2"),
        rx.text(I18n.t["operator.users.joined"], " ", head.joined, size="1", color_scheme="gray"),
        rx.cond(
            head.blocked,
            rx.callout.root(
                rx.callout.icon(rx.icon("ban", size=16)),
                rx.callout.text(
                    I18n.t["operator.users.blocked_since"], " ", head.blocked_when, ": ", head.blocked_reason
                ),
                color_scheme="red",
                size="1",
                width="100%",
                data_testid="user-block-reason",
            ),
            rx.fragment(),
        ),
        _actions(),
        _section(
            "operator.users.balances",
            UsersState.balances,
            lambda b: _line(
                rx.text(b.asset, weight="bold", min_width="48px"),
                rx.text(I18n.t["operator.users.available"], ": ", b.available, size="2"),
                rx.text(I18n.t["operator.users.held"], ": ", b.held, size="2"),
                data_testid="user-balance",
            ),
            "operator.users.none",
        ),
        _section(
            "operator.users.deals",
            UsersState.deals,
            lambda d: _line(
                rx.link("#", d.id, href=d.href),
                rx.badge(I18n.t[d.role_key], variant="soft"),
                rx.badge(I18n.t[d.status_key], variant="soft", color_scheme="gray"),
                rx.text(d.amount, size="2"),
                rx.text(d.when, size="1", color_scheme="gray"),
                data_testid="user-deal",
            ),
            "operator.users.none",
        ),
        _section(
            "operator.users.invoices",
            UsersState.invoices,
            lambda i: _line(
                rx.link(i.number, href=i.href),
                rx.text(i.title, size="2"),
                rx.badge(I18n.t[i.status_key], variant="soft", color_scheme="gray"),
                rx.text(i.amount, size="2"),
                rx.text(i.when, size="1", color_scheme="gray"),
            ),
            "operator.users.none",
        ),
        _section(
            "operator.users.sessions",
            UsersState.sessions,
            lambda x: _line(
                rx.text(I18n.t["operator.users.session_opened"], " ", x.opened, size="2"),
                rx.text(I18n.t["operator.users.session_seen"], " ", x.last_seen, size="1", color_scheme="gray"),
                data_testid="user-session",
            ),
            "operator.users.no_sessions",
        ),
        spacing="3",
        width="100%",
        padding="12px",
        border_radius="14px",
        background=rx.color("gray", 2),
        data_testid="user-card",
    )


def users_panel() -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.input(
                    name="query",
                    placeholder=I18n.t["operator.users.search_placeholder"],
                    max_length=QUERY_MAX,
                    flex="1",
                    min_width="0",
                    data_testid="user-search",
                ),
                rx.button(rx.icon("search", size=15), I18n.t["operator.users.search"], type="submit"),
                spacing="2",
                width="100%",
            ),
            on_submit=UsersState.search,
            reset_on_submit=False,
            width="100%",
        ),
        rx.text(I18n.t["operator.users.search_hint"], size="1", color_scheme="gray"),
        rx.cond(UsersState.error != "", field_error(I18n.t[UsersState.error]), rx.fragment()),
        rx.cond(
            UsersState.found.length() > 1,
            rx.vstack(rx.foreach(UsersState.found, found_item), spacing="1", width="100%"),
            rx.fragment(),
        ),
        rx.cond(
            UsersState.searched & (UsersState.found.length() == 0),
            empty_note(I18n.t["operator.users.not_found"], "user-x"),
            rx.fragment(),
        ),
        rx.cond(UsersState.head.id > 0, user_card_view(), rx.fragment()),
        spacing="3",
        width="100%",
        padding_top="16px",
    )
