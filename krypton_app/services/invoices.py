"""Invoices (SPEC F3): create, show, list, close, expire.

Lock order for everything that touches an invoice's payments: the invoice row, then payment rows,
then ledger accounts (ascending id). A close or an expiry locks the invoice with its own conditional
UPDATE, so it waits for a part being funded and then returns that part too; a part funded after it
finds the invoice closed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import Row, Select, Table, and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain import invoices as rules
from krypton_app.domain.errors import NotFound
from krypton_app.domain.invoices import (
    BY_MERCHANT,
    CLOSED,
    COMPLETED,
    EXPIRED,
    FIXED,
    FLOATING,
    LIMIT_REACHED,
    OPEN,
    PENDING,
    PRIVATE,
    REFUNDED,
    InvoiceInvalid,
    normalise_number,
)
from krypton_app.domain.money import format_amount, to_minor
from krypton_app.models import User
from krypton_app.models.catalog import FiatCurrency
from krypton_app.models.common import as_utc
from krypton_app.models.invoices import Invoice, InvoicePayment
from krypton_app.models.ledger import Asset
from krypton_app.services import webhook_urls, webhooks
from krypton_app.services.api_keys import hidden_from_key
from krypton_app.services.funding import return_funded_parts
from krypton_app.services.users import PHONE, contact_kind, find_user_by_contact
from krypton_app.settings import Settings, get_settings

_invoices: Table = Invoice.__table__
_payments: Table = InvoicePayment.__table__
_users: Table = User.__table__

# Numbers are random; a collision is rare enough that a few retries always find a free one.
_NUMBER_ATTEMPTS = 8


@dataclass(frozen=True)
class InvoiceDraft:
    kind: str  # fixed | floating | private
    title: str
    asset: str
    description: str = ""
    amount: str | None = None  # decimal text in asset units (fixed / private)
    fiat_currency: str | None = None
    fiat_amount: str | None = None  # decimal text; the asset amount is then computed at payment time
    min_payment: str | None = None
    max_payments: int | None = None
    max_total: str | None = None
    max_parts: int = 1
    payer_contact: str | None = None
    order_id: str | None = None
    webhook_url: str | None = None
    redirect_url: str | None = None
    allowed_origins: tuple[str, ...] = ()
    expires_in_s: int | None = None
    is_test: bool = False


@dataclass(frozen=True)
class InvoiceView:
    id: int
    number: str
    merchant_id: int
    merchant_name: str
    kind: str
    title: str
    description: str
    asset: str
    decimals: int
    amount: int | None
    fiat_currency: str | None
    fiat_amount: int | None  # fiat minor units
    min_payment: int | None
    max_payments: int | None
    max_total: int | None
    max_parts: int
    order_id: str | None
    webhook_url: str | None
    redirect_url: str | None
    allowed_origins: tuple[str, ...]
    is_test: bool
    status: str
    close_reason: str | None
    payments_count: int
    collected: int
    expires_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    is_private: bool
    direct_url: str
    helper_url: str
    telegram_start_url: str | None
    telegram_app_url: str | None
    fiat_decimals: int | None = None


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
) -> tuple[InvoiceView, bool]:
    """Validate the draft and create the invoice; with an order_id the merchant used before in the same
    mode (live or test), return that invoice instead (created = False), whatever the rest of the draft
    says. Live and test order_ids are apart: a sandbox invoice never answers for a live order.
    `only_test` (a sandbox API key, see services/api_keys): the invoice is a sandbox one, whatever the draft says."""
    if only_test:
        draft = replace(draft, is_test=True)
    order_id = (draft.order_id or "").strip() or None
    if order_id is not None and len(order_id) > rules.ORDER_ID_MAX:
        raise InvoiceInvalid("invoice_text_too_long", "order_id")
    if order_id is not None:
        existing = _existing_order(uow, merchant_id, order_id, bool(draft.is_test), settings)
        if existing is not None:
            return existing, False
    values = _validate(uow, draft, settings=settings, now=now)
    now = to_utc(now)
    with uow.transaction() as s:
        dialect = postgresql if uow.is_postgres else sqlite
        for _ in range(_NUMBER_ATTEMPTS):
            # No conflict target: a taken number and a concurrent twin with the same order_id both
            # insert nothing, without aborting the transaction; which one it was is looked up below.
            invoice_id = s.execute(
                dialect.insert(_invoices)
                .values(
                    number=rules.new_invoice_number(),
                    merchant_id=merchant_id,
                    order_id=order_id,
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
                return invoice_view(select_invoice_row(s, _invoices.c.id == invoice_id), settings), True
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
            _select()
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


# --- shared with payments.py (inside the caller's transaction) ----------------------------------


def may_see(row: Row, viewer_id: int | None) -> bool:
    return row.kind != PRIVATE or (viewer_id is not None and viewer_id in (row.merchant_id, row.payer_user_id))


def find_invoice(session: Session, number: str) -> Row | None:
    return select_invoice_row(session, _invoices.c.number == normalise_number(number))


def invoice_by_id(session: Session, invoice_id: int) -> Row:
    return select_invoice_row(session, _invoices.c.id == invoice_id)


def lock_invoice(session: Session, invoice_id: int) -> Row:
    """The invoice row, locked (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
    FOR NO KEY UPDATE: rows that merely reference the invoice (a new payment, an outbox event) need
    not wait for it."""
    session.execute(select(_invoices.c.id).where(_invoices.c.id == invoice_id).with_for_update(key_share=True)).one()
    return invoice_by_id(session, invoice_id)


def take_slot(session: Session, invoice_id: int, amount: int, now: datetime) -> bool:
    """Count a completed payment, if the invoice can still take it: open, not expired, under its
    limits. The payment that reaches a limit closes the invoice in the same statement, so two payers
    racing for the last slot cannot both win."""
    c = _invoices.c
    reaches_limit = or_(
        and_(c.max_payments.is_not(None), c.payments_count + 1 >= c.max_payments),
        # Closed too when what is left is below the minimum: nobody could pay it.
        and_(c.max_total.is_not(None), c.max_total - (c.collected + amount) < func.coalesce(c.min_payment, 1)),
    )
    moved = session.execute(
        update(_invoices)
        .where(
            c.id == invoice_id,
            c.status == OPEN,
            or_(c.max_payments.is_(None), c.payments_count < c.max_payments),
            or_(c.max_total.is_(None), c.collected + amount <= c.max_total),
            or_(c.expires_at.is_(None), c.expires_at > now),
        )
        .values(
            payments_count=c.payments_count + 1,
            collected=c.collected + amount,
            status=case((reaches_limit, CLOSED), else_=OPEN),
            close_reason=case((reaches_limit, LIMIT_REACHED), else_=None),
            closed_at=case((reaches_limit, now), else_=None),
        )
    ).rowcount
    return moved == 1


def end_invoice(session: Session, invoice_id: int, *, status: str, reason: str, now: datetime) -> bool:
    """open -> closed / expired, then every incomplete payment is refunded (its funded parts go back)."""
    c = _invoices.c
    condition = [c.id == invoice_id, c.status == OPEN]
    if status == EXPIRED:
        condition.append(c.expires_at <= now)
    moved = session.execute(
        update(_invoices).where(*condition).values(status=status, close_reason=reason, closed_at=now)
    ).rowcount
    if moved != 1:
        return False
    refund_pending_payments(session, invoice_id)
    return True


def refund_pending_payments(session: Session, invoice_id: int) -> None:
    """Every pending payment of a closed invoice: refunded, with its funded parts returned."""
    refunded = (
        session.execute(
            update(_payments)
            .where(_payments.c.invoice_id == invoice_id, _payments.c.status == PENDING)
            .values(status=REFUNDED)
            .returning(_payments.c.id)
        )
        .scalars()
        .all()
    )
    return_funded_parts(session, sorted(refunded))


def invoice_event_data(row: Row) -> dict:
    decimals = row.decimals
    return {
        "invoice": row.number,
        "order_id": row.order_id,
        "status": row.status,
        "close_reason": row.close_reason,
        "payments_count": row.payments_count,
        "collected": format_amount(row.collected, decimals),
        "asset": row.asset,
    }


# --- helpers -------------------------------------------------------------------------------------


def _validate(uow: UnitOfWork, draft: InvoiceDraft, *, settings: Settings, now: datetime) -> dict:
    """The invoice's columns from the draft, or InvoiceInvalid naming the first bad field."""
    if draft.kind not in rules.INVOICE_KINDS:
        raise InvoiceInvalid("invoice_kind_invalid", "kind")
    title = (draft.title or "").strip()
    if not title:
        raise InvoiceInvalid("invoice_title_required", "title")
    if len(title) > rules.TITLE_MAX:
        raise InvoiceInvalid("invoice_text_too_long", "title")
    description = (draft.description or "").strip()
    if len(description) > rules.DESCRIPTION_MAX:
        raise InvoiceInvalid("invoice_text_too_long", "description")
    with uow.read() as s:
        decimals = s.execute(select(Asset.decimals).where(Asset.code == draft.asset)).scalar_one_or_none()
        fiat_decimals = None
        if draft.fiat_currency:
            fiat_decimals = s.execute(
                select(FiatCurrency.decimals).where(FiatCurrency.code == draft.fiat_currency)
            ).scalar_one_or_none()
            if fiat_decimals is None:
                raise InvoiceInvalid("invoice_fiat_invalid", "fiat_currency")
    if decimals is None:
        raise InvoiceInvalid("invoice_asset_invalid", "asset")

    amount = _minor(draft.amount, decimals, "amount")
    fiat_amount = _minor(draft.fiat_amount, fiat_decimals, "fiat_amount") if fiat_decimals is not None else None
    if draft.fiat_amount and fiat_decimals is None:
        raise InvoiceInvalid("invoice_fiat_invalid", "fiat_currency")
    min_payment = _minor(draft.min_payment, decimals, "min_payment")
    max_total = _minor(draft.max_total, decimals, "max_total")
    max_payments = draft.max_payments
    if draft.kind in (FIXED, PRIVATE):
        # Exactly one denomination: the asset amount, or a fiat amount converted when paid.
        if (amount is None) == (fiat_amount is None):
            raise InvoiceInvalid("invoice_amount_required", "amount")
        if min_payment is not None or max_total is not None:
            raise InvoiceInvalid("invoice_limits_invalid", "min_payment" if min_payment else "max_total")
    if draft.kind == FLOATING:
        if amount is not None or fiat_amount is not None:
            raise InvoiceInvalid("invoice_limits_invalid", "amount")
        if max_total is not None and min_payment is not None and max_total < min_payment:
            raise InvoiceInvalid("invoice_limits_invalid", "max_total")
    if draft.kind == PRIVATE:
        if max_payments not in (None, 1):
            raise InvoiceInvalid("invoice_limits_invalid", "max_payments")
        max_payments = 1  # one person pays it once
    if max_payments is not None and max_payments < 1:
        raise InvoiceInvalid("invoice_limits_invalid", "max_payments")
    if not 1 <= draft.max_parts <= rules.MAX_PARTS_LIMIT:
        raise InvoiceInvalid("invoice_limits_invalid", "max_parts")

    payer_contact, payer_user_id = None, None
    if draft.kind == PRIVATE:
        payer_contact = (draft.payer_contact or "").strip()
        if not payer_contact:
            raise InvoiceInvalid("invoice_payer_required", "payer_contact")
        if len(payer_contact) > rules.CONTACT_MAX:
            raise InvoiceInvalid("invoice_text_too_long", "payer_contact")
        if contact_kind(payer_contact) == PHONE:
            # Nobody has proven a phone yet (that comes with Telegram login): it addresses no one.
            raise InvoiceInvalid("invoice_payer_phone", "payer_contact")
        # By @username, or by an email its owner verified; an unverified email matches nobody.
        payer = find_user_by_contact(uow, payer_contact)
        if payer is None:
            raise InvoiceInvalid("invoice_payer_unknown", "payer_contact")
        payer_user_id = payer.id

    expires_at = None
    if draft.expires_in_s is not None:
        if not 0 < draft.expires_in_s <= rules.MAX_EXPIRY_S:
            raise InvoiceInvalid("invoice_expiry_invalid", "expires_in_s")
        expires_at = to_utc(now) + timedelta(seconds=draft.expires_in_s)

    return {
        "kind": draft.kind,
        "title": title,
        "description": description,
        "asset": draft.asset,
        "amount": amount,
        "fiat_currency": draft.fiat_currency if fiat_amount is not None else None,
        "fiat_amount": fiat_amount,
        "min_payment": min_payment,
        "max_payments": max_payments,
        "max_total": max_total,
        "max_parts": draft.max_parts,
        "payer_contact": payer_contact,
        "payer_user_id": payer_user_id,
        "webhook_url": webhook_urls.check_webhook_url(draft.webhook_url, settings=settings),
        "redirect_url": _redirect_url(draft.redirect_url),
        "allowed_origins": " ".join(_origins(draft.allowed_origins)),
        "is_test": bool(draft.is_test),
        "expires_at": expires_at,
    }


def _minor(text: str | None, decimals: int, field: str) -> int | None:
    """A positive amount, or None when left empty."""
    if text is None or not str(text).strip():
        return None
    minor = to_minor(str(text), decimals)
    if minor <= 0:
        raise InvoiceInvalid("invoice_limits_invalid", field)
    return minor


def _redirect_url(url: str | None) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if len(url) > 2000 or parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvoiceInvalid("invoice_redirect_invalid", "redirect_url")
    return url


def _origins(origins: tuple[str, ...]) -> list[str]:
    """`scheme://host[:port]` each, as a browser sends them in frame-ancestors checks."""
    cleaned: list[str] = []
    for origin in origins:
        origin = origin.strip().rstrip("/")
        if not origin:
            continue
        parts = urlsplit(origin)
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            raise InvoiceInvalid("invoice_origin_invalid", "allowed_origins") from None
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username
            or any(ch in origin for ch in " ;,'\"")
        ):
            raise InvoiceInvalid("invoice_origin_invalid", "allowed_origins")
        if origin.lower() not in cleaned:
            cleaned.append(origin.lower())
    return cleaned


