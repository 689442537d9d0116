"""Small building blocks shared by pages, so every card and heading looks the same."""

from __future__ import annotations

import reflex as rx

CARD_STYLE = {
    "background": "var(--color-panel-solid)",
    "border": "1px solid var(--gray-a4)",
    "border_radius": "20px",
    "box_shadow": "0 1px 2px var(--black-a1), 0 8px 24px var(--black-a2)",
}


def card(*children: rx.Component, **props) -> rx.Component:
    props.setdefault("padding", ["18px", "20px", "24px"])
    props.setdefault("width", "100%")
    return rx.box(*children, **CARD_STYLE, **props)


def icon_badge(icon: str, *, color: str = "accent", size: str = "44px") -> rx.Component:
    """A rounded square with an icon: the visual anchor of feature and balance cards."""
    return rx.center(
        rx.icon(icon, size=22),
        width=size,
        height=size,
        min_width=size,
        border_radius="14px",
        background=rx.color(color, 3),
        color=rx.color(color, 11),
    )


def page_heading(title: rx.Var | str, subtitle: rx.Var | str | None = None, **props) -> rx.Component:
    children = [
        rx.heading(title, size=rx.breakpoints(initial="7", sm="8"), weight="bold", letter_spacing="-0.02em")
    ]
    if subtitle is not None:
        children.append(rx.text(subtitle, size="3", color_scheme="gray"))
    return rx.vstack(*children, spacing="1", margin_bottom=["16px", "20px", "28px"], **props)


def field_error(message: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon("circle-alert", size=14),
        rx.text(message, size="2"),
        spacing="1",
        align="center",
        color=rx.color("red", 11),
    )
