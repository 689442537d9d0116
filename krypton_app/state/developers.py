"""The state of the Developers card (components/developers.py, on /invoices): the merchant's REST API
keys (a new key's secret is shown once) and the two webhook signing secrets, one for live events and
one for test events (each revealed and rotated on request)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krypton_app.bootstrap import app_deps
from krypton_app.domain.errors import KryptonError
from krypton_app.i18n import error_key, translate
from krypton_app.services import api_keys
from krypton_app.services.webhooks import rotate_webhook_secret, webhook_secret
from krypton_app.state.auth import AuthState
from krypton_app.state.i18n import I18n
from krypton_app.state.offload import off_loop
from krypton_app.state.views import when

# The scopes a key may have (the service's list): the form offers each one as a checkbox.
SCOPES = api_keys.SCOPES
MODES = ("live", "test")  # the webhook secrets: events of live invoices, events of test invoices


@dataclass(frozen=True)
class ApiKeyRow:
    id: int
    name: str
    prefix: str  # the key's public start, never enough to authenticate
    scopes: str
    is_test: bool
    created: str
    revoked: bool
    flavour: str  # krypton, or a compatibility API's credentials (cryptopay, heleket)


def _key_row(k: api_keys.ApiKeyView, lang: str) -> ApiKeyRow:
    return ApiKeyRow(
        id=k.id,
        name=k.name or "—",
        prefix=k.prefix,
        scopes=" ".join(k.scopes),
        is_test=k.is_test,
        created=when(k.created_at, lang),
        revoked=k.revoked_at is not None,
        flavour=k.flavour,
    )


def _key_rows(user_id: int, lang: str) -> list[ApiKeyRow]:
    return [_key_row(k, lang) for k in api_keys.list_api_keys(app_deps().uow, user_id)]


class DevelopersState(AuthState):
    keys: list[ApiKeyRow] = []
    # A new key may move money into promises only when asked for: promises:write is not checked at first.
    scopes: list[str] = [s for s in SCOPES if s != "promises:write"]
    key_test: bool = False
    key_error: str = ""
    # The new key's secret while its dialog is open: it is never stored, so it cannot be shown again.
    new_secret: str = ""
    # A webhook signing secret while the merchant has it revealed: live and test, each on its own.
    revealed_live_secret: str = ""
    revealed_test_secret: str = ""

    @rx.event
    async def load(self):
        user_id = await self._user_id()
        self.new_secret = ""
        self.revealed_live_secret = self.revealed_test_secret = ""
        if user_id is not None:
            self.keys = await off_loop(_key_rows, user_id, (await self.get_state(I18n)).lang)

    @rx.event
    def toggle_scope(self, scope: str, checked: bool):
        if scope not in SCOPES:
            return
        chosen = [s for s in self.scopes if s != scope]
        self.scopes = [s for s in SCOPES if s in chosen or (checked and s == scope)]

    @rx.event
    def set_key_test(self, value: bool):
        self.key_test = bool(value)

    @rx.event
    async def create_key(self, form_data: dict):
        user_id = await self._user_id()
        if user_id is None:
            return
        try:
            _view, secret = await off_loop(
                api_keys.create_api_key,
                app_deps().uow,
                user_id,
                name=str(form_data.get("key_name") or "").strip(),
                scopes=list(self.scopes),
                is_test=self.key_test,
            )
        except KryptonError as error:
            self.key_error = error_key(error.code, error.details)
            return
        self.key_error = ""
        self.new_secret = secret
        self.keys = await off_loop(_key_rows, user_id, (await self.get_state(I18n)).lang)

    @rx.event
    def close_secret(self):
        self.new_secret = ""

    @rx.event
    async def revoke(self, key_id: int | str):
        user_id = await self._user_id()
        if user_id is None:
            return
        try:
            await off_loop(api_keys.revoke_api_key, app_deps().uow, user_id, int(key_id))
        except (KryptonError, ValueError, TypeError) as error:
            self.key_error = error_key(getattr(error, "code", "unexpected"))
            return
        self.keys = await off_loop(_key_rows, user_id, (await self.get_state(I18n)).lang)

    def _show(self, mode: str, secret: str) -> None:
        if mode == "test":
            self.revealed_test_secret = secret
        else:
            self.revealed_live_secret = secret

    @rx.event
    async def reveal_secret(self, mode: str):
        """Show or hide the live or the test secret (the signed-in merchant's own; any other `mode` is ignored)."""
        user_id = await self._user_id()
        if user_id is None or mode not in MODES:
            return
        if (self.revealed_test_secret if mode == "test" else self.revealed_live_secret) != "":
            self._show(mode, "")
            return
        deps = app_deps()
        self._show(
            mode, await off_loop(webhook_secret, deps.uow, user_id, is_test=mode == "test", settings=deps.settings)
        )

    @rx.event
    async def rotate_secret(self, mode: str):
        """Replace the live or the test secret; the other one stays as it is."""
        user_id = await self._user_id()
        if user_id is None or mode not in MODES:
            return
        deps = app_deps()
        self._show(
            mode,
            await off_loop(rotate_webhook_secret, deps.uow, user_id, is_test=mode == "test", settings=deps.settings),
        )
        i18n = await self.get_state(I18n)
        return rx.toast.success(translate(i18n.lang, f"dev.secret_rotated.{mode}"))
