"""Verifying an email with a one-time code, the mail going through a real SMTP server (aiosmtpd on a free
port) and the code read from the delivered message (SQLite and PostgreSQL; the race on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from builders import make_user, race
from smtp import smtp_server
from sqlmodel import select

from krypton_app.domain.errors import ContactNotVerified
from krypton_app.mail import SmtpEmailSender
from krypton_app.models import EmailCode, User
from krypton_app.services.email_codes import (
    CODE_TTL,
    EMAIL_CODE_ERROR_CODES,
    MAX_ATTEMPTS,
    RESEND_AFTER,
    SENDS_PER_HOUR,
    send_email_code,
    verify_email_code,
)
from krypton_app.services.users import find_user_by_contact, get_user, update_profile
from krypton_app.settings import Settings

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SETTINGS = Settings(KRYPTON_SECRET_KEY="test-secret-for-email-codes")
LATER = RESEND_AFTER + timedelta(seconds=1)


@pytest.fixture
def smtp():
    """(sender, inbox): a real SMTP server for the test, and the app's SMTP sender pointed at it."""
    with smtp_server() as (port, inbox):
        yield SmtpEmailSender("127.0.0.1", port, sender="Krypton <no-reply@krypton.example>", starttls=False), inbox


def new_user(uow, email: str | None = None, language: str = "en") -> int:
    user_id = make_user(uow, language=language)
    if email:
        set_email(uow, user_id, email)
    return user_id


def set_email(uow, user_id: int, email: str | None):
    user = get_user(uow, user_id)
    return update_profile(
        uow, user_id, display_name="", username=user.username, phone=None, email=email, language=user.language
    )


def send(uow, user_id, sender, now=NOW):
    return send_email_code(uow, user_id, sender=sender, settings=SETTINGS, now=now)


def verify(uow, user_id, code, now=NOW):
    return verify_email_code(uow, user_id, code, settings=SETTINGS, now=now)


def refused(call) -> str:
    with pytest.raises(ContactNotVerified) as error:
        call()
    assert error.value.code in EMAIL_CODE_ERROR_CODES
    return error.value.code


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def codes(uow, user_id) -> list[EmailCode]:
    with uow.read() as s:
        return list(s.exec(select(EmailCode).where(EmailCode.user_id == user_id).order_by(EmailCode.id)))


def test_a_code_sent_by_smtp_verifies_the_email(uow, smtp):
    sender, inbox = smtp
    user_id = new_user(uow, "Ann@Example.com", language="ru")
    assert find_user_by_contact(uow, "ann@example.com") is None
    sent = send(uow, user_id, sender)
    assert (sent.email, sent.expires_at, sent.to_outbox) == ("ann@example.com", NOW + CODE_TTL, False)
    (mail,) = inbox.messages
    assert mail.rcpt_tos == ["ann@example.com"] and mail.mail_from == "no-reply@krypton.example"
    assert "Ваш код Krypton" in mail.text  # in the user's language
    code = inbox.code_for("ann@example.com")
    # Only a keyed hash is stored: not the code, and not a plain hash of it.
    (row,) = codes(uow, user_id)
    assert code not in row.code_hash and len(row.code_hash) == 64 and row.used_at is None

    view = verify(uow, user_id, f" {code[:3]} {code[3:]} ", now=NOW + CODE_TTL - timedelta(seconds=1))
    assert (view.email, view.email_verified) == ("ann@example.com", True)
    assert find_user_by_contact(uow, "ANN@example.com").id == user_id
    assert codes(uow, user_id)[0].used_at is not None
    assert verify(uow, user_id, code) == view  # a double click changes nothing


def test_a_wrong_code_is_counted_and_too_many_end_the_code(uow, smtp):
    sender, inbox = smtp
    user_id = new_user(uow, "bob@example.com")
    send(uow, user_id, sender)
    code = inbox.code_for("bob@example.com")
    for attempt in range(1, MAX_ATTEMPTS):
        assert refused(lambda: verify(uow, user_id, wrong(code))) == "email_code_wrong"
        assert codes(uow, user_id)[0].attempts == attempt  # committed although the call raised
    assert refused(lambda: verify(uow, user_id, "not a code")) == "email_code_attempts"
    # Even the right code is refused now; a new code works.
    assert refused(lambda: verify(uow, user_id, code)) == "email_code_attempts"
    assert not get_user(uow, user_id).email_verified
    send(uow, user_id, sender, now=NOW + LATER)
    fresh = inbox.code_for("bob@example.com")
    assert verify(uow, user_id, fresh, now=NOW + LATER).email_verified


def test_an_expired_code_is_refused(uow, smtp):
    sender, inbox = smtp
    user_id = new_user(uow, "cid@example.com")
    send(uow, user_id, sender)
    code = inbox.code_for("cid@example.com")
    assert refused(lambda: verify(uow, user_id, code, now=NOW + CODE_TTL)) == "email_code_expired"
    assert not get_user(uow, user_id).email_verified


def test_only_the_newest_code_counts_and_each_works_once(uow, smtp):
    sender, inbox = smtp
    user_id = new_user(uow, "dee@example.com")
    send(uow, user_id, sender)
    first = inbox.code_for("dee@example.com")
    send(uow, user_id, sender, now=NOW + LATER)
    second = inbox.code_for("dee@example.com")
    if first != second:
        assert refused(lambda: verify(uow, user_id, first, now=NOW + LATER)) == "email_code_wrong"
    assert verify(uow, user_id, second, now=NOW + LATER).email_verified
    # Changing the email drops the verification; coming back to it needs a new code, not the used one.
    assert not set_email(uow, user_id, "dee@example.org").email_verified
    assert find_user_by_contact(uow, "dee@example.com") is None
    assert not set_email(uow, user_id, "dee@example.com").email_verified
    assert refused(lambda: verify(uow, user_id, second, now=NOW + LATER)) == "email_code_missing"


