"""Credentials of the compatibility APIs (services/compat_keys.py): Crypto Pay app tokens and Heleket
merchant keys are API keys of their own flavour: shown once, kept sealed, refused once revoked or while
the merchant is blocked, and never usable as the REST API's Bearer key (nor the other way round)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from builders import NOW, SETTINGS, make_user

from krypton_app.domain.errors import ApiAuthError, NotFound, UserBlocked
from krypton_app.services import api_keys, compat_keys, user_blocks
from krypton_app.services.compat_keys import heleket_sign


def test_cryptopay_token_shape_and_authentication(uow):
    merchant = make_user(uow)
    view, token = compat_keys.create_cryptopay_app(uow, merchant, name="Shop bot", settings=SETTINGS)
    assert re.fullmatch(r"[1-9]\d{8}:AA[A-Za-z0-9]{33}", token)
    assert view.flavour == "cryptopay" and token not in view.prefix
    principal = compat_keys.authenticate_cryptopay(uow, token, settings=SETTINGS, now=NOW)
    assert (principal.user_id, principal.app_id, principal.secret) == (merchant, token.split(":")[0], token)
    assert compat_keys.TRANSFERS not in principal.scopes  # transfer is off until the merchant enables it
    for wrong in (None, "", token + "x", token.replace(":", ""), "1:" + token.split(":")[1], "abc:def"):
        with pytest.raises(ApiAuthError):
            compat_keys.authenticate_cryptopay(uow, wrong, settings=SETTINGS, now=NOW)
    with pytest.raises(ApiAuthError):  # a compatibility token is not a Bearer key of the REST API
        api_keys.authenticate(uow, f"Bearer {token}", scope="invoices:read", settings=SETTINGS)
    api_keys.revoke_api_key(uow, merchant, view.id)
    with pytest.raises(ApiAuthError):
        compat_keys.authenticate_cryptopay(uow, token, settings=SETTINGS, now=NOW)


def test_cryptopay_app_settings_are_the_merchants_own(uow):
    merchant, other = make_user(uow), make_user(uow)
    view, token = compat_keys.create_cryptopay_app(uow, merchant, name="Shop", settings=SETTINGS, is_test=True)
    changed = compat_keys.set_cryptopay_app(
        uow, merchant, view.id, webhook_url="https://shop.example/cp", transfers=True, settings=SETTINGS
    )
    assert changed.webhook_url == "https://shop.example/cp"
    principal = compat_keys.authenticate_cryptopay(uow, token, settings=SETTINGS, now=NOW)
    assert compat_keys.TRANSFERS in principal.scopes and principal.is_test
    with pytest.raises(NotFound):
        compat_keys.set_cryptopay_app(uow, other, view.id, webhook_url=None, transfers=True, settings=SETTINGS)


def test_heleket_keys_sign_requests_and_decide_the_scope(uow):
    merchant = make_user(uow)
    view, creds = compat_keys.create_heleket_merchant(uow, merchant, name="VPN shop", settings=SETTINGS)
    assert view.flavour == "heleket" and len(creds.payment_key) == len(creds.payout_key) == 64
    body = b'{"amount":"15","currency":"USDT","order_id":"o-1"}'
    by_payment = compat_keys.authenticate_heleket(
        uow, creds.merchant, heleket_sign(body, creds.payment_key), body, settings=SETTINGS, now=NOW
    )
    by_payout = compat_keys.authenticate_heleket(
        uow, creds.merchant, heleket_sign(body, creds.payout_key), body, settings=SETTINGS, now=NOW
    )
    assert by_payment.scopes == compat_keys.HELEKET_PAYMENT_SCOPES and by_payment.secret == creds.payment_key
    assert by_payout.scopes == compat_keys.HELEKET_PAYOUT_SCOPES and by_payout.secret == creds.payout_key
    # The sign covers the exact bytes: the same JSON re-serialised (a space) is another body.
    with pytest.raises(ApiAuthError):
        compat_keys.authenticate_heleket(
            uow, creds.merchant, heleket_sign(body, creds.payment_key), body.replace(b",", b", "), settings=SETTINGS
        )
    for merchant_header, sign in (
        (creds.merchant, "0" * 32),
        ("nobody", heleket_sign(body, creds.payment_key)),
        ("", ""),
    ):
        with pytest.raises(ApiAuthError):
            compat_keys.authenticate_heleket(uow, merchant_header, sign, body, settings=SETTINGS)


def test_a_blocked_merchants_compat_keys_are_refused(uow):
    merchant, operator = make_user(uow), make_user(uow, operator=True)
    _, token = compat_keys.create_cryptopay_app(uow, merchant, name="Shop", settings=SETTINGS)
    _, creds = compat_keys.create_heleket_merchant(uow, merchant, name="Shop", settings=SETTINGS)
    user_blocks.block_user(uow, operator, merchant, reason="fraud", now=NOW + timedelta(seconds=1))
    with pytest.raises(UserBlocked):
        compat_keys.authenticate_cryptopay(uow, token, settings=SETTINGS, now=NOW)
    with pytest.raises(UserBlocked):
        compat_keys.authenticate_heleket(
            uow, creds.merchant, heleket_sign(b"", creds.payment_key), b"", settings=SETTINGS
        )
