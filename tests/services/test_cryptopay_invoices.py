"""Crypto Pay invoices over Krypton's: statuses as Crypto Pay names them (expiry included), a fiat invoice
paid at the rate of its payment, and the webhook queued only for a paid invoice of an app with a URL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from builders import TON, deposit, make_user, pay_invoice
from sqlmodel import select

from krypton_app.models import WebhookEvent
from krypton_app.services import cryptopay, invoices
from krypton_app.services.compat_keys import authenticate_cryptopay, create_cryptopay_app, cryptopay_signature
from krypton_app.services.cryptopay import CryptoPayRefused, InvoiceRequest
from krypton_app.services.rates import StaticRateProvider
from krypton_app.settings import Settings, get_settings

SETTINGS = Settings(KRYPTON_APP_URL="https://krypton.example", KRYPTON_TELEGRAM_BOT="KryptonPayBot")
RATES = StaticRateProvider(SETTINGS.rates)
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _app(uow, webhook_url=None):
    merchant = make_user(uow, display_name="shop")
    _view, token = create_cryptopay_app(uow, merchant, name="shop", settings=SETTINGS, webhook_url=webhook_url)
    return token, authenticate_cryptopay(uow, token, settings=SETTINGS, now=NOW)


def _create(uow, app, **fields):
    request = InvoiceRequest(**{"amount": "1", "asset": "TON", **fields})
    return cryptopay.create_invoice(uow, app, request, settings=SETTINGS, rates=RATES, now=NOW)


def test_an_invoice_past_its_expiry_reads_expired_before_and_after_the_worker(uow):
    _token, app = _app(uow)
    made = _create(uow, app, expires_in=60)
    assert made["bot_invoice_url"] == f"https://t.me/KryptonPayBot?start=inv_{made['hash']}"
    later = NOW + timedelta(minutes=2)
    for _ in range(2):
        [item] = cryptopay.get_invoices(uow, app, settings=SETTINGS, now=later, status="expired")
        assert item["invoice_id"] == made["invoice_id"] and item["status"] == "expired"
        assert cryptopay.get_invoices(uow, app, settings=SETTINGS, now=later, status="active") == []
        with pytest.raises(CryptoPayRefused) as refused:
            cryptopay.delete_invoice(uow, app, made["invoice_id"], settings=SETTINGS, now=later)
        assert refused.value.name == "INVOICE_NOT_ACTIVE"
        invoices.expire_invoices(uow, now=later)


def test_a_fiat_invoice_is_paid_in_its_first_accepted_asset_at_the_rate_of_the_payment(uow):
    token, app = _app(uow, webhook_url="https://shop.example/cp")
    made = _create(uow, app, asset=None, currency_type="fiat", fiat="USD", amount="10.40", accepted_assets=("TON",))
    payer = make_user(uow)
    deposit(uow, payer, 5 * TON)
    pay_invoice(uow, payer, made["hash"], ("2",), settings=SETTINGS, now=NOW)
    [paid] = cryptopay.get_invoices(uow, app, settings=SETTINGS, now=NOW, invoice_ids=[made["invoice_id"]])
    assert (paid["status"], paid["fiat"], paid["amount"], paid["paid_asset"], paid["paid_amount"]) == (
        "paid",
        "USD",
        "10.4",
        "TON",
        "2",
    )
    assert paid["paid_fiat_rate"] == "5.2" or float(paid["paid_fiat_rate"]) == 5.2
    with uow.read() as s:
        [event] = s.exec(select(WebhookEvent).where(WebhookEvent.flavour == "cryptopay")).all()
    update = json.loads(event.body)
    # The webhook is written where the payment completes, with the process's settings (its links).
    as_sent = cryptopay.get_invoices(uow, app, settings=get_settings(), now=NOW, invoice_ids=[made["invoice_id"]])
    assert update["update_type"] == "invoice_paid" and [update["payload"]] == as_sent
    assert event.signature == cryptopay_signature(token, event.body.encode())
    assert event.url == "https://shop.example/cp"


def test_no_webhook_for_an_app_without_a_url_or_for_another_apps_invoice(uow):
    _token, app = _app(uow)
    made = _create(uow, app)
    payer = make_user(uow)
    deposit(uow, payer, 5 * TON)
    pay_invoice(uow, payer, made["hash"], ("1",), settings=SETTINGS, now=NOW)
    krypton_invoice = invoices.create_invoice(
        uow,
        make_user(uow),
        invoices.InvoiceDraft(kind="fixed", title="t", asset="TON", amount="1"),
        settings=SETTINGS,
        now=NOW,
    )[0]
    pay_invoice(uow, payer, krypton_invoice.number, ("1",), settings=SETTINGS, now=NOW)
    with uow.read() as s:
        assert s.exec(select(WebhookEvent).where(WebhookEvent.flavour == "cryptopay")).all() == []
