"""The Heleket merchant API's use cases (issue 15; the routes are api/heleket.py). A Heleket payment is a
Krypton invoice (services/invoices.py makes it, with its rules and its expiry) plus a heleket_payments row;
its money, status and payments stay the invoice's. Takes the authenticated merchant (CompatPrincipal) and
plain data, returns Heleket's objects as plain dicts (services/heleket_views.py)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from decimal import ROUND_UP, Decimal

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import KryptonError, WebhookUrlRefused
from krypton_app.domain.fees import percent_text
from krypton_app.domain.invoices import FIXED, TITLE_MAX, InvoiceInvalid
from krypton_app.domain.money import MAX_MINOR
from krypton_app.models import Asset, WebhookEvent
from krypton_app.services import fees, invoices, ledger_reads, webhooks
from krypton_app.services.compat_keys import CompatPrincipal
from krypton_app.services.heleket_input import HeleketInvalid, HeleketRefused, PaymentRequest
from krypton_app.services.heleket_views import (
    PAID,
    course,
    find_payment,
    history_page,
    money,
    payment_object,
    payment_select,
    payments_table,
    status_of,
    usd,
)
from krypton_app.services.invoice_drafts import InvoiceDraft
from krypton_app.services.qr import qr_data_uri
from krypton_app.services.rates import RateProvider
from krypton_app.services.webhook_urls import check_webhook_url
from krypton_app.settings import Settings

ASSETS = ("TON", "USDT")  # what a Heleket payment is paid in: Krypton's coins on TON
_hp = payments_table


def _not_found() -> HeleketRefused:
    return HeleketRefused("Not found.", 404)


def _find(s, merchant: CompatPrincipal, *, uuid: str | None = None, order_id: str | None = None):
    return find_payment(s, merchant.key_id, uuid=uuid, order_id=order_id)


def _priced(uow: UnitOfWork, request: PaymentRequest, rates: RateProvider) -> tuple[str, str, str | None]:
    """(asset, amount in asset units, rate) of the request: the asked currency, or `to_currency` priced
    through the rate provider (rounded up to the asset's minor unit, so the merchant never gets less)."""
    if request.to_currency is not None and request.to_currency not in ASSETS:
        raise HeleketInvalid({"to_currency": ["validation.in"]})
    if request.to_currency is None and request.currency not in ASSETS:
        raise HeleketInvalid({"to_currency": ["validation.required"]})
    asset = request.to_currency or request.currency
    with uow.read() as s:
        decimals = s.execute(select(Asset.decimals).where(Asset.code == asset)).scalar_one()
    if asset == request.currency:
        if -request.amount.as_tuple().exponent > decimals:
            raise HeleketInvalid({"amount": ["validation.decimal"]})
        return asset, format(request.amount, "f"), None
    try:
        rate = rates.rate(asset, request.currency)
    except KryptonError:
        raise HeleketInvalid({"currency": ["validation.in"]}) from None
    if rate <= 0:
        raise HeleketInvalid({"currency": ["validation.in"]})
    try:
        amount = (request.amount / rate).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_UP)
    except ArithmeticError:  # more digits than a Decimal holds: far beyond any amount Krypton takes
        raise HeleketInvalid({"amount": ["validation.max.numeric"]}) from None
    return asset, format(amount, "f"), format(rate.normalize(), "f")


