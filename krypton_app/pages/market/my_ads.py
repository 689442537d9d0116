"""/market/new's list of the owner's own ads, each with the buttons its status allows."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.rows import list_row
from krypton_app.components.ui import card, card_title, empty_note, field_error, status_chip
from krypton_app.pages.market.state import MyAdRow, NewAdState
from krypton_app.state.i18n import I18n, in_language


def my_ad_item(row: MyAdRow) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.hstack(
                rx.link(rx.code("#", row.id, size="2", variant="soft"), href=row.href),
                rx.badge(I18n.t[row.side_key], variant="outline", radius="full", size="1"),
                status_chip(
                    I18n.t[row.status_key],
                    row.status_color,
                    data_testid="my-ad-status",
                ),
                spacing="2",
                wrap="wrap",
            ),
            rx.text(row.price, " · ", row.remaining, size="2"),
            rx.text(row.methods, size="1", color_scheme="gray"),
            spacing="1",
        ),
        rx.hstack(
            rx.cond(
                row.actions.contains("edit"),
                rx.link(
                    rx.button(rx.icon("pencil", size=13), I18n.t["ad.edit"], variant="soft", size="1"),
                    href=row.edit_href,
                    data_testid="my-ad-edit",
                ),
            ),
            rx.cond(
                row.actions.contains("pause"),
                rx.button(I18n.t["ad.pause"], on_click=NewAdState.pause(row.id), variant="soft", size="1"),
            ),
            rx.cond(
                row.actions.contains("resume"),
                rx.button(I18n.t["ad.resume"], on_click=NewAdState.resume(row.id), variant="soft", size="1"),
            ),
            rx.cond(
                row.actions.contains("close"),
                rx.button(
                    I18n.t["ad.close"],
                    on_click=NewAdState.close(row.id),
                    variant="soft",
                    color_scheme="red",
                    size="1",
                    data_testid="my-ad-close",
                ),
            ),
            spacing="2",
        ),
        test_id="my-ad",
        padding_y="10px",
    )


def my_ads() -> rx.Component:
    return card(
        card_title("list", I18n.t["ad.mine"]),
        rx.cond(
            NewAdState.my_ads.length() > 0,
            rx.vstack(rx.foreach(NewAdState.my_ads, my_ad_item), spacing="0", width="100%"),
            empty_note(I18n.t["ad.mine_empty"]),
        ),
        rx.cond(NewAdState.ad_error.length() > 0, field_error(in_language(NewAdState.ad_error))),
    )
