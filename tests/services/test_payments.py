"""Paying invoices in parts from balance: completion, limits, cancel, close, expiry, privacy, receipts,
test mode, and money conservation after every flow (SQLite and PostgreSQL; races on PostgreSQL)."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from builders import make_user, race
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from krypton_app.domain.errors import (
    Forbidden,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    InvalidState,
    InvoiceUnavailable,
    NotFound,
)
from krypton_app.domain.money import format_amount
from krypton_app.models.invoices import InvoicePayment
from krypton_app.models.merchant import WebhookEvent
from krypton_app.services import invoices, ledger_reads, payments
from krypton_app.services.crypto import seal
from krypton_app.services.invoices import InvoiceDraft, create_invoice
from krypton_app.services.payment_quotes import amount_due
from krypton_app.services.rates import StaticRateProvider
from krypton_app.services.receipts import receipt_public_key, verify_receipt
from krypton_app.settings import Settings

TON = 10**9
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SETTINGS = Settings(KRYPTON_APP_URL="https://krypton.example", KRYPTON_RATES={"TON/RUB": "420"})
RATES = StaticRateProvider(SETTINGS.rates)
HOOK = "https://shop.example/hook"


def balance(uow, user_id):
    b = ledger_reads.list_balances(uow, user_id)[0]
    return b.available, b.held


def invoice(uow, merchant, **fields):
    draft = {"kind": "fixed", "title": "VPN key", "asset": "TON", "amount": "2", "webhook_url": HOOK, **fields}
    return create_invoice(uow, merchant, InvoiceDraft(**draft), settings=SETTINGS, now=NOW)[0]


def start(uow, payer, number, parts, key=None, now=NOW):
    return payments.start_payment(
        uow,
        payer,
        number,
        parts=parts,
        idempotency_key=key or uuid.uuid4().hex,
        settings=SETTINGS,
        rates=RATES,
        now=now,
    )


def fund(uow, payer, payment, position, now=NOW):
    part = payment.parts[position - 1]
    return payments.fund_part_from_balance(uow, payer, payment.id, part.id, settings=SETTINGS, rates=RATES, now=now)


def pay(uow, payer, number, parts, now=NOW):
    payment = start(uow, payer, number, parts, now=now)
    for position in range(1, len(parts) + 1):
        payment = fund(uow, payer, payment, position, now=now)
    return payment


def code(error_info):
    return error_info.value.code


def events(uow):
    with uow.read() as s:
        return [json.loads(body) for body in s.execute(select(WebhookEvent.body).order_by(WebhookEvent.id)).scalars()]


def assert_ledger_ok(uow):
    report = ledger_reads.check_invariants(uow)
    assert report.ok, report.violations


def test_two_payers_fill_a_two_payment_invoice_and_the_third_is_refused(uow):
    merchant = make_user(uow)
    a, b, c = (make_user(uow, balance=10 * TON) for _ in range(3))
    inv = invoice(uow, merchant, max_payments=2, max_parts=2)

    paid_a = pay(uow, a, inv.number, ["0.5", "1.5"])
    assert paid_a.status == "completed" and [p.status for p in paid_a.parts] == ["captured", "captured"]
    assert paid_a.completed_at == NOW and paid_a.amount == 2 * TON
    paid_b = pay(uow, b, inv.number, ["2"])
    with pytest.raises(InvoiceUnavailable) as refused:
        start(uow, c, inv.number, ["2"])
    assert code(refused) == "invoice_limit_reached"

    view = invoices.get_invoice(uow, None, inv.number, settings=SETTINGS)
    assert (view.status, view.close_reason, view.payments_count, view.collected) == (
        "closed",
        "limit_reached",
        2,
        4 * TON,
    )
    assert balance(uow, merchant) == (4 * TON, 0)
    assert balance(uow, a) == balance(uow, b) == (8 * TON, 0)
    assert balance(uow, c) == (10 * TON, 0)
    for paid in (paid_a, paid_b):
        receipt = verify_receipt(paid.receipt, public_key=receipt_public_key(SETTINGS), invoice_number=inv.number)
        assert (receipt.payment, receipt.amount, receipt.asset, receipt.test) == (paid.id, "2", "TON", False)
    assert receipt.parts == 1 and receipt_of(uow, paid_a).parts == 2
    sent = events(uow)
    assert [e["type"] for e in sent] == ["invoice.payment_completed"] * 2 + ["invoice.closed"]
    assert sent[0]["data"]["payment"] == paid_a.id and sent[0]["data"]["amount"] == "2"
    assert sent[0]["test"] is False and sent[0]["data"]["receipt"] == paid_a.receipt
    assert invoices.payments_over_time(uow, merchant, inv.number) == [("2026-11-23", 2, 4 * TON)]
    assert [p.id for p in payments.list_invoice_payments(uow, merchant, inv.number, settings=SETTINGS)] == [
        paid_b.id,
        paid_a.id,
    ]
    assert_ledger_ok(uow)


def receipt_of(uow, payment):
    return verify_receipt(payment.receipt, public_key=receipt_public_key(SETTINGS))


def test_parts_are_held_one_by_one_and_captured_only_with_the_last(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=5 * TON)
    inv = invoice(uow, merchant, max_parts=3, amount="3")
    payment = start(uow, payer, inv.number, ["1", "1.5", "0.5"])
    assert [p.status for p in payment.parts] == ["pending"] * 3 and payment.receipt is None

    payment = fund(uow, payer, payment, 2)
    assert payment.status == "pending" and [p.status for p in payment.parts] == ["pending", "funded", "pending"]
    assert payment.parts[1].method == "balance" and payment.parts[1].funded_at == NOW
    assert balance(uow, payer) == (3.5 * TON, 1.5 * TON)
    again = fund(uow, payer, payment, 2)  # a double click
    assert again == payment and balance(uow, payer) == (3.5 * TON, 1.5 * TON)

    payment = fund(uow, payer, payment, 1)
    assert payment.status == "pending" and balance(uow, merchant) == (0, 0)
    payment = fund(uow, payer, payment, 3)
    assert payment.status == "completed" and payment.receipt
    assert balance(uow, payer) == (2 * TON, 0) and balance(uow, merchant) == (3 * TON, 0)
    assert fund(uow, payer, payment, 3) == payment
    assert invoices.get_invoice(uow, None, inv.number, settings=SETTINGS).status == "open"  # no limit
    assert_ledger_ok(uow)


def pay_now(uow, payer, number, amount, key="direct-1", now=NOW):
    return payments.pay_from_balance(
        uow, payer, number, amount=amount, idempotency_key=key, settings=SETTINGS, rates=RATES, now=now
    )


def test_paying_in_one_press_starts_and_funds_in_one_transaction(uow):
    merchant, payer, short = make_user(uow), make_user(uow, balance=5 * TON), make_user(uow, balance=1 * TON)
    inv = invoice(uow, merchant)
    # Not enough balance: no pending payment is left behind for the payer to cancel.
    with pytest.raises(InsufficientFunds):
        pay_now(uow, short, inv.number, "2")
    assert payments.list_invoice_payments(uow, merchant, inv.number, settings=SETTINGS) == []
    with pytest.raises(InvalidAmount):
        pay_now(uow, payer, inv.number, "two")
    with pytest.raises(InvoiceUnavailable) as error:
        pay_now(uow, payer, inv.number, "1.5")
    assert code(error) == "payment_amount_invalid"
    assert payments.list_invoice_payments(uow, merchant, inv.number, settings=SETTINGS) == []

    paid = pay_now(uow, payer, inv.number, "2")
    assert (paid.status, paid.amount, [p.method for p in paid.parts]) == ("completed", 2 * TON, ["balance"])
    # A retry with the same key is the same payment, paid once.
    assert pay_now(uow, payer, inv.number, "2").id == paid.id
    assert balance(uow, payer) == (3 * TON, 0) and balance(uow, merchant) == (2 * TON, 0)
    assert_ledger_ok(uow)


def test_paying_in_one_press_funds_a_payment_left_pending_by_a_retry(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=5 * TON)
    inv = invoice(uow, merchant)
    pending = payments.start_payment(
        uow, payer, inv.number, parts=["2"], idempotency_key="direct-1", settings=SETTINGS, rates=RATES, now=NOW
    )
    assert pending.allowed_actions == ("fund", "cancel")
    paid = pay_now(uow, payer, inv.number, "2")
    assert (paid.id, paid.status, paid.allowed_actions) == (pending.id, "completed", ())
    assert balance(uow, payer) == (3 * TON, 0)


def test_a_part_the_balance_cannot_cover_changes_nothing(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=1 * TON)
    inv = invoice(uow, merchant, max_parts=2)
    payment = fund(uow, payer, start(uow, payer, inv.number, ["1", "1"]), 1)
    with pytest.raises(InsufficientFunds):
        fund(uow, payer, payment, 2)
    view = payments.get_payment(uow, payer, payment.id, settings=SETTINGS)
    assert view.status == "pending" and [p.status for p in view.parts] == ["funded", "pending"]
    assert invoices.get_invoice(uow, None, inv.number, settings=SETTINGS).payments_count == 0
    assert balance(uow, payer) == (0, 1 * TON)
    assert_ledger_ok(uow)


def test_start_checks_parts_and_amounts(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=5 * TON)
    inv = invoice(uow, merchant, max_parts=2)
    for parts, expected in (
        (["1", "1", "0"], "parts_invalid"),
        ([], "parts_invalid"),
        (["1", "0"], "parts_invalid"),
        (["x"], "parts_invalid"),
        (["1", "0.5"], "payment_amount_invalid"),
        (["2.000000001"], "payment_amount_invalid"),
    ):
        with pytest.raises(InvoiceUnavailable) as error:
            start(uow, payer, inv.number, parts)
        assert code(error) == expected, parts
    with pytest.raises(NotFound):
        start(uow, payer, "ZZZZ2222", ["2"])


def test_the_same_key_returns_the_first_payment_and_refuses_another(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=5 * TON)
    inv = invoice(uow, merchant, max_parts=2)
    first = start(uow, payer, inv.number, ["1", "1"], key="k1")
    assert start(uow, payer, inv.number, ["1", "1"], key="k1") == first
    with pytest.raises(IdempotencyConflict):
        start(uow, payer, inv.number, ["2"], key="k1")
    # keys are per payer
    other = make_user(uow)
    assert start(uow, other, inv.number, ["2"], key="k1").id != first.id


def test_cancel_returns_every_funded_part_once(uow):
    merchant, payer, stranger = make_user(uow), make_user(uow, balance=5 * TON), make_user(uow)
    inv = invoice(uow, merchant, max_parts=3, amount="3")
    payment = fund(uow, payer, fund(uow, payer, start(uow, payer, inv.number, ["1", "1", "1"]), 1), 2)
    assert balance(uow, payer) == (3 * TON, 2 * TON)
    with pytest.raises(NotFound):
        payments.cancel_payment(uow, stranger, payment.id, now=NOW)
    cancelled = payments.cancel_payment(uow, payer, payment.id, now=NOW)
    assert cancelled.status == "cancelled" and [p.status for p in cancelled.parts] == [
        "returned",
        "returned",
        "pending",
    ]
    assert payments.cancel_payment(uow, payer, payment.id, now=NOW).status == "cancelled"
    assert balance(uow, payer) == (5 * TON, 0)
    with pytest.raises(InvalidState):
        fund(uow, payer, payment, 3)
    completed = pay(uow, payer, inv.number, ["3"])
    with pytest.raises(InvalidState):
        payments.cancel_payment(uow, payer, completed.id, now=NOW)
    assert_ledger_ok(uow)


def test_closing_an_invoice_returns_parts_of_incomplete_payments(uow):
    merchant, a, b = make_user(uow), make_user(uow, balance=5 * TON), make_user(uow, balance=5 * TON)
    inv = invoice(uow, merchant, max_parts=2)
    done = pay(uow, a, inv.number, ["2"])
    open_payment = fund(uow, b, start(uow, b, inv.number, ["1", "1"]), 1)
    invoices.close_invoice(uow, merchant, inv.number, now=NOW, settings=SETTINGS)
    view = payments.get_payment(uow, b, open_payment.id, settings=SETTINGS)
    assert view.status == "refunded" and [p.status for p in view.parts] == ["returned", "pending"]
    assert payments.get_payment(uow, a, done.id, settings=SETTINGS).status == "completed"
    assert balance(uow, b) == (5 * TON, 0) and balance(uow, merchant) == (2 * TON, 0)
    with pytest.raises(InvoiceUnavailable) as error:
        fund(uow, b, open_payment, 2)
    assert code(error) == "invoice_closed"
    with pytest.raises(InvoiceUnavailable) as error:
        start(uow, b, inv.number, ["2"])
    assert code(error) == "invoice_closed"
    assert_ledger_ok(uow)


def test_expiry_returns_parts_and_refuses_start_and_fund(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=5 * TON)
    inv = invoice(uow, merchant, max_parts=2, expires_in_s=600)
    payment = fund(uow, payer, start(uow, payer, inv.number, ["1", "1"]), 1)
    late = NOW + timedelta(seconds=600)
    with pytest.raises(InvoiceUnavailable) as error:
        fund(uow, payer, payment, 2, now=late)  # due but the worker has not run yet
    assert code(error) == "invoice_expired"
    with pytest.raises(InvoiceUnavailable) as error:
        start(uow, payer, inv.number, ["2"], now=late)
    assert code(error) == "invoice_expired"
    assert invoices.expire_invoices(uow, now=late) == 1
    assert balance(uow, payer) == (5 * TON, 0)
    view = payments.get_payment(uow, payer, payment.id, settings=SETTINGS)
    assert view.status == "refunded" and view.parts[0].status == "returned"
    with pytest.raises(InvoiceUnavailable) as error:
        fund(uow, payer, payment, 2, now=late)
    assert code(error) == "invoice_expired"
    assert [e["type"] for e in events(uow)] == ["invoice.expired"]
    assert_ledger_ok(uow)


def test_floating_invoice_minimum_and_total_limit(uow):
    merchant = make_user(uow)
    a, b, c = (make_user(uow, balance=20 * TON) for _ in range(3))
    inv = invoice(uow, merchant, kind="floating", amount=None, min_payment="1", max_total="10", max_parts=2)
    with pytest.raises(InvoiceUnavailable) as error:
        start(uow, a, inv.number, ["0.5"])
    assert code(error) == "payment_amount_invalid"
    with pytest.raises(InvoiceUnavailable) as error:
        start(uow, a, inv.number, ["6", "5"])
    assert code(error) == "payment_amount_invalid"
    pay(uow, a, inv.number, ["3", "3"])
    # b and c both start for the remaining 4; b completes first and fills the invoice
    b_payment = fund(uow, b, start(uow, b, inv.number, ["2", "2"]), 1)
    c_payment = fund(uow, c, start(uow, c, inv.number, ["2", "2"]), 1)
    pay_b = fund(uow, b, b_payment, 2)
    assert pay_b.status == "completed"
    view = invoices.get_invoice(uow, None, inv.number, settings=SETTINGS)
    assert (view.status, view.close_reason, view.collected) == ("closed", "limit_reached", 10 * TON)
    # c's funded part came back when the limit closed the invoice
    assert balance(uow, c) == (20 * TON, 0)
    with pytest.raises(InvoiceUnavailable) as error:
        fund(uow, c, c_payment, 2)
    assert code(error) == "invoice_limit_reached"
    assert balance(uow, merchant) == (10 * TON, 0)
    assert_ledger_ok(uow)


def test_a_payment_too_big_for_what_is_left_loses_and_gets_its_parts_back(uow):
    merchant, a, b = make_user(uow), make_user(uow, balance=20 * TON), make_user(uow, balance=20 * TON)
    inv = invoice(uow, merchant, kind="floating", amount=None, max_total="10", max_parts=2)
    b_payment = fund(uow, b, start(uow, b, inv.number, ["3", "3"]), 1)  # fitted when started
    pay(uow, a, inv.number, ["5"])
    with pytest.raises(InvoiceUnavailable) as error:
        fund(uow, b, b_payment, 2)
    assert code(error) == "invoice_limit_reached"
    view = payments.get_payment(uow, b, b_payment.id, settings=SETTINGS)
    assert view.status == "refunded" and [p.status for p in view.parts] == ["returned", "pending"]
    assert balance(uow, b) == (20 * TON, 0)
    assert invoices.get_invoice(uow, None, inv.number, settings=SETTINGS).status == "open"
    assert_ledger_ok(uow)


def test_a_fiat_invoice_is_converted_at_payment_time_rounding_up(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=10 * TON)
    inv = invoice(uow, merchant, amount=None, fiat_currency="RUB", fiat_amount="1000")
    due, rate = amount_due(inv, rates=RATES)
    assert (due, rate) == (2_380_952_381, "420")  # 1000 / 420 = 2.380952380952… TON
    with pytest.raises(InvoiceUnavailable) as error:
        start(uow, payer, inv.number, ["2.38095238"])
    assert code(error) == "payment_amount_invalid"
    paid = pay(uow, payer, inv.number, [format_amount(due, 9)])
    assert (paid.amount, paid.fiat_currency, paid.fiat_rate) == (due, "RUB", "420")
    assert balance(uow, merchant) == (due, 0)
    assert_ledger_ok(uow)


def test_a_private_invoice_is_paid_by_its_payer_only_and_a_receipt_on_request(uow):
    merchant, stranger = make_user(uow, balance=5 * TON), make_user(uow, balance=5 * TON)
    payer = make_user(uow, balance=5 * TON, username="pavel")
    inv = invoice(uow, merchant, kind="private", payer_contact="@Pavel")
    with pytest.raises(NotFound):
        start(uow, stranger, inv.number, ["2"])
    with pytest.raises(Forbidden):
        start(uow, merchant, inv.number, ["2"])
    paid = pay(uow, payer, inv.number, ["2"])
    assert paid.status == "completed" and paid.receipt is None
    for viewer in (stranger, None):
        with pytest.raises(NotFound):
            payments.get_payment(uow, viewer, paid.id, settings=SETTINGS)
    with pytest.raises(NotFound):
        payments.request_receipt(uow, stranger, paid.id, settings=SETTINGS)
    asked = payments.request_receipt(uow, payer, paid.id, settings=SETTINGS)
    assert asked.receipt and payments.request_receipt(uow, payer, paid.id, settings=SETTINGS).receipt == asked.receipt
    assert receipt_of(uow, asked).invoice == inv.number
    assert invoices.get_invoice(uow, payer, inv.number, settings=SETTINGS).status == "closed"
    assert_ledger_ok(uow)


def test_secrets_from_the_merchant_are_shown_to_payer_and_merchant(uow):
    merchant, payer = make_user(uow), make_user(uow, balance=5 * TON)
    inv = invoice(uow, merchant)
    paid = pay(uow, payer, inv.number, ["2"])
    assert paid.secrets is None and paid.waiting_for_secrets
    with uow.transaction() as s:
        s.execute(
            update(InvoicePayment)
            .where(InvoicePayment.id == paid.id)
            .values(secrets_encrypted=seal(SETTINGS, ["KEY-123"]), secrets_delivered_at=NOW)
        )
    for viewer in (payer, merchant):
        view = payments.get_payment(uow, viewer, paid.id, settings=SETTINGS)
        assert view.secrets == ("KEY-123",) and not view.waiting_for_secrets


def test_test_mode_pays_only_by_simulation_without_touching_balances(uow):
    merchant, payer = make_user(uow, balance=5 * TON), make_user(uow, balance=5 * TON)
    inv = invoice(uow, merchant, is_test=True, max_payments=1)
    with pytest.raises(InvoiceUnavailable) as error:
        start(uow, payer, inv.number, ["2"])
    assert code(error) == "invoice_is_test"
    with pytest.raises(NotFound):
        payments.simulate_test_payment(uow, payer, inv.number, amount=None, settings=SETTINGS, rates=RATES, now=NOW)
    simulated = payments.simulate_test_payment(
        uow, merchant, inv.number, amount=None, settings=SETTINGS, rates=RATES, now=NOW
    )
    assert (simulated.status, simulated.payer_id, simulated.is_test, simulated.amount) == (
        "completed",
        None,
        True,
        2 * TON,
    )
    assert simulated.parts[0].method == "test" and receipt_of(uow, simulated).test is True
    assert balance(uow, merchant) == (5 * TON, 0)
    sent = events(uow)
    assert [e["type"] for e in sent] == ["invoice.payment_completed", "invoice.closed"]
    assert all(e["test"] is True for e in sent) and sent[0]["data"]["payer"] is None
    with pytest.raises(InvoiceUnavailable) as error:
        payments.simulate_test_payment(uow, merchant, inv.number, amount=None, settings=SETTINGS, rates=RATES, now=NOW)
    assert code(error) == "invoice_limit_reached"
    real = invoice(uow, merchant)
    with pytest.raises(InvalidState):
        payments.simulate_test_payment(uow, merchant, real.number, amount=None, settings=SETTINGS, rates=RATES, now=NOW)
    floating = invoice(uow, merchant, kind="floating", amount=None, is_test=True, min_payment="1")
    with pytest.raises(InvoiceUnavailable) as error:
        payments.simulate_test_payment(
            uow, merchant, floating.number, amount="0.5", settings=SETTINGS, rates=RATES, now=NOW
        )
    assert code(error) == "payment_amount_invalid"
    # A typed amount the parser refuses says why (issue 11), with the asset's decimals for the message.
    for typed, why in (("1,250", "amount_separator"), ("1.0000000001", "amount_too_many_decimals")):
        with pytest.raises(InvoiceUnavailable) as error:
            payments.simulate_test_payment(
                uow, merchant, floating.number, amount=typed, settings=SETTINGS, rates=RATES, now=NOW
            )
        assert code(error) == why
    assert error.value.details["decimals"] == 9
    tip = payments.simulate_test_payment(
        uow, merchant, floating.number, amount="1,25", settings=SETTINGS, rates=RATES, now=NOW
    )
    assert tip.amount == 1_250_000_000
    assert_ledger_ok(uow)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=6), order=st.randoms())
def test_any_split_moves_exactly_the_invoice_amount(uow, cuts, order):
    total = sum(cuts)
    merchant, payer = make_user(uow), make_user(uow, balance=total + 7)
    inv = invoice(uow, merchant, amount=format_amount(total, 9), max_parts=6, webhook_url=None)
    payment = start(uow, payer, inv.number, [format_amount(c, 9) for c in cuts])
    positions = list(range(1, len(cuts) + 1))
    order.shuffle(positions)
    for position in positions:
        payment = fund(uow, payer, payment, position)
        assert payment.status == ("completed" if position == positions[-1] else "pending")
    assert sum(p.amount for p in payment.parts) == payment.amount == total
    assert balance(uow, payer) == (7, 0) and balance(uow, merchant) == (total, 0)
    assert_ledger_ok(uow)


# --- races (PostgreSQL) --------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [{"max_payments": 3}, {"kind": "floating", "amount": None, "max_total": "6"}])
def test_racing_payers_cannot_overfill_an_invoice(pg_uow, limit):
    merchant = make_user(pg_uow)
    payers = [make_user(pg_uow, balance=5 * TON) for _ in range(12)]
    inv = invoice(pg_uow, merchant, max_parts=2, **limit)
    started = [fund(pg_uow, p, start(pg_uow, p, inv.number, ["1", "1"]), 1) for p in payers]
    results = race(*(lambda i=i: fund(pg_uow, payers[i], started[i], 2) for i in range(len(payers))))

    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 3 and all(r.status == "completed" for r in won)
    assert {type(e) for e in lost} == {InvoiceUnavailable} and {e.code for e in lost} == {"invoice_limit_reached"}
    view = invoices.get_invoice(pg_uow, None, inv.number, settings=SETTINGS)
    assert (view.status, view.payments_count, view.collected) == ("closed", 3, 6 * TON)
    assert balance(pg_uow, merchant) == (6 * TON, 0)
    assert sorted(balance(pg_uow, p) for p in payers) == [(3 * TON, 0)] * 3 + [(5 * TON, 0)] * 9
    assert_ledger_ok(pg_uow)


def test_double_clicks_on_one_part_hold_once(pg_uow):
    merchant, payer = make_user(pg_uow), make_user(pg_uow, balance=5 * TON)
    inv = invoice(pg_uow, merchant, max_parts=2)
    payment = start(pg_uow, payer, inv.number, ["1", "1"])
    results = race(*(lambda i=i: fund(pg_uow, payer, payment, 1 + i % 2) for i in range(8)))
    assert all(not isinstance(r, Exception) for r in results), results
    assert payments.get_payment(pg_uow, payer, payment.id, settings=SETTINGS).status == "completed"
    assert balance(pg_uow, payer) == (3 * TON, 0) and balance(pg_uow, merchant) == (2 * TON, 0)
    assert_ledger_ok(pg_uow)


def test_a_close_racing_payers_leaves_each_payment_either_paid_or_returned(pg_uow):
    merchant = make_user(pg_uow)
    payers = [make_user(pg_uow, balance=5 * TON) for _ in range(10)]
    inv = invoice(pg_uow, merchant, max_parts=2)
    started = [fund(pg_uow, p, start(pg_uow, p, inv.number, ["1", "1"]), 1) for p in payers]

    def work(i):
        if i == len(payers):
            return invoices.close_invoice(pg_uow, merchant, inv.number, now=NOW, settings=SETTINGS)
        return fund(pg_uow, payers[i], started[i], 2)

    results = race(*(lambda i=i: work(i) for i in range(len(payers) + 1)))
    completed = [r for r in results[:-1] if not isinstance(r, Exception)]
    refused = [r for r in results[:-1] if isinstance(r, Exception)]
    assert all(isinstance(r, InvoiceUnavailable) and r.code == "invoice_closed" for r in refused), refused
    view = invoices.get_invoice(pg_uow, None, inv.number, settings=SETTINGS)
    assert view.status == "closed" and view.payments_count == len(completed)
    assert balance(pg_uow, merchant) == (2 * TON * len(completed), 0)
    assert sorted(balance(pg_uow, p) for p in payers) == sorted(
        [(3 * TON, 0)] * len(completed) + [(5 * TON, 0)] * (len(payers) - len(completed))
    )
    assert_ledger_ok(pg_uow)
