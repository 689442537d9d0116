"""A user who came through Telegram has no wallet: every place that names a user or carries their address
copes (SQLite and PostgreSQL). Such a merchant is paid, the payment's receipt verifies and names no merchant
address; a wallet-less payer pays; each side is named by display name, else Telegram handle."""

from __future__ import annotations

from builders import INVOICE_SETTINGS, TON, deposit, make_invoice, make_user, pay_invoice

from krypton_app.services import invoices
from krypton_app.services.receipts import receipt_public_key, verify_receipt
from krypton_app.services.users import NAMELESS, get_user, public_name, public_name_of_address


def telegram_user(uow, **columns) -> int:
    return make_user(uow, wallet_address=None, telegram_id=5_100_000_000 + len(columns), **columns)


def test_a_wallet_less_merchant_is_paid_and_the_receipt_names_no_address(uow):
    merchant = telegram_user(uow, display_name="", telegram_username="shop_tg")
    payer = make_user(uow)
    deposit(uow, payer, 5 * TON)
    invoice = make_invoice(uow, merchant)
    assert invoice.merchant_name == NAMELESS  # no name, no username, no address
    payment = pay_invoice(uow, payer, invoice.number)
    assert payment.status == "completed"
    receipt = verify_receipt(
        payment.receipt, public_key=receipt_public_key(INVOICE_SETTINGS), invoice_number=invoice.number
    )
    assert receipt.merchant is None and receipt.payer == get_user(uow, payer).wallet_address


def test_a_wallet_less_payer_pays_and_is_named_by_telegram(uow):
    payer = telegram_user(uow, display_name="", telegram_username="payer_tg")
    deposit(uow, payer, 5 * TON)
    invoice = make_invoice(uow)
    payment = pay_invoice(uow, payer, invoice.number)
    assert payment.status == "completed" and payment.payer_address is None
    assert payment.payer_name == "@payer_tg"
    assert invoices.get_invoice(uow, payer, invoice.number, settings=INVOICE_SETTINGS).number == invoice.number


def test_names_fall_back_in_order():
    assert public_name("Ann", "ann", None, "ann_tg") == "Ann"
    assert public_name("", "ann", None, "ann_tg") == "@ann"
    assert public_name("", None, None, "ann_tg") == "@ann_tg"
    assert public_name("", None, None) == NAMELESS
    assert public_name("", None, "0:" + "ab" * 32).count("…") == 1


def test_no_address_names_nobody(uow):
    telegram_user(uow)
    assert public_name_of_address(uow, None) is None
