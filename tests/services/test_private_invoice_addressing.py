"""Who a private invoice is addressed to: a @username (any case), an email its owner VERIFIED with an emailed
code, or a phone verified through Telegram; an unverified email or phone addresses nobody (SQLite and PostgreSQL;
the code goes through a real SMTP server and is read from the delivered message)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pytest
from builders import make_user
from smtp import smtp_server
from sqlalchemy import func
from sqlmodel import select

from krypton_app.domain.errors import Forbidden, NotFound
from krypton_app.domain.invoices import InvoiceInvalid
from krypton_app.domain.ledger import EXTERNAL, Leg
from krypton_app.mail import SmtpEmailSender
from krypton_app.models import User
from krypton_app.models.invoices import Invoice
from krypton_app.services import invoices, ledger, payments
from krypton_app.services.email_codes import send_email_code, verify_email_code
from krypton_app.services.invoices import InvoiceDraft, create_invoice
from krypton_app.services.rates import StaticRateProvider
from krypton_app.services.users import update_profile
from krypton_app.settings import Settings

TON = 10**9
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SETTINGS = Settings(KRYPTON_APP_URL="https://krypton.example")
RATES = StaticRateProvider({})  # asset-priced invoices only


def new_user(uow, *, balance: int = 0, **profile) -> int:
    with uow.transaction() as s:
        user = User(wallet_address=f"0:{secrets.token_hex(32)}")
        s.add(user)
        s.flush()
        if balance:
            leg = Leg(ledger.system_account(s, EXTERNAL, "TON"), ledger.user_account(s, user.id, "TON"), balance)
            ledger.post(s, idempotency_key=f"deposit:{secrets.token_hex(8)}", kind="deposit", legs=[leg])
        user_id = user.id
    if profile:
        # Through the profile, as a person types it (this is how a squatter claims someone's address too).
        values = {"display_name": "", "username": None, "phone": None, "email": None, "language": "en", **profile}
        update_profile(uow, user_id, **values)
    return user_id


def private_invoice(uow, merchant: int, payer_contact: str):
    draft = InvoiceDraft(kind="private", title="Rent", asset="TON", amount="1", payer_contact=payer_contact)
    return create_invoice(uow, merchant, draft, settings=SETTINGS, now=NOW)[0]


def pay(uow, payer: int, number: str):
    payment = payments.start_payment(
        uow, payer, number, parts=["1"], idempotency_key=secrets.token_hex(8), settings=SETTINGS, rates=RATES, now=NOW
    )
    part = payment.parts[0]
    return payments.fund_part_from_balance(uow, payer, payment.id, part.id, settings=SETTINGS, rates=RATES, now=NOW)


def refused(draft_call) -> tuple[str, str]:
    with pytest.raises(InvoiceInvalid) as error:
        draft_call()
    return error.value.code, error.value.field


def test_an_unverified_email_addresses_nobody(uow):
    # The squatter types the victim's email into their own profile first. The merchant's invoice to that
    # address reaches nobody: the merchant is told nobody has it.
    merchant = new_user(uow)
    new_user(uow, balance=5 * TON, email="victim@example.com")
    assert refused(lambda: private_invoice(uow, merchant, "victim@example.com")) == (
        "invoice_payer_unknown",
        "payer_contact",
    )
    with uow.read() as s:
        assert s.exec(select(func.count()).select_from(Invoice)).one() == 0
    # Nor is the owner locked out: they can type it too (and prove it: the next test).
    new_user(uow, email="Victim@Example.com")
    assert refused(lambda: private_invoice(uow, merchant, "victim@example.com"))[0] == "invoice_payer_unknown"


def test_a_verified_email_addresses_its_owner_only(uow):
    merchant = new_user(uow)
    squatter = new_user(uow, balance=5 * TON, email="owner@example.com")
    owner = new_user(uow, balance=5 * TON, email="owner@example.com")
    with smtp_server() as (port, inbox):
        sender = SmtpEmailSender("127.0.0.1", port, sender="no-reply@krypton.example", starttls=False)
        send_email_code(uow, owner, sender=sender, settings=SETTINGS, now=NOW)
        verify_email_code(uow, owner, inbox.code_for("owner@example.com"), settings=SETTINGS, now=NOW)
    inv = private_invoice(uow, merchant, "OWNER@example.com")
    with uow.read() as s:
        assert s.get(Invoice, inv.id).payer_user_id == owner
    with pytest.raises(NotFound):
        invoices.get_invoice(uow, squatter, inv.number, settings=SETTINGS)
    with pytest.raises(NotFound):
        pay(uow, squatter, inv.number)
    assert invoices.get_invoice(uow, owner, inv.number, settings=SETTINGS).id == inv.id
    assert pay(uow, owner, inv.number).status == "completed"


def test_only_a_phone_verified_through_telegram_addresses_its_owner(uow):
    merchant = new_user(uow)
    new_user(uow, phone="+79990001122")  # typed, never proven
    for contact in ("+7 999 000-11-22", "79990001122", "+7 999"):
        assert refused(lambda c=contact: private_invoice(uow, merchant, c)) == ("invoice_payer_phone", "payer_contact")
    owner = make_user(uow, phone="+79990003344", phone_verified=True)  # as Telegram's signed contact leaves it
    for contact in ("+7 999 000-33-44", "79990003344"):
        with uow.read() as s:
            assert s.get(Invoice, private_invoice(uow, merchant, contact).id).payer_user_id == owner


def test_a_username_addresses_its_owner_in_any_case(uow):
    merchant, other = new_user(uow), new_user(uow, balance=5 * TON)
    owner = new_user(uow, balance=5 * TON, username="Sasha")
    inv = private_invoice(uow, merchant, "@SASHA")
    with pytest.raises(NotFound):
        invoices.get_invoice(uow, other, inv.number, settings=SETTINGS)
    with pytest.raises(Forbidden):
        pay(uow, merchant, inv.number)
    assert pay(uow, owner, inv.number).status == "completed"
