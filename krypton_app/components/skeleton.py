"""The placeholder a page shows until its on_load has read what the URL names: grey blocks shaped like
the cards to come, inside the layout, so a page opened from a link is never blank (issue 11, item 12).

It is drawn from the states' defaults, so it is also what the prerendered shell of a link page shows
(api/link_pages.py) before the browser has run a line of the page's scripts."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import card

SKELETON_TEST_ID = "page-skeleton"


def _bar(height: str, width: str = "100%") -> rx.Component:
    return rx.skeleton(rx.box(height=height, width=width), loading=True)


def _card_lines(*widths: str) -> rx.Component:
    return card(
        rx.vstack(
            _bar("26px", "45%"),
            *(_bar("16px", width) for width in widths),
            _bar("40px"),
            spacing="3",
            width="100%",
        )
    )


def page_skeleton(label: rx.Var | str, *, cards: int = 2) -> rx.Component:
    """`cards` grey cards; `label` ("Loading…") is what a screen reader says instead of the shapes."""
    shapes = [("80%", "60%", "70%"), ("55%", "65%"), ("70%", "40%")]
    return rx.vstack(
        *(_card_lines(*shapes[i % len(shapes)]) for i in range(cards)),
        spacing="4",
        width="100%",
        role="status",
        aria_busy="true",
        aria_label=label,
        data_testid=SKELETON_TEST_ID,
    )
