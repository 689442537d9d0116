"""The /promises page: the "New promise" form, the new promise's code shown once (text, link, QR), and the
issued and received promises with their status and, on an active issued one, Cancel."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.amount_field import amount_field
from krypton_app.components.layout import template
from krypton_app.components.qr import qr_code
from krypton_app.components.rows import confirm_dialog, list_row
from krypton_app.components.skeleton import page_skeleton
from krypton_app.components.ui import (
    WRAP_ANYWHERE,
    card,
    card_title,
    copy_value,
    empty_note,
    field_error,
    form_error,
    page_heading,
    status_chip,
)
from krypton_app.domain.promises import NOTE_MAX
from krypton_app.pages.promises.state import ASSET_CODES, EXPIRY_CHOICES, PromiseRow, PromisesState
from krypton_app.state.i18n import I18n, in_language


def _error_under(name: str, hint_key: str | None = None) -> rx.Component:
    return rx.cond(
        PromisesState.field_errors.contains(name),
        field_error(in_language(PromisesState.field_errors[name])),
        rx.text(I18n.t[hint_key], size="1", color_scheme="gray") if hint_key else rx.fragment(),
    )


def _label(key: str, html_for: str) -> rx.Component:
    return rx.el.label(rx.text(I18n.t[key], size="2", weight="medium"), html_for=html_for)


def _text_field(name: str, *, max_length: int, hint: str | None = None, placeholder: str = "") -> rx.Component:
    return rx.vstack(
        _label(f"promise.field.{name}", f"promise_{name}"),
        rx.input(
            id=f"promise_{name}",
            name=name,
            max_length=max_length,
            placeholder=placeholder,
            auto_complete="off",
            size="3",
            width="100%",
        ),
        _error_under(name, hint),
        spacing="1",
        width="100%",
        data_testid=f"promise-field-{name}",
    )


def create_form() -> rx.Component:
    return card(
        card_title("ticket", I18n.t["promises.new"]),
        rx.form(
            rx.vstack(
                rx.vstack(
                    rx.text(I18n.t["promise.field.asset"], size="2", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(width="100%", data_testid="promise-asset"),
                        rx.select.content(*(rx.select.item(code, value=code) for code in ASSET_CODES)),
                        value=PromisesState.asset,
                        on_change=PromisesState.choose_asset,
                    ),
                    spacing="1",
                    width="100%",
                ),
                amount_field(
                    _label("promise.field.amount", "promise_amount"),
                    rx.input(
                        id="promise_amount",
                        name="amount",
                        input_mode="decimal",
                        placeholder="0.0",
                        auto_complete="off",
                        size="3",
                        flex="1",
                        min_width="0",
                    ),
                    available=PromisesState.available_text,
                    on_max=PromisesState.fill_max,
                    test_prefix="promise",
                    unit=rx.text(PromisesState.asset, size="3", weight="medium"),
                    below=(_error_under("amount"),),
                ),
                _text_field("pin", max_length=254, hint="promise.hint.pin", placeholder="@username"),
                _text_field("note", max_length=NOTE_MAX),
                rx.vstack(
                    rx.text(I18n.t["promise.field.expiry"], size="2", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(width="100%", data_testid="promise-expiry"),
                        rx.select.content(
                            *(rx.select.item(I18n.t[f"promise.expiry.{s}"], value=s) for s in EXPIRY_CHOICES)
                        ),
                        name="expiry",
                        default_value="0",
                    ),
                    _error_under("expires_at"),
                    spacing="1",
                    width="100%",
                ),
                rx.cond(
                    PromisesState.field_errors.contains(""), form_error(in_language(PromisesState.field_errors[""]))
                ),
                rx.button(
                    I18n.t["promise.create"],
                    type="submit",
                    size="3",
                    loading=PromisesState.submitting,
                    disabled=PromisesState.submitting,
                    width=rx.breakpoints(initial="100%", sm="auto"),
                    data_testid="promise-create",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=PromisesState.create,
            reset_on_submit=False,
            width="100%",
        ),
        data_testid="promise-form",
    )


def created_card() -> rx.Component:
    new = PromisesState.created
    return card(
        card_title("ticket-check", I18n.t["promise.created.title"], rx.text(new.amount, size="4", weight="bold")),
        rx.callout(I18n.t["promise.created.once"], icon="triangle-alert", color_scheme="amber", size="2", width="100%"),
        rx.grid(
            qr_code(new.qr, alt=I18n.t["promise.created.qr_alt"], test_id="promise-qr", size="184px", padding="8px"),
            rx.vstack(
                copy_value(
                    I18n.t["promise.created.code"],
                    new.code,
                    copied=I18n.t["common.copied"],
                    copy_label=I18n.t["common.copy"],
                    test_id="promise-code",
                ),
                copy_value(
                    I18n.t["promise.created.link"],
                    new.link,
                    copied=I18n.t["common.copied"],
                    copy_label=I18n.t["common.copy"],
                    test_id="promise-link",
                    link=True,
                ),
                rx.button(
                    I18n.t["promise.created.done"],
                    variant="soft",
                    on_click=PromisesState.dismiss_code,
                    data_testid="promise-saved",
                ),
                spacing="3",
                width="100%",
                min_width="0",
            ),
            columns=rx.breakpoints(initial="1", sm="auto 1fr"),
            spacing="5",
            width="100%",
            margin_top="16px",
        ),
        data_testid="promise-created",
    )


def _row(row: PromiseRow, *, issued: bool) -> rx.Component:
    details = rx.vstack(
        rx.hstack(
            rx.text(row.amount, weight="bold", size="3"),
            status_chip(I18n.t[f"promise.status.{row.status}"], row.color, data_testid="promise-status"),
            rx.cond(row.origin != "created", rx.badge(I18n.t[f"promise.origin.{row.origin}"], variant="outline")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.text(
            rx.code(row.hint, "…", variant="ghost"),
            " · ",
            row.created,
            rx.cond(row.expires != "", rx.fragment(" · ", I18n.t["promise.expires"], " ", row.expires)),
            rx.cond(row.pinned_name != "", rx.fragment(" · ", I18n.t["promise.for"], " ", row.pinned_name)),
            size="1",
            color_scheme="gray",
        ),
        rx.cond(row.note != "", rx.text(row.note, size="2", style=WRAP_ANYWHERE)),
        spacing="1",
        min_width="0",
    )
    side = rx.fragment()
    if issued:
        side = rx.cond(
            row.can_cancel,
            confirm_dialog(
                rx.button(
                    I18n.t["promise.cancel"],
                    variant="soft",
                    color_scheme="red",
                    size="2",
                    disabled=PromisesState.cancelling,
                    data_testid="promise-cancel",
                ),
                title=I18n.t["promise.cancel.title"],
                description=I18n.t["promise.cancel.body"],
                keep_label=I18n.t["promise.cancel.keep"],
                confirm_label=I18n.t["promise.cancel.confirm"],
                on_confirm=PromisesState.cancel(row.id),
                confirm_test_id="promise-cancel-confirm",
            ),
        )
    return list_row(details, side, test_id="promise-row-issued" if issued else "promise-row-received")


def promise_list(title_key: str, icon: str, rows, *, issued: bool, empty_key: str, test_id: str) -> rx.Component:
    return card(
        card_title(icon, I18n.t[title_key]),
        rx.cond(
            rows.length() > 0,
            rx.vstack(rx.foreach(rows, lambda r: _row(r, issued=issued)), spacing="0", width="100%"),
            empty_note(I18n.t[empty_key]),
        ),
        data_testid=test_id,
    )


@template(route=routes.PROMISES, title="My promises", on_load=[PromisesState.load])
def promises_page() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["promises.title"], I18n.t["promises.subtitle"]),
        rx.link(
            rx.hstack(rx.icon("arrow-right-left", size=15), I18n.t["psale.link"], align="center"),
            href=routes.PROMISE_SELL,
            size="2",
            margin_bottom="12px",
            data_testid="promises-sell-link",
        ),
        rx.cond(
            PromisesState.loaded,
            rx.vstack(
                rx.cond(PromisesState.created.code != "", created_card(), create_form()),
                rx.cond(
                    PromisesState.field_errors.contains("list"),
                    form_error(in_language(PromisesState.field_errors["list"])),
                ),
                promise_list(
                    "promises.issued",
                    "send",
                    PromisesState.issued,
                    issued=True,
                    empty_key="promises.empty_issued",
                    test_id="promises-issued",
                ),
                promise_list(
                    "promises.received",
                    "download",
                    PromisesState.received,
                    issued=False,
                    empty_key="promises.empty_received",
                    test_id="promises-received",
                ),
                spacing="4",
                width="100%",
            ),
            page_skeleton(I18n.t["promises.loading"], cards=2),
        ),
        spacing="0",
        width="100%",
    )
