"""Heleket's objects built from Krypton's rows: the Payment object (every key Heleket's SDKs expect, amounts
as strings), its status from the invoice's state, and the PHP-style JSON its webhooks are signed over.

Status mapping (the invoice is paid on Krypton's pay page, from balances, never to an address):
an invoice with a completed payment is `paid` (exact), `paid_over` or `wrong_amount`; an open one that
still takes payments is `check`; one that expired or was closed unpaid is `cancel` (final).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import Row, Select, Table, and_, select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.invoices import COMPLETED, OPEN
from krypton_app.domain.money import format_amount
from krypton_app.models import InvoicePayment, User, Withdrawal
from krypton_app.models.common import as_utc
from krypton_app.models.heleket import HeleketPayment
from krypton_app.services import invoice_rows  # a module: invoice_rows reaches this one through compat_events
from krypton_app.services.heleket_input import HeleketInvalid
from krypton_app.services.rates import RateProvider, estimate_in
from krypton_app.settings import Settings

NETWORK = "ton"
PER_PAGE = 15  # a history page
PAID = ("paid", "paid_over", "wrong_amount")
FINAL = frozenset({*PAID, "fail", "cancel", "system_fail", "refund_fail", "refund_paid", "locked"})
payments_table = HeleketPayment.__table__
_refunds = Withdrawal.__table__.alias("refund")
# A refund's withdrawal state as the payment's status.
REFUND_STATUS = {"requested": "refund_process", "sent": "refund_process", "confirmed": "refund_paid"}


def payment_select() -> Select:
    """Heleket payments with their invoice (invoice_select's columns; the Heleket row's as `hk_<name>`)."""
    columns = [*(c.label(f"hk_{c.name}") for c in payments_table.c), _refunds.c.status.label("refund_status")]
    on = payments_table.c.invoice_id == invoice_rows.invoices_table.c.id
    return (
        invoice_rows.invoice_select()
        .add_columns(*columns)
        .join(payments_table, on)
        .outerjoin(_refunds, _refunds.c.id == payments_table.c.refund_withdrawal_id)
    )


def find_payment(session: Session, key_id: int, *, uuid: str | None = None, order_id: str | None = None) -> Row | None:
    """A Heleket merchant's payment by order_id (when given) or uuid; anyone else's is None."""
    where = payments_table.c.order_id == order_id if order_id is not None else payments_table.c.uuid == uuid
    return session.execute(payment_select().where(payments_table.c.key_id == key_id, where)).one_or_none()


def status_of(row: Row, now: datetime) -> str:
    if row.refund_status is not None:
        return REFUND_STATUS.get(row.refund_status, "refund_fail")
    if row.collected > 0:
        owed = row.amount or 0
        return "paid" if row.collected == owed else "paid_over" if row.collected > owed else "wrong_amount"
    if row.status == OPEN and (row.expires_at is None or as_utc(row.expires_at) > now):
        return "check"
    return "cancel"


def money(minor: int, decimals: int) -> str:
    """Heleket's amount text: at least two decimal places ("0.00", "1.50", "0.123456789")."""
    text = format_amount(minor, decimals)
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def usd(rates: RateProvider, minor: int, decimals: int, asset: str) -> str:
    value = estimate_in(rates, minor, decimals, asset, "USD")
    return str(value if value is not None else Decimal("0.00"))


def _iso(moment: datetime) -> str:
    return as_utc(moment).isoformat(timespec="seconds")


def _last_payment(session: Session, invoice_id: int) -> Row | None:
    p = InvoicePayment.__table__
    return session.execute(
        select(p.c.completed_at, User.wallet_address)
        .outerjoin(User, User.id == p.c.payer_id)
        .where(p.c.invoice_id == invoice_id, p.c.status == COMPLETED)
        .order_by(p.c.completed_at.desc(), p.c.id.desc())
        .limit(1)
    ).one_or_none()


