"""Heleket payouts (POST /heleket/v1/payout, /payout/info, /payout/list, /payout/services): a Heleket
payout, and a paid payment's refund (services/heleket_refunds.py), is the merchant's TON or USDT
withdrawal (services/withdrawals.py: its fee, address and balance rules, its hold, its sender and
settlement) plus Heleket's row (heleket_payouts; a refund's withdrawal is kept on its heleket_payments row).

`is_subtract` true: the fee comes on top, from the balance (`amount` is sent); false: it is taken out of
`amount` (amount - fee is sent). A sandbox merchant pays out nothing: its keys move no real money.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Row, Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import (
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    InvalidDestination,
    NotFound,
    WebhookUrlRefused,
)
from krypton_app.domain.ledger import AVAILABLE
from krypton_app.domain.money import MAX_MINOR, format_amount, to_minor
from krypton_app.models import Account, Withdrawal
from krypton_app.models.common import as_utc
from krypton_app.models.heleket import HeleketPayout
from krypton_app.services import withdrawals
from krypton_app.services.compat_keys import CompatPrincipal
from krypton_app.services.deposits import ASSET_DECIMALS
from krypton_app.services.heleket_input import HeleketInvalid, HeleketRefused, PayoutRequest
from krypton_app.services.heleket_views import (
    NETWORK,
    history_page,
    money,
)
from krypton_app.services.transfer_fees import FeeChanged, withdrawal_fee
from krypton_app.services.webhook_urls import check_webhook_url
from krypton_app.settings import Settings

ASSETS = ("TON", "USDT")
# A withdrawal's states as Heleket's payout statuses.
STATUS = {"requested": "process", "sent": "check", "confirmed": "paid", "refunded": "fail"}
FINAL = frozenset({"paid", "fail", "cancel", "system_fail"})
_po = HeleketPayout.__table__
_w = Withdrawal.__table__


def _select() -> Select:
    return select(_w, *(c.label(f"hk_{c.name}") for c in _po.c)).join(_po, _po.c.withdrawal_id == _w.c.id)


def _find(s: Session, merchant: CompatPrincipal, *, uuid: str | None = None, order_id: str | None = None) -> Row | None:
    where = _po.c.order_id == order_id if order_id is not None else _po.c.uuid == uuid
    return s.execute(_select().where(_po.c.key_id == merchant.key_id, where)).one_or_none()


def find_payout(s: Session, merchant: CompatPrincipal, *, uuid: str | None, order_id: str | None) -> Row | None:
    return _find(s, merchant, uuid=uuid, order_id=order_id)


def payout_of_withdrawal(s: Session, withdrawal_id: int) -> Row | None:
    return s.execute(_select().where(_po.c.withdrawal_id == withdrawal_id)).one_or_none()


def webhook_payload(payout: dict) -> dict:
    """A payout webhook's fields (B7), in Heleket's order, from its Payout object."""
    names = ("uuid", "order_id", "amount", "merchant_amount", "commission", "is_final", "status", "txid")
    tail = ("currency", "network", "payer_currency", "payer_amount")
    return {"type": "payout", **{n: payout[n] for n in names}, **{n: payout[n] for n in tail}}


def payout_object(s: Session, row: Row) -> dict:
    """Heleket's Payout object (heleket-sdk's keys, `commission` for the fee), amounts as strings."""
    decimals = ASSET_DECIMALS[row.asset]
    status = STATUS.get(row.status, "process")
    mine = (Account.user_id == row.user_id, Account.asset == row.asset, Account.kind == AVAILABLE)
    available = s.execute(select(Account.balance).where(*mine)).scalar_one_or_none()
    return {
        "uuid": row.hk_uuid,
        "order_id": row.hk_order_id,
        "amount": row.hk_amount,
        "currency": row.asset,
        "network": NETWORK,
        "address": row.destination_friendly,
        "txid": row.chain_tx_hash,
        "status": status,
        "is_final": status in FINAL,
        "balance": money(available or 0, decimals),
        "payer_currency": row.asset,
        "payer_amount": money(row.amount + row.fee, decimals),
        "commission": money(row.fee, decimals),
        "merchant_amount": money(row.amount + row.fee, decimals),
        "created_at": as_utc(row.hk_created_at).isoformat(timespec="seconds"),
        "updated_at": as_utc(row.updated_at).isoformat(timespec="seconds"),
    }


def create_payout(
    uow: UnitOfWork, merchant: CompatPrincipal, request: PayoutRequest, *, settings: Settings, now: datetime
) -> dict:
    """POST /v1/payout. An order_id this merchant used for a payout before returns that payout."""
    if merchant.is_test:
        raise HeleketRefused("Payouts are not available for a test merchant.", 400)
    with uow.read() as s:
        existing = _find(s, merchant, order_id=request.order_id)
        if existing is not None:
            return payout_object(s, existing)
        if request.currency not in ASSETS:
            raise HeleketInvalid({"currency": ["validation.in"]})
        fee = withdrawal_fee(s, request.currency, settings)
    try:
        url_callback = check_webhook_url(request.url_callback, settings=settings)
    except WebhookUrlRefused:
        raise HeleketInvalid({"url_callback": ["validation.url"]}) from None
    decimals = ASSET_DECIMALS[request.currency]
    try:
        minor = to_minor(request.amount, decimals)
    except InvalidAmount as error:
        raise HeleketInvalid({"amount": [f"validation.{error.code}"]}) from None
    sent = minor if request.is_subtract else minor - fee
    if sent <= 0:
        raise HeleketInvalid({"amount": ["validation.withdrawal_below_minimum"]})
    withdrawal = withdraw(
        uow,
        merchant,
        asset=request.currency,
        address=request.address,
        amount=format_amount(sent, decimals),
        key=f"heleket:{merchant.key_id}:{request.order_id}",
        settings=settings,
        memo=request.memo,
        fee=fee,
    )
    with uow.transaction() as s:
        insert = (postgresql if uow.is_postgres else sqlite).insert(_po)
        s.execute(
            insert.values(
                withdrawal_id=withdrawal.id,
                key_id=merchant.key_id,
                uuid=str(uuid.uuid4()),
                order_id=request.order_id,
                amount=format(request.amount, "f"),
                is_subtract=request.is_subtract,
                url_callback=url_callback,
                created_at=now,
            ).on_conflict_do_nothing()
        )
        return payout_object(s, _find(s, merchant, order_id=request.order_id))


def withdraw(
    uow: UnitOfWork,
    merchant: CompatPrincipal,
    *,
    asset: str,
    address: str,
    amount: str,
    key: str,
    settings: Settings,
    memo: str | None,
    fee: int,
) -> withdrawals.WithdrawalView:
    """services/withdrawals.request_ton_withdrawal, its refusals in Heleket's words."""
    try:
        return withdrawals.request_ton_withdrawal(
            uow,
            merchant.user_id,
            asset=asset,
            address=address,
            amount=amount,
            idempotency_key=key,
            settings=settings,
            comment=memo,
            quoted_fee=fee,
        )
    except InvalidDestination as error:
        field = "memo" if error.details.get("field") == "comment" else "address"
        raise HeleketInvalid({field: [f"validation.{error.code}"]}) from None
    except InvalidAmount as error:
        raise HeleketInvalid({"amount": [f"validation.{error.code}"]}) from None
    except InsufficientFunds:
        raise HeleketRefused("Not enough funds on the balance.", 400) from None
    except (FeeChanged, IdempotencyConflict):
        raise HeleketRefused("The payout could not be created; try again.", 409) from None
    except NotFound:
        raise HeleketInvalid({"currency": ["validation.in"]}) from None


