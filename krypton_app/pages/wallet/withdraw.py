"""The withdraw card of /wallet: one form per method (TON, Bitcoin, Lightning), then the quote to
review and confirm (the flow is in withdraw_state.py)."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.amount_field import amount_field
from krypton_app.components.ui import card, card_title, field_error, form_error
from krypton_app.pages.wallet.withdraw_state import ASSET_CODES, METHODS, WITHDRAW_CARD_ID, QuoteLine, WithdrawState
from krypton_app.pages.wallet.withdraw_units import ASSET, BTC
from krypton_app.state.i18n import I18n, in_language


def _error_under(name: str) -> rx.Component:
    return rx.cond(
        WithdrawState.field_errors.contains(name),
        field_error(in_language(WithdrawState.field_errors[name])),
        rx.fragment(),
    )


def _input(method: str, name: str, *, placeholder: str, input_mode: str = "text") -> rx.Component:
    has_error = WithdrawState.field_errors.contains(name)
    return rx.vstack(
        rx.el.label(rx.text(I18n.t[f"withdraw.field.{name}"], size="2", weight="medium"), html_for=f"{method}_{name}"),
        rx.input(
            id=f"{method}_{name}",
            name=name,
            placeholder=placeholder,
            input_mode=input_mode,
            auto_complete="off",
            spell_check=False,
            size="3",
            width="100%",
            read_only=WithdrawState.quote_lines.length() > 0,
            color_scheme=rx.cond(has_error, "red", "blue"),
            aria_invalid=rx.cond(has_error, "true", "false"),
        ),
        _error_under(name),
        spacing="1",
        width="100%",
        data_testid=f"withdraw-field-{name}",
    )


def _unit_select() -> rx.Component:
    """The Bitcoin form's amount unit: the asset spent or BTC, what the recipient gets."""
    return rx.select.root(
        rx.select.trigger(aria_label=I18n.t["withdraw.unit"], data_testid="withdraw-unit"),
        rx.select.content(rx.select.item(WithdrawState.asset, value=ASSET), rx.select.item("BTC", value=BTC)),
        value=WithdrawState.unit,
        on_change=WithdrawState.choose_unit,
        disabled=WithdrawState.quote_lines.length() > 0,
        size="3",
    )


def _amount_input(method: str) -> rx.Component:
    """The amount, in the asset spent; on the Bitcoin tab in BTC if the user chooses, with the other
    unit shown under it. The available balance and a "Max" that fills in the balance less the fee."""
    has_error = WithdrawState.field_errors.contains("amount")
    quoted = WithdrawState.quote_lines.length() > 0
    bitcoin = method == "bitcoin"
    unit = rx.cond(WithdrawState.unit == BTC, "BTC", WithdrawState.asset) if bitcoin else WithdrawState.asset
    return amount_field(
        rx.el.label(
            rx.text(I18n.t[f"withdraw.field.amount.{method}"], " (", unit, ")", size="2", weight="medium"),
            html_for=f"{method}_amount",
        ),
        rx.input(
            id=f"{method}_amount",
            name="amount",
            placeholder="0.00",
            input_mode="decimal",
            auto_complete="off",
            size="3",
            flex="1",
            min_width="0",
            read_only=quoted,
            color_scheme=rx.cond(has_error, "red", "blue"),
            aria_invalid=rx.cond(has_error, "true", "false"),
            **({"on_change": WithdrawState.type_amount.debounce(300)} if bitcoin else {}),
        ),
        available=WithdrawState.available,
        on_max=WithdrawState.fill_max,
        test_prefix="withdraw",
        unit=_unit_select() if bitcoin else None,
        max_disabled=quoted,
        below=(
            *(
                [
                    rx.cond(
                        WithdrawState.equivalent != "",
                        rx.text(
                            WithdrawState.equivalent,
                            size="2",
                            weight="medium",
                            style={"font_variant_numeric": "tabular-nums"},
                            data_testid="withdraw-equivalent",
                        ),
                    ),
                    rx.text(I18n.t["withdraw.bitcoin_amount_hint"], size="1", color_scheme="gray"),
                ]
                if bitcoin
                else []
            ),
            _error_under("amount"),
        ),
    )


