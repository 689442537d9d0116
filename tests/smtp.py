"""A real SMTP server for mail tests (aiosmtpd, in a thread of the test process, on a free port), the inbox it
delivers to, and how to read a Krypton code out of a delivered message. Importable from every test folder."""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

CODE = re.compile(r"\b(\d{6})\b")


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    message: Message

    @property
    def text(self) -> str:
        part = next(p for p in self.message.walk() if p.get_content_type() == "text/plain")
        return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


@dataclass
class Inbox:
    """The receiving end: every message the server accepted, in order, and the last session's TLS state."""

    messages: list[Delivered] = field(default_factory=list)
    tls_seen: list[bool] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.tls_seen.append(session.ssl is not None)
        message = message_from_bytes(envelope.content)
        self.messages.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def code_for(self, address: str) -> str:
        """The code in the newest message to `address` (its body; the subject must carry the same)."""
        mail = next(m for m in reversed(self.messages) if address in m.rcpt_tos)
        (code,) = set(CODE.findall(mail.text))
        assert code in mail.message["Subject"]
        return code


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(
    *, tls_context: ssl.SSLContext | None = None, users: dict[str, str] | None = None
) -> Iterator[tuple[int, Inbox]]:
    """Serve SMTP on 127.0.0.1:<port>. With `tls_context` STARTTLS is offered and required; with `users`
    AUTH (PLAIN / LOGIN) is required and checked against them."""
    inbox = Inbox()
    kwargs: dict = {}
    if tls_context is not None:
        kwargs.update(tls_context=tls_context, require_starttls=True)
    if users is not None:

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and users.get(auth_data.login.decode()) == (
                auth_data.password.decode()
            )
            if ok:
                inbox.logins.append(auth_data.login.decode())
            return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=tls_context is not None)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()
