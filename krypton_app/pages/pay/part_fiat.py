"""The pay wizard's "fiat through a trader" panel of a part (SPEC F10): country -> currency -> payment
method, then the SELL ads that can pay the part (services/part_deals.part_ads: best price first, with
the fiat the payer hands over for this part and the trader's record), and "Open deal": the deal is
opened for exactly the part and its release goes to the part. The part then shows its deal in progress
with a link to the deal (its chat); a deal that expired or was cancelled says so, and the payer picks
another ad.

`FiatPart` is a mixin of PayState (pages/pay/state.py) and uses its members (`_user_id`, `_payment_id`,
`_part_amounts`, `_show_payment`, `field_errors`, `busy`). Every handler takes what the browser sends as
untrusted: only parts of this payment, catalog codes and ads the panel listed are acted on, and the
services check the payer again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.ui import form_error
from krypton_app.domain.catalog_data import (
    COUNTRY_CODES,
    COUNTRY_NAMES,
    FIAT_CODES,
    FIAT_CURRENCIES,
    country_fiat,
    country_methods,
    method_name,
)
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.invoices import QuoteRenewed
from krypton_app.i18n import error_texts
from krypton_app.i18n.formatting import format_fiat, format_full
from krypton_app.pages.pay import payment_step
from krypton_app.services.market import Offer
from krypton_app.services.part_deals import open_part_deal, part_ads
from krypton_app.services.payments import get_payment
from krypton_app.state.i18n import I18n, in_language
from krypton_app.state.invoice_views import PartRow
from krypton_app.state.offload import off_loop

FIAT_NAMES = {code: {"en": en, "ru": ru} for code, en, ru in FIAT_CURRENCIES}


@dataclass(frozen=True)
class FiatOption:
    code: str = ""
    name: str = ""


@dataclass(frozen=True)
class FiatOfferRow:
    """A SELL ad that can pay the part, as the panel lists it."""

    ad_id: int = 0
    trader: str = ""
    price: str = ""  # fiat per whole asset unit
    total: str = ""  # fiat the payer hands over for this part
    limits: str = ""
    trades: int = 0
    completion: str = ""  # "96%", "—" before the trader's first ended deal


def offer_row(offer: Offer, lang: str) -> FiatOfferRow:
    ad, trader = offer.ad, offer.trader
    rate = trader.completion_rate_30d
    return FiatOfferRow(
        ad_id=ad.id,
        trader=ad.owner_name,
        price=format_fiat(ad.price, ad.fiat, lang, ad.fiat_decimals),
        total=format_fiat(offer.fiat_total, ad.fiat, lang, ad.fiat_decimals),
        limits=f"{format_full(ad.min_amount, ad.decimals, lang)} – {format_full(ad.max_amount, ad.decimals, lang)}"
        f" {ad.asset}",
        trades=trader.completed_deals,
        completion="—" if rate is None else f"{rate * 100:.0f}%",
    )


class FiatPart(rx.State, mixin=True):
    fiat_part: int = 0  # the part whose panel is open (0: none)
    fiat_countries: list[FiatOption] = []
    fiat_currencies: list[FiatOption] = []
    fiat_methods: list[FiatOption] = []
    fiat_country: str = ""
    fiat_currency: str = ""
    fiat_method: str = ""
    fiat_offers: list[FiatOfferRow] = []
    fiat_searched: bool = False

    # The ads the panel lists: "Open deal" acts on these only. One key per listing: a double click on
    # one ad opens one deal.
    _fiat_ads: list[int] = []
    _fiat_key: str = ""

    def _fiat_reset(self, part_id: int = 0) -> None:
        self.fiat_part, self.fiat_country, self.fiat_currency, self.fiat_method = part_id, "", "", ""
        self.fiat_currencies, self.fiat_methods, self.fiat_offers = [], [], []
        self.fiat_searched, self._fiat_ads, self._fiat_key = False, [], ""
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "fiat"}

    @rx.event
    async def open_fiat(self, part_id: int):
        if await self._user_id() is None or not self._payment_id:
            return
        if type(part_id) is not int or part_id not in self._part_amounts:
            return
        self._fiat_reset(part_id)
        lang = (await self.get_state(I18n)).lang
        names = sorted((COUNTRY_NAMES[code][lang], code) for code in COUNTRY_CODES)
        self.fiat_countries = [FiatOption(code, name) for name, code in names]

    @rx.event
    def close_fiat(self):
        self._fiat_reset()

    @rx.event
    async def choose_fiat_country(self, code: str):
        if not self.fiat_part or code not in COUNTRY_CODES:
            return
        lang = (await self.get_state(I18n)).lang
        own = country_fiat(code) or FIAT_CODES[0]
        # The country's own currency first; traders there may take others too.
        currencies = [own, *(c for c in FIAT_CODES if c != own)]
        self.fiat_country, self.fiat_currency = code, own
        self.fiat_currencies = [FiatOption(c, f"{c} · {FIAT_NAMES[c][lang]}") for c in currencies]
        methods = country_methods(code)
        self.fiat_methods = [FiatOption(m, method_name(m, lang)) for m in methods]
        self.fiat_method = methods[0] if methods else ""
        await self._fiat_search()

    @rx.event
    async def choose_fiat_currency(self, code: str):
        if not self.fiat_country or code not in FIAT_CODES:
            return
        self.fiat_currency = code
        await self._fiat_search()

    @rx.event
    async def choose_fiat_method(self, code: str):
        if not self.fiat_country or code not in country_methods(self.fiat_country):
            return
        self.fiat_method = code
        await self._fiat_search()

    async def _fiat_search(self) -> None:
        user_id = await self._user_id()
        if user_id is None or not self.fiat_part or not self.fiat_method:
            return
        deps = app_deps()
        try:
            offers = await off_loop(
                part_ads,
                deps.uow,
                user_id,
                self._payment_id,
                self.fiat_part,
                country=self.fiat_country,
                fiat=self.fiat_currency,
                method=self.fiat_method,
                rates=deps.rates,
                now=payment_step.now(),
            )
        except KryptonError as error:
            self.fiat_offers, self._fiat_ads = [], []
            self.field_errors = {**self.field_errors, "fiat": error_texts(error)}
            return
        lang = (await self.get_state(I18n)).lang
        self.fiat_offers = [offer_row(offer, lang) for offer in offers]
        self._fiat_ads = [offer.ad.id for offer in offers]
        self._fiat_key = f"ui-fiat-{uuid.uuid4().hex}"
        self.fiat_searched = True
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "fiat"}

    @rx.event
    async def open_fiat_deal(self, ad_id: int):
        user_id = await self._user_id()
        if user_id is None or self.busy or not self.fiat_part or self.fiat_part not in self._part_amounts:
            return
        if type(ad_id) is not int or ad_id not in self._fiat_ads:
            return
        part_id = self.busy = self.fiat_part
        yield
        deps = app_deps()
        try:
            await off_loop(
                open_part_deal,
                deps.uow,
                user_id,
                self._payment_id,
                part_id,
                ad_id,
                method=self.fiat_method,
                idempotency_key=f"{self._fiat_key}-{ad_id}",
                settings=deps.settings,
                rates=deps.rates,
                now=payment_step.now(),
            )
        except QuoteRenewed as renewed:
            # Nothing opened: the part asks a new amount; the payer looks at it and picks again.
            self._fiat_reset()
            self.field_errors = {**self.field_errors, "fund": error_texts(renewed)}
        except KryptonError as error:
            # The panel stays open with the refusal; the part is shown afresh (a deal opened elsewhere).
            self.field_errors = {**self.field_errors, "fiat": error_texts(error)}
        else:
            self._fiat_reset()
        finally:
            self.busy = 0
        view = await off_loop(get_payment, deps.uow, user_id, self._payment_id, settings=deps.settings)
        self._show_payment(view, (await self.get_state(I18n)).lang)
        if self._awaiting():
            # The part turns funded on this page when the trader releases (LightningPart's watcher).
            yield type(self).watch_arrivals


# --- the panel ---------------------------------------------------------------------------------------


def _pay_state():
    # PayState's bases include FiatPart: its module imports this one, so the panel reads it when drawn.
    from krypton_app.pages.pay.state import PayState

    return PayState


def _select(label: str, options, value, on_change, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(I18n.t[label], size="1", color_scheme="gray"),
        rx.select.root(
            rx.select.trigger(placeholder=I18n.t["payfiat.choose"], width="100%", data_testid=test_id),
            rx.select.content(rx.foreach(options, lambda o: rx.select.item(o.name, value=o.code))),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
        min_width="150px",
        flex="1",
    )


def _offer(offer: rx.Var[FiatOfferRow]) -> rx.Component:
    state = _pay_state()
    return rx.hstack(
        rx.vstack(
            rx.text(offer.trader, size="2", weight="bold", data_testid="pay-fiat-trader"),
            rx.text(
                I18n.t["payfiat.trades"],
                ": ",
                offer.trades,
                " · ",
                I18n.t["payfiat.completion"],
                ": ",
                offer.completion,
                size="1",
                color_scheme="gray",
            ),
            rx.text(
                I18n.t["payfiat.price"],
                ": ",
                offer.price,
                " · ",
                I18n.t["payfiat.limits"],
                ": ",
                offer.limits,
                size="1",
                color_scheme="gray",
            ),  # fmt: skip
            spacing="1",
        ),
        rx.spacer(),
        rx.vstack(
            rx.text(I18n.t["payfiat.total"], size="1", color_scheme="gray"),
            rx.text(offer.total, size="3", weight="bold", data_testid="pay-fiat-total"),
            spacing="0",
            align="end",
        ),
        rx.button(
            I18n.t["payfiat.open_deal"],
            on_click=state.open_fiat_deal(offer.ad_id),
            loading=state.busy != 0,
            disabled=state.busy != 0,
            data_testid="pay-fiat-open-deal",
        ),
        width="100%",
        align="center",
        wrap="wrap",
        padding_y="8px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="pay-fiat-offer",
    )


def _picker() -> rx.Component:
    state = _pay_state()
    return rx.vstack(
        rx.text(I18n.t["payfiat.explain"], size="2", color_scheme="gray"),
        rx.hstack(
            _select(
                "payfiat.country",
                state.fiat_countries,
                state.fiat_country,
                state.choose_fiat_country,
                "pay-fiat-country",
            ),  # fmt: skip
            _select(
                "payfiat.currency",
                state.fiat_currencies,
                state.fiat_currency,
                state.choose_fiat_currency,
                "pay-fiat-currency",
            ),  # fmt: skip
            _select(
                "payfiat.method", state.fiat_methods, state.fiat_method, state.choose_fiat_method, "pay-fiat-method"
            ),  # fmt: skip
            width="100%",
            wrap="wrap",
            spacing="2",
        ),
        rx.cond(
            state.field_errors.contains("fiat"),
            form_error(in_language(state.field_errors["fiat"]), data_testid="pay-fiat-error"),
        ),
        rx.cond(
            state.fiat_searched & (state.fiat_offers.length() == 0),
            rx.text(I18n.t["payfiat.empty"], size="2", color_scheme="gray", data_testid="pay-fiat-empty"),
        ),
        rx.vstack(rx.foreach(state.fiat_offers, _offer), spacing="0", width="100%"),
        rx.button(I18n.t["payfiat.close"], on_click=state.close_fiat, variant="ghost", size="1"),
        spacing="2",
        width="100%",
        # Drawn inside the picker's method panel (pages/pay/part_picker.py), which gives it its frame.
        data_testid="pay-fiat-panel",
    )


def fiat_panel(row: rx.Var[PartRow]) -> rx.Component:
    """A part's fiat panel: its deal in progress (link to the deal and its chat), or the ads to pick
    from; an ended deal says so above them."""
    state = _pay_state()
    return rx.cond(
        row.deal_live,
        rx.callout.root(
            rx.callout.icon(rx.icon("handshake", size=16)),
            rx.callout.text(
                I18n.t[row.deal_key],
                ". ",
                I18n.t["payfiat.in_progress"],
                " ",
                rx.link(
                    I18n.t["payfiat.open_chat"],
                    href=routes.deal_detail("") + row.deal_id.to_string(),
                    data_testid="pay-fiat-deal-link",
                ),
            ),
            color_scheme="blue",
            width="100%",
            data_testid="pay-fiat-deal",
        ),
        rx.cond(
            row.pending & state.payment.can_fund,
            rx.vstack(
                rx.cond(
                    row.deal_key != "",
                    rx.text(I18n.t[row.deal_key], size="2", color_scheme="amber", data_testid="pay-fiat-ended"),
                ),
                rx.cond(
                    state.fiat_part == row.id,
                    _picker(),
                    rx.button(
                        rx.icon("handshake", size=15),
                        I18n.t["payfiat.open"],
                        on_click=state.open_fiat(row.id),
                        variant="soft",
                        disabled=state.busy != 0,
                        data_testid="pay-fiat-open",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
        ),
    )
