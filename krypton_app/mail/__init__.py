"""Outgoing email: the EmailSender interface, SMTP for real deployments, a file outbox for development."""

from __future__ import annotations

from krypton_app.mail.base import EmailNotSent, EmailSender, OutgoingEmail
from krypton_app.mail.outbox import OutboxEmailSender
from krypton_app.mail.smtp import SmtpEmailSender
from krypton_app.settings import Settings

__all__ = [
    "EmailNotSent",
    "EmailSender",
    "OutboxEmailSender",
    "OutgoingEmail",
    "SmtpEmailSender",
    "email_sender",
]


def email_sender(settings: Settings) -> EmailSender | None:
    """SMTP when KRYPTON_SMTP_HOST is set; else the development outbox; in production without SMTP, none
    (the app says it cannot send email rather than pretending to)."""
    if settings.smtp_host:
        return SmtpEmailSender(
            settings.smtp_host,
            settings.smtp_port,
            sender=settings.mail_from,
            username=settings.smtp_user,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
        )
    if settings.is_production:
        return None
    return OutboxEmailSender(settings.mail_outbox, sender=settings.mail_from)
