"""/p/<code>: the page a promise's link opens. Anyone sees what the promise holds (amount, note, status,
whether it is meant for one user); redeeming it to the balance needs a login, and a pinned promise
redeems only for its user. Every wrong code, by the visitor or the user, costs a guess
(services/promises.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.components.layout import template
from krypton_app.components.skeleton import page_skeleton
from krypton_app.components.ui import WRAP_ANYWHERE, card, card_title, form_error, status_chip
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_texts
from krypton_app.i18n.formatting import amount_with_asset, format_short_datetime
from krypton_app.pages.promises.state import STATUS_COLORS
from krypton_app.services import promises
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n, in_language
from krypton_app.state.offload import off_loop


class RedeemPromiseState(AuthState):
    loaded: bool = False
    found: bool = False
    amount: str = ""
    note: str = ""
    status: str = ""
    color: str = "gray"
    issuer: str = ""
    expires: str = ""
    pinned_to_viewer: bool = False
    pinned_elsewhere: bool = False
    may_redeem: bool = False
    redeemed: bool = False  # by this tab, just now
    busy: bool = False
    error: dict[str, str] = {}  # in every language

    _code: str = ""

    def _client(self) -> str:
        return self.router.session.client_ip or self.router.session.client_token

    async def _preview(self, user_id: int | None) -> None:
        deps = app_deps()
        lang = (await self.get_state(I18n)).lang
        try:
            view = await off_loop(
                promises.preview_by_code,
                deps.uow,
                user_id,
                self._code,
                settings=deps.settings,
                now=datetime.now(UTC),
                client=self._client(),
            )
        except KryptonError as error:
            self.found, self.error = False, error_texts(error)
            return
        self.found = True
        self.amount = amount_with_asset(view.amount, view.decimals, view.asset, lang, display=False)
        self.note, self.status, self.issuer = view.note, view.status, view.issuer_name
        self.color = STATUS_COLORS.get(view.status, "gray")
        self.expires = format_short_datetime(view.expires_at, lang) if view.expires_at else ""
        self.pinned_to_viewer = view.pinned_to_viewer
        self.pinned_elsewhere = view.pinned and not view.pinned_to_viewer and user_id is not None
        self.may_redeem = view.may_redeem

    @rx.event
    async def load(self):
        self.loaded = self.redeemed = self.busy = False
        self.error = {}
        self._code = routes.last_segment(self.router.url.path)
        await self._preview(await self._user_id())
        self.loaded = True

    @rx.event
    async def redeem(self):
        user_id = await self._user_id()
        if user_id is None:
            yield AuthState.require_login  # back here after the login
            return
        if self.busy or self.redeemed or not self._code:
            return
        self.busy = True
        yield
        deps = app_deps()
        try:
            await off_loop(
                promises.redeem_promise,
                deps.uow,
                user_id,
                self._code,
                settings=deps.settings,
                now=datetime.now(UTC),
                client=self._client(),
            )
            self.redeemed, self.error = True, {}
        except KryptonError as error:
            self.error = error_texts(error)
        finally:
            self.busy = False
        await self._preview(user_id)


def _redeem_action() -> rx.Component:
    state = RedeemPromiseState
    return rx.cond(
        state.redeemed,
        rx.vstack(
            rx.callout(I18n.t["promise.redeem.done"], icon="circle-check", color_scheme="green", width="100%"),
            rx.link(rx.button(I18n.t["promise.redeem.to_wallet"], size="3"), href=routes.WALLET),
            spacing="3",
            width="100%",
            data_testid="promise-redeemed",
        ),
        rx.cond(
            state.may_redeem,
            rx.button(
                rx.cond(AuthState.signed_in, I18n.t["promise.redeem.button"], I18n.t["promise.redeem.login"]),
                size="3",
                on_click=state.redeem,
                loading=state.busy,
                disabled=state.busy,
                width=rx.breakpoints(initial="100%", sm="auto"),
                data_testid="promise-redeem",
            ),
        ),
    )


def promise_card() -> rx.Component:
    state = RedeemPromiseState
    return card(
        card_title(
            "ticket",
            I18n.t["promise.redeem.title"],
            status_chip(I18n.t[f"promise.status.{state.status}"], state.color, data_testid="promise-status"),
        ),
        rx.vstack(
            rx.text(state.amount, size="8", weight="bold", data_testid="promise-amount"),
            rx.text(I18n.t["promise.redeem.from"], " ", state.issuer, size="2", color_scheme="gray"),
            rx.cond(state.note != "", rx.text(state.note, size="3", style=WRAP_ANYWHERE, data_testid="promise-note")),
            rx.cond(
                state.expires != "",
                rx.text(I18n.t["promise.expires"], " ", state.expires, size="2", color_scheme="gray"),
            ),
            rx.cond(
                state.pinned_to_viewer,
                rx.callout(I18n.t["promise.redeem.for_you"], icon="user-check", size="1", width="100%"),
            ),
            rx.cond(
                state.pinned_elsewhere,
                rx.callout(I18n.t["error.promise_pinned"], icon="lock", color_scheme="orange", size="1", width="100%"),
            ),
            rx.cond(state.error.length() > 0, form_error(in_language(state.error), data_testid="promise-error")),
            _redeem_action(),
            spacing="3",
            width="100%",
        ),
        data_testid="promise-card",
    )


@template(route=routes.PROMISE_REDEEM, title="Promise", on_load=[RedeemPromiseState.load], protected=False)
def redeem_page() -> rx.Component:
    state = RedeemPromiseState
    return rx.box(
        rx.cond(
            state.loaded,
            rx.cond(
                state.found,
                promise_card(),
                card(
                    card_title("ticket-x", I18n.t["promise.redeem.title"], color="red"),
                    form_error(in_language(state.error), data_testid="promise-error"),
                    data_testid="promise-missing",
                ),
            ),
            page_skeleton(I18n.t["promise.redeem.loading"], cards=1),
        ),
        max_width="560px",
        width="100%",
        margin_x="auto",
    )
