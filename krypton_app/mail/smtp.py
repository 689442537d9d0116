"""Email through an SMTP server (the standard library's smtplib): STARTTLS and login when configured."""

from __future__ import annotations

import smtplib
import ssl

from krypton_app.mail.base import EmailNotSent, OutgoingEmail


class SmtpEmailSender:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout_s: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.host, self.port, self.sender = host, port, sender
        self.username, self._password = username, password
        self.starttls, self.timeout_s = starttls, timeout_s
        # The system's trusted CAs unless a caller (a test with its own CA) says otherwise.
        self._ssl_context = ssl_context or ssl.create_default_context()

    def __repr__(self) -> str:  # never the password
        return f"SmtpEmailSender({self.host!r}, {self.port}, starttls={self.starttls}, user={self.username!r})"

    def send(self, email: OutgoingEmail) -> None:
        message = email.to_message(self.sender)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                if self.starttls:
                    smtp.starttls(context=self._ssl_context)
                if self.username:
                    smtp.login(self.username, self._password or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise EmailNotSent(f"SMTP {self.host}:{self.port}: {error}") from error
