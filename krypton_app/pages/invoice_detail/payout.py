"""The fiat payout card of the merchant's invoice page (SPEC F10, services/fiat_payouts.py): the market
and the deposit, the payments waiting for their fiat with their deal or the two ways on (choose an
intermediary, take it in crypto), and the intermediary picker."""

from __future__ import annotations

import reflex as rx

from krypton_app.components.ui import card, card_title, empty_note, status_chip
from krypton_app.pages.invoice_detail.payout_state import WaitingRow
from krypton_app.pages.invoice_detail.state import InvoiceDetailState
from krypton_app.state.fiat_market import OfferRow
from krypton_app.state.i18n import I18n

S = InvoiceDetailState


def _figure(label_key: str, value: rx.Var, test_id: str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[label_key], size="1", color_scheme="gray"),
        rx.text(value, size="3", weight="bold", white_space="nowrap", data_testid=test_id, **props),
        spacing="0",
        min_width="0",
    )


def _take_crypto(row: rx.Var[WaitingRow]) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("coins", size=14),
                I18n.t["payout.take_crypto"],
                size="2",
                variant="soft",
                color_scheme="gray",
                loading=S.busy == "crypto-" + row.payment_id.to_string(),
                data_testid="payout-take-crypto",
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(I18n.t["payout.take_crypto"]),
            rx.alert_dialog.description(I18n.t["payout.take_crypto_confirm"]),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(I18n.t["common.cancel"], variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        I18n.t["payout.take_crypto"],
                        on_click=S.take_crypto(row.payment_id),
                        data_testid="payout-take-crypto-confirm",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def waiting_line(row: rx.Var[WaitingRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row.amount, weight="bold", size="3", data_testid="payout-waiting-amount"),
            rx.text(row.payer, " · ", row.created, size="1", color_scheme="gray"),
            rx.spacer(),
            rx.cond(
                row.deal_id > 0,
                rx.link(
                    rx.hstack(
                        rx.icon("handshake", size=14),
                        rx.text(I18n.t["payout.deal"].replace("{deal_id}", row.deal_id.to_string()), size="2"),
                        status_chip(I18n.t[row.deal_status_key], rx.cond(row.live, "blue", "gray")),
                        spacing="1",
                        align="center",
                    ),
                    href=row.deal_href,
                    data_testid="payout-deal",
                ),
            ),
            width="100%",
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.cond(
            ~row.live,
            rx.hstack(
                rx.button(
                    rx.icon("users", size=14),
                    I18n.t["payout.choose"],
                    size="2",
                    on_click=S.choose_intermediary(row.payment_id),
                    data_testid="payout-choose",
                ),
                _take_crypto(row),
                spacing="2",
                wrap="wrap",
            ),
        ),
        spacing="2",
        width="100%",
        padding_y="10px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="payout-waiting",
    )


def offer_line(row: rx.Var[OfferRow]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(row.trader, weight="bold", size="2"),
            rx.text(
                row.price,
                " · ",
                row.limits,
                " · ",
                row.deals,
                " · ",
                row.completion,
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            min_width="0",
        ),
        rx.spacer(),
        rx.vstack(
            rx.text(I18n.t["payout.you_get"].replace("{fiat}", row.total), size="2", weight="bold"),
            rx.button(
                I18n.t["payout.open"],
                size="2",
                on_click=S.open_payout(row.ad_id),
                loading=S.busy == "payout-" + row.ad_id.to_string(),
                disabled=S.busy != "",
                data_testid="payout-open",
            ),
            align="end",
            spacing="1",
        ),
        width="100%",
        align="center",
        wrap="wrap",
        padding_y="8px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="payout-offer",
    )


def picker() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(I18n.t["payout.picker_title"].replace("{amount} {asset}", S.picker_label), weight="bold", size="3"),
            rx.spacer(),
            rx.icon_button(
                rx.icon("x", size=15),
                variant="ghost",
                color_scheme="gray",
                on_click=S.close_picker,
                aria_label=I18n.t["common.cancel"],
            ),
            width="100%",
            align="center",
        ),
        rx.cond(S.picker_fee != "", rx.text(S.picker_fee, size="2", color_scheme="gray", data_testid="payout-fee")),
        rx.cond(
            S.picker_offers.length() > 0,
            rx.vstack(rx.foreach(S.picker_offers, offer_line), spacing="0", width="100%"),
            rx.text(I18n.t["payout.no_ads"], size="2", color_scheme="gray", data_testid="payout-no-ads"),
        ),
        spacing="2",
        width="100%",
        padding="14px",
        border_radius="12px",
        background=rx.color("accent", 2),
        border=f"1px solid {rx.color('accent', 5)}",
        data_testid="payout-picker",
    )


def payout_card() -> rx.Component:
    p = S.payout
    return rx.cond(
        p,
        card(
            card_title("banknote", I18n.t["payout.title"], rx.badge(p.market, variant="soft", radius="full")),
            rx.text(I18n.t["payout.hint"], size="2", color_scheme="gray"),
            rx.grid(
                _figure("payout.held", p.held, "payout-held"),
                _figure("payout.needed", p.needed, "payout-needed"),
                _figure(
                    "payout.available",
                    p.available,
                    "payout-available",
                    color=rx.cond(p.short, rx.color("red", 11), None),
                ),
                columns=rx.breakpoints(initial="2", sm="3"),
                spacing="3",
                width="100%",
                margin_y="10px",
            ),
            rx.text(I18n.t["payout.waiting"], size="2", weight="bold"),
            rx.cond(
                S.payout_waiting.length() > 0,
                rx.vstack(rx.foreach(S.payout_waiting, waiting_line), spacing="0", width="100%"),
                empty_note(I18n.t["payout.none_waiting"], "banknote"),
            ),
            rx.cond(S.picker_payment > 0, picker()),
            data_testid="payout-card",
        ),
    )
