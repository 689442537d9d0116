"""A payment's rows inside a caller's transaction, shared by the payment use cases: the view of a
payment with its parts, who may act on it, and writing its parts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Table, select
from sqlmodel import Session

from krypton_app.domain.errors import InvalidAmount, InvoiceUnavailable, NotFound
from krypton_app.domain.invoices import COMPLETED, PENDING, payment_actions
from krypton_app.domain.money import to_minor
from krypton_app.models.common import as_utc
from krypton_app.models.invoices import InvoicePayment, PaymentPart
from krypton_app.models.market import Deal
from krypton_app.models.merchant import WebhookEvent
from krypton_app.models.users import User
from krypton_app.services.crypto import unseal
from krypton_app.services.invoice_rows import invoice_by_id, merchant_name
from krypton_app.services.users import public_name
from krypton_app.settings import Settings
from krypton_app.wakeups import announce, invoice_pages

payments_table: Table = InvoicePayment.__table__
parts_table: Table = PaymentPart.__table__
_events: Table = WebhookEvent.__table__
_users: Table = User.__table__
_deals: Table = Deal.__table__

PAYMENT_COMPLETED = "invoice.payment_completed"


@dataclass(frozen=True)
class PartView:
    id: int
    position: int
    amount: int
    method: str | None
    status: str
    funded_at: datetime | None
    # The part's latest P2P deal (SPEC F10, services/part_deals.py), if the payer opened one: its id and
    # status (a live one is "in progress"; an expired or cancelled one left the part to pay another way).
    deal_id: int | None = None
    deal_status: str = ""


@dataclass(frozen=True)
class PaymentView:
    id: int
    invoice_number: str
    invoice_title: str
    merchant_name: str
    payer_id: int | None
    asset: str
    decimals: int
    amount: int
    fiat_currency: str | None
    fiat_rate: str | None
    parts: tuple[PartView, ...]
    status: str
    is_test: bool
    receipt: str | None
    secrets: tuple[str, ...] | None  # delivered by the merchant's webhook, decrypted
    waiting_for_secrets: bool
    redirect_url: str | None
    created_at: datetime
    completed_at: datetime | None
    # fiat-priced: until when the parts' amounts at fiat_rate hold
    quote_expires_at: datetime | None = None
    # what its payer may do with it now (domain/invoices.payment_actions)
    allowed_actions: tuple[str, ...] = ()
    # who paid: the wallet address the receipt and the webhook carry, and the public name other users
    # see (services/users.public_name); None for a merchant's test simulation, which has no payer
    payer_address: str | None = None
    payer_name: str | None = None
    # SPEC F12: the invoice-payment fee its merchant paid out of `amount` (0 until it completes)
    fee: int = 0

    @property
    def net(self) -> int:
        """What the merchant got of `amount`."""
        return self.amount - self.fee


def payment_row(s: Session, payment_id: int, *, lock: bool = False) -> Row:
    """The payment row; `lock` takes it FOR NO KEY UPDATE (after its invoice, the lock order)."""
    query = select(payments_table).where(payments_table.c.id == payment_id)
    return s.execute(query.with_for_update(key_share=True) if lock else query).one()


def payment_of(s: Session, payer_id: int, payment_id: int) -> Row:
    """The payer's own payment; NotFound for anyone else's, a merchant's simulation included."""
    payment = s.execute(select(payments_table).where(payments_table.c.id == payment_id)).one_or_none()
    if payment is None or payment.payer_id is None or payment.payer_id != payer_id:
        raise NotFound(f"payment {payment_id}")
    return payment


def payment_status(s: Session, payment_id: int) -> str:
    return s.execute(select(payments_table.c.status).where(payments_table.c.id == payment_id)).scalar_one()


