"""A payment's "contact the seller" chat (SPEC F5 step 5, issue 12 item 6): the payer and the invoice's
merchant write about one payment; an operator reads and writes in it once one of the two called one.

The messages live in chat_messages next to the deals' (models/market.py explains why) and pass the
same checks (services/chat.py: length, control characters, images re-encoded). Who may read is
chat.payment_role: everyone else gets NotFound from every function here. A merchant never asked for
this chat, so unlike a deal's it is rate limited per author: RATE_MAX messages per RATE_WINDOW_S.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.deals import OPERATOR
from krypton_app.domain.errors import KryptonError
from krypton_app.models import ChatMessage, Invoice, InvoicePayment, PaymentChat, User
from krypton_app.models.common import as_utc, utcnow
from krypton_app.services import notifications
from krypton_app.services.chat import (
    IMAGE,
    LIST_LIMIT,
    MERCHANT,
    PAYER,
    SYSTEM,
    TEXT,
    ChatMessageView,
    checked_message,
    message_view,
    payment_role,
    store_image,
)
from krypton_app.services.roles import operators_clause, require_operator
from krypton_app.services.users import public_name
from krypton_app.wakeups import announce, payment_chat_topic

RATE_MAX = 10
RATE_WINDOW_S = 60
NOTIFY_KEY = "paychat.notify"
CALLED_KEY = "paychat.operator_called"
OPERATOR_NOTIFY_KEY = "paychat.notify_operator"

_chats = PaymentChat.__table__


@dataclass(frozen=True)
class PaymentChatRoom:
    payment_id: int
    my_role: str  # payer | merchant | operator
    invoice_number: str
    invoice_title: str
    # Whom the viewer writes to: the merchant's name for the payer, the payer's for the merchant,
    # "payer → merchant" for an operator.
    other_name: str
    operator_called: bool
    messages: list[ChatMessageView]


def _payment_and_invoice(s: Session, payment_id: int) -> tuple[InvoicePayment, Invoice]:
    payment = s.get(InvoicePayment, payment_id)
    return payment, s.get(Invoice, payment.invoice_id)


def _author_role(payment: InvoicePayment, invoice: Invoice, author_id: int | None) -> str | None:
    if author_id is None:
        return None
    return {payment.payer_id: PAYER, invoice.merchant_id: MERCHANT}.get(author_id, OPERATOR)


def _ensure_chat(s: Session, payment_id: int) -> None:
    """The chat's row, created by whichever first message or call comes first (a race inserts once)."""
    dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
    s.execute(dialect.insert(_chats).values(payment_id=payment_id).on_conflict_do_nothing())


def _mark_read(s: Session, role: str, payment_id: int, up_to_id: int) -> None:
    column = {PAYER: _chats.c.payer_read_id, MERCHANT: _chats.c.merchant_read_id}.get(role)
    if column is None or up_to_id <= 0:
        return  # an operator's reading is not tracked: the console lists called chats, not unread ones
    # Only forward: a tab showing an older list must not mark newer messages unread again.
    s.execute(update(_chats).where(_chats.c.payment_id == payment_id, column < up_to_id).values({column.key: up_to_id}))


def post_payment_message(
    uow: UnitOfWork,
    author_id: int,
    payment_id: int,
    *,
    text: str,
    image: bytes | None = None,
    image_type: str | None = None,
    now: datetime | None = None,
    upload_dir: Path | None = None,
) -> ChatMessageView:
    """A message from the payer, the merchant or a called operator; the other side(s) get a notification."""
    now = now or utcnow()
    body, image, kind = checked_message(text, image, image_type)
    with uow.transaction() as s:
        role = payment_role(s, author_id, payment_id)
        recent = s.execute(
            select(func.count())
            .select_from(ChatMessage)
            .where(
                ChatMessage.payment_id == payment_id,
                ChatMessage.author_id == author_id,
                ChatMessage.created_at > now - timedelta(seconds=RATE_WINDOW_S),
            )
        ).scalar_one()
        # Not serialised: a burst of concurrent requests may pass by a few. It stops spam, it guards no money.
        if recent >= RATE_MAX:
            raise KryptonError(code="chat_rate_limited", limit=RATE_MAX, seconds=RATE_WINDOW_S)
        payment, invoice = _payment_and_invoice(s, payment_id)
        stored = store_image(image, kind, upload_dir) if kind is not None else None
        try:
            row = ChatMessage(
                payment_id=payment_id,
                author_id=author_id,
                kind=IMAGE if stored else TEXT,
                body=body,
                attachment_path=stored.name if stored else None,
                created_at=now,
            )
            s.add(row)
            s.flush()
            announce(s, payment_chat_topic(payment_id))
            _ensure_chat(s, payment_id)
            _mark_read(s, role, payment_id, row.id)
            recipients = {PAYER: (invoice.merchant_id,), MERCHANT: (payment.payer_id,)}.get(
                role, (payment.payer_id, invoice.merchant_id)
            )
            for user_id in recipients:
                notifications.notify(
                    s,
                    user_id,
                    kind=notifications.CHAT_MESSAGE,
                    deal_id=None,
                    text_key=NOTIFY_KEY,
                    params={"payment_id": payment_id, "invoice": invoice.number},
                )
            view = message_view(row, author_id, role)
        except BaseException:
            if stored is not None:
                stored.unlink(missing_ok=True)
            raise
    return view


