"""The state of the Developers card's "Crypto Pay / Heleket" tab (components/compat_keys.py): credentials of
the compatibility APIs (services/compat_keys.py), each shown once when created, and a Crypto Pay app's
settings (its webhook URL, whether `transfer` is enabled). Every handler acts for the signed-in merchant
only: the services check that a key is theirs."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_key, translate
from krypton_app.services import api_keys, compat_keys
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop

MAX_TEXT = 2000  # what a name or URL field keeps of a caller's input before the service checks it


@dataclass(frozen=True)
class CryptoPayAppRow:
    id: int
    name: str
    app_id: str
    is_test: bool
    webhook_url: str
    transfers: bool


def _app_rows(user_id: int) -> list[CryptoPayAppRow]:
    return [
        CryptoPayAppRow(
            id=key.id,
            name=key.name,
            app_id=key.prefix.removeprefix("cp_"),
            is_test=key.is_test,
            webhook_url=key.webhook_url or "",
            transfers=compat_keys.TRANSFERS in key.scopes,
        )
        for key in api_keys.list_api_keys(app_deps().uow, user_id)
        if key.flavour == compat_keys.CRYPTOPAY and key.revoked_at is None
    ]


class CompatKeysState(AuthState):
    apps: list[CryptoPayAppRow] = []
    cp_test: bool = False
    cp_transfers: bool = False
    hk_test: bool = False
    error: str = ""
    # What was just issued, while its dialog is open: never stored in the clear, so never shown again.
    new_token: str = ""
    new_merchant: str = ""
    new_payment_key: str = ""
    new_payout_key: str = ""

    @rx.var
    def cryptopay_base(self) -> str:
        return f"{app_deps().settings.app_url.rstrip('/')}/cryptopay"

    @rx.var
    def heleket_base(self) -> str:
        return f"{app_deps().settings.app_url.rstrip('/')}/heleket"

    @rx.event
    async def load(self):
        self.close_issued()
        user_id = await self._user_id()
        if user_id is not None:
            self.apps = await off_loop(_app_rows, user_id)

    @rx.event
    def set_cp_test(self, value: bool):
        self.cp_test = bool(value)

    @rx.event
    def set_cp_transfers(self, value: bool):
        self.cp_transfers = bool(value)

    @rx.event
    def set_hk_test(self, value: bool):
        self.hk_test = bool(value)

    @rx.event
    def close_issued(self):
        self.new_token = self.new_merchant = self.new_payment_key = self.new_payout_key = ""

    @rx.event
    async def create_cryptopay_app(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None:
            return
        deps = app_deps()
        try:
            _view, token = await off_loop(
                compat_keys.create_cryptopay_app,
                deps.uow,
                user_id,
                name=str(form_data.get("cp_name") or "")[:MAX_TEXT],
                webhook_url=str(form_data.get("cp_webhook") or "")[:MAX_TEXT] or None,
                transfers=self.cp_transfers,
                is_test=self.cp_test,
                settings=deps.settings,
            )
        except KryptonError as error:
            self.error = error_key(error.code, error.details)
            return
        self.error, self.new_token = "", token
        self.apps = await off_loop(_app_rows, user_id)

    @rx.event
    async def create_heleket_merchant(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None:
            return
        deps = app_deps()
        try:
            _view, issued = await off_loop(
                compat_keys.create_heleket_merchant,
                deps.uow,
                user_id,
                name=str(form_data.get("hk_name") or "")[:MAX_TEXT],
                is_test=self.hk_test,
                settings=deps.settings,
            )
        except KryptonError as error:
            self.error = error_key(error.code, error.details)
            return
        self.error = ""
        self.new_merchant, self.new_payment_key, self.new_payout_key = (
            issued.merchant,
            issued.payment_key,
            issued.payout_key,
        )

    @rx.event
    async def save_app(self, form_data: dict):
        """A Crypto Pay app's settings form: `app` (its key id), `webhook_url`, `transfers` ("on" if checked)."""
        user_id = await self._user_id()
        if user_id is None:
            return
        deps = app_deps()
        try:
            await off_loop(
                compat_keys.set_cryptopay_app,
                deps.uow,
                user_id,
                int(str(form_data.get("app") or "")),
                webhook_url=str(form_data.get("webhook_url") or "")[:MAX_TEXT] or None,
                transfers=form_data.get("transfers") in ("on", True, "true"),
                settings=deps.settings,
            )
        except (KryptonError, ValueError) as error:
            self.error = error_key(getattr(error, "code", "unexpected"))  # ValueError: not a key id
            return
        self.error = ""
        self.apps = await off_loop(_app_rows, user_id)
        return rx.toast.success(translate((await self.get_state(I18n)).lang, "compat.saved"))
