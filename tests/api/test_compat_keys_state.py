"""The Developers card's Crypto Pay / Heleket tab as a browser tab drives it (Reflex's event processor, the
test database): credentials are issued once and work against the services that authenticate them; a
Crypto Pay app's settings are the merchant's own, and a browser that names another's app changes nothing."""

from __future__ import annotations

import asyncio

import pytest
from builders import SETTINGS, make_user
from reflex_tabs import Processor

from krypton_app import bootstrap, routes
from krypton_app.services import compat_keys
from krypton_app.state.auth import AuthState
from krypton_app.state.compat_keys import CompatKeysState as S


@pytest.fixture
def who(uow, monkeypatch):
    """`who[0]` is the tab's signed-in user."""
    signed = [make_user(uow)]

    async def signed_in(self):
        return signed[0]

    monkeypatch.setattr(AuthState, "_user_id", signed_in)
    with bootstrap.override(uow=uow, settings=SETTINGS):
        yield signed


def test_a_cryptopay_app_is_issued_once_and_its_settings_saved(uow, who):
    async def scenario() -> str:
        async with Processor() as p:
            tab = p.tab(routes.INVOICES)
            await tab.send(S.load)
            await tab.send(S.set_cp_transfers, value=True)
            await tab.send(S.create_cryptopay_app, form_data={"cp_name": "Shop bot", "cp_webhook": ""})
            state = await tab.state(S)
            token, [app] = state.new_token, state.apps
            assert state.error == "" and app.transfers and app.app_id == token.split(":")[0]
            principal = compat_keys.authenticate_cryptopay(uow, token, settings=SETTINGS)
            assert principal.user_id == who[0] and compat_keys.TRANSFERS in principal.scopes
            await tab.send(S.close_issued)
            await tab.send(S.load)
            assert (await tab.state(S)).new_token == ""  # never shown again
            form = {"app": str(app.id), "webhook_url": "https://shop.example/cp"}  # transfers unchecked
            await tab.send(S.save_app, form_data=form)
            [saved] = (await tab.state(S)).apps
            assert (saved.webhook_url, saved.transfers) == ("https://shop.example/cp", False)
            await tab.send(S.save_app, form_data={"app": str(app.id), "webhook_url": "ftp://x"})
            assert (await tab.state(S)).error == "error.webhook_url_invalid"

            who[0] = make_user(uow)  # another merchant's tab names the same app
            await tab.send(S.save_app, form_data={"app": str(app.id), "webhook_url": "", "transfers": "on"})
            assert (await tab.state(S)).error == "error.not_found"
            await tab.send(S.save_app, form_data={"app": "x", "webhook_url": ""})
            assert (await tab.state(S)).error == "error.unexpected"
            return token

    token = asyncio.run(scenario())
    principal = compat_keys.authenticate_cryptopay(uow, token, settings=SETTINGS)
    assert compat_keys.TRANSFERS not in principal.scopes


def test_a_heleket_merchant_is_issued_with_both_keys(uow, who):
    async def scenario():
        async with Processor() as p:
            tab = p.tab(routes.INVOICES)
            await tab.send(S.set_hk_test, value=True)
            await tab.send(S.create_heleket_merchant, form_data={"hk_name": "VPN shop"})
            state = await tab.state(S)
            body = b'{"order_id":"o-1"}'
            for key in (state.new_payment_key, state.new_payout_key):
                principal = compat_keys.authenticate_heleket(
                    uow, state.new_merchant, compat_keys.heleket_sign(body, key), body, settings=SETTINGS
                )
                assert principal.user_id == who[0] and principal.is_test
            await tab.send(S.create_heleket_merchant, form_data={"hk_name": " "})
            assert (await tab.state(S)).error == "error.api_key_name_invalid"

    asyncio.run(scenario())
