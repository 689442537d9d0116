"""The Crypto Pay compatibility API driven by aiocryptopay's own client (aiohttp, GET with a query string)
over real HTTP, with only its base URL and token changed; the paid invoice's webhook goes to a real local
receiver built on aiocryptopay's own `get_updates` handler."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from aiocryptopay import AioCryptoPay
from aiocryptopay.exceptions.factory import CodeErrorFactory
from aiohttp import web
from builders import balances, deposit, make_user, pay_invoice
from sqlmodel import select

from krypton_app.bootstrap import app_deps
from krypton_app.models import InvoicePayment, WebhookDelivery
from krypton_app.services import promises
from krypton_app.services.compat_keys import create_cryptopay_app
from krypton_app.services.crypto import unseal
from krypton_app.services.webhook_delivery import deliver_due

TON = 10**9


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _app(uow, *, webhook_url=None, is_test=False, transfers=False):
    merchant = make_user(uow, display_name="VPN shop")
    view, token = create_cryptopay_app(
        uow,
        merchant,
        name="VPN shop",
        settings=app_deps().settings,
        webhook_url=webhook_url,
        is_test=is_test,
        transfers=transfers,
    )
    return merchant, view, token


def test_the_sdk_reads_the_app_balances_rates_currencies_and_stats(uow, compat_server):
    merchant, _view, token = _app(uow)
    deposit(uow, merchant, 3 * TON)

    async def scenario():
        crypto = AioCryptoPay(token, network=f"{compat_server}/cryptopay")
        try:
            me = await crypto.get_me()
            assert me.app_id == int(token.split(":")[0]) and me.name == "VPN shop"
            assert me.payment_processing_bot_username == (app_deps().settings.telegram_bot or "KryptonBot")
            balances = {b.currency_code: b for b in await crypto.get_balance()}
            assert balances["TON"].available == 3 and balances["TON"].onhold == 0 and "USDT" in balances
            rates = await crypto.get_exchange_rates()
            ton_usd = next(r for r in rates if (r.source, r.target) == ("TON", "USD"))
            assert ton_usd.is_valid and ton_usd.is_crypto and not ton_usd.is_fiat and ton_usd.rate == 5.2
            codes = {c.code: c for c in await crypto.get_currencies()}
            assert codes["USDT"].is_stablecoin and codes["TON"].decimals == 9 and codes["RUB"].is_fiat
            await crypto.create_invoice(amount=1, asset="TON")
            stats = await crypto.get_stats()
            assert stats.created_invoice_count == 1 and stats.paid_invoice_count == 0
            since = datetime.now(UTC) - timedelta(days=3)
            assert (await crypto.get_stats(start_at=since, end_at=datetime.now(UTC))).created_invoice_count == 1
        finally:
            await crypto.close()

    asyncio.run(scenario())


def test_an_invoice_made_read_paid_by_a_krypton_user_and_pushed_to_the_sdk_webhook(uow, compat_server):
    port = _port()
    merchant, _view, token = _app(uow, webhook_url=f"http://127.0.0.1:{port}/crypto-pay")
    payer = make_user(uow, display_name="payer")
    deposit(uow, payer, 5 * TON)
    updates = []

    async def scenario():
        crypto = AioCryptoPay(token, network=f"{compat_server}/cryptopay")

        @crypto.pay_handler()
        async def paid(update, _app):
            updates.append(update)

        receiver = web.Application()
        receiver.router.add_post("/crypto-pay", crypto.get_updates)
        runner = web.AppRunner(receiver)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            invoice = await crypto.create_invoice(
                amount=1.5,
                asset="TON",
                description="VPN key, 1 month",
                hidden_message="Your key: K-123",
                paid_btn_name="viewItem",
                paid_btn_url="https://shop.example/keys",
                payload="order-42",
                allow_comments=False,
                expires_in=3600,
            )
            assert invoice.status == "active" and invoice.asset == "TON" and invoice.amount == 1.5
            assert invoice.payload == "order-42" and invoice.allow_comments is False and invoice.allow_anonymous
            assert invoice.web_app_invoice_url.endswith(f"/pay/{invoice.hash}") and invoice.expiration_date
            fiat = await crypto.create_invoice(amount=100, currency_type="fiat", fiat="RUB", accepted_assets=["USDT"])
            assert fiat.currency_type == "fiat" and fiat.fiat == "RUB" and fiat.accepted_assets == ["USDT"]
            both = await crypto.get_invoices(invoice_ids=[invoice.invoice_id, fiat.invoice_id])
            assert {i.invoice_id for i in both} == {invoice.invoice_id, fiat.invoice_id}
            assert (await crypto.get_invoices(invoice_ids=invoice.invoice_id)).hash == invoice.hash

            await asyncio.to_thread(
                pay_invoice, uow, payer, invoice.hash, ("1.5",), settings=app_deps().settings, now=datetime.now(UTC)
            )
            async with httpx.AsyncClient() as client:
                delivered = await deliver_due(uow, settings=app_deps().settings, client=client, now=datetime.now(UTC))
            assert delivered == 1

            paid_invoice = await crypto.get_invoices(invoice_ids=invoice.invoice_id)
            assert paid_invoice.status == "paid" and paid_invoice.paid_amount == 1.5 and paid_invoice.paid_at
            assert paid_invoice.fee_asset == "TON" and paid_invoice.fee_amount == 0
            [active] = await crypto.get_invoices(status="active")
            assert active.invoice_id == fiat.invoice_id
            assert await crypto.delete_invoice(fiat.invoice_id) is True
            assert await crypto.get_invoices(invoice_ids=fiat.invoice_id) is None  # deleted: gone
            with pytest.raises(CodeErrorFactory) as refused:
                await crypto.delete_invoice(invoice.invoice_id)  # paid: not deletable
            assert (refused.value.code, refused.value.name) == (400, "INVOICE_NOT_ACTIVE")
        finally:
            await crypto.close()
            await runner.cleanup()
        return invoice

    invoice = asyncio.run(scenario())
    [update] = updates
    assert update.update_type == "invoice_paid" and update.payload.invoice_id == invoice.invoice_id
    assert update.payload.status == "paid" and update.payload.payload == "order-42"
    with uow.read() as s:
        [attempt] = s.exec(select(WebhookDelivery)).all()
        payment = s.exec(select(InvoicePayment)).one()
    assert attempt.status_code == 200
    headers = json.loads(attempt.request_headers)
    assert "crypto-pay-api-signature" in headers
    # The hidden message is the payer's, shown on their payment page as a merchant's secret.
    assert unseal(app_deps().settings, payment.secrets_encrypted) == ["Your key: K-123"]


def test_sdk_errors_are_its_own_exceptions_with_crypto_pay_names(uow, compat_server):
    _merchant, _view, token = _app(uow)

    async def scenario():
        good = AioCryptoPay(token, network=f"{compat_server}/cryptopay")
        bad = AioCryptoPay(token[:-1] + ("x" if token[-1] != "x" else "y"), network=f"{compat_server}/cryptopay")
        try:
            cases = [
                (bad.get_me(), 401, "UNAUTHORIZED"),
                (good.create_invoice(amount=1, asset="BTC"), 400, "ASSET_INVALID"),
                (good.create_invoice(amount=-1, asset="TON"), 400, "AMOUNT_INVALID"),
                (good.create_invoice(amount=1, asset="TON", expires_in=2678401), 400, "EXPIRES_IN_INVALID"),
                (good.create_invoice(amount=1, asset="TON", swap_to="USDT"), 400, "SWAP_TO_UNSUPPORTED"),
                (good.get_invoices(count=0), 400, "COUNT_INVALID"),
                (good.delete_invoice(999_999), 400, "INVOICE_NOT_FOUND"),
                (good.transfer(user_id=1, asset="TON", amount=1, spend_id="s"), 403, "METHOD_DISABLED"),
                (good.create_check(asset="TON", amount=1), 400, "NOT_ENOUGH_COINS"),
                (good.delete_check(999_999), 400, "CHECK_NOT_FOUND"),
            ]
            for call, code, name in cases:
                with pytest.raises(CodeErrorFactory) as refused:
                    await call
                assert (refused.value.code, refused.value.name) == (code, name)
        finally:
            await good.close()
            await bad.close()

    asyncio.run(scenario())


def test_checks_and_transfers_through_the_sdk(uow, compat_server):
    merchant, _view, token = _app(uow, transfers=True)
    deposit(uow, merchant, 5 * TON)
    receiver = make_user(uow, telegram_id=777_000_111)
    holder = make_user(uow)

    async def scenario():
        crypto = AioCryptoPay(token, network=f"{compat_server}/cryptopay")
        try:
            check = await crypto.create_check(asset="TON", amount=1.25)
            assert check.status == "active" and check.amount == 1.25 and "/p/" in check.bot_check_url
            gone = await crypto.create_check(asset="TON", amount=1)
            assert await crypto.delete_check(gone.check_id) is True
            code = check.bot_check_url.rsplit("/p/", 1)[1]
            await asyncio.to_thread(
                promises.redeem_promise, uow, holder, code, settings=app_deps().settings, now=datetime.now(UTC)
            )
            [activated] = await crypto.get_checks(status="activated")
            assert activated.check_id == check.check_id and activated.activated_at is not None
            assert await crypto.get_checks(status="active") is None

            sent = await crypto.transfer(user_id=777_000_111, asset="TON", amount=2, spend_id="payout-9", comment="hi")
            again = await crypto.transfer(user_id=777_000_111, asset="TON", amount=2, spend_id="payout-9")
            assert sent.status == "completed" and sent.user_id == 777_000_111 and again.transfer_id == sent.transfer_id
            [listed] = await crypto.get_transfers(transfer_ids=[sent.transfer_id])
            assert listed.amount == 2 and listed.comment == "hi"
            with pytest.raises(CodeErrorFactory) as refused:
                await crypto.transfer(user_id=1, asset="TON", amount=1, spend_id="nobody")
            assert refused.value.name == "USER_NOT_FOUND"
        finally:
            await crypto.close()

    asyncio.run(scenario())
    assert balances(uow, holder) == (int(1.25 * TON), 0)
    assert balances(uow, receiver) == (2 * TON, 0)
    assert balances(uow, merchant) == (int(1.75 * TON), 0)