def part_amounts(parts: list[str], decimals: int) -> list[int]:
    """The parts a payer asked for (decimal text), in minor units; parts_invalid when one is not an amount."""
    try:
        return [to_minor(str(part), decimals) for part in parts]
    except InvalidAmount as error:
        raise InvoiceUnavailable(f"a part is not an amount: {error}", code="parts_invalid") from None


def insert_parts(
    s: Session, invoice_id: int, payment_id: int, amounts: list[int], shares: list[int | None]
) -> list[int]:
    """The payment's parts, pending, in order; their ids. The invoice's and the payment's pages show them."""
    announce(s, *invoice_pages(invoice_id, payment_id))
    return list(
        s.execute(
            parts_table.insert().returning(parts_table.c.id, sort_by_parameter_order=True),
            [
                {"payment_id": payment_id, "position": i, "amount": amount, "fiat_amount": share, "status": PENDING}
                for i, (amount, share) in enumerate(zip(amounts, shares, strict=True), start=1)
            ],
        ).scalars()
    )


def payment_view(s: Session, payment_id: int, settings: Settings | None) -> PaymentView:
    """The payment as its payer and its merchant see it; without settings its secrets stay sealed."""
    payment = payment_row(s, payment_id)
    invoice = invoice_by_id(s, payment.invoice_id)
    parts = s.execute(
        select(parts_table).where(parts_table.c.payment_id == payment_id).order_by(parts_table.c.position)
    ).all()
    deals = _latest_deals(s, [p.id for p in parts])
    secrets = None
    if payment.secrets_encrypted and settings is not None:
        secrets = tuple(str(item) for item in unseal(settings, payment.secrets_encrypted))
    waiting = False
    if payment.status == COMPLETED and secrets is None and invoice.webhook_url:
        waiting = (
            s.execute(
                select(_events.c.id).where(
                    _events.c.payment_id == payment_id,
                    _events.c.type == PAYMENT_COMPLETED,
                    _events.c.status == "pending",
                )
            ).first()
            is not None
        )
    payer = (
        s.execute(
            select(_users.c.wallet_address, _users.c.display_name, _users.c.username, _users.c.telegram_username).where(
                _users.c.id == payment.payer_id
            )
        ).one_or_none()
        if payment.payer_id is not None
        else None
    )
    return PaymentView(
        id=payment.id,
        invoice_number=invoice.number,
        invoice_title=invoice.title,
        merchant_name=merchant_name(invoice),
        payer_id=payment.payer_id,
        asset=payment.asset,
        decimals=invoice.decimals,
        amount=payment.amount,
        fiat_currency=invoice.fiat_currency if payment.fiat_rate else None,
        fiat_rate=payment.fiat_rate,
        parts=tuple(
            PartView(p.id, p.position, p.amount, p.method, p.status, as_utc(p.funded_at), *deals.get(p.id, (None, "")))
            for p in parts
        ),
        status=payment.status,
        is_test=invoice.is_test,
        receipt=payment.receipt,
        secrets=secrets,
        waiting_for_secrets=waiting,
        redirect_url=invoice.redirect_url,
        created_at=as_utc(payment.created_at),
        completed_at=as_utc(payment.completed_at),
        quote_expires_at=as_utc(payment.quote_expires_at),
        allowed_actions=payment_actions(payment.status, payment.receipt is not None),
        payer_address=payer.wallet_address if payer is not None else None,
        payer_name=(
            public_name(payer.display_name, payer.username, payer.wallet_address, payer.telegram_username)
            if payer is not None
            else None
        ),
        fee=payment.fee,
    )


def _latest_deals(s: Session, part_ids: list[int]) -> dict[int, tuple[int, str]]:
    """part id -> (id, status) of its newest deal, for the parts that have one."""
    if not part_ids:
        return {}
    rows = s.execute(
        select(_deals.c.part_id, _deals.c.id, _deals.c.status)
        .where(_deals.c.part_id.in_(part_ids))
        .order_by(_deals.c.id)
    ).all()
    return {row.part_id: (row.id, row.status) for row in rows}  # the newest wins