def _same_order(merchant_id: int, order_id: str, is_test: bool):
    c = _invoices.c
    return and_(c.merchant_id == merchant_id, c.is_test == is_test, c.order_id == order_id)


def _existing_order(
    uow: UnitOfWork, merchant_id: int, order_id: str, is_test: bool, settings: Settings
) -> InvoiceView | None:
    with uow.read() as s:
        row = select_invoice_row(s, _same_order(merchant_id, order_id, is_test))
        return None if row is None else invoice_view(row, settings)


def own_invoice_row(session: Session, merchant_id: int, number: str, *, only_test: bool = False) -> Row:
    """The merchant's invoice; anyone else's, and a live one for a sandbox key (`only_test`), does not exist."""
    row = find_invoice(session, number)
    if row is None or row.merchant_id != merchant_id or hidden_from_key(row.is_test, only_test=only_test):
        raise NotFound(f"invoice {number!r}")
    return row


def _select() -> Select:
    merchant = _users.alias("merchant")
    return (
        select(
            _invoices,
            Asset.decimals.label("decimals"),
            FiatCurrency.decimals.label("fiat_decimals"),
            merchant.c.display_name.label("merchant_display_name"),
            merchant.c.username.label("merchant_username"),
            merchant.c.wallet_address.label("merchant_address"),
        )
        .join(Asset, Asset.code == _invoices.c.asset)
        .join(merchant, merchant.c.id == _invoices.c.merchant_id)
        .outerjoin(FiatCurrency, FiatCurrency.code == _invoices.c.fiat_currency)
    )