def test_a_code_is_bound_to_its_address_and_to_the_secret_key(uow, smtp):
    sender, inbox = smtp
    user_id = new_user(uow, "eve@example.com")
    send(uow, user_id, sender)
    code = inbox.code_for("eve@example.com")
    other_key = Settings(KRYPTON_SECRET_KEY="another-secret")
    with pytest.raises(ContactNotVerified) as error:
        verify_email_code(uow, user_id, code, settings=other_key, now=NOW)
    assert error.value.code == "email_code_wrong"
    # A code for one address does not verify another the user switched to.
    set_email(uow, user_id, "eve@example.org")
    assert refused(lambda: verify(uow, user_id, code)) == "email_code_missing"


def test_sends_are_limited_per_minute_and_per_hour(uow, smtp):
    sender, inbox = smtp
    user_id = new_user(uow, "fay@example.com")
    send(uow, user_id, sender)
    assert refused(lambda: send(uow, user_id, sender, now=NOW + RESEND_AFTER - timedelta(seconds=1))) == (
        "email_code_wait"
    )
    moments = [NOW + LATER * i for i in range(1, SENDS_PER_HOUR)]
    for moment in moments:
        send(uow, user_id, sender, now=moment)
    last = moments[-1] + LATER
    assert refused(lambda: send(uow, user_id, sender, now=last)) == "email_code_rate_limited"
    assert len(inbox.messages) == SENDS_PER_HOUR == len(codes(uow, user_id))
    # An hour after the first send, one more may go.
    send(uow, user_id, sender, now=NOW + timedelta(hours=1, seconds=1))
    assert len(inbox.messages) == SENDS_PER_HOUR + 1


def test_a_corrected_address_gets_its_code_at_once(uow, smtp):
    sender, inbox = smtp
    user_id = new_user(uow, "typo@exmaple.com")
    send(uow, user_id, sender)
    set_email(uow, user_id, "typo@example.com")
    send(uow, user_id, sender, now=NOW + timedelta(seconds=1))
    assert [m.rcpt_tos for m in inbox.messages] == [["typo@exmaple.com"], ["typo@example.com"]]
    assert verify(uow, user_id, inbox.code_for("typo@example.com"), now=NOW + timedelta(seconds=2)).email_verified


def test_many_accounts_cannot_flood_one_inbox(uow, smtp):
    sender, inbox = smtp
    users = [new_user(uow, "gil@example.com") for _ in range(SENDS_PER_HOUR + 1)]
    for user_id in users[:-1]:
        send(uow, user_id, sender)
    assert refused(lambda: send(uow, users[-1], sender)) == "email_code_rate_limited"
    assert len(inbox.messages) == SENDS_PER_HOUR


def test_nothing_to_verify_or_an_address_someone_verified(uow, smtp):
    sender, inbox = smtp
    nobody = new_user(uow)
    assert refused(lambda: send(uow, nobody, sender)) == "email_missing"
    assert refused(lambda: verify(uow, nobody, "123456")) == "email_missing"
    owner, squatter = new_user(uow, "hal@example.com"), new_user(uow, "hal@example.com")
    send(uow, owner, sender)
    verify(uow, owner, inbox.code_for("hal@example.com"))
    # The squatter's unproven copy gets no code mailed to the owner, and no say.
    assert refused(lambda: send(uow, squatter, sender, now=NOW + LATER)) == "email_taken"
    assert len(inbox.messages) == 1
    verified = new_user(uow)
    with uow.transaction() as s:
        s.get(User, verified).email = "ida@example.com"
    assert verify(uow, verified, "000000").email_verified  # already verified: nothing to check


def test_without_a_mail_server_nothing_is_recorded(uow):
    user_id = new_user(uow, "jo@example.com")
    assert refused(lambda: send(uow, user_id, None)) == "email_unavailable"
    assert codes(uow, user_id) == []


def test_a_failed_delivery_is_an_error_and_still_counts(uow):
    user_id = new_user(uow, "kai@example.com")
    nowhere = SmtpEmailSender("127.0.0.1", 1, sender="no-reply@krypton.example", starttls=False)
    assert refused(lambda: send(uow, user_id, nowhere)) == "email_send_failed"
    # Recorded: a broken mail server is not hammered by retries past the limits.
    assert len(codes(uow, user_id)) == 1
    assert refused(lambda: send(uow, user_id, nowhere)) == "email_code_wait"


def test_two_accounts_verifying_one_address_at_once_one_wins(pg_uow, smtp):
    # Only the owner of the inbox can get both codes (two accounts of theirs); the unique email decides.
    uow = pg_uow
    sender, inbox = smtp
    first, second = new_user(uow, "lea@example.com"), new_user(uow, "lea@example.com")
    send(uow, first, sender)
    code_1 = inbox.code_for("lea@example.com")
    send(uow, second, sender, now=NOW + timedelta(seconds=1))
    code_2 = inbox.code_for("lea@example.com")
    results = race(lambda: verify(uow, first, code_1), lambda: verify(uow, second, code_2))
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and won[0].email_verified
    assert [(type(e), e.code) for e in lost] == [(ContactNotVerified, "email_taken")]
    assert find_user_by_contact(uow, "lea@example.com").id == won[0].id