def read_payment_chat(
    uow: UnitOfWork, viewer_id: int, payment_id: int, *, after_id: int = 0, limit: int = LIST_LIMIT
) -> PaymentChatRoom:
    """The chat as the viewer sees it: messages with id > after_id, oldest first (a live tab polls with
    the last id it has), and who is on the other side. Reading marks nothing: see `mark_read`."""
    with uow.read() as s:
        role = payment_role(s, viewer_id, payment_id)
        payment, invoice = _payment_and_invoice(s, payment_id)
        query = (
            select(ChatMessage)
            .where(ChatMessage.payment_id == payment_id, ChatMessage.id > after_id)
            .order_by(ChatMessage.id)
            .limit(max(1, min(int(limit), LIST_LIMIT)))
        )
        messages = [
            message_view(row, viewer_id, _author_role(payment, invoice, row.author_id))
            for row in s.execute(query).scalars()
        ]
        payer, merchant = s.get(User, payment.payer_id), s.get(User, invoice.merchant_id)
        payer_name = public_name(payer.display_name, payer.username, payer.wallet_address)
        merchant_name = public_name(merchant.display_name, merchant.username, merchant.wallet_address)
        other = {PAYER: merchant_name, MERCHANT: payer_name}.get(role, f"{payer_name} → {merchant_name}")
        chat = s.get(PaymentChat, payment_id)
        return PaymentChatRoom(
            payment_id=payment_id,
            my_role=role,
            invoice_number=invoice.number,
            invoice_title=invoice.title,
            other_name=other,
            operator_called=chat is not None and chat.operator_called_at is not None,
            messages=messages,
        )


def mark_read(uow: UnitOfWork, viewer_id: int, payment_id: int, up_to_id: int) -> None:
    """The viewer (payer or merchant) has seen the chat up to message `up_to_id`."""
    with uow.transaction() as s:
        role = payment_role(s, viewer_id, payment_id)
        _ensure_chat(s, payment_id)
        _mark_read(s, role, payment_id, int(up_to_id))


def call_operator(uow: UnitOfWork, user_id: int, payment_id: int, *, now: datetime | None = None) -> bool:
    """The payer or the merchant asks an operator in: from now on operators may read and write here.
    Once per chat: True when this call did it, False when one was called already."""
    now = now or utcnow()
    with uow.transaction() as s:
        role = payment_role(s, user_id, payment_id)
        if role not in (PAYER, MERCHANT):
            raise KryptonError(code="chat_operator_already_here")
        _ensure_chat(s, payment_id)
        called = s.execute(
            update(_chats)
            .where(_chats.c.payment_id == payment_id, _chats.c.operator_called_at.is_(None))
            .values(operator_called_at=now, operator_called_by=user_id)
        ).rowcount
        if not called:
            return False
        payment, invoice = _payment_and_invoice(s, payment_id)
        s.add(
            ChatMessage(
                payment_id=payment_id,
                author_id=None,
                kind=SYSTEM,
                body=json.dumps({"key": f"{CALLED_KEY}.{role}", "params": {}}, sort_keys=True),
                created_at=now,
            )
        )
        sides = (payment.payer_id, invoice.merchant_id)
        for operator_id in s.execute(select(User.id).where(operators_clause(), User.id.not_in(sides))).scalars().all():
            notifications.notify(
                s,
                operator_id,
                kind=notifications.CHAT_MESSAGE,
                deal_id=None,
                text_key=OPERATOR_NOTIFY_KEY,
                params={"payment_id": payment_id, "invoice": invoice.number},
            )
        return True


def unread_counts(uow: UnitOfWork, merchant_id: int, invoice_number: str) -> dict[int, int]:
    """payment id -> messages the merchant has not seen yet (written by someone else), for the payments
    of the merchant's invoice `invoice_number`; payments with none are left out, and so is an invoice
    that is not the merchant's (it gets {} like one without messages)."""
    read_id = func.coalesce(PaymentChat.merchant_read_id, 0)
    query = (
        select(ChatMessage.payment_id, func.count())
        .join(InvoicePayment, InvoicePayment.id == ChatMessage.payment_id)
        .join(Invoice, Invoice.id == InvoicePayment.invoice_id)
        .outerjoin(PaymentChat, PaymentChat.payment_id == ChatMessage.payment_id)
        .where(
            Invoice.number == invoice_number,
            Invoice.merchant_id == merchant_id,
            ChatMessage.author_id.is_not(None),
            ChatMessage.author_id != merchant_id,
            ChatMessage.id > read_id,
        )
        .group_by(ChatMessage.payment_id)
    )
    with uow.read() as s:
        return {int(pid): int(n) for pid, n in s.execute(query).all()}


@dataclass(frozen=True)
class CalledChat:
    payment_id: int
    invoice_number: str
    called_at: datetime


def called_chats(uow: UnitOfWork, operator_id: int, *, limit: int = 50) -> list[CalledChat]:
    """The payment chats an operator was called to, newest call first (the operator console's list)."""
    with uow.read() as s:
        require_operator(s, operator_id)
        rows = s.execute(
            select(PaymentChat.payment_id, Invoice.number, PaymentChat.operator_called_at)
            .join(InvoicePayment, InvoicePayment.id == PaymentChat.payment_id)
            .join(Invoice, Invoice.id == InvoicePayment.invoice_id)
            .where(PaymentChat.operator_called_at.is_not(None))
            .order_by(PaymentChat.operator_called_at.desc())
            .limit(max(1, min(int(limit), 200)))
        ).all()
    return [CalledChat(payment_id=p, invoice_number=n, called_at=as_utc(t)) for p, n, t in rows]
