"""Proving an email with a one-time code, so that it may address private invoices.

The user saves an email on the profile (it waits in `users.pending_email`), asks for a code, and types it
back; then the address moves to `users.email`, the only column anything looks addresses up in. A code is six
digits, kept only as an HMAC (keyed with the secret key, bound to the user and the address), lives
CODE_TTL, takes MAX_ATTEMPTS wrong guesses, works once, and only the newest one for the address counts.
Sending is limited per user and per address, so neither a user nor many accounts can flood an inbox.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import ContactNotVerified, NotFound
from krypton_app.i18n import translate
from krypton_app.mail import EmailNotSent, EmailSender, OutboxEmailSender, OutgoingEmail
from krypton_app.models import EmailCode, User
from krypton_app.models.common import as_utc
from krypton_app.services.users import UserView
from krypton_app.settings import Settings

log = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=15)
MAX_ATTEMPTS = 5
SENDS_PER_HOUR = 5  # per user, and per address
RESEND_AFTER = timedelta(seconds=60)  # per address: a double click sends one code, not two that race in the inbox

# Every code these use cases fail with; the profile page shows `error.<code>`.
EMAIL_CODE_ERROR_CODES = (
    "email_missing",  # nothing to verify: save an email first
    "email_taken",  # another account verified this address
    "email_unavailable",  # production without a mail server
    "email_send_failed",  # the mail server refused or could not be reached
    "email_code_wait",  # a code went out less than RESEND_AFTER ago
    "email_code_rate_limited",  # SENDS_PER_HOUR reached for this user or this address
    "email_code_missing",  # no unused code for this address: send one
    "email_code_expired",
    "email_code_attempts",  # MAX_ATTEMPTS wrong codes: send a new one
    "email_code_wrong",
)


@dataclass(frozen=True)
class EmailCodeSent:
    email: str
    expires_at: datetime
    to_outbox: bool  # development: written to the local outbox folder, not sent


def send_email_code(
    uow: UnitOfWork, user_id: int, *, sender: EmailSender | None, settings: Settings, now: datetime
) -> EmailCodeSent:
    """Send a new code to the user's pending email. The send is recorded (and counts against the limits)
    before the mail goes out, outside the transaction: a slow mail server holds no lock."""
    now = now.astimezone(UTC)
    if sender is None:
        raise ContactNotVerified("no mail server configured", code="email_unavailable")
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    with uow.transaction() as s:
        user = _locked_user(s, user_id)
        email = user.pending_email
        if user.email is not None or email is None:
            raise ContactNotVerified(code="email_missing")
        if s.exec(select(User.id).where(User.email == email)).first() is not None:
            raise ContactNotVerified(code="email_taken")
        _check_send_limits(s, user_id, email, now)
        s.add(
            EmailCode(
                user_id=user_id,
                email=email,
                code_hash=_hash(settings, user_id, email, code),
                created_at=now,
                expires_at=now + CODE_TTL,
            )
        )
        language = user.language
    minutes = int(CODE_TTL.total_seconds() // 60)
    message = OutgoingEmail(
        to=email,
        subject=translate(language, "mail.email_code.subject", code=code),
        text=translate(language, "mail.email_code.text", code=code, minutes=minutes),
    )
    try:
        sender.send(message)
    except EmailNotSent as error:
        log.warning("email code for user %s not sent: %s", user_id, error)
        raise ContactNotVerified(str(error), code="email_send_failed") from error
    return EmailCodeSent(email, now + CODE_TTL, to_outbox=isinstance(sender, OutboxEmailSender))


def verify_email_code(uow: UnitOfWork, user_id: int, code: str, *, settings: Settings, now: datetime) -> UserView:
    """Check a typed code against the newest one sent to the pending email; right: the email is verified.
    A wrong code is counted (committed) before the error is raised. Repeating after success changes nothing."""
    now = now.astimezone(UTC)
    typed = re.sub(r"\s", "", code or "")[:32]
    refusal = None
    try:
        with uow.transaction() as s:
            user = _locked_user(s, user_id)
            if user.email is not None:
                return UserView.from_user(user)  # already verified (a double click)
            email = user.pending_email
            if email is None:
                raise ContactNotVerified(code="email_missing")
            # The newest code sent to this address for this user; an older one stopped counting when it came.
            row = s.exec(
                select(EmailCode)
                .where(EmailCode.user_id == user_id, EmailCode.email == email)
                .order_by(EmailCode.id.desc())
                .limit(1)
            ).first()
            if row is None or row.used_at is not None:
                raise ContactNotVerified(code="email_code_missing")
            if as_utc(row.expires_at) <= now:
                raise ContactNotVerified(code="email_code_expired")
            if row.attempts >= MAX_ATTEMPTS:
                raise ContactNotVerified(code="email_code_attempts")
            if not hmac.compare_digest(row.code_hash, _hash(settings, user_id, email, typed)):
                row.attempts += 1
                refusal = "email_code_attempts" if row.attempts >= MAX_ATTEMPTS else "email_code_wrong"
            else:
                row.used_at = now
                user.email, user.pending_email = email, None
                s.flush()  # the unique email constraint speaks here if another account verified it first
                view = UserView.from_user(user)
    except IntegrityError:
        raise ContactNotVerified(code="email_taken") from None
    if refusal:
        raise ContactNotVerified(code=refusal)
    return view


def _locked_user(s: Session, user_id: int) -> User:
    # One send or check at a time per user (PostgreSQL row lock; SQLite's BEGIN IMMEDIATE already serialises).
    user = s.exec(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None:
        raise NotFound(f"user {user_id}")
    return user


def _check_send_limits(s: Session, user_id: int, email: str, now: datetime) -> None:
    hour_ago = now - timedelta(hours=1)
    count = s.exec(select(func.count()).where(EmailCode.user_id == user_id, EmailCode.created_at > hour_ago)).one()
    # The pause is per address: a corrected typo gets its code at once, a double click does not send two.
    last = s.exec(
        select(func.max(EmailCode.created_at)).where(EmailCode.user_id == user_id, EmailCode.email == email)
    ).one()
    if last is not None and as_utc(last) > now - RESEND_AFTER:
        raise ContactNotVerified(code="email_code_wait")
    to_address = s.exec(select(func.count()).where(EmailCode.email == email, EmailCode.created_at > hour_ago)).one()
    if count >= SENDS_PER_HOUR or to_address >= SENDS_PER_HOUR:
        raise ContactNotVerified(code="email_code_rate_limited")


def _hash(settings: Settings, user_id: int, email: str, code: str) -> str:
    pepper = hashlib.sha256(f"krypton:email-codes:{settings.secret_key}".encode()).digest()
    return hmac.new(pepper, f"{user_id}:{email}:{code}".encode(), hashlib.sha256).hexdigest()
