"""Heleket refunds (POST /heleket/v1/payment/refund): a paid payment's amount (or `amount` of it) goes back
to an address from the merchant's balance, as one withdrawal per payment (heleket_payouts.withdraw: the
withdrawal rules and their refusals in Heleket's words); the payment's status then follows that withdrawal
(refund_process, refund_paid, refund_fail), and so do its webhooks (services/heleket_events.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import InvalidAmount
from krypton_app.domain.money import format_amount, to_minor
from krypton_app.models import Withdrawal
from krypton_app.services.compat_keys import CompatPrincipal
from krypton_app.services.deposits import ASSET_DECIMALS
from krypton_app.services.heleket_input import HeleketInvalid, HeleketRefused, RefundRequest
from krypton_app.services.heleket_payouts import withdraw
from krypton_app.services.heleket_views import NETWORK, PAID, find_payment, money, payments_table, status_of
from krypton_app.services.transfer_fees import withdrawal_fee
from krypton_app.settings import Settings

_w = Withdrawal.__table__


def _refund_object(s: Session, withdrawal_id: int, status: str) -> dict:
    w = s.execute(select(_w).where(_w.c.id == withdrawal_id)).one()
    decimals = ASSET_DECIMALS[w.asset]
    return {
        "commission": money(w.fee, decimals),
        "amount": money(w.amount, decimals),
        "currency": w.asset,
        "txid": w.chain_tx_hash,
        "network": NETWORK,
        "address": w.destination_friendly,
        "status": status,
    }


def refund_payment(
    uow: UnitOfWork, merchant: CompatPrincipal, request: RefundRequest, *, settings: Settings, now: datetime
) -> dict:
    """POST /v1/payment/refund: a paid payment's amount (or `amount` of it) back to `address`, from the
    merchant's balance; asked again, it answers with the first refund."""
    if merchant.is_test:
        raise HeleketRefused("Refunds are not available for a test merchant.", 400)
    with uow.read() as s:
        row = find_payment(s, merchant.key_id, uuid=request.uuid, order_id=request.order_id)
        if row is None:
            raise HeleketRefused("Not found.", 404)
        if row.hk_refund_withdrawal_id is not None:
            return _refund_object(s, row.hk_refund_withdrawal_id, status_of(row, now))
        if status_of(row, now) not in PAID:
            raise HeleketRefused("Only a paid payment can be refunded.", 400)
        fee = withdrawal_fee(s, row.asset, settings)
    try:
        gross = row.collected if request.amount is None else to_minor(request.amount, row.decimals)
    except InvalidAmount as error:
        raise HeleketInvalid({"amount": [f"validation.{error.code}"]}) from None
    if gross > row.collected:
        raise HeleketInvalid({"amount": ["validation.lte.numeric"]})
    sent = gross if request.is_subtract else gross - fee
    if sent <= 0:
        raise HeleketInvalid({"amount": ["validation.withdrawal_below_minimum"]})
    withdrawal = withdraw(
        uow,
        merchant,
        asset=row.asset,
        address=request.address,
        amount=format_amount(sent, row.decimals),
        key=f"heleket-refund:{row.id}",
        settings=settings,
        memo=None,
        fee=fee,
    )
    with uow.transaction() as s:
        s.execute(
            update(payments_table)
            .where(payments_table.c.invoice_id == row.id, payments_table.c.refund_withdrawal_id.is_(None))
            .values(refund_withdrawal_id=withdrawal.id)
        )
        row = find_payment(s, merchant.key_id, uuid=row.hk_uuid)
        return _refund_object(s, row.hk_refund_withdrawal_id, status_of(row, now))
