"""Bitcoin and Lightning payout quotes: what a payout gives, what it costs in the user's asset, and
whether the balance covers it. services/payouts.py requests a payout at the price quoted here.

Conversions round in the platform's favour by less than one unit: a Bitcoin payout sends
floor(amount x rate) satoshi; a Lightning invoice costs ceil(msat / rate) minor units of the asset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Context, Decimal

from sqlalchemy import select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import InsufficientFunds, InvalidAmount, NotFound
from krypton_app.domain.ledger import AVAILABLE, user_account_key
from krypton_app.domain.money import to_minor
from krypton_app.models import Account, Asset
from krypton_app.payouts.validation import (
    BITCOIN,
    LIGHTNING,
    decode_lightning_invoice,
    normalize_invoice,
    parse_bitcoin_address,
)
from krypton_app.services.rates import RateProvider
from krypton_app.services.transfer_fees import payout_fee
from krypton_app.services.withdrawals import MaxAmount, spendable
from krypton_app.settings import Settings

# Outputs below the dust limit of a P2PKH output are not relayed by Bitcoin nodes.
MIN_BITCOIN_SAT = 546
SAT_PER_BTC = 10**8
MSAT_PER_BTC = 10**11
# A rate from an HTTP source or an inverse may carry 40 digits; 20 are plenty, and cutting them down
# (never up) keeps both conversions in the platform's favour.
_RATE = Context(prec=20, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class PayoutQuote:
    network: str  # bitcoin | lightning
    destination: str  # normalised address or invoice
    asset: str
    decimals: int
    amount: int  # minor units of `asset` converted
    fee: int
    total: int  # amount + fee: what is held from the balance
    amount_sat: int
    rate: str  # price of one whole `asset` in BTC, e.g. "0.0000520"
    expires_at: datetime | None  # the Lightning invoice's expiry
    description: str | None = None  # the Lightning invoice's description, for the payer to confirm


def quote_bitcoin_payout(
    uow: UnitOfWork, user_id: int, *, asset: str, address: str, amount: str, rates: RateProvider, settings: Settings
) -> PayoutQuote:
    """What sending `amount` of `asset` to a Bitcoin address gives and costs; InsufficientFunds if the
    balance does not cover amount + fee."""
    quote = bitcoin_quote(uow, asset=asset, address=address, amount=amount, rates=rates, settings=settings)
    _require_balance(uow, user_id, quote)
    return quote


def quote_lightning_payout(
    uow: UnitOfWork, user_id: int, *, asset: str, invoice: str, rates: RateProvider, settings: Settings, now: int
) -> PayoutQuote:
    """What paying a BOLT11 invoice costs in `asset`; InsufficientFunds if the balance does not cover it."""
    quote = lightning_quote(uow, asset=asset, invoice=invoice, rates=rates, settings=settings, now=now)
    _require_balance(uow, user_id, quote)
    return quote


def max_bitcoin_payout(uow: UnitOfWork, user_id: int, *, asset: str, settings: Settings) -> MaxAmount:
    """The "Max" of the Bitcoin withdraw form, in `asset` (what is spent): available less the payout fee."""
    with uow.read() as s:
        decimals = asset_decimals(s, asset)
        fee = payout_fee(s, asset, settings)
    return spendable(_available(uow, user_id, asset), fee, asset, decimals)


# --- conversions ---------------------------------------------------------------------------------


def sat_for_amount(minor: int, decimals: int, rate: Decimal) -> int:
    """Satoshi bought by `minor` units of an asset at `rate` BTC per whole unit, rounded down."""
    numerator, denominator = rate.as_integer_ratio()
    return minor * numerator * SAT_PER_BTC // (denominator * 10**decimals)


def amount_for_msat(msat: int, decimals: int, rate: Decimal) -> int:
    """Minor units of an asset needed to buy `msat` at `rate` BTC per whole unit, rounded up."""
    numerator, denominator = rate.as_integer_ratio()
    return -(-msat * denominator * 10**decimals // (numerator * MSAT_PER_BTC))


def btc_for_amount(uow: UnitOfWork, *, asset: str, amount: str, rates: RateProvider) -> int:
    """Satoshi that `amount` of `asset` (decimal text as typed) buys at the current rate, rounded down:
    what a Bitcoin payout of that amount sends (the "≈ BTC" beside the withdraw form's amount)."""
    with uow.read() as s:
        decimals = asset_decimals(s, asset)
    return sat_for_amount(to_minor(amount, decimals), decimals, _rate(rates, asset))


def amount_for_btc(uow: UnitOfWork, *, asset: str, btc: str, rates: RateProvider) -> int:
    """Minor units of `asset` that buy at least `btc` (decimal text as typed) at the current rate: the
    least amount whose payout sends that many BTC, so a user who enters BTC is never sent less."""
    with uow.read() as s:
        decimals = asset_decimals(s, asset)
    return amount_for_msat(to_minor(btc, 8) * 1000, decimals, _rate(rates, asset))


# --- quotes, balance aside (a request prices the payout again with these) -------------------------


def bitcoin_quote(
    uow: UnitOfWork, *, asset: str, address: str, amount: str, rates: RateProvider, settings: Settings
) -> PayoutQuote:
    """The price of sending `amount` of `asset` to a Bitcoin address; refuses an output below the dust limit.
    The fee is the fee schedule's now (services/transfer_fees.py)."""
    with uow.read() as s:
        decimals = asset_decimals(s, asset)
        fee = payout_fee(s, asset, settings)
    return price_bitcoin(address, asset, decimals, to_minor(amount, decimals), rates=rates, settings=settings, fee=fee)


def price_bitcoin(
    address: str, asset: str, decimals: int, minor: int, *, rates: RateProvider, settings: Settings, fee: int
) -> PayoutQuote:
    """bitcoin_quote for `minor` units and the payout `fee`, without a database: a use case prices inside
    its own transaction (the fee from services/transfer_fees.payout_fee, read in it)."""
    destination = parse_bitcoin_address(address, network=settings.bitcoin_network)
    rate = _rate(rates, asset)
    amount_sat = sat_for_amount(minor, decimals, rate)
    if amount_sat < MIN_BITCOIN_SAT:
        raise InvalidAmount(
            f"{minor} minor {asset} is {amount_sat} sat, below {MIN_BITCOIN_SAT}",
            code="payout_too_small",
            minimum_sat=MIN_BITCOIN_SAT,
        )
    return PayoutQuote(BITCOIN, destination, asset, decimals, minor, fee, minor + fee, amount_sat, _text(rate), None)


def lightning_quote(
    uow: UnitOfWork, *, asset: str, invoice: str, rates: RateProvider, settings: Settings, now: int
) -> PayoutQuote:
    """The price of paying a BOLT11 invoice (valid at `now`, for this network) in `asset`."""
    with uow.read() as s:
        decimals = asset_decimals(s, asset)
        fee = payout_fee(s, asset, settings)
    return price_lightning(invoice, asset, decimals, rates=rates, settings=settings, now=now, fee=fee)


def price_lightning(
    invoice: str, asset: str, decimals: int, *, rates: RateProvider, settings: Settings, now: int, fee: int
) -> PayoutQuote:
    """lightning_quote for the payout `fee`, without a database: a use case prices inside its own transaction."""
    decoded = decode_lightning_invoice(invoice, network=settings.bitcoin_network, now=now)
    rate = _rate(rates, asset)
    minor = amount_for_msat(decoded.amount_msat, decimals, rate)
    return PayoutQuote(
        LIGHTNING,
        normalize_invoice(invoice),
        asset,
        decimals,
        minor,
        fee,
        minor + fee,
        -(-decoded.amount_msat // 1000),
        _text(rate),
        datetime.fromtimestamp(decoded.expires_at, UTC),
        decoded.description,
    )


def asset_decimals(session: Session, asset: str) -> int:
    """The minor-unit decimals of a catalog asset; NotFound for any other code."""
    decimals = session.execute(select(Asset.decimals).where(Asset.code == asset)).scalar_one_or_none()
    if decimals is None:
        raise NotFound(f"asset {asset!r}", asset=asset)
    return decimals


# --- helpers -------------------------------------------------------------------------------------


def _available(uow: UnitOfWork, user_id: int, asset: str) -> int:
    with uow.read() as s:
        balance = s.execute(
            select(Account.balance).where(Account.key == user_account_key(user_id, asset, AVAILABLE))
        ).scalar_one_or_none()
    return balance or 0


def _require_balance(uow: UnitOfWork, user_id: int, quote: PayoutQuote) -> None:
    balance = _available(uow, user_id, quote.asset)
    if balance < quote.total:
        raise InsufficientFunds(
            f"available {balance}, payout needs {quote.total}",
            asset=quote.asset,
            available=balance,
            decimals=quote.decimals,
            required=quote.total,
        )


def _rate(rates: RateProvider, asset: str) -> Decimal:
    return _RATE.plus(rates.rate(asset, "BTC"))


def _text(rate: Decimal) -> str:
    return format(rate, "f")
