"""/market/new's state: the ad form (AdFormMixin) and the owner's own ads with what each allows."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.ads import ACTIVE, PAUSED
from krypton_app.domain.catalog_data import ASSET_CODES, method_names
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_texts
from krypton_app.i18n.formatting import format_full
from krypton_app.services.ad_views import AdView, list_my_ads
from krypton_app.services.ads import close_ad, create_ad, pause_ad, resume_ad
from krypton_app.state.ad_form import AdFormMixin, form_text
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.market import MarketState, fiat_text
from krypton_app.state.offload import off_loop
from krypton_app.state.once_form import OnceForm

STATUS_COLORS = {ACTIVE: "green", PAUSED: "amber"}


@dataclass(frozen=True)
class MyAdRow:
    id: int
    href: str
    edit_href: str
    side_key: str
    status_key: str
    status_color: str
    price: str
    remaining: str  # "3 / 5 TON": what deals did not take, of the ad's volume
    methods: str
    # domain.ads.OWNER_ACTIONS of the ad's status: the buttons its row shows
    actions: tuple[str, ...]


def my_ad_row(ad: AdView, lang: str) -> MyAdRow:
    return MyAdRow(
        id=ad.id,
        href=routes.market_ad(ad.id),
        edit_href=routes.market_ad_edit(ad.id),
        side_key=f"ad.side.{ad.side}",
        status_key=f"ad.status.{ad.status}",
        status_color=STATUS_COLORS.get(ad.status, "gray"),
        price=fiat_text(ad.price, ad.fiat_decimals, ad.fiat, lang),
        remaining=f"{format_full(ad.remaining, ad.decimals, lang)} / {format_full(ad.total_volume, ad.decimals, lang)}"
        f" {ad.asset}",
        methods=method_names(ad.methods, lang),
        actions=tuple(sorted(ad.owner_actions)),
    )


class NewAdState(OnceForm, AdFormMixin, AuthState):
    my_ads: list[MyAdRow] = []
    ad_error: dict[str, str] = {}  # in every language (i18n.error_texts)

    async def _load_mine(self, user_id: int) -> None:
        lang = (await self.get_state(I18n)).lang
        ads = await off_loop(list_my_ads, app_deps().uow, user_id, rates=app_deps().rates)
        self.my_ads = [my_ad_row(ad, lang) for ad in ads]

    @rx.event
    async def load(self):
        self._seed()
        self.ad_error = {}
        self._fresh_form_key()
        user_id = await self._user_id()
        if user_id is not None:
            await self._load_mine(user_id)

    async def _set(self, user_id: int, action, ad_id: int | str) -> None:
        # The browser may send anything: only an id reaches the service (which checks the owner).
        if not str(ad_id).isdigit():
            return
        try:
            await off_loop(action, app_deps().uow, user_id, int(ad_id))
            self.ad_error = {}
        except KryptonError as error:
            self.ad_error = error_texts(error)
        await self._load_mine(user_id)

    @rx.event
    async def pause(self, ad_id: int):
        if (user_id := await self._user_id()) is not None:
            await self._set(user_id, pause_ad, ad_id)

    @rx.event
    async def resume(self, ad_id: int):
        if (user_id := await self._user_id()) is not None:
            await self._set(user_id, resume_ad, ad_id)

    @rx.event
    async def close(self, ad_id: int):
        if (user_id := await self._user_id()) is not None:
            await self._set(user_id, close_ad, ad_id)

    @rx.event
    async def create(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        side = form_text(form_data, "side") or "sell"
        draft = self._draft(form_data, side=side, asset=form_text(form_data, "asset") or ASSET_CODES[0])
        if draft is None:
            return
        self.submitting = True
        yield
        try:
            deps = app_deps()
            key = self._submit_key()
            view = await off_loop(create_ad, deps.uow, user_id, draft, rates=deps.rates, idempotency_key=key)
        except KryptonError as error:
            self._refused(error)
            return
        finally:
            self.submitting = False
        # The key stays until the form is shown again (load): a second click repeats this answer.
        self.field_errors = {}
        # The market then says the ad is up and links it: its filters may not list it on their first page.
        (await self.get_state(MarketState))._published(view.id)
        yield rx.redirect(routes.MARKET)
