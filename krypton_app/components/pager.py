"""One pager for every paged list (market, invoices, history): previous and next as icon buttons
around "page / pages". Icon buttons keep it narrow in every language: the worded Russian buttons
pushed a 390 px phone's market page 12 px sideways."""

from __future__ import annotations

import reflex as rx

from krypton_app.state.i18n import I18n


def pager(page: rx.Var, pages: rx.Var, previous, following, *, test_id: str, **props) -> rx.Component:
    """`previous` / `following`: the events of the two buttons; `test_id`: prefix of the parts' ids."""
    return rx.hstack(
        rx.icon_button(
            rx.icon("chevron-left", size=16),
            on_click=previous,
            disabled=page <= 1,
            variant="soft",
            aria_label=I18n.t["history.previous"],
            title=I18n.t["history.previous"],
            data_testid=f"{test_id}-previous",
        ),
        rx.text(page, " / ", pages, size="2", white_space="nowrap", data_testid=f"{test_id}-page"),
        rx.icon_button(
            rx.icon("chevron-right", size=16),
            on_click=following,
            disabled=page >= pages,
            variant="soft",
            aria_label=I18n.t["history.next"],
            title=I18n.t["history.next"],
            data_testid=f"{test_id}-next",
        ),
        spacing="2",
        align="center",
        **props,
    )
