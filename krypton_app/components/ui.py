"""Small building blocks shared by pages, so every card and heading looks the same."""

from __future__ import annotations

import reflex as rx

CARD_STYLE = {
    "background": "var(--color-panel-solid)",
    "border": "1px solid var(--gray-a4)",
    "border_radius": "20px",
    "box_shadow": "0 1px 2px var(--black-a1), 0 8px 24px var(--black-a2)",
}

# Text people type (ad terms, chat): one unbroken 300-character word must wrap, not widen the page.
# overflow-wrap is inherited, so a container with it covers every text inside.
WRAP_ANYWHERE = {"overflow_wrap": "anywhere", "word_break": "break-word"}

# A panel inside a card: a value to copy, an ad's terms.
INSET_STYLE = {
    "border_radius": "12px",
    "background": rx.color("gray", 2),
    "border": f"1px solid {rx.color('gray', 4)}",
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
    children = [rx.heading(title, size=rx.breakpoints(initial="7", sm="8"), weight="bold", letter_spacing="-0.02em")]
    if subtitle is not None:
        children.append(rx.text(subtitle, size="3", color_scheme="gray"))
    props.setdefault("margin_bottom", ["16px", "20px", "28px"])
    return rx.vstack(*children, spacing="1", **props)


def field_error(message: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon("circle-alert", size=14),
        rx.text(message, size="2"),
        spacing="1",
        align="center",
        color=rx.color("red", 11),
    )


def card_title(icon: str, title: rx.Var | str, *extra: rx.Component, color: str = "accent") -> rx.Component:
    """The header row of a section card: icon, title, and optional badges or actions at the end."""
    return rx.hstack(
        rx.center(
            rx.icon(icon, size=18),
            width="34px",
            height="34px",
            min_width="34px",
            border_radius="11px",
            background=rx.color(color, 3),
            color=rx.color(color, 11),
        ),
        rx.heading(title, size="4", weight="bold"),
        rx.spacer(),
        *extra,
        spacing="3",
        align="center",
        width="100%",
        wrap="wrap",
        margin_bottom="16px",
    )


def status_chip(label: rx.Var, color: rx.Var, **props) -> rx.Component:
    return rx.badge(label, color_scheme=color, variant="soft", radius="full", size="1", **props)


def link_text(url: rx.Var) -> rx.Component:
    """A URL that may wrap only where its path starts and before its query, never inside the host or a
    path (`https://krypton.example` / `/i/K7QX2M` / `?start=…`), so an invoice number stays whole on a
    phone. Each piece carries its leading separator in one unbreakable span, and only a `<wbr>` between
    spans allows a break: before piece 3 of the split on `/` (the path) and before each `?`."""

    def piece(part: rx.Var, i: rx.Var) -> rx.Component:
        def query(sub: rx.Var, j: rx.Var) -> rx.Component:
            lead = rx.cond(j > 0, "?", rx.cond(i > 0, "/", ""))
            return rx.fragment(
                rx.cond((j > 0) | ((i == 3) & (j == 0)), rx.el.wbr()),
                rx.text.span(lead, sub, white_space="nowrap"),
            )

        return rx.foreach(part.split("?"), query)

    return rx.foreach(url.split("/"), piece)


def copy_value(
    label: rx.Var | str, value: rx.Var, *, copied: rx.Var, copy_label: rx.Var, test_id: str, link: bool = False
) -> rx.Component:
    """A labelled value in monospace with a copy button. An address or a key wraps anywhere rather than
    overflow; a link (`link=True`) wraps only between its path's pieces (`link_text`)."""
    return rx.vstack(
        rx.text(label, size="2", weight="medium", color_scheme="gray"),
        rx.hstack(
            rx.code(
                link_text(value) if link else value,
                size="2",
                variant="ghost",
                style={"word_break": "normal"} if link else {"word_break": "break-all"},
                flex="1",
                min_width="0",
                data_testid=test_id,
            ),
            rx.tooltip(
                rx.icon_button(
                    rx.icon("copy", size=15),
                    on_click=[rx.set_clipboard(value), rx.toast(copied, duration=1500)],
                    variant="soft",
                    size="1",
                    aria_label=copy_label,
                    data_testid=f"{test_id}-copy",
                ),
                content=copy_label,
            ),
            spacing="2",
            align="start",
            width="100%",
            padding="10px 12px",
            **INSET_STYLE,
        ),
        spacing="1",
        width="100%",
    )


def form_error(message: rx.Var, **props) -> rx.Component:
    return rx.callout(message, icon="triangle-alert", color_scheme="red", size="1", width="100%", **props)


def empty_note(message: rx.Var, icon: str = "inbox") -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=16),
        rx.text(message, size="2"),
        spacing="2",
        align="center",
        color=rx.color("gray", 10),
        padding_y="12px",
    )


def loading_note(message: rx.Var) -> rx.Component:
    return rx.hstack(rx.spinner(), rx.text(message, color_scheme="gray"), spacing="2")


def code_snippet(
    value: rx.Var, *, copied: rx.Var, copy_label: rx.Var, test_id: str, copy_test_id: str | None = None
) -> rx.Component:
    """A snippet to paste elsewhere (an iframe's HTML) with its copy button. The code keeps its lines and
    scrolls sideways on a phone: wrapping it anywhere would cut a URL (its port, its number) in the middle."""
    return rx.hstack(
        rx.el.pre(
            value,
            style={
                "white_space": "pre",
                "overflow_x": "auto",
                "font_family": "var(--code-font-family)",
                "font_size": "12px",
                "margin": "0",
            },
            flex="1",
            min_width="0",
            padding="12px",
            border_radius="12px",
            background=rx.color("gray", 3),
            data_testid=test_id,
        ),
        rx.icon_button(
            rx.icon("copy", size=15),
            on_click=[rx.set_clipboard(value), rx.toast(copied, duration=1500)],
            variant="soft",
            size="1",
            aria_label=copy_label,
            data_testid=copy_test_id,
        ),
        align="start",
        width="100%",
        min_width="0",
        margin_top="8px",
        overflow_x="auto",
    )
