"""Invoices (SPEC F3): create, show, list, close, expire; and the invoice as its payer sees it.

The invoice row's helpers inside a transaction (find, lock, count a payment, end) and the views live in
services/invoice_rows.py, shared with the payment use cases; a draft's checks in
services/invoice_drafts.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import invoices as rules
from krypton_app.domain.errors import NotFound
from krypton_app.domain.invoices import BY_MERCHANT, CLOSED, COMPLETED, EXPIRED, OPEN, InvoiceInvalid, normalise_number
from krypton_app.models.common import as_utc
from krypton_app.models.invoices import InvoicePayment
from krypton_app.services.fiat_deposits import deposit_needed, require_deposit
from krypton_app.services.invoice_drafts import InvoiceDraft, validate_draft
from krypton_app.services.invoice_rows import (
    InvoiceView,
    PayerInvoiceView,
    end_invoice,
    invoice_select,
    invoice_view,
    invoices_table,
    may_see,
    own_invoice_row,
    payer_invoice_view,
    queue_invoice_event,
    select_invoice_row,
    to_utc,
)
from krypton_app.settings import Settings, get_settings

_invoices = invoices_table
_payments = InvoicePayment.__table__

# Numbers are random; a collision is rare enough that a few retries always find a free one.
_NUMBER_ATTEMPTS = 8


@dataclass(frozen=True)
class InvoicePage:
    items: list[InvoiceView]
    page: int
    page_size: int
    total: int
    pages: int


def create_invoice(
    uow: UnitOfWork,
    merchant_id: int,
    draft: InvoiceDraft,
    *,
    settings: Settings,
    now: datetime,
    only_test: bool = False,
    idempotency_key: str | None = None,
    attach: Callable[[Session, int], None] | None = None,
) -> tuple[InvoiceView, bool]:
    """Validate the draft and create the invoice; with an order_id the merchant used before in the same
    mode (live or test), return that invoice instead (created = False), whatever the rest of the draft
    says. Live and test order_ids are apart: a sandbox invoice never answers for a live order.
    `only_test` (a sandbox API key, see services/api_keys): the invoice is a sandbox one, whatever the draft says.
    `idempotency_key` (the form's, per merchant): the same key answers as the first call did, with
    the invoice it created, so a double submit makes one invoice. The API has its own replay
    (api/merchant/pipeline.py) and passes none.
    `attach(session, invoice_id)`: written with a new invoice in its transaction (a compatibility API's
    own row beside it, services/cryptopay.py)."""
    if only_test:
        draft = replace(draft, is_test=True)
    if idempotency_key is not None:
        if not 0 < len(idempotency_key) <= rules.FORM_KEY_MAX:
            raise ValueError("idempotency_key must be 1-64 characters")
        first = _invoice_of_key(uow, merchant_id, idempotency_key, settings)
        if first is not None:
            return first, True
    order_id = (draft.order_id or "").strip() or None
    if order_id is not None and len(order_id) > rules.ORDER_ID_MAX:
        raise InvoiceInvalid("invoice_text_too_long", "order_id")
    if order_id is not None:
        existing = _existing_order(uow, merchant_id, order_id, bool(draft.is_test), settings)
        if existing is not None:
            return existing, False
    values = validate_draft(uow, draft, settings=settings, now=now)
    now = to_utc(now)
    with uow.transaction() as s:
        if values["payout_method"] is not None and not values["is_test"]:
            # "Pay me in fiat": the merchant's balance must cover one payment's deposit (services/fiat_payouts.py).
            require_deposit(s, merchant_id, values["asset"], deposit_needed(values["amount"], values["min_payment"]))
        dialect = postgresql if uow.is_postgres else sqlite
        for _ in range(_NUMBER_ATTEMPTS):
            # No conflict target: a taken number and a concurrent twin with the same order_id or key
            # all insert nothing, without aborting the transaction; which one it was is looked up below.
            invoice_id = s.execute(
                dialect.insert(_invoices)
                .values(
                    number=rules.new_invoice_number(),
                    merchant_id=merchant_id,
                    order_id=order_id,
                    idempotency_key=idempotency_key,
                    status=OPEN,
                    payments_count=0,
                    collected=0,
                    created_at=now,
                    **values,
                )
                .on_conflict_do_nothing()
                .returning(_invoices.c.id)
            ).scalar_one_or_none()
            if invoice_id is not None:
                if attach is not None:
                    attach(s, invoice_id)
                return invoice_view(select_invoice_row(s, _invoices.c.id == invoice_id), settings), True
            if idempotency_key is not None:
                twin = select_invoice_row(s, _same_key(merchant_id, idempotency_key))
                if twin is not None:
                    return invoice_view(twin, settings), True
            if order_id is not None:
                twin = select_invoice_row(s, _same_order(merchant_id, order_id, bool(draft.is_test)))
                if twin is not None:
                    return invoice_view(twin, settings), False
    raise RuntimeError(f"no free invoice number after {_NUMBER_ATTEMPTS} attempts")


def get_invoice(
    uow: UnitOfWork, viewer_id: int | None, number: str, *, settings: Settings | None = None
) -> InvoiceView:
    """The invoice as a payer or visitor sees it. A private invoice exists only for its merchant and
    its payer: anyone else gets the same NotFound as for a number that does not exist."""
    with uow.read() as s:
        row = select_invoice_row(s, _invoices.c.number == normalise_number(number))
        if row is None or not may_see(row, viewer_id):
            raise NotFound(f"invoice {number!r}")
        return invoice_view(row, settings or get_settings())


def get_merchant_invoice(
    uow: UnitOfWork, merchant_id: int, number: str, *, settings: Settings | None = None, only_test: bool = False
) -> InvoiceView:
    with uow.read() as s:
        row = own_invoice_row(s, merchant_id, number, only_test=only_test)
        return invoice_view(row, settings or get_settings())


def list_invoices(
    uow: UnitOfWork,
    merchant_id: int,
    *,
    status: str | None = None,
    page: int = 1,
    page_size: int = 20,
    settings: Settings | None = None,
    only_test: bool = False,
) -> InvoicePage:
    """The merchant's invoices, newest first; `only_test` keeps sandbox invoices (what a sandbox key may see)."""
    page, page_size = max(1, page), min(max(1, page_size), 100)
    where = [_invoices.c.merchant_id == merchant_id]
    if status is not None:
        if status not in rules.INVOICE_STATUSES:
            raise ValueError(f"unknown invoice status {status!r}")
        where.append(_invoices.c.status == status)
    if only_test:
        where.append(_invoices.c.is_test.is_(True))
    with uow.read() as s:
        total = s.execute(select(func.count()).select_from(_invoices).where(*where)).scalar_one()
        rows = s.execute(
            invoice_select()
            .where(*where)
            .order_by(_invoices.c.created_at.desc(), _invoices.c.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        items = [invoice_view(row, settings or get_settings()) for row in rows]
    return InvoicePage(items, page, page_size, total, max(1, math.ceil(total / page_size)))


def close_invoice(
    uow: UnitOfWork,
    merchant_id: int,
    number: str,
    *,
    now: datetime,
    settings: Settings | None = None,
    only_test: bool = False,
) -> InvoiceView:
    """The merchant closes an open invoice: funded parts of incomplete payments go back to their
    payers. Closing a closed or expired invoice changes nothing."""
    now = to_utc(now)
    with uow.transaction() as s:
        row = own_invoice_row(s, merchant_id, number, only_test=only_test)
        if end_invoice(s, row.id, status=CLOSED, reason=BY_MERCHANT, now=now):
            row = select_invoice_row(s, _invoices.c.id == row.id)
            queue_invoice_event(s, row, "invoice.closed", now)
        return invoice_view(row, settings or get_settings())


def expire_invoices(uow: UnitOfWork, *, now: datetime) -> int:
    """Worker step: expire every open invoice past its expiry, one transaction each, returning the
    funded parts of its incomplete payments. Returns how many expired."""
    now = to_utc(now)
    due = and_(_invoices.c.status == OPEN, _invoices.c.expires_at.is_not(None), _invoices.c.expires_at <= now)
    with uow.read() as s:
        ids = s.execute(select(_invoices.c.id).where(due).order_by(_invoices.c.id)).scalars().all()
    expired = 0
    for invoice_id in ids:
        with uow.transaction() as s:
            if end_invoice(s, invoice_id, status=EXPIRED, reason=EXPIRED, now=now):
                queue_invoice_event(s, select_invoice_row(s, _invoices.c.id == invoice_id), "invoice.expired", now)
                expired += 1
    return expired


def payments_over_time(uow: UnitOfWork, merchant_id: int, number: str) -> list[tuple[str, int, int]]:
    """(day "YYYY-MM-DD" in UTC, completed payments, sum collected) for each day with payments."""
    with uow.read() as s:
        row = own_invoice_row(s, merchant_id, number)
        moments = s.execute(
            select(_payments.c.completed_at, _payments.c.amount)
            .where(_payments.c.invoice_id == row.id, _payments.c.status == COMPLETED)
            .order_by(_payments.c.completed_at)
        ).all()
    days: dict[str, list[int]] = {}
    for completed_at, amount in moments:
        day = days.setdefault(as_utc(completed_at).date().isoformat(), [0, 0])
        day[0] += 1
        day[1] += amount
    return [(day, count, total) for day, (count, total) in days.items()]


def get_payer_invoice(
    uow: UnitOfWork, viewer_id: int | None, number: str, *, now: datetime, settings: Settings
) -> PayerInvoiceView:
    """`get_invoice` for the payer's pages: the same visibility (a private invoice exists only for its
    merchant and its payer), the payer's fields only, and whether it takes a payment at `now`."""
    with uow.read() as s:
        row = select_invoice_row(s, _invoices.c.number == normalise_number(number))
        if row is None or not may_see(row, viewer_id):
            raise NotFound(f"invoice {number!r}")
        return payer_invoice_view(row, settings, to_utc(now))


def _same_order(merchant_id: int, order_id: str, is_test: bool):
    c = _invoices.c
    return and_(c.merchant_id == merchant_id, c.is_test == is_test, c.order_id == order_id)


def _same_key(merchant_id: int, key: str):
    c = _invoices.c
    return and_(c.merchant_id == merchant_id, c.idempotency_key == key)


def _invoice_of_key(uow: UnitOfWork, merchant_id: int, key: str, settings: Settings) -> InvoiceView | None:
    with uow.read() as s:
        row = select_invoice_row(s, _same_key(merchant_id, key))
        return None if row is None else invoice_view(row, settings)


def _existing_order(
    uow: UnitOfWork, merchant_id: int, order_id: str, is_test: bool, settings: Settings
) -> InvoiceView | None:
    with uow.read() as s:
        row = select_invoice_row(s, _same_order(merchant_id, order_id, is_test))
        return None if row is None else invoice_view(row, settings)