def create_payment(
    uow: UnitOfWork,
    merchant: CompatPrincipal,
    request: PaymentRequest,
    *,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> dict:
    """POST /v1/payment. An order_id this merchant used before returns that payment and creates nothing
    (Heleket's rule), whatever the rest says; a sandbox merchant's payments are sandbox invoices."""
    with uow.read() as s:
        existing = _find(s, merchant, order_id=request.order_id)
        if existing is not None:
            return payment_object(s, existing, settings=settings, rates=rates, now=now)
    try:
        url_callback = check_webhook_url(request.url_callback, settings=settings)
    except WebhookUrlRefused:
        raise HeleketInvalid({"url_callback": ["validation.url"]}) from None
    asset, amount, rate = _priced(uow, request, rates)
    draft = InvoiceDraft(
        kind=FIXED,
        title=f"Order {request.order_id}"[:TITLE_MAX],
        asset=asset,
        amount=amount,
        max_payments=1,  # a Heleket payment is paid once
        redirect_url=request.url_success,
        expires_in_s=request.lifetime,
        is_test=merchant.is_test,
    )
    # The invoice's own idempotency key (per merchant): a retry after a failure below, or a concurrent
    # twin, finds the invoice made for this order instead of making another.
    key = "hk:" + hashlib.sha256(f"{merchant.key_id}:{request.order_id}".encode()).hexdigest()[:60]
    try:
        invoice, _created = invoices.create_invoice(
            uow, merchant.user_id, draft, settings=settings, now=now, only_test=merchant.is_test, idempotency_key=key
        )
    except InvoiceInvalid as error:
        field = {"redirect_url": "url_success", "expires_in_s": "lifetime"}.get(error.field, "amount")
        raise HeleketInvalid({field: [f"validation.{error.code}"]}) from None
    except KryptonError as error:  # an amount Krypton cannot hold (too large, too many decimals)
        raise HeleketInvalid({"amount": [f"validation.{error.code}"]}) from None
    with uow.transaction() as s:
        insert = (postgresql if uow.is_postgres else sqlite).insert(_hp)
        s.execute(
            insert.values(
                invoice_id=invoice.id,
                key_id=merchant.key_id,
                uuid=str(uuid.uuid4()),
                order_id=request.order_id,
                amount=format(request.amount, "f"),
                currency=request.currency,
                rate=rate,
                url_callback=url_callback,
                url_return=request.url_return,
                url_success=request.url_success,
                additional_data=request.additional_data,
                lifetime=request.lifetime,
                created_at=now,
            ).on_conflict_do_nothing()
        )
        row = _find(s, merchant, order_id=request.order_id)
        return payment_object(s, row, settings=settings, rates=rates, now=now)


def payment_info(
    uow: UnitOfWork,
    merchant: CompatPrincipal,
    *,
    uuid: str | None,
    order_id: str | None,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> dict:
    """POST /v1/payment/info: this merchant's payment only; anyone else's does not exist."""
    with uow.read() as s:
        row = _find(s, merchant, uuid=uuid, order_id=order_id)
        if row is None:
            raise _not_found()
        return payment_object(s, row, settings=settings, rates=rates, now=now)


def list_payments(
    uow: UnitOfWork,
    merchant: CompatPrincipal,
    *,
    date_from: datetime | None,
    date_to: datetime | None,
    cursor: str | None,
    settings: Settings,
    rates: RateProvider,
    now: datetime,
) -> dict:
    """POST /v1/payment/list: newest first, PER_PAGE a page, `?cursor=` from the `paginate` object."""
    return history_page(
        uow,
        payment_select(),
        _hp,
        key_id=merchant.key_id,
        date_from=date_from,
        date_to=date_to,
        cursor=cursor,
        item=lambda s, row: payment_object(s, row, settings=settings, rates=rates, now=now),
    )


def payment_qr(uow: UnitOfWork, merchant: CompatPrincipal, *, uuid: str, settings: Settings) -> dict:
    """POST /v1/payment/qr (aioheleket's): the payment's pay page as a QR code (a PNG data URI)."""
    with uow.read() as s:
        row = _find(s, merchant, uuid=uuid)
    if row is None:
        raise _not_found()
    return {"image": qr_data_uri(f"{settings.app_url.rstrip('/')}/pay/{row.number}")}


def payment_services(uow: UnitOfWork, *, settings: Settings) -> list[dict]:
    """POST /v1/payment/services: TON and USDT on TON, with the invoice-payment fee (services/fees.py)."""
    services = []
    for asset in ASSETS:
        quote = fees.invoice_fee_quote(uow, asset, settings=settings)
        rule = quote.rule
        services.append(
            {
                "network": "ton",
                "currency": asset,
                "is_available": True,
                "limit": {"min_amount": money(1, quote.decimals), "max_amount": money(MAX_MINOR, quote.decimals)},
                "commission": {
                    "fee_amount": money(max(rule.flat, rule.minimum), quote.decimals),
                    "percent": percent_text(rule.percent),
                },
            }
        )
    return services


def balance(uow: UnitOfWork, merchant: CompatPrincipal, *, rates: RateProvider) -> list[dict]:
    """POST /v1/balance: the merchant's available balances from the ledger (Krypton has one balance per
    user: Heleket's `user` list stays empty)."""
    items = []
    for view in ledger_reads.list_balances(uow, merchant.user_id):
        items.append(
            {
                "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"krypton:balance:{merchant.user_id}:{view.asset}")),
                "balance": money(view.available, view.decimals),
                "currency_code": view.asset,
                "balance_usd": usd(rates, view.available, view.decimals, view.asset),
            }
        )
    return [{"balance": {"merchant": items, "user": []}}]


def exchange_rates(currency: str, *, settings: Settings, rates: RateProvider) -> list[dict]:
    """GET /v1/exchange-rate/{currency}/list: the rate provider's price of `currency` in every currency it
    knows a rate for."""
    currency = currency.upper()
    codes = sorted({code for pair in settings.rates for code in pair.upper().split("/")} - {currency})
    items = []
    for code in codes:
        try:
            items.append({"from": currency, "to": code, "course": course(rates.rate(currency, code))})
        except KryptonError:
            continue
    if not items:
        raise HeleketInvalid({"currency": ["validation.in"]})
    return items


def resend_webhook(
    uow: UnitOfWork, merchant: CompatPrincipal, *, uuid: str | None, order_id: str | None, now: datetime
) -> list:
    """POST /v1/payment/resend: the payment's last webhook once more; only a finalised paid payment that
    has a url_callback (Heleket's rule)."""
    with uow.read() as s:
        row = _find(s, merchant, uuid=uuid, order_id=order_id)
        if row is None:
            raise _not_found()
        if status_of(row, now) not in PAID or not row.hk_url_callback:
            raise HeleketRefused("The webhook can be resent only for a paid payment with url_callback.", 400)
        event_id = s.execute(
            select(WebhookEvent.id)
            .where(WebhookEvent.invoice_id == row.id, WebhookEvent.flavour == "heleket")
            .order_by(WebhookEvent.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    if event_id is None:
        raise HeleketRefused("No webhook was sent for this payment.", 400)
    webhooks.redeliver(uow, merchant.user_id, event_id, now=now, only_test=merchant.is_test)
    return []
