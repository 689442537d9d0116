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

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.fiat_market import OfferLook, market_row, offer_list
from krypton_app.components.ui import form_error
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.invoices import QuoteRenewed
from krypton_app.i18n import error_texts
from krypton_app.pages.pay import payment_step
from krypton_app.services.part_deals import open_part_deal, part_ads
from krypton_app.services.payments import get_payment
from krypton_app.state.fiat_market import FiatMarket, OfferRow, offer_row
from krypton_app.state.i18n import I18n, in_language
from krypton_app.state.invoice_views import PartRow
from krypton_app.state.offload import off_loop


class FiatPart(FiatMarket, mixin=True):
    fiat_part: int = 0  # the part whose panel is open (0: none)
    fiat_offers: list[OfferRow] = []
    fiat_searched: bool = False

    # The ads the panel lists: "Open deal" acts on these only. One key per listing: a double click on
    # one ad opens one deal.
    _fiat_ads: list[int] = []
    _fiat_key: str = ""

    def _fiat_reset(self, part_id: int = 0) -> None:
        self.fiat_part, self.fiat_offers = part_id, []
        self._clear_fiat_market()
        self.fiat_searched, self._fiat_ads, self._fiat_key = False, [], ""
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "fiat"}

    @rx.event
    async def open_fiat(self, part_id: int):
        if await self._user_id() is None or not self._payment_id:
            return
        if type(part_id) is not int or part_id not in self._part_amounts:
            return
        self._fiat_reset(part_id)
        self._list_fiat_countries((await self.get_state(I18n)).lang)

    @rx.event
    def close_fiat(self):
        self._fiat_reset()

    async def _fiat_market_open(self) -> bool:
        return bool(self.fiat_part)

    async def _fiat_market_changed(self, field: str) -> None:
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


LOOK = OfferLook(
    texts="payfiat", total_key="payfiat.total", linked_key="", button_key="payfiat.open_deal",
    empty_key="payfiat.empty",
    test_ids=("pay-fiat-offer", "pay-fiat-trader", "pay-fiat-total", "pay-fiat-open-deal", "pay-fiat-empty"),
)  # fmt: skip


def _picker() -> rx.Component:
    state = _pay_state()
    return rx.vstack(
        rx.text(I18n.t["payfiat.explain"], size="2", color_scheme="gray"),
        market_row(state, "payfiat", "pay-fiat"),
        rx.cond(
            state.field_errors.contains("fiat"),
            form_error(in_language(state.field_errors["fiat"]), data_testid="pay-fiat-error"),
        ),
        offer_list(state.fiat_offers, LOOK, state.open_fiat_deal, state.busy != 0, state.fiat_searched),
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
