"""Deal chat (SPEC F9, issue 5 item 4): the two participants, and the operator once the deal is disputed.
A payment's "contact the seller" chat (services/payment_chat.py) stores its messages in the same table
and goes through the same checks (`checked_message`, `store_image`, `message_view`); who may read one
is `payment_role` here, so the attachment route below serves both rooms.

Authorisation: anyone else gets NotFound, through every function, so a stranger cannot even learn that
a deal id exists. Text is stored as plain text (control characters stripped) and escaped by the UI.
System messages store a catalog key and params (JSON in `body`, kind "system") so each reader sees
them in their own language. Image attachments are checked by their magic bytes, never by the name or
type the browser claims, re-encoded from their pixels (so no EXIF position or camera data reaches the
other side) and stored under a random file name.
"""

from __future__ import annotations

import io
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps
from sqlalchemy import select
from sqlmodel import Session

from krypton_app.db import UnitOfWork
from krypton_app.domain.deals import BUYER, OPERATOR, SELLER, WITH_DISPUTE
from krypton_app.domain.errors import KryptonError, NotFound
from krypton_app.models import ChatMessage, Deal, Dispute, Invoice, InvoicePayment, PaymentChat
from krypton_app.models.common import as_utc, utcnow
from krypton_app.services.notifications import CHAT_MESSAGE, notify
from krypton_app.services.roles import user_is_operator
from krypton_app.settings import ROOT
from krypton_app.wakeups import announce, deal_topic

TEXT, SYSTEM, IMAGE = "text", "system", "image"
TEXT_MAX = 2000
IMAGE_MAX_BYTES = 2 * 1024 * 1024
# A small file can still decode to a huge picture (a "decompression bomb"); 16 MP is more than a phone
# photo under 2 MB has.
IMAGE_MAX_PIXELS = 16_000_000
DEFAULT_UPLOAD_DIR = ROOT / "uploaded_files" / "chat"  # gitignored
NOTIFY_KEY = "notify.chat_message"
LIST_LIMIT = 500

# C0/C1 controls except newline and tab, plus bidi overrides that can make text read backwards (spoofing
# an amount or a card number). Zero-width joiners stay: emoji need them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
# Pillow's name for each kind, the modes its encoder writes, and how it encodes a re-saved image.
_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
_PIL_MODES = {
    "png": {"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"},
    "jpeg": {"L", "RGB", "CMYK"},
    "webp": {"RGB", "RGBA"},
}
_PIL_OPTIONS = {"png": {}, "jpeg": {"quality": 90}, "webp": {"quality": 90}}


# A payment chat's sides (the deal's are domain.deals.SELLER / BUYER; the operator is OPERATOR in both).
PAYER, MERCHANT = "payer", "merchant"


@dataclass(frozen=True)
class ChatMessageView:
    id: int
    deal_id: int | None  # None: a payment's chat
    author_id: int | None  # None: a system message
    author_role: str | None  # seller | buyer | payer | merchant | operator; None for system messages
    mine: bool  # written by the viewer
    kind: str  # text | image | system
    text: str  # plain text (a caption for images); "" for system messages
    text_key: str | None  # system messages: the catalog key ...
    params: dict[str, Any]  # ... and its params
    attachment: str | None  # stored file name of an image, served through `attachment_file`
    created_at: datetime
    payment_id: int | None = None  # the payment's chat it belongs to, for a payment chat


