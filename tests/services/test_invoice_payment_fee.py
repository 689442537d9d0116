"""The invoice-payment fee (SPEC F12, payment_completion.settle): a completed payment pays its merchant
gross - fee and the fee account the fee in the same postings, once per payment whichever way its parts
were funded and whichever way it completes (balance, several parts, Lightning, a fiat-payout invoice
taken in crypto), under the rule in force when it completes; the fee is kept on the payment, summed on
the invoice, signed in the receipt and sent in the webhook. A crash after the merchant's credit and
before the commit leaves nothing: no payment, no fee. SQLite and PostgreSQL."""

import json
import uuid
from decimal import Decimal

import pytest
from builders import (
    INVOICE_SETTINGS,
    NOW,
    TON,
    assert_invariants,
    balances,
    lightning_node,
    make_invoice,
    make_user,
    pay_invoice,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from krypton_app.domain.invoices import AWAITING_FIAT, COMPLETED, PENDING
from krypton_app.domain.ledger import FEES
from krypton_app.domain.money import format_amount
from krypton_app.models import Account
from krypton_app.models.invoices import Invoice, InvoicePayment
from krypton_app.models.merchant import WebhookEvent
from krypton_app.services import fees, fiat_payouts, history, invoices, payment_completion, payments
from krypton_app.services.lightning_parts import pay_from_demo_wallet, start_lightning_part
from krypton_app.services.rates import StaticRateProvider
from krypton_app.services.receipts import receipt_public_key, verify_receipt

RATES = StaticRateProvider(INVOICE_SETTINGS.rates)
HOOK = "https://shop.example/hook"


def set_invoice_fee(uow, percent: str, *, flat: str = "0", minimum: str = "0", asset: str = "TON") -> None:
    operator = make_user(uow, operator=True)
    fees.set_fee_rule(uow, operator, "invoice_payment", asset, percent=percent, flat=flat, minimum=minimum)


def fee_account(uow, asset: str = "TON") -> int:
    with uow.read() as s:
        balance = s.execute(select(Account.balance).where(Account.key == f"system:{FEES}:{asset}")).scalar()
    return balance or 0


def stored_fee(uow, payment_id: int) -> tuple[str, int, int]:
    with uow.read() as s:
        row = s.execute(
            select(InvoicePayment.status, InvoicePayment.amount, InvoicePayment.fee).where(
                InvoicePayment.id == payment_id
            )
        ).one()
    return row.status, row.amount, row.fee


def invoice_fees_collected(uow, number: str) -> int:
    with uow.read() as s:
        return s.execute(select(Invoice.fees_collected).where(Invoice.number == number)).scalar_one()


def test_the_merchant_gets_the_payment_less_the_fee_which_reaches_the_fee_account(uow):
    set_invoice_fee(uow, "1")
    merchant, payer = make_user(uow), make_user(uow, balance=10 * TON)
    number = make_invoice(uow, merchant, amount="5", webhook_url=HOOK).number
    paid = pay_invoice(uow, payer, number, ("5",))
    assert paid.status == COMPLETED
    assert balances(uow, merchant) == (4_950_000_000, 0)
    assert fee_account(uow) == 50_000_000
    assert balances(uow, payer) == (5 * TON, 0)  # the payer paid the invoice's amount, no more
    assert stored_fee(uow, paid.id) == (COMPLETED, 5 * TON, 50_000_000)
    assert paid.fee == 50_000_000 and paid.net == 4_950_000_000
    assert invoice_fees_collected(uow, number) == 50_000_000
    receipt = verify_receipt(paid.receipt, public_key=receipt_public_key(INVOICE_SETTINGS))
    assert (receipt.version, receipt.amount, receipt.fee, receipt.net) == (3, "5", "0.05", "4.95")
    with uow.read() as s:
        body = s.execute(select(WebhookEvent.body).where(WebhookEvent.payment_id == paid.id)).scalar_one()
    event = json.loads(body)["data"]
    assert (event["amount"], event["fee"], event["net"], event["fees"]) == ("5", "0.05", "4.95", "0.05")
    assert_invariants(uow)


def test_a_payment_in_parts_pays_one_fee_spread_over_its_parts(uow):
    # 0.5 % of 3 TON, at least 0.02: the minimum, taken once for the whole payment
    set_invoice_fee(uow, "0.5", minimum="0.02")
    merchant, payer = make_user(uow), make_user(uow, balance=10 * TON)
    number = make_invoice(uow, merchant, amount="3", max_parts=3).number
    paid = pay_invoice(uow, payer, number, ("0.01", "0.99", "2"))
    assert paid.fee == 20_000_000
    assert balances(uow, merchant)[0] == 3 * TON - 20_000_000 and fee_account(uow) == 20_000_000
    assert_invariants(uow)


def test_the_rule_read_when_the_payment_completes_is_the_one_charged(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=10 * TON)
    number = make_invoice(uow, merchant, amount="1", max_parts=2).number
    started = payments.start_payment(
        uow, payer, number, parts=["0.5", "0.5"], idempotency_key="k", settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    payments.fund_part_from_balance(
        uow, payer, started.id, started.parts[0].id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    set_invoice_fee(uow, "2")  # changed while the payment is half funded
    paid = payments.fund_part_from_balance(
        uow, payer, started.id, started.parts[1].id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    assert paid.fee == 20_000_000 and fee_account(uow) == 20_000_000


def test_without_an_operators_rule_the_settings_starting_percent_applies(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=10 * TON)
    one_percent = INVOICE_SETTINGS.model_copy(update={"invoice_fee_percent": Decimal(1)})
    number = make_invoice(uow, merchant, amount="2").number
    paid = pay_invoice(uow, payer, number, ("2",), settings=one_percent)
    assert paid.fee == 20_000_000 and balances(uow, merchant)[0] == 2 * TON - 20_000_000


def test_no_fee_no_fee_posting(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=10 * TON)
    paid = pay_invoice(uow, payer, make_invoice(uow, merchant).number)
    assert paid.fee == 0 and balances(uow, merchant)[0] == TON and fee_account(uow) == 0


def test_a_crash_after_the_merchants_credit_leaves_neither_the_payment_nor_the_fee(uow, monkeypatch):
    set_invoice_fee(uow, "1")
    merchant, payer = make_user(uow), make_user(uow, balance=10 * TON)
    number = make_invoice(uow, merchant, amount="2", max_parts=2).number
    started = payments.start_payment(
        uow, payer, number, parts=["1", "1"], idempotency_key="k", settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    payments.fund_part_from_balance(
        uow, payer, started.id, started.parts[0].id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    seen = {}

    def crash(s, *args, **kwargs):
        # the parts are captured by now, in this transaction: the merchant credited, the fee posted
        rows = s.execute(select(Account.key, Account.balance).where(Account.asset == "TON")).all()
        seen.update({row.key: row.balance for row in rows})
        raise RuntimeError("the process dies before the commit")

    monkeypatch.setattr(payment_completion, "issue_payment_receipt", crash)
    with pytest.raises(RuntimeError):
        payments.fund_part_from_balance(
            uow, payer, started.id, started.parts[1].id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
        )
    assert seen[f"user:{merchant}:TON:available"] == 2 * TON - 20_000_000 and seen["system:fees:TON"] == 20_000_000
    assert stored_fee(uow, started.id) == (PENDING, 2 * TON, 0)
    assert balances(uow, merchant) == (0, 0) and fee_account(uow) == 0
    assert balances(uow, payer) == (9 * TON, TON)  # only the first part held
    assert invoice_fees_collected(uow, number) == 0
    monkeypatch.undo()
    paid = payments.fund_part_from_balance(
        uow, payer, started.id, started.parts[1].id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    assert paid.fee == 20_000_000 and balances(uow, merchant)[0] == 2 * TON - 20_000_000
    assert fee_account(uow) == 20_000_000
    assert_invariants(uow)


def test_a_lightning_part_completes_through_the_same_fee(uow):
    set_invoice_fee(uow, "1")
    node = lightning_node()
    merchant, payer = make_user(uow), make_user(uow)
    number = make_invoice(uow, merchant, amount="1").number
    started = payments.start_payment(
        uow, payer, number, parts=["1"], idempotency_key="k", settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    issued = start_lightning_part(
        uow, node, payer, started.id, started.parts[0].id, rates=RATES, settings=INVOICE_SETTINGS, now=NOW
    )
    pay_from_demo_wallet(uow, node, payer, issued.id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW)
    assert stored_fee(uow, started.id) == (COMPLETED, TON, 10_000_000)
    assert balances(uow, merchant)[0] == TON - 10_000_000 and fee_account(uow) == 10_000_000
    assert_invariants(uow)


def test_a_fiat_payout_payment_pays_its_fee_once_when_it_completes(uow):
    set_invoice_fee(uow, "1")
    merchant, payer = make_user(uow, balance=2 * TON), make_user(uow, balance=5 * TON)
    number = make_invoice(uow, merchant, amount="2", payout_country="RU", payout_fiat="RUB", payout_method="sbp").number
    paid = pay_invoice(uow, payer, number, ("2",))
    assert paid.status == AWAITING_FIAT and paid.fee == 0 and fee_account(uow) == 0  # no fee while it waits
    fiat_payouts.take_in_crypto(uow, merchant, paid.id, settings=INVOICE_SETTINGS, now=NOW)
    assert stored_fee(uow, paid.id) == (COMPLETED, 2 * TON, 20_000_000)
    # the deposit came back and the payment arrived less its fee
    assert balances(uow, merchant) == (4 * TON - 20_000_000, 0) and fee_account(uow) == 20_000_000
    assert_invariants(uow)


def test_a_test_mode_payment_shows_its_fee_and_moves_nothing(uow):
    set_invoice_fee(uow, "1")
    merchant = make_user(uow)
    number = make_invoice(uow, merchant, amount="2", is_test=True).number
    simulated = payments.simulate_test_payment(
        uow, merchant, number, amount=None, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    assert (simulated.status, simulated.fee, simulated.net) == (COMPLETED, 20_000_000, 2 * TON - 20_000_000)
    assert fee_account(uow) == 0 and balances(uow, merchant) == (0, 0)


def test_the_merchants_invoice_view_sums_gross_fees_and_net(uow):
    set_invoice_fee(uow, "1")
    merchant, payer = make_user(uow), make_user(uow, balance=10 * TON)
    number = make_invoice(uow, merchant, kind="floating", amount=None).number
    pay_invoice(uow, payer, number, ("1",))
    pay_invoice(uow, payer, number, ("3",))
    view = invoices.get_merchant_invoice(uow, merchant, number, settings=INVOICE_SETTINGS)
    assert (view.collected, view.fees_collected, view.net_collected) == (4 * TON, 40_000_000, 4 * TON - 40_000_000)


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    parts=st.lists(st.integers(min_value=1, max_value=3 * TON), min_size=1, max_size=3),
    ppm=st.integers(min_value=0, max_value=500_000),
    minimum=st.integers(min_value=0, max_value=2 * TON),
)
def test_merchant_plus_fee_is_always_the_payment(uow, parts, ppm, minimum):
    percent = str(Decimal(ppm) / 10_000)
    set_invoice_fee(uow, percent, minimum=format_amount(minimum, 9))
    merchant, payer = make_user(uow), make_user(uow, balance=10 * TON)
    gross = sum(parts)
    number = make_invoice(uow, merchant, amount=format_amount(gross, 9), max_parts=len(parts)).number
    before = fee_account(uow)
    paid = pay_invoice(uow, payer, number, [format_amount(p, 9) for p in parts], key=uuid.uuid4().hex)
    got = balances(uow, merchant)[0]
    assert got + (fee_account(uow) - before) == gross
    assert paid.fee == fee_account(uow) - before and 0 <= paid.fee <= gross
    assert assert_invariants(uow) is None


def test_a_payment_of_another_asset_pays_that_assets_rule(uow):
    set_invoice_fee(uow, "2", asset="USDT")
    merchant, payer = make_user(uow), make_user(uow, balance=10 * TON)
    paid = pay_invoice(uow, payer, make_invoice(uow, merchant, amount="1").number)
    assert paid.fee == 0  # the USDT rule does not touch TON payments


def test_the_merchants_history_line_names_the_payment_and_its_fee(uow):
    set_invoice_fee(uow, "1")
    merchant, payer = make_user(uow), make_user(uow, balance=10 * TON)
    number = make_invoice(uow, merchant, amount="5", title="Lamp").number
    pay_invoice(uow, payer, number, ("5",))
    [line] = history.list_movements(uow, merchant).items
    assert (line.kind, line.available_change) == ("invoice_payment", 4_950_000_000)
    assert line.about.text("en") == f"Invoice {number} · Lamp · 5 TON paid, fee 0.05 TON"
    assert line.about.text("ru") == f"Счёт {number} · Lamp · оплачено 5 TON, комиссия 0,05 TON"
    # the payer's line is about what they paid: no fee of theirs
    assert history.list_movements(uow, payer).items[0].about.text("en") == f"Invoice {number} · Lamp"
