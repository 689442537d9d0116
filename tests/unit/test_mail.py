"""The EmailSender implementations against a real SMTP server (aiosmtpd on a free port): plain, STARTTLS with
a certificate from a test CA, login; refusals become EmailNotSent. The development outbox, and which sender
the settings choose."""

from __future__ import annotations

import smtplib
import ssl
from email import message_from_bytes

import pytest
import trustme
from smtp import smtp_server

from krypton_app.mail import EmailNotSent, OutboxEmailSender, OutgoingEmail, SmtpEmailSender, email_sender
from krypton_app.mail.outbox import MARK
from krypton_app.settings import Settings

MAIL = OutgoingEmail(to="ann@example.com", subject="Krypton code: 123456", text="Your Krypton code is 123456.")


@pytest.fixture(scope="module")
def tls():
    """(server context, client context that trusts the test CA) for a certificate naming 127.0.0.1."""
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return server, client


def test_smtp_delivers_a_plain_text_message():
    with smtp_server() as (port, inbox):
        SmtpEmailSender("127.0.0.1", port, sender="Krypton <no-reply@krypton.example>", starttls=False).send(MAIL)
    (mail,) = inbox.messages
    assert mail.mail_from == "no-reply@krypton.example" and mail.rcpt_tos == ["ann@example.com"]
    assert mail.message["Subject"] == "Krypton code: 123456" and mail.message["Message-ID"]
    assert mail.text.strip() == "Your Krypton code is 123456."
    assert inbox.tls_seen == [False]


def test_smtp_upgrades_with_starttls_and_logs_in(tls):
    server_tls, client_tls = tls
    with smtp_server(tls_context=server_tls, users={"krypton": "s3cret-pass"}) as (port, inbox):
        sender = SmtpEmailSender(
            "127.0.0.1",
            port,
            sender="no-reply@krypton.example",
            username="krypton",
            password="s3cret-pass",
            ssl_context=client_tls,
        )
        sender.send(MAIL)
    assert inbox.tls_seen == [True] and inbox.logins == ["krypton"]
    assert "s3cret-pass" not in repr(sender)


@pytest.mark.parametrize("case", ["wrong_password", "untrusted_certificate", "starttls_off", "nobody_listening"])
def test_a_refusal_or_a_network_error_is_email_not_sent(tls, case):
    server_tls, client_tls = tls
    with smtp_server(tls_context=server_tls, users={"krypton": "s3cret-pass"}) as (port, inbox):
        options = {"username": "krypton", "password": "s3cret-pass", "ssl_context": client_tls}
        if case == "wrong_password":
            options["password"] = "guess"
        elif case == "untrusted_certificate":
            options.pop("ssl_context")  # the system's CAs do not know the test CA
        elif case == "starttls_off":
            options["starttls"] = False  # the server requires it
        elif case == "nobody_listening":
            port = 1  # nothing answers there
        with pytest.raises(EmailNotSent) as error:
            SmtpEmailSender("127.0.0.1", port, sender="no-reply@krypton.example", **options).send(MAIL)
    cause = {
        "wrong_password": smtplib.SMTPAuthenticationError,
        "untrusted_certificate": ssl.SSLCertVerificationError,
        "starttls_off": smtplib.SMTPNotSupportedError,  # AUTH is offered only after STARTTLS
        "nobody_listening": ConnectionRefusedError,
    }[case]
    assert error.value.code == "email_send_failed" and isinstance(error.value.__cause__, cause)
    assert inbox.messages == []


def test_the_development_outbox_writes_a_marked_message(tmp_path):
    folder = tmp_path / "outbox"
    path = OutboxEmailSender(folder, sender="Krypton <no-reply@localhost>").send(MAIL)
    assert path.parent == folder and path.suffix == ".eml"
    message = message_from_bytes(path.read_bytes())
    assert message["X-Krypton-Outbox"] == MARK and message["To"] == "ann@example.com"
    assert "123456" in message.get_payload()


def test_settings_choose_smtp_the_outbox_or_nothing_in_production(tmp_path):
    smtp = email_sender(
        Settings(KRYPTON_SMTP_HOST="mail.example", KRYPTON_SMTP_PORT=2525, KRYPTON_SMTP_PASSWORD="pw-secret")
    )
    assert isinstance(smtp, SmtpEmailSender) and (smtp.host, smtp.port, smtp.starttls) == ("mail.example", 2525, True)
    assert smtp.sender == "Krypton <no-reply@localhost>"
    outbox = email_sender(Settings(KRYPTON_MAIL_OUTBOX=str(tmp_path)))
    assert isinstance(outbox, OutboxEmailSender) and outbox.folder == tmp_path
    production = Settings(KRYPTON_ENV="production", KRYPTON_APP_URL="https://krypton.example")
    assert email_sender(production) is None
    assert production.mail_from == "Krypton <no-reply@krypton.example>"
    assert "pw-secret" not in repr(Settings(KRYPTON_SMTP_PASSWORD="pw-secret"))
