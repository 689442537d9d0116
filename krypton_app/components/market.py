"""Building blocks of the market pages: catalog names in the reader's language, labelled selects,
the trader line and the "Open deal" form of an ad (the market and the ad's page), the card of a
missing ad, and the ad form that /market/new and the edit page share."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.layout.measures import PRIMARY_SIZE, PRIMARY_WIDTH
from krypton_app.components.ui import card, empty_note, field_error
from krypton_app.domain.ads import PAYMENT_DETAILS_MAX, TERMS_MAX
from krypton_app.domain.catalog_data import ASSET_CODES, COUNTRY_CODES, COUNTRY_NAMES, FIAT_CODES, METHOD_NAMES
from krypton_app.state.ad_form import AdFormMixin
from krypton_app.state.i18n import I18n, in_language
from krypton_app.state.market import AdRow, MarketState

_METHOD_NAMES = rx.Var.create(METHOD_NAMES)
_COUNTRY_NAMES = rx.Var.create(COUNTRY_NAMES)


def named(names: dict[str, dict[str, str]], code: str) -> rx.Var:
    return rx.cond(I18n.lang == "ru", names[code]["ru"], names[code]["en"])


def method_label(code: rx.Var) -> rx.Var:
    """A method's name for a code known only in the browser (a var's item)."""
    return _METHOD_NAMES[code][I18n.lang]


def country_label(code: rx.Var) -> rx.Var:
    return _COUNTRY_NAMES[code][I18n.lang]


def options(pairs) -> list[rx.Component]:
    return [rx.select.item(label, value=value) for value, label in pairs]


def country_options(*first: tuple[str, rx.Var]) -> list[rx.Component]:
    return options([*first, *((c, named(COUNTRY_NAMES, c)) for c in COUNTRY_CODES)])


def method_options(codes: rx.Var, *first: tuple[str, rx.Var]) -> list[rx.Component]:
    """The choices of a method select: `codes` from state (a country's methods), after any fixed ones."""
    return [*options(first), rx.foreach(codes, lambda code: rx.select.item(method_label(code), value=code))]


def labelled_select(name: str, label_key: str, items: list[rx.Component], **props) -> rx.Component:
    """A select that submits under `name`; pass `value` + `on_change` to bind it, or `default_value`."""
    return rx.vstack(
        rx.text(I18n.t[label_key], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", data_testid=f"market-{name}"),
            rx.select.content(*items),
            name=name,
            size="2",
            **props,
        ),
        spacing="1",
        width="100%",
    )


def trader_line(row: AdRow) -> rx.Component:
    """Deals, 30-day completion, average release time and reviews, in one small line."""
    return rx.text(
        row.completed_text,
        " · ",
        I18n.t["market.trader.completion"],
        " ",
        row.rate,
        " · ",
        I18n.t["market.trader.release"],
        " ",
        rx.text.span(row.release, data_testid="trader-release"),
        " · ",
        rx.text.span("+", row.positive, color=rx.color("green", 11)),
        " / ",
        rx.text.span("−", row.negative, color=rx.color("red", 11)),
        rx.cond(
            row.lapsed > 0,
            rx.text.span(
                " · ",
                I18n.t["payout.lapsed"].replace("{count}", row.lapsed.to_string()),
                color=rx.color("red", 11),
                data_testid="trader-lapsed",
            ),
        ),
        size="1",
        color_scheme="gray",
    )


def stat(label_key: str, value: rx.Var, **props) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[label_key], size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="medium", **props),
        spacing="0",
    )


def open_deal_form(row: AdRow) -> rx.Component:
    """Method and amount for MarketState.take, which opens the deal and goes to its page."""
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.el.input(type="hidden", name="ad_id", value=row.id),
                rx.el.input(type="hidden", name="asset", value=row.asset),
                # The fee terms shown below: a deal opening under other terms is refused (fee_changed).
                rx.el.input(type="hidden", name="fee_terms", value=MarketState.fee_terms.get(row.asset, "")),
                rx.el.select(
                    rx.foreach(row.method_codes, lambda code: rx.el.option(method_label(code), value=code)),
                    name="method",
                    aria_label=I18n.t["market.filter.method"],
                    style={
                        "padding": "0 8px",
                        "border_radius": "var(--radius-2)",
                        "border": "1px solid var(--gray-a7)",
                        "background": "var(--color-surface)",
                        "color": "var(--gray-12)",
                    },
                    # On a phone the method, the amount and the button are one column of equal rows.
                    height=rx.breakpoints(initial="40px", sm="32px"),
                    width=PRIMARY_WIDTH,
                    max_width=rx.breakpoints(initial="100%", sm="220px"),
                    data_testid="deal-method",
                ),
                rx.input(
                    name="amount",
                    placeholder=I18n.t["market.deal_amount"],
                    input_mode="decimal",
                    size=PRIMARY_SIZE,
                    width=PRIMARY_WIDTH,
                    on_change=lambda value: MarketState.preview_fee(row.id, value),
                    debounce_timeout=400,
                    data_testid="deal-amount",
                ),
                rx.button(
                    I18n.t["market.open_deal"],
                    type="submit",
                    # The card's one action: on a phone it is a full-width button of its own row.
                    size=PRIMARY_SIZE,
                    width=PRIMARY_WIDTH,
                    loading=MarketState.submitting,
                    disabled=MarketState.submitting,
                    data_testid="open-deal",
                ),
                spacing="2",
                wrap="wrap",
            ),
            on_submit=MarketState.take,
            reset_on_submit=False,
        ),
        # The fee before "Open deal" (SPEC F12): the terms, then the typed amount's fee.
        rx.text(
            rx.cond(
                MarketState.fee_preview_ad == row.id,
                in_language(MarketState.fee_preview),
                MarketState.fee_notes.get(row.asset + ":" + row.side + ":" + I18n.language, ""),
            ),
            size="2",
            color_scheme="gray",
            data_testid="deal-fee",
        ),
        rx.cond(MarketState.deal_error_ad == row.id, field_error(in_language(MarketState.deal_error))),
        spacing="2",
        width="100%",
    )


