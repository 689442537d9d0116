"""A chat message as a row the chat component (components/chat.py) draws, for a deal's chat and a
payment's chat alike. Text is formatted on the server: a system message in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from krypton_app import routes
from krypton_app.i18n import translate
from krypton_app.i18n.formatting import format_time, message_params
from krypton_app.services.chat import SYSTEM, ChatMessageView


@dataclass(frozen=True)
class MessageRow:
    id: int
    text: str  # plain text, escaped by React; a system message in the reader's language
    side: str  # mine | theirs | system
    author_key: str
    time: str
    image: str  # the /files/chat URL of an attached image, or ""


def message_row(m: ChatMessageView, lang: str, *, roles: str = "deal.role") -> MessageRow:
    """`roles`: the catalog prefix naming the author's role (`deal.role.buyer`, `paychat.role.payer`)."""
    system = m.kind == SYSTEM
    return MessageRow(
        id=m.id,
        text=translate(lang, m.text_key or "", **message_params(m.params or {}, lang)) if system else m.text,
        side="mine" if m.mine else ("system" if system else "theirs"),
        author_key=f"{roles}.{m.author_role}" if m.author_role else "deal.system",
        time=format_time(m.created_at, lang),
        image=routes.chat_file(m.id) if m.attachment else "",
    )
