"""The Crypto Pay compatibility API's reads that are not invoices: getMe, getBalance (the merchant's ledger
balances), getExchangeRates (the rate provider), getCurrencies (the catalog) and getStats (the app's
invoices over a period). Plain dicts in Crypto Pay's shapes; amounts as strings."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.invoices import COMPLETED
from krypton_app.domain.money import format_amount
from krypton_app.models.catalog import FiatCurrency
from krypton_app.models.cryptopay import CryptoPayInvoice
from krypton_app.models.invoices import Invoice, InvoicePayment
from krypton_app.models.ledger import Asset
from krypton_app.services import ledger_reads
from krypton_app.services.compat_keys import CompatPrincipal
from krypton_app.services.cryptopay import ASSETS, CryptoPayRefused, iso
from krypton_app.services.rates import RateProvider, RateUnavailable
from krypton_app.settings import Settings

DEFAULT_BOT = "KryptonBot"
STABLECOINS = ("USDT",)
STATS_DAY = timedelta(hours=24)
_inv, _cp, _payments = Invoice.__table__.c, CryptoPayInvoice.__table__.c, InvoicePayment.__table__.c


def get_me(app: CompatPrincipal, *, settings: Settings) -> dict:
    return {
        "app_id": int(app.app_id),
        "name": app.name,
        "payment_processing_bot_username": settings.telegram_bot or DEFAULT_BOT,
    }


def get_balance(uow: UnitOfWork, app: CompatPrincipal) -> list[dict]:
    """The merchant's available and held TON and USDT (the ledger's accounts)."""
    return [
        {
            "currency_code": view.asset,
            "available": format_amount(view.available, view.decimals),
            "onhold": format_amount(view.held, view.decimals),
        }
        for view in ledger_reads.list_balances(uow, app.user_id)
        if view.asset in ASSETS
    ]


def _fiats(uow: UnitOfWork) -> list[tuple[str, str, int]]:
    with uow.read() as s:
        rows = s.execute(select(FiatCurrency.code, FiatCurrency.name_en, FiatCurrency.decimals)).all()
    return sorted((row.code, row.name_en, row.decimals) for row in rows)


def get_exchange_rates(uow: UnitOfWork, rates: RateProvider) -> list[dict]:
    """Each asset in each catalog fiat (and USD); a pair the provider cannot price now is `is_valid` false."""
    fiats = sorted({code for code, _name, _decimals in _fiats(uow)} | {"USD"})
    result = []
    for asset in ASSETS:
        for fiat in fiats:
            try:
                rate, valid = format(rates.rate(asset, fiat), "f"), True
            except RateUnavailable:
                rate, valid = "0", False
            result.append(
                {"is_valid": valid, "is_crypto": True, "is_fiat": False, "source": asset, "target": fiat, "rate": rate}
            )
    return result


def get_currencies(uow: UnitOfWork) -> list[dict]:
    with uow.read() as s:
        assets = s.execute(select(Asset.code, Asset.name, Asset.decimals).where(Asset.code.in_(ASSETS))).all()
    crypto = [
        {
            "is_blockchain": True,
            "is_stablecoin": row.code in STABLECOINS,
            "is_fiat": False,
            "name": row.name,
            "code": row.code,
            "decimals": row.decimals,
        }
        for row in sorted(assets, key=lambda row: ASSETS.index(row.code))
    ]
    fiat = [
        {"is_blockchain": False, "is_stablecoin": False, "is_fiat": True, "name": name, "code": code, "decimals": dec}
        for code, name, dec in _fiats(uow)
    ]
    return crypto + fiat


def get_stats(
    uow: UnitOfWork,
    app: CompatPrincipal,
    *,
    rates: RateProvider,
    now: datetime,
    start_at: datetime | None = None,
    end_at: datetime | None = None,
) -> dict:
    """The app's invoices created in [start_at, end_at] (default: the last 24 hours), the payments
    completed in it, their volume in USD at today's rate and how many payers made them."""
    end_at = end_at or now
    try:
        start_at = start_at or end_at - STATS_DAY
    except OverflowError:  # an end in the first day of year 1
        raise CryptoPayRefused("END_AT_INVALID") from None
    if start_at > end_at:
        raise CryptoPayRefused("START_AT_INVALID")
    own = [_inv.merchant_id == app.user_id, _inv.is_test.is_(app.is_test), _cp.key_id == app.key_id]
    with uow.read() as s:
        created = s.execute(
            select(func.count())
            .select_from(Invoice.__table__.join(CryptoPayInvoice.__table__, _cp.invoice_id == _inv.id))
            .where(*own, _inv.created_at >= start_at, _inv.created_at <= end_at)
        ).scalar_one()
        paid = s.execute(
            select(_inv.asset, _payments.amount, _payments.payer_id)
            .select_from(
                InvoicePayment.__table__.join(Invoice.__table__, _inv.id == _payments.invoice_id).join(
                    CryptoPayInvoice.__table__, _cp.invoice_id == _inv.id
                )
            )
            .where(*own, _payments.status == COMPLETED)
            .where(_payments.completed_at >= start_at, _payments.completed_at <= end_at)
        ).all()
        decimals = dict(s.execute(select(Asset.code, Asset.decimals)).all())
    volume = Decimal(0)
    for row in paid:
        try:
            volume += Decimal(row.amount).scaleb(-decimals[row.asset]) * rates.rate(row.asset, "USD")
        except RateUnavailable:
            continue  # a pair with no USD rate now adds nothing rather than failing the whole report
    return {
        "volume": format(volume.quantize(Decimal("0.01")), "f"),
        "conversion": round(len(paid) / created, 4) if created else 0,
        "unique_users_count": len({row.payer_id for row in paid}),
        "created_invoice_count": created,
        "paid_invoice_count": len(paid),
        "start_at": iso(start_at),
        "end_at": iso(end_at),
    }