def ad_not_found(message_key: str) -> rx.Component:
    """The card of an ad that is not there (or not yours to edit)."""
    return card(
        empty_note(I18n.t[message_key], icon="search-x"),
        rx.link(
            rx.button(rx.icon("arrow-left", size=15), I18n.t["ad.back"], variant="soft"),
            href=routes.MARKET,
        ),
        data_testid="ad-not-found",
    )


# -- the ad form ----------------------------------------------------------------------------------


def _error_under(state: type[AdFormMixin], name: str) -> rx.Component:
    return rx.cond(state.field_errors.contains(name), field_error(in_language(state.field_errors[name])))


def _field(
    state: type[AdFormMixin],
    name: str,
    *,
    placeholder: str = "",
    input_mode: str = "decimal",
    max_length: int = TERMS_MAX,
) -> rx.Component:
    props = dict(
        name=name,
        default_value=state.values[name],
        placeholder=placeholder,
        width="100%",
        color_scheme=rx.cond(state.field_errors.contains(name), "red", "blue"),
        data_testid=f"ad-{name}",
    )
    control = (
        rx.text_area(**props, size="3", rows="3", max_length=max_length)
        if input_mode == "text"
        else rx.input(**props, input_mode=input_mode, size="3")
    )
    return rx.vstack(
        rx.text(I18n.t[f"ad.field.{name}"], size="2", weight="medium"),
        control,
        _error_under(state, name),
        spacing="1",
        width="100%",
    )


def _ad_select(state: type[AdFormMixin], name: str, items: list[rx.Component], **props) -> rx.Component:
    return rx.vstack(
        labelled_select(name, f"ad.field.{name}", items, **props),
        _error_under(state, name),
        spacing="1",
        width="100%",
    )


def method_choice(state: type[AdFormMixin]) -> rx.Component:
    """The country's methods as toggles: an ad accepts every method that is on."""

    def toggle(code: rx.Var) -> rx.Component:
        on = state.methods.contains(code)
        return rx.button(
            rx.cond(on, rx.icon("check", size=14), rx.fragment()),
            method_label(code),
            type="button",
            size="2",
            radius="full",
            variant=rx.cond(on, "solid", "outline"),
            color_scheme=rx.cond(on, "blue", "gray"),
            aria_pressed=rx.cond(on, "true", "false"),
            on_click=state.toggle_method(code),
            data_testid="ad-method",
        )

    return rx.vstack(
        rx.text(I18n.t["ad.field.methods"], size="2", weight="medium"),
        rx.flex(rx.foreach(state.method_choices, toggle), wrap="wrap", gap="8px"),
        rx.text(I18n.t["ad.methods_hint"], size="1", color_scheme="gray"),
        _error_under(state, "methods"),
        spacing="2",
        width="100%",
        margin_top="16px",
        data_testid="ad-methods-choice",
    )


def ad_form(
    state: type[AdFormMixin], *, editing: bool, submit_label: rx.Var, on_submit, submit_test_id: str, busy=False
):
    """The ad's fields. Editing: side and crypto are fixed at creation (shown, not submitted). `busy`:
    the submit's event runs (state/once_form.py), the button is disabled."""
    return rx.form(
        rx.grid(
            _ad_select(
                state,
                "side",
                options([("sell", I18n.t["ad.side.sell"]), ("buy", I18n.t["ad.side.buy"])]),
                default_value=state.side,
                disabled=editing,
            ),
            _ad_select(
                state, "asset", options((c, c) for c in ASSET_CODES), default_value=state.asset, disabled=editing
            ),
            _ad_select(state, "country", country_options(), value=state.country, on_change=state.choose_country),
            _ad_select(
                state, "fiat", options((c, c) for c in FIAT_CODES), value=state.fiat, on_change=state.choose_fiat
            ),
            _ad_select(
                state,
                "price_kind",
                options([("fixed", I18n.t["ad.price.fixed"]), ("floating", I18n.t["ad.price.floating"])]),
                default_value=state.price_kind,
            ),
            _field(state, "price", placeholder="250.00"),
            _field(state, "total_volume", placeholder="5"),
            _field(state, "min_amount", placeholder="1"),
            _field(state, "max_amount", placeholder="5"),
            _field(state, "payment_window_min", placeholder="15", input_mode="numeric"),
            _field(state, "min_completed_deals", placeholder="0", input_mode="numeric"),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        method_choice(state),
        rx.box(_field(state, "terms", input_mode="text"), margin_top="16px"),
        rx.box(
            _field(state, "payment_details", input_mode="text", max_length=PAYMENT_DETAILS_MAX),
            rx.text(I18n.t["ad.payment_details_hint"], size="1", color_scheme="gray", margin_top="4px"),
            margin_top="16px",
        ),
        *(
            [rx.text(I18n.t["ad.fixed_after_posting"], size="1", color_scheme="gray", margin_top="8px")]
            if editing
            else []
        ),
        _error_under(state, ""),
        rx.button(
            submit_label,
            type="submit",
            size="3",
            margin_top="16px",
            loading=busy,
            disabled=busy,
            data_testid=submit_test_id,
        ),
        on_submit=on_submit,
        reset_on_submit=False,
    )
