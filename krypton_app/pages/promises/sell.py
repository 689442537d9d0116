"""/promises/sell: sell a promise for fiat, cash it out to Bitcoin or Lightning, or put it on the balance
(SPEC F6). The code first, with what the promise holds; then the way: the BUY ads that take it whole
(a deal opens, the promise its escrow), a payout quote to confirm, or the promise's redeem page.
The state is sell_state.py."""

from __future__ import annotations

import reflex as rx

from krypton_app import routes
from krypton_app.components.fiat_market import OfferLook, market_row, offer_list
from krypton_app.components.layout import template
from krypton_app.components.skeleton import page_skeleton
from krypton_app.components.ui import WRAP_ANYWHERE, card, card_title, form_error, page_heading, status_chip
from krypton_app.pages.promises.sell_state import FIAT, SellPromiseState
from krypton_app.state.i18n import I18n, in_language

S = SellPromiseState
FULL_ON_PHONE = rx.breakpoints(initial="100%", sm="auto")


def _error(field: str) -> rx.Component:
    return rx.cond(
        S.errors.contains(field), form_error(in_language(S.errors[field]), data_testid=f"psale-error-{field}")
    )


def code_card() -> rx.Component:
    entry = rx.form(
        rx.vstack(
            rx.el.label(rx.text(I18n.t["psale.code"], size="2", weight="medium"), html_for="psale_code"),
            rx.input(
                id="psale_code",
                name="code",
                max_length=300,
                auto_complete="off",
                placeholder="https://…/p/…",
                size="3",
                width="100%",
                data_testid="psale-code",
            ),
            rx.text(I18n.t["psale.code_hint"], size="1", color_scheme="gray"),
            _error("code"),
            rx.button(
                I18n.t["psale.check"],
                type="submit",
                size="3",
                loading=S.busy,
                disabled=S.busy,
                width=FULL_ON_PHONE,
                data_testid="psale-check",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=S.check_code,
        reset_on_submit=False,
        width="100%",
    )
    preview = rx.vstack(
        rx.hstack(
            rx.text(S.amount, size="7", weight="bold", data_testid="psale-amount"),
            status_chip(I18n.t[f"promise.status.{S.status}"], S.color, data_testid="psale-status"),
            align="center",
            wrap="wrap",
            spacing="3",
        ),
        rx.text(I18n.t["promise.redeem.from"], " ", S.issuer, size="2", color_scheme="gray"),
        rx.cond(S.note != "", rx.text(S.note, size="2", style=WRAP_ANYWHERE)),
        rx.cond(
            ~S.usable & (S.payout_id == 0),
            rx.callout(I18n.t["psale.unusable"], icon="lock", color_scheme="orange", size="1", width="100%"),
        ),
        rx.button(
            I18n.t["psale.change"], on_click=S.change_code, variant="ghost", size="1", data_testid="psale-change"
        ),
        spacing="2",
        width="100%",
        data_testid="psale-preview",
    )
    return card(card_title("ticket", I18n.t["promise.redeem.title"]), rx.cond(S.amount != "", preview, entry))


def _way_button(way: str, icon: str) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=15),
        I18n.t[f"psale.to.{way}"],
        on_click=S.choose_way(way),
        variant=rx.cond(S.way == way, "solid", "soft"),
        size="2",
        data_testid=f"psale-way-{way}",
    )


def ways() -> rx.Component:
    return rx.flex(
        _way_button(FIAT, "banknote"),
        _way_button("bitcoin", "bitcoin"),
        _way_button("lightning", "zap"),
        rx.link(
            rx.button(rx.icon("wallet", size=15), I18n.t["psale.to.balance"], variant="soft", size="2"),
            href=S.redeem_href,
            data_testid="psale-way-balance",
        ),
        wrap="wrap",
        gap="8px",
        width="100%",
    )


LOOK = OfferLook(
    texts="payfiat", total_key="psale.you_get", linked_key="psale.linked", button_key="psale.sell",
    empty_key="psale.empty", test_ids=("psale-offer", "psale-trader", "psale-total", "psale-sell", "psale-empty"),
)  # fmt: skip


