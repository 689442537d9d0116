"""The interface every way of sending email implements, and the message it sends."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from krypton_app.domain.errors import KryptonError


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str  # plain text only: a code needs no markup, and plain text renders the same everywhere

    def to_message(self, sender: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = sender
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="krypton")
        message.set_content(self.text)
        return message


class EmailNotSent(KryptonError):
    """The mail server refused the message or could not be reached (the cause is chained)."""

    code = "email_send_failed"


class EmailSender(Protocol):
    """Hands one message to the outside world, or raises EmailNotSent. Blocking: call it off the event loop,
    and never inside a database transaction (a slow server would hold the transaction open)."""

    def send(self, email: OutgoingEmail) -> None: ...