def clean_text(raw: str) -> str:
    """Plain text as stored: newlines normalised, control characters dropped, outer whitespace trimmed."""
    return _CONTROL.sub("", (raw or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def image_kind(data: bytes) -> str | None:
    """png | jpeg | webp from the file's magic bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def without_metadata(image: bytes, kind: str) -> bytes:
    """The image re-encoded from its pixels in its own format (png | jpeg | webp), so no EXIF (GPS position,
    camera, time), XMP, comment or text chunk survives. The EXIF orientation is applied first, so a phone
    photo stays upright; the colour profile is kept; an animation keeps its first frame.
    A file that does not decode is `chat_image_type`; one too large when decoded, `chat_image_too_many_pixels`.
    """
    try:
        with Image.open(io.BytesIO(image), formats=[_PIL_FORMATS[kind]]) as source:
            if source.width * source.height > IMAGE_MAX_PIXELS:
                raise KryptonError(code="chat_image_too_many_pixels", limit=IMAGE_MAX_PIXELS)
            icc_profile = source.info.get("icc_profile")
            transparency = source.info.get("transparency")
            upright = ImageOps.exif_transpose(source)  # decodes the whole image
    except Image.DecompressionBombError as error:
        raise KryptonError(code="chat_image_too_many_pixels", limit=IMAGE_MAX_PIXELS) from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:  # Pillow's ways to say "not a valid image"
        raise KryptonError(code="chat_image_type") from error
    if upright.mode not in _PIL_MODES[kind]:
        upright = upright.convert("RGBA" if "RGBA" in _PIL_MODES[kind] else "RGB")
        transparency = None
    # Everything the decoder read besides the pixels (exif, xmp, comment, text chunks, dpi) goes.
    upright.info = {} if transparency is None else {"transparency": transparency}
    options: dict[str, Any] = dict(_PIL_OPTIONS[kind])
    if icc_profile:
        options["icc_profile"] = icc_profile
    out = io.BytesIO()
    upright.save(out, format=_PIL_FORMATS[kind], **options)
    return out.getvalue()


def post_system_message(session: Session, deal_id: int, text_key: str, params: dict[str, Any] | None = None) -> None:
    """Write a system message in the caller's transaction (a deal transition and its message commit together)."""
    body = json.dumps({"key": text_key, "params": params or {}}, ensure_ascii=False, sort_keys=True, default=str)
    session.add(ChatMessage(deal_id=deal_id, author_id=None, kind=SYSTEM, body=body))
    session.flush()
    announce(session, deal_topic(deal_id))


def _role(session: Session, viewer_id: int, deal: Deal | None) -> str:
    """The viewer's role in the deal's chat, or NotFound: strangers must not learn the deal exists."""
    if deal is None:
        raise NotFound("deal")
    if viewer_id == deal.seller_id:
        return SELLER
    if viewer_id == deal.buyer_id:
        return BUYER
    if user_is_operator(session, viewer_id):
        # The operator reads a chat only as evidence in a dispute: once one exists (open or decided).
        disputed = deal.status in WITH_DISPUTE or (
            session.execute(select(Dispute.id).where(Dispute.deal_id == deal.id)).first() is not None
        )
        if disputed:
            return OPERATOR
    raise NotFound("deal", deal_id=deal.id)


def payment_role(session: Session, viewer_id: int, payment_id: int | None) -> str:
    """The viewer's role in a payment's chat: its payer, the invoice's merchant, or an operator once one
    of them called one. Anyone else, a payment without a payer (a test simulation) or no payment at
    all: NotFound, the same for each, so a stranger learns nothing about the payment."""
    row = session.get(InvoicePayment, payment_id) if payment_id else None
    if row is None or row.payer_id is None:
        raise NotFound("payment")
    if viewer_id == row.payer_id:
        return PAYER
    invoice = session.get(Invoice, row.invoice_id)
    if invoice is not None and viewer_id == invoice.merchant_id:
        return MERCHANT
    chat = session.get(PaymentChat, payment_id)
    if chat is not None and chat.operator_called_at is not None and user_is_operator(session, viewer_id):
        return OPERATOR
    raise NotFound("payment", payment_id=payment_id)


def _view(row: ChatMessage, deal: Deal, viewer_id: int) -> ChatMessageView:
    sides = {deal.seller_id: SELLER, deal.buyer_id: BUYER}
    return message_view(row, viewer_id, None if row.author_id is None else sides.get(row.author_id, OPERATOR))


def message_view(row: ChatMessage, viewer_id: int, author_role: str | None) -> ChatMessageView:
    """A stored message as its reader sees it; `author_role` is the author's role in the room."""
    text_key, params, text = None, {}, row.body
    if row.kind == SYSTEM:
        payload = json.loads(row.body)
        text_key, params, text = payload["key"], payload.get("params", {}), ""
    return ChatMessageView(
        id=row.id,
        deal_id=row.deal_id,
        payment_id=row.payment_id,
        author_id=row.author_id,
        author_role=author_role,
        mine=row.author_id is not None and row.author_id == viewer_id,
        kind=row.kind,
        text=text,
        text_key=text_key,
        params=params,
        attachment=row.attachment_path,
        created_at=as_utc(row.created_at),
    )


def _check_image(image: bytes, image_type: str | None) -> str:
    if len(image) > IMAGE_MAX_BYTES:
        raise KryptonError(code="chat_image_too_large", size=len(image))
    kind = image_kind(image)
    # The declared type must agree with the bytes; the bytes decide what is stored.
    if kind is None or (image_type is not None and image_type.lower() != _IMAGE_TYPES[kind]):
        raise KryptonError(code="chat_image_type", declared=image_type)
    return kind


def checked_message(text: str, image: bytes | None, image_type: str | None) -> tuple[str, bytes | None, str | None]:
    """(cleaned text, image without metadata, its kind) of a message every chat accepts; raises otherwise."""
    body = clean_text(text)
    if len(body) > TEXT_MAX:
        raise KryptonError(code="chat_text_too_long", limit=TEXT_MAX)
    if not body and not image:
        raise KryptonError(code="chat_text_empty")
    kind = _check_image(image, image_type) if image else None
    if kind is not None:
        image = without_metadata(image, kind)
    return body, image, kind


def store_image(image: bytes, kind: str, upload_dir: Path | None) -> Path:
    """Write an accepted image under a random name. Call it after the authorisation check, so strangers
    cannot fill the disk, and unlink it if the transaction then fails, so no file outlives its message."""
    folder = Path(upload_dir or DEFAULT_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{secrets.token_hex(16)}.{kind}"
    stored.write_bytes(image)
    return stored


def post_message(
    uow: UnitOfWork,
    author_id: int,
    deal_id: int,
    *,
    text: str,
    image: bytes | None = None,
    image_type: str | None = None,
    now: datetime | None = None,
    upload_dir: Path | None = None,
) -> ChatMessageView:
    """A participant's (or, in a dispute, the operator's) message; notifies the other side(s)."""
    body, image, kind = checked_message(text, image, image_type)
    with uow.transaction() as s:
        deal = s.get(Deal, deal_id)
        role = _role(s, author_id, deal)
        stored = store_image(image, kind, upload_dir) if kind is not None else None
        try:
            row = ChatMessage(
                deal_id=deal.id,
                author_id=author_id,
                kind=IMAGE if stored else TEXT,
                body=body,
                attachment_path=stored.name if stored else None,
                created_at=now or utcnow(),
            )
            s.add(row)
            s.flush()
            announce(s, deal_topic(deal.id))
            recipients = {SELLER: (deal.buyer_id,), BUYER: (deal.seller_id,)}.get(role, (deal.seller_id, deal.buyer_id))
            for user_id in recipients:
                notify(s, user_id, kind=CHAT_MESSAGE, deal_id=deal.id, text_key=NOTIFY_KEY, params={"deal_id": deal.id})
            view = _view(row, deal, author_id)
        except BaseException:
            if stored is not None:
                stored.unlink(missing_ok=True)
            raise
    return view


def list_messages(
    uow: UnitOfWork, viewer_id: int, deal_id: int, *, after_id: int = 0, limit: int = LIST_LIMIT
) -> list[ChatMessageView]:
    """Messages with id > after_id, oldest first (a live chat polls with the last id it has)."""
    with uow.read() as s:
        deal = s.get(Deal, deal_id)
        _role(s, viewer_id, deal)
        query = (
            select(ChatMessage)
            .where(ChatMessage.deal_id == deal_id, ChatMessage.id > after_id)
            .order_by(ChatMessage.id)
            .limit(max(1, min(int(limit), LIST_LIMIT)))
        )
        return [_view(row, deal, viewer_id) for row in s.execute(query).scalars()]


def attachment_file(
    uow: UnitOfWork, viewer_id: int, message_id: int, *, upload_dir: Path | None = None
) -> tuple[Path, str]:
    """(path, content type) of an image attachment, for whoever may read its chat (a deal's or a
    payment's); else NotFound."""
    with uow.read() as s:
        row = s.get(ChatMessage, message_id)
        if row is None or row.attachment_path is None:
            raise NotFound("attachment", message_id=message_id)
        if row.deal_id is not None:
            _role(s, viewer_id, s.get(Deal, row.deal_id))
        else:
            payment_role(s, viewer_id, row.payment_id)
        name = row.attachment_path
    path = Path(upload_dir or DEFAULT_UPLOAD_DIR) / name
    return path, _IMAGE_TYPES[name.rsplit(".", 1)[-1]]