def select_invoice_row(session: Session, where) -> Row | None:
    return session.execute(_select().where(where)).one_or_none()


def merchant_name(row: Row) -> str:
    if row.merchant_display_name:
        return row.merchant_display_name
    if row.merchant_username:
        return "@" + row.merchant_username
    return row.merchant_address[:6] + "…" + row.merchant_address[-4:]


def invoice_view(row: Row, settings: Settings) -> InvoiceView:
    base = settings.app_url.rstrip("/")
    bot = settings.telegram_bot
    return InvoiceView(
        id=row.id,
        number=row.number,
        merchant_id=row.merchant_id,
        merchant_name=merchant_name(row),
        kind=row.kind,
        title=row.title,
        description=row.description,
        asset=row.asset,
        decimals=row.decimals,
        amount=row.amount,
        fiat_currency=row.fiat_currency,
        fiat_amount=row.fiat_amount,
        min_payment=row.min_payment,
        max_payments=row.max_payments,
        max_total=row.max_total,
        max_parts=row.max_parts,
        order_id=row.order_id,
        webhook_url=row.webhook_url,
        redirect_url=row.redirect_url,
        allowed_origins=tuple(row.allowed_origins.split()),
        is_test=row.is_test,
        status=row.status,
        close_reason=row.close_reason,
        payments_count=row.payments_count,
        collected=row.collected,
        expires_at=as_utc(row.expires_at),
        created_at=as_utc(row.created_at),
        closed_at=as_utc(row.closed_at),
        is_private=row.kind == PRIVATE,
        direct_url=f"{base}/i/{row.number}",
        helper_url=f"{base}/pay/{row.number}",
        telegram_start_url=f"https://t.me/{bot}?start=inv_{row.number}" if bot else None,
        telegram_app_url=f"https://t.me/{bot}?startapp=inv_{row.number}" if bot else None,
        fiat_decimals=row.fiat_decimals,
    )