def list_payouts(
    uow: UnitOfWork,
    merchant: CompatPrincipal,
    *,
    date_from: datetime | None,
    date_to: datetime | None,
    cursor: str | None,
) -> dict:
    """POST /v1/payout/list: newest first, PER_PAGE a page, `?cursor=` from the `paginate` object."""
    return history_page(
        uow,
        _select(),
        _po,
        key_id=merchant.key_id,
        date_from=date_from,
        date_to=date_to,
        cursor=cursor,
        item=payout_object,
    )


def payout_services(uow: UnitOfWork, *, settings: Settings) -> list[dict]:
    """POST /v1/payout/services: TON and USDT withdrawals on TON, their flat fee and its minimum."""
    services = []
    with uow.read() as s:
        for asset in ASSETS:
            fee, decimals = withdrawal_fee(s, asset, settings), ASSET_DECIMALS[asset]
            services.append(
                {
                    "network": NETWORK,
                    "currency": asset,
                    "is_available": True,
                    "limit": {"min_amount": money(max(fee, 1), decimals), "max_amount": money(MAX_MINOR, decimals)},
                    "commission": {"fee_amount": money(fee, decimals), "percent": "0"},
                }
            )
    return services


def payout_info(uow: UnitOfWork, merchant: CompatPrincipal, *, uuid: str | None, order_id: str | None) -> dict:
    """POST /v1/payout/info: this merchant's payout only."""
    with uow.read() as s:
        row = _find(s, merchant, uuid=uuid, order_id=order_id)
        if row is None:
            raise HeleketRefused("Not found.", 404)
        return payout_object(s, row)
