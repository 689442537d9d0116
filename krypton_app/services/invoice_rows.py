"""An invoice's row inside a caller's transaction, shared by the invoice and payment use cases: find,
lock, count a completed payment, end, queue its webhook events, and the views built from it.

Lock order for everything that touches an invoice's payments: the invoice row, then payment rows,
then ledger accounts (ascending id). A close or an expiry locks the invoice with its own conditional
UPDATE, so it waits for a part being funded and then returns that part too; a part funded after it
finds the invoice closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Row, Select, Table, and_, case, func, or_, select, update
from sqlmodel import Session

from krypton_app.domain.errors import InvoiceUnavailable, NotFound
from krypton_app.domain.invoices import (
    CLOSED,
    EXPIRED,
    LIMIT_REACHED,
    OPEN,
    PENDING,
    PRIVATE,
    REFUNDED,
    invoice_actions,
    normalise_number,
    unavailable_reason,
)
from krypton_app.domain.money import format_amount
from krypton_app.models import User
from krypton_app.models.catalog import FiatCurrency
from krypton_app.models.common import as_utc
from krypton_app.models.invoices import Invoice, InvoicePayment
from krypton_app.models.ledger import Asset
from krypton_app.services import compat_events, webhooks
from krypton_app.services.api_keys import hidden_from_key
from krypton_app.services.funding import return_funded_parts
from krypton_app.services.users import NAMELESS
from krypton_app.settings import Settings

invoices_table: Table = Invoice.__table__
_payments: Table = InvoicePayment.__table__
_users: Table = User.__table__


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
    # what the merchant may do with it now (domain/invoices.invoice_actions)
    allowed_actions: tuple[str, ...] = ()
    # private: the payer as the merchant named them (@username or email); the merchant's view only
    payer_contact: str | None = None
    # "pay me in fiat" (services/fiat_payouts.py): where and how the merchant takes fiat; None: crypto
    payout_country: str | None = None
    payout_fiat: str | None = None
    payout_method: str | None = None
    # SPEC F12: the invoice-payment fees its completed payments paid out of `collected`
    fees_collected: int = 0

    @property
    def net_collected(self) -> int:
        """What the merchant got of `collected`."""
        return self.collected - self.fees_collected


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
    # a capped floating invoice: how much it still takes (minor units), None when it has no cap
    cap_left: int | None = None
    # why it takes no payment at the moment it was read (an error code), None while it does
    unavailable: str | None = None
    # its merchant takes fiat for it (services/fiat_payouts.py): the payer pays in crypto only
    fiat_payout: bool = False


def cap_left(view: InvoiceView) -> int | None:
    """What a capped invoice still takes before it closes by itself (never below zero); None: no cap."""
    return None if view.max_total is None else max(view.max_total - view.collected, 0)


def to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("now must carry a time zone")
    return moment.astimezone(UTC)


def may_see(row: Row, viewer_id: int | None) -> bool:
    return row.kind != PRIVATE or (viewer_id is not None and viewer_id in (row.merchant_id, row.payer_user_id))


def invoice_select() -> Select:
    """The invoice rows with their asset's decimals and their merchant's name, as every view needs."""
    merchant = _users.alias("merchant")
    return (
        select(
            invoices_table,
            Asset.decimals.label("decimals"),
            FiatCurrency.decimals.label("fiat_decimals"),
            merchant.c.display_name.label("merchant_display_name"),
            merchant.c.username.label("merchant_username"),
            merchant.c.wallet_address.label("merchant_address"),
        )
        .join(Asset, Asset.code == invoices_table.c.asset)
        .join(merchant, merchant.c.id == invoices_table.c.merchant_id)
        .outerjoin(FiatCurrency, FiatCurrency.code == invoices_table.c.fiat_currency)
    )


def select_invoice_row(session: Session, where) -> Row | None:
    return session.execute(invoice_select().where(where)).one_or_none()


def find_invoice(session: Session, number: str) -> Row | None:
    return select_invoice_row(session, invoices_table.c.number == normalise_number(number))


def invoice_by_id(session: Session, invoice_id: int) -> Row:
    return select_invoice_row(session, invoices_table.c.id == invoice_id)


def own_invoice_row(session: Session, merchant_id: int, number: str, *, only_test: bool = False) -> Row:
    """The merchant's invoice; anyone else's, and a live one for a sandbox key (`only_test`), does not exist."""
    row = find_invoice(session, number)
    if row is None or row.merchant_id != merchant_id or hidden_from_key(row.is_test, only_test=only_test):
        raise NotFound(f"invoice {number!r}")
    return row


def lock_invoice(session: Session, invoice_id: int) -> Row:
    """The invoice row, locked (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
    FOR NO KEY UPDATE: rows that merely reference the invoice (a new payment, an outbox event) need
    not wait for it."""
    session.execute(
        select(invoices_table.c.id).where(invoices_table.c.id == invoice_id).with_for_update(key_share=True)
    ).one()
    return invoice_by_id(session, invoice_id)


def unavailable(row: Row, now: datetime) -> InvoiceUnavailable | None:
    """The refusal of a payment to this invoice at `now` (domain rule), or None while it takes one."""
    code = unavailable_reason(row.status, row.close_reason, as_utc(row.expires_at), now)
    return None if code is None else InvoiceUnavailable(f"invoice {row.number}: {code}", code=code)


def require_open(row: Row, now: datetime) -> None:
    refusal = unavailable(row, now)
    if refusal is not None:
        raise refusal


def take_slot(session: Session, invoice_id: int, amount: int, now: datetime) -> bool:
    """Count a completed payment, if the invoice can still take it: open, not expired, under its
    limits. The payment that reaches a limit closes the invoice in the same statement, so two payers
    racing for the last slot cannot both win."""
    c = invoices_table.c
    reaches_limit = or_(
        and_(c.max_payments.is_not(None), c.payments_count + 1 >= c.max_payments),
        # Closed too when what is left is below the minimum: nobody could pay it.
        and_(c.max_total.is_not(None), c.max_total - (c.collected + amount) < func.coalesce(c.min_payment, 1)),
    )
    moved = session.execute(
        update(invoices_table)
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
    c = invoices_table.c
    condition = [c.id == invoice_id, c.status == OPEN]
    if status == EXPIRED:
        condition.append(c.expires_at <= now)
    moved = session.execute(
        update(invoices_table).where(*condition).values(status=status, close_reason=reason, closed_at=now)
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
        # SPEC F12: the invoice-payment fees its completed payments paid, and what the merchant got of them
        "fees": format_amount(row.fees_collected, decimals),
        "asset": row.asset,
    }


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
    compat_events.invoice_changed(session, invoice_id=row.id, type=type, payment_id=None, now=now)


def merchant_name(row: Row) -> str:
    if row.merchant_display_name:
        return row.merchant_display_name
    if row.merchant_username:
        return "@" + row.merchant_username
    if not row.merchant_address:
        return NAMELESS  # a merchant who came through Telegram, has no wallet and cleared their name
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
        fees_collected=row.fees_collected,
        expires_at=as_utc(row.expires_at),
        created_at=as_utc(row.created_at),
        closed_at=as_utc(row.closed_at),
        is_private=row.kind == PRIVATE,
        direct_url=f"{base}/i/{row.number}",
        helper_url=f"{base}/pay/{row.number}",
        telegram_start_url=f"https://t.me/{bot}?start=inv_{row.number}" if bot else None,
        telegram_app_url=f"https://t.me/{bot}?startapp=inv_{row.number}" if bot else None,
        fiat_decimals=row.fiat_decimals,
        allowed_actions=invoice_actions(row.status, row.is_test),
        payer_contact=row.payer_contact,
        payout_country=row.payout_country,
        payout_fiat=row.payout_fiat,
        payout_method=row.payout_method,
    )


def payer_invoice_view(row: Row, settings: Settings, now: datetime) -> PayerInvoiceView:
    view = invoice_view(row, settings)
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
        cap_left=cap_left(view),
        # A test invoice takes only its merchant's simulated payment: a payer's start or pay is refused
        # with this same code (services/payments.py), so their pages offer neither.
        unavailable=unavailable_reason(view.status, view.close_reason, view.expires_at, now)
        or ("invoice_is_test" if view.is_test else None),
        fiat_payout=view.payout_method is not None,
    )