def queue_invoice_event(session: Session, row: Row, type: str, now: datetime) -> None:
    webhooks.enqueue_event(
        session,
        merchant_id=row.merchant_id,
        invoice_id=row.id,
        payment_id=None,
        type=type,
        data=invoice_event_data(row),
        url=row.webhook_url,
        is_test=row.is_test,
        now=now,
    )


def to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("now must carry a time zone")
    return moment.astimezone(UTC)


# --- what a payer sees -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PayerInvoiceView:
    """An invoice as its payer, or any visitor of its pages and widget, sees it: what to pay, to whom,
    and whether it takes payments now. Nothing of the merchant's integration (webhook, order id, frame
    origins, redirect, the payer's contact) and no database ids: pages copy this into client state."""

    number: str
    merchant_name: str
    kind: str
    title: str
    description: str
    asset: str
    decimals: int
    amount: int | None
    fiat_currency: str | None
    fiat_amount: int | None  # fiat minor units
    fiat_decimals: int | None
    min_payment: int | None
    max_parts: int
    is_test: bool
    status: str
    close_reason: str | None
    expires_at: datetime | None
    helper_url: str


def get_payer_invoice(
    uow: UnitOfWork, viewer_id: int | None, number: str, *, settings: Settings | None = None
) -> PayerInvoiceView:
    """`get_invoice` for the payer's pages: the same visibility (a private invoice exists only for its
    merchant and its payer), the payer's fields only."""
    view = get_invoice(uow, viewer_id, number, settings=settings)
    return PayerInvoiceView(
        number=view.number,
        merchant_name=view.merchant_name,
        kind=view.kind,
        title=view.title,
        description=view.description,
        asset=view.asset,
        decimals=view.decimals,
        amount=view.amount,
        fiat_currency=view.fiat_currency,
        fiat_amount=view.fiat_amount,
        fiat_decimals=view.fiat_decimals,
        min_payment=view.min_payment,
        max_parts=view.max_parts,
        is_test=view.is_test,
        status=view.status,
        close_reason=view.close_reason,
        expires_at=view.expires_at,
        helper_url=view.helper_url,
    )