def fiat_panel() -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t["psale.fiat.explain"], size="2", color_scheme="gray"),
        market_row(S, "payfiat", "psale"),
        _error("fiat"),
        rx.cond(S.fee_note != "", rx.text(S.fee_note, size="2", color_scheme="gray", data_testid="psale-fee")),
        offer_list(S.offers, LOOK, S.sell, S.busy, S.searched),
        spacing="3",
        width="100%",
        data_testid="psale-fiat",
    )


def _quote_line(label: str, value: rx.Var, test_id: str = "") -> rx.Component:
    return rx.flex(
        rx.text(I18n.t[label], size="2", color_scheme="gray"),
        rx.text(value, size="2", weight="medium", text_align="right", data_testid=test_id or None),
        justify="between",
        wrap="wrap",
        gap="8px",
        width="100%",
    )


def cash_panel() -> rx.Component:
    bitcoin = S.way == "bitcoin"
    form = rx.form(
        rx.vstack(
            rx.el.label(
                rx.text(rx.cond(bitcoin, I18n.t["psale.address"], I18n.t["psale.invoice"]), size="2", weight="medium"),
                html_for="psale_destination",
            ),
            rx.text_area(
                id="psale_destination",
                name="destination",
                max_length=2000,
                rows=rx.cond(bitcoin, "2", "4"),
                width="100%",
                style=WRAP_ANYWHERE,
                data_testid="psale-destination",
            ),
            rx.text(
                rx.cond(bitcoin, I18n.t["psale.address_hint"], I18n.t["psale.invoice_hint"]),
                size="1",
                color_scheme="gray",
            ),
            _error("cash"),
            rx.button(
                I18n.t["psale.quote"],
                type="submit",
                size="3",
                loading=S.busy,
                disabled=S.busy,
                width=FULL_ON_PHONE,
                data_testid="psale-quote",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=S.show_quote,
        reset_on_submit=False,
        width="100%",
    )
    review = rx.vstack(
        _quote_line("psale.send", S.quote.send, "psale-send"),
        _quote_line("psale.fee", S.quote.fee),
        _quote_line("psale.arrives", S.quote.arrives, "psale-arrives"),
        _quote_line("psale.rate", S.quote.rate, "psale-rate"),
        rx.cond(S.quote.rest != "", _quote_line("psale.rest", S.quote.rest, "psale-rest")),
        rx.text(S.quote.destination, size="1", color_scheme="gray", style=WRAP_ANYWHERE),
        _error("cash"),
        rx.flex(
            rx.button(I18n.t["psale.back"], on_click=S.edit_cash_out, variant="soft", size="3"),
            rx.button(
                I18n.t["psale.confirm"],
                on_click=S.confirm_cash_out,
                size="3",
                loading=S.busy,
                disabled=S.busy,
                data_testid="psale-confirm",
            ),
            gap="8px",
            wrap="wrap",
        ),
        spacing="2",
        width="100%",
        data_testid="psale-review",
    )
    done = rx.vstack(
        rx.callout(I18n.t["psale.done"], icon="circle-check", color_scheme="green", width="100%"),
        rx.text("#", S.payout_id, " · ", I18n.t[f"status.{S.payout_status}"], size="2", data_testid="psale-payout"),
        rx.link(rx.button(I18n.t["promise.redeem.to_wallet"], size="3"), href=routes.WALLET),
        spacing="3",
        width="100%",
        data_testid="psale-done",
    )
    return rx.cond(S.payout_id != 0, done, rx.cond(S.quote.send != "", review, form))


def way_card() -> rx.Component:
    return card(
        card_title("arrow-right-left", I18n.t["psale.to"]),
        rx.vstack(
            ways(),
            rx.cond(S.way == FIAT, fiat_panel(), cash_panel()),
            spacing="4",
            width="100%",
        ),
        data_testid="psale-ways",
    )


@template(route=routes.PROMISE_SELL, title="Sell a promise", on_load=[SellPromiseState.load])
def sell_page() -> rx.Component:
    return rx.vstack(
        page_heading(I18n.t["psale.title"], I18n.t["psale.subtitle"]),
        rx.cond(
            S.loaded,
            rx.vstack(
                code_card(),
                rx.cond(S.usable | (S.payout_id != 0), way_card()),
                spacing="4",
                width="100%",
            ),
            page_skeleton(I18n.t["psale.loading"], cards=2),
        ),
        spacing="0",
        width="100%",
        max_width="760px",
        margin_x="auto",
    )