def payment_object(session: Session, row: Row, *, settings: Settings, rates: RateProvider, now: datetime) -> dict:
    """The Payment object of B5 (COMPAT_APIS.md), every key, in Heleket's order."""
    status = status_of(row, now)
    last = _last_payment(session, row.id)
    moments = [as_utc(row.hk_created_at), as_utc(row.closed_at), as_utc(last.completed_at) if last else None]
    net = row.collected - row.fees_collected
    base = settings.app_url.rstrip("/")
    return {
        "uuid": row.hk_uuid,
        "order_id": row.hk_order_id,
        "amount": row.hk_amount,
        "payment_amount": money(row.collected, row.decimals),
        "payment_amount_usd": usd(rates, row.collected, row.decimals, row.asset),
        "payer_amount": money(row.amount or 0, row.decimals),
        "payer_amount_exchange_rate": row.hk_rate,
        "discount_percent": None,
        "discount": "0.00",
        "payer_currency": row.asset,
        "currency": row.hk_currency,
        "comments": None,
        "merchant_amount": money(net, row.decimals),
        "network": NETWORK,
        "address": None,  # paid on the pay page (`url`), from Krypton balances: no per-invoice address
        "from": last.wallet_address if last is not None else None,
        "txid": None,
        "payment_status": status,
        "status": status,
        "url": f"{base}/pay/{row.number}",
        "expired_at": int(as_utc(row.expires_at).timestamp()) if row.expires_at is not None else 0,
        "is_final": status in FINAL,
        "additional_data": row.hk_additional_data,
        "created_at": _iso(row.hk_created_at),
        "updated_at": _iso(max(m for m in moments if m is not None)),
        "commission": money(row.fees_collected, row.decimals),
        "address_qr_code": None,
    }


def webhook_payload(payment: dict) -> dict:
    """A payment webhook's fields (B7), in Heleket's order, from its Payment object."""
    return {
        "type": "payment",
        "uuid": payment["uuid"],
        "order_id": payment["order_id"],
        "amount": payment["amount"],
        "payment_amount": payment["payment_amount"],
        "payment_amount_usd": payment["payment_amount_usd"],
        "merchant_amount": payment["merchant_amount"],
        "commission": payment["commission"],
        "is_final": payment["is_final"],
        "status": payment["status"],
        "from": payment["from"],
        "wallet_address_uuid": None,
        "network": payment["network"],
        "currency": payment["currency"],
        "payer_currency": payment["payer_currency"],
        "additional_data": payment["additional_data"],
        "txid": payment["txid"],
    }


def php_json(value: Any) -> str:
    """PHP's json_encode(…, JSON_UNESCAPED_UNICODE): compact, keys in order, `/` as `\\/`, non-ASCII raw.
    A `/` can only stand inside a JSON string, so escaping every one is exact."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("/", "\\/")


def signed_body(payload: dict, sign_of) -> str:
    """The payload's PHP-style JSON with `"sign"` as its last key, over the bytes without it."""
    body = php_json(payload)
    return f'{body[:-1]},"sign":"{sign_of(body.encode())}"}}'


def course(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.00000001"), rounding=ROUND_DOWN))


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def cursor_offset(cursor: str | None) -> int:
    """The offset a history `?cursor=` stands for (HeleketInvalid when it is not one of ours)."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        offset = int(text.removeprefix("o:")) if text.startswith("o:") else -1
    except (ValueError, UnicodeDecodeError):
        offset = -1
    if not 0 <= offset <= 10**9:
        raise HeleketInvalid({"cursor": ["validation.invalid"]})
    return offset


def paginate(offset: int, count: int, *, more: bool) -> dict:
    """Heleket's `paginate` object of a history page read at `offset`."""
    return {
        "count": count,
        "hasPages": more or offset > 0,
        "nextCursor": _cursor(offset + PER_PAGE) if more else None,
        "previousCursor": _cursor(max(offset - PER_PAGE, 0)) if offset > 0 else None,
        "perPage": PER_PAGE,
    }


def history_page(
    uow: UnitOfWork,
    query: Select,
    table: Table,
    *,
    key_id: int,
    date_from: datetime | None,
    date_to: datetime | None,
    cursor: str | None,
    item: Callable[[Session, Row], dict],
) -> dict:
    """One page of a merchant key's payments or payouts (`table`'s rows read by `query`), newest first,
    created between the dates, PER_PAGE a page from `?cursor=`: `{"items": [...], "paginate": {...}}`."""
    offset = cursor_offset(cursor)
    where = [table.c.key_id == key_id]
    if date_from is not None:
        where.append(table.c.created_at >= date_from)
    if date_to is not None:
        where.append(table.c.created_at <= date_to)
    with uow.read() as s:
        rows = s.execute(
            query.where(and_(*where))
            .order_by(table.c.created_at.desc(), table.c.id.desc())
            .offset(offset)
            .limit(PER_PAGE + 1)
        ).all()
        items = [item(s, row) for row in rows[:PER_PAGE]]
    return {"items": items, "paginate": paginate(offset, len(items), more=len(rows) > PER_PAGE)}
