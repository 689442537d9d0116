"""A completed payment's receipt (v2 on, now v3) signs each part's method and amount (issue 12 item 7)."""

from builders import INVOICE_SETTINGS, NOW, TON, make_invoice, make_user, pay_invoice

from krypton_app.services import payments
from krypton_app.services.rates import StaticRateProvider
from krypton_app.services.receipts import receipt_public_key, verify_receipt


def parts_of(receipt: str) -> tuple[int, list[tuple[str, str]]]:
    view = verify_receipt(receipt, public_key=receipt_public_key(INVOICE_SETTINGS))
    return view.version, [(p.method, p.amount) for p in view.part_details]


def test_a_receipt_lists_each_parts_method_and_amount_in_order(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=5 * TON)
    number = make_invoice(uow, merchant, amount="2", max_parts=2).number
    paid = pay_invoice(uow, payer, number, ("0.5", "1.5"))
    assert parts_of(paid.receipt) == (3, [("balance", "0.5"), ("balance", "1.5")])


def test_a_simulated_payments_receipt_names_its_test_part(uow):
    merchant = make_user(uow)
    number = make_invoice(uow, merchant, amount="2", is_test=True).number
    simulated = payments.simulate_test_payment(
        uow,
        merchant,
        number,
        amount=None,
        settings=INVOICE_SETTINGS,
        rates=StaticRateProvider(INVOICE_SETTINGS.rates),
        now=NOW,
    )
    assert parts_of(simulated.receipt) == (3, [("test", "2")])
