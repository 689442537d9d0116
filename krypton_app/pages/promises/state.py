"""The /promises page's state: the "New promise" form (asset, amount with Max, pin, note, expiry), the card
that shows a new promise's code once, and the lists of issued and received promises with Cancel.

The code lives in the state only for the card: the service stores just its keyed hash, and the card is
emptied on the next load of the page or by "I saved it"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import reflex as rx

from krypton_app import routes
from krypton_app.bootstrap import app_deps
from krypton_app.domain.catalog_data import ASSETS
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.money import format_amount
from krypton_app.i18n import error_texts
from krypton_app.i18n.formatting import amount_with_asset, format_short_datetime
from krypton_app.services import promises
from krypton_app.services.ledger_reads import list_balances
from krypton_app.services.promise_rows import PromiseView
from krypton_app.services.qr import qr_data_uri
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.once_form import OnceForm

ASSET_CODES = [code for code, _name, _decimals in ASSETS]
# Expiry choices in seconds; "0" for a promise that does not expire.
EXPIRY_CHOICES = ("0", "3600", "86400", "604800", "2592000")
STATUS_COLORS = {"active": "green", "redeemed": "blue", "cancelled": "gray", "expired": "orange", "in_deal": "violet"}
LIST_LIMIT = 50
FIELDS = ("amount", "pin", "note", "expiry", "asset")


@dataclass(frozen=True)
class PromiseRow:
    id: int = 0
    hint: str = ""
    amount: str = ""  # "2.5 TON"
    status: str = ""
    color: str = "gray"
    note: str = ""
    pinned_name: str = ""
    origin: str = ""  # created | change | refund
    created: str = ""
    expires: str = ""  # "" when it does not expire
    can_cancel: bool = False


def promise_row(view: PromiseView, user_id: int, lang: str) -> PromiseRow:
    return PromiseRow(
        id=view.id,
        hint=view.code_hint,
        amount=amount_with_asset(view.amount, view.decimals, view.asset, lang, display=False),
        status=view.status,
        color=STATUS_COLORS.get(view.status, "gray"),
        note=view.note,
        pinned_name=view.pinned_name or "",
        origin=view.origin,
        created=format_short_datetime(view.created_at, lang),
        expires=format_short_datetime(view.expires_at, lang) if view.expires_at else "",
        can_cancel=view.status == "active" and view.issuer_id == user_id,
    )


@dataclass(frozen=True)
class NewPromise:
    """The card after create: the code, its link and QR, shown this once."""

    code: str = ""
    link: str = ""
    qr: str = ""
    amount: str = ""


def _lists(user_id: int, lang: str) -> tuple[list[PromiseRow], list[PromiseRow], dict[str, tuple[int, int]]]:
    uow, now = app_deps().uow, datetime.now(UTC)
    issued, _ = promises.list_promises(uow, user_id, role=promises.ISSUED, now=now, limit=LIST_LIMIT)
    received, _ = promises.list_promises(uow, user_id, role=promises.RECEIVED, now=now, limit=LIST_LIMIT)
    available = {b.asset: (b.available, b.decimals) for b in list_balances(uow, user_id)}
    return (
        [promise_row(v, user_id, lang) for v in issued],
        [promise_row(v, user_id, lang) for v in received],
        available,
    )


class PromisesState(OnceForm, AuthState):
    loaded: bool = False
    asset: str = ASSET_CODES[0]
    # field -> its error in every language ("" for the form as a whole)
    field_errors: dict[str, dict[str, str]] = {}
    issued: list[PromiseRow] = []
    received: list[PromiseRow] = []
    created: NewPromise = NewPromise()
    cancelling: bool = False

    # asset -> (available minor units, decimals): the Max button's amount, never sent to the browser
    _available: dict[str, tuple[int, int]] = {}
    available_text: str = ""  # the chosen asset's available balance, "12.5 TON"

    def _show_available(self, lang: str) -> None:
        minor, decimals = self._available.get(self.asset, (0, 0))
        self.available_text = amount_with_asset(minor, decimals, self.asset, lang, display=False) if minor else ""

    async def _reload(self, user_id: int) -> None:
        lang = (await self.get_state(I18n)).lang
        self.issued, self.received, self._available = await off_loop(_lists, user_id, lang)
        self._show_available(lang)
        self.loaded = True

    @rx.event
    async def load(self):
        self.created = NewPromise()
        self.field_errors = {}
        user_id = await self._user_id()
        if user_id is None:
            return  # the page's login guard has sent the visitor to log in
        self._fresh_form_key()
        await self._reload(user_id)

    @rx.event
    async def choose_asset(self, asset: str):
        if isinstance(asset, str) and asset in ASSET_CODES:
            self.asset = asset
        self.field_errors = {}
        self._show_available((await self.get_state(I18n)).lang)

    @rx.event
    async def fill_max(self):
        """The chosen asset's whole available balance into the amount input (a read of the caller's own)."""
        user_id = await self._user_id()
        if user_id is None:
            return None
        await self._reload(user_id)
        minor, decimals = self._available.get(self.asset, (0, 0))
        return rx.set_value("promise_amount", format_amount(minor, decimals) if minor else "")

    @rx.event
    async def create(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None:
            yield AuthState.require_login
            return
        data = {k: str(form_data.get(k) or "").strip() for k in FIELDS} if isinstance(form_data, dict) else {}
        expiry = data.get("expiry", "0")
        expires_at = None
        if expiry in EXPIRY_CHOICES and expiry != "0":
            expires_at = datetime.now(UTC) + timedelta(seconds=int(expiry))
        self.submitting = True
        self.field_errors = {}
        yield
        try:
            deps = app_deps()
            made = await off_loop(
                promises.create_promise,
                deps.uow,
                user_id,
                asset=self.asset,
                amount=data.get("amount", ""),
                idempotency_key=self._submit_key(),
                settings=deps.settings,
                now=datetime.now(UTC),
                pin=data.get("pin") or None,
                note=data.get("note", ""),
                expires_at=expires_at,
            )
        except KryptonError as error:
            money = "amount" in error.code or error.code == "insufficient_funds"
            field = error.details.get("field") or ("amount" if money else "")
            self.field_errors = {field: error_texts(error)}
            return
        finally:
            self.submitting = False
        lang = (await self.get_state(I18n)).lang
        if made.code is not None:  # a repeated click of the same form: the first click's card stays
            link = deps.settings.app_url.rstrip("/") + routes.promise_link(made.code)
            amount = amount_with_asset(
                made.promise.amount, made.promise.decimals, made.promise.asset, lang, display=False
            )
            self.created = NewPromise(code=made.code, link=link, qr=await off_loop(qr_data_uri, link), amount=amount)
        await self._reload(user_id)

    @rx.event
    def dismiss_code(self):
        """The card gives way to a new form, with a new key: clicks of the old one repeat its answer."""
        self.created = NewPromise()
        self._fresh_form_key()

    @rx.event
    async def cancel(self, promise_id: int):
        """The confirmed Cancel of an issued active promise; the service checks it is the caller's."""
        user_id = await self._user_id()
        if user_id is None or type(promise_id) is not int or self.cancelling:
            return
        self.cancelling = True
        try:
            await off_loop(promises.cancel_promise, app_deps().uow, user_id, promise_id, now=datetime.now(UTC))
            self.field_errors = {}
        except KryptonError as error:
            self.field_errors = {"list": error_texts(error)}
        finally:
            self.cancelling = False
        await self._reload(user_id)