def _asset_select(method: str) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[f"withdraw.field.asset.{method}"], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", data_testid=f"{method}-asset"),
            rx.select.content(*(rx.select.item(code, value=code) for code in ASSET_CODES)),
            name="asset",
            value=WithdrawState.asset,
            on_change=WithdrawState.choose_asset,
            disabled=WithdrawState.quote_lines.length() > 0,
            size="3",
        ),
        spacing="1",
        width="100%",
    )


def quote_line(line: rx.Var[QuoteLine]) -> rx.Component:
    return rx.hstack(
        rx.text(I18n.t[line.label_key], size="2", color_scheme="gray", white_space="nowrap"),
        rx.text(
            line.value,
            size=rx.cond(line.strong, "3", "2"),
            weight=rx.cond(line.strong, "bold", "medium"),
            text_align="right",
            # A destination (one long word) breaks where it must; a date or an amount only at its spaces.
            style={"overflow_wrap": "anywhere", "font_variant_numeric": "tabular-nums"},
            min_width="0",
        ),
        justify="between",
        align="baseline",
        spacing="4",
        width="100%",
    )


def quote_panel() -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t["withdraw.review_title"], size="2", weight="bold"),
        rx.foreach(WithdrawState.quote_lines, quote_line),
        rx.hstack(
            rx.button(
                rx.icon("pencil", size=15),
                I18n.t["withdraw.edit"],
                type="button",
                on_click=WithdrawState.edit,
                variant="soft",
                color_scheme="gray",
                size="3",
                disabled=WithdrawState.busy,
            ),
            rx.button(
                rx.icon("check", size=16),
                I18n.t["withdraw.confirm"],
                type="button",
                on_click=WithdrawState.confirm,
                loading=WithdrawState.busy,
                size="3",
                flex="1",
                data_testid="withdraw-confirm",
            ),
            spacing="2",
            width="100%",
            margin_top="4px",
        ),
        spacing="2",
        width="100%",
        padding="14px",
        border_radius="14px",
        background=rx.color("accent", 2),
        border=f"1px solid {rx.color('accent', 5)}",
        data_testid="withdraw-quote",
    )


def method_form(method: str, *fields: rx.Component) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(I18n.t[f"withdraw.intro.{method}"], size="2", color_scheme="gray"),
            _asset_select(method),
            *fields,
            rx.cond(
                WithdrawState.field_errors.contains(""),
                form_error(in_language(WithdrawState.field_errors[""]), data_testid="withdraw-error"),
                rx.fragment(),
            ),
            rx.cond(
                WithdrawState.quote_lines.length() > 0,
                quote_panel(),
                rx.button(
                    I18n.t["withdraw.review"],
                    rx.icon("arrow-right", size=16),
                    type="submit",
                    size="3",
                    width="100%",
                    data_testid="withdraw-review",
                ),
            ),
            spacing="3",
            width="100%",
            margin_top="16px",
        ),
        on_submit=WithdrawState.review,
        reset_on_submit=False,
        # The server's rules and messages decide, not the browser's.
        no_validate=True,
        width="100%",
    )


def withdraw_card() -> rx.Component:
    return card(
        card_title("arrow-up-right", I18n.t["withdraw.title"], color="violet"),
        rx.tabs.root(
            rx.tabs.list(
                *(
                    rx.tabs.trigger(I18n.t[f"withdraw.method.{m}"], value=m, data_testid=f"withdraw-tab-{m}")
                    for m in METHODS
                ),
            ),
            rx.tabs.content(
                method_form(
                    "ton",
                    _input("ton", "address", placeholder="UQ… / EQ…"),
                    _amount_input("ton"),
                ),
                value="ton",
            ),
            rx.tabs.content(
                method_form(
                    "bitcoin",
                    _input("bitcoin", "address", placeholder="bc1…"),
                    _amount_input("bitcoin"),
                ),
                value="bitcoin",
            ),
            rx.tabs.content(
                method_form("lightning", _input("lightning", "invoice", placeholder="lnbc…")),
                value="lightning",
            ),
            value=WithdrawState.method,
            on_change=WithdrawState.choose_method,
            width="100%",
        ),
        id=WITHDRAW_CARD_ID,
        data_testid="withdraw-card",
    )
