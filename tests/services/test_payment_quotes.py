"""A fiat-priced payment's rate is a quote with a lifetime (KRYPTON_QUOTE_TTL_MIN): funded within it, a
part keeps the rate; funded after it, the payment is re-quoted at the current rate and nothing is
funded until the payer confirms the new amount. Several payments started at different rates do not
let a payer fund at an old one. Retried starts stay idempotent; a re-quote and a fund racing each other
cannot both win (PostgreSQL). SQLite and PostgreSQL."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from builders import make_user, race
from sqlalchemy import select, update

from krypton_app.domain.errors import IdempotencyConflict
from krypton_app.domain.invoices import QuoteRenewed, asset_for_fiat
from krypton_app.domain.ledger import EXTERNAL, Leg
from krypton_app.domain.money import format_amount
from krypton_app.models.invoices import InvoicePayment, PaymentPart
from krypton_app.services import ledger, ledger_reads, payments
from krypton_app.services.invoices import InvoiceDraft, create_invoice
from krypton_app.services.rates import RateUnavailable, StaticRateProvider
from krypton_app.settings import Settings

TON = 10**9
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PRICE_RUB = 100_000  # 1000.00 RUB


# Quotes last 15 minutes (the default KRYPTON_QUOTE_TTL_MIN).
SETTINGS = Settings(KRYPTON_APP_URL="https://krypton.example")


def rates(ton_rub: str) -> StaticRateProvider:
    """The rate source at a moment when 1 TON costs `ton_rub` RUB."""
    return StaticRateProvider({"TON/RUB": ton_rub})


AT_420, AT_400, AT_500 = rates("420"), rates("400"), rates("500")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def due(rate: int) -> int:
    return asset_for_fiat(PRICE_RUB, 2, 9, Decimal(rate))


def funded_user(uow, amount: int) -> int:
    user_id = make_user(uow)
    with uow.transaction() as s:
        leg = Leg(ledger.system_account(s, EXTERNAL, "TON"), ledger.user_account(s, user_id, "TON"), amount)
        ledger.post(s, idempotency_key=f"deposit:{uuid.uuid4()}", kind="deposit", legs=[leg])
    return user_id


def balance(uow, user_id) -> tuple[int, int]:
    rows = ledger_reads.list_balances(uow, user_id)
    return (rows[0].available, rows[0].held) if rows else (0, 0)


def fiat_invoice(uow, merchant: int | None = None, max_parts: int = 1) -> str:
    """An invoice priced 1000 RUB, paid in TON."""
    merchant = merchant if merchant is not None else make_user(uow)
    draft = InvoiceDraft(
        kind="fixed", title="Tour", asset="TON", fiat_currency="RUB", fiat_amount="1000", max_parts=max_parts
    )
    return create_invoice(uow, merchant, draft, settings=SETTINGS, now=T0)[0].number


def start(uow, payer, number, parts, *, rates=AT_420, now=T0, key=None):
    return payments.start_payment(
        uow,
        payer,
        number,
        parts=parts,
        idempotency_key=key or uuid.uuid4().hex,
        settings=SETTINGS,
        rates=rates,
        now=now,
    )


def fund(uow, payer, payment, position, *, rates, now, expected=None):
    part = payment.parts[position - 1]
    return payments.fund_part_from_balance(
        uow, payer, payment.id, part.id, settings=SETTINGS, rates=rates, now=now, expected_amount=expected
    )


def assert_ledger_ok(uow):
    report = ledger_reads.check_invariants(uow)
    assert report.ok, report.violations


def test_a_part_funded_within_the_quote_keeps_its_rate(uow):
    merchant, payer = make_user(uow), funded_user(uow, 10 * TON)
    number = fiat_invoice(uow, merchant)
    payment = start(uow, payer, number, [format_amount(due(420), 9)])
    assert payment.quote_expires_at == at(15) and payment.fiat_rate == "420"

    # The rate moved, but the quote still holds for another minute.
    paid = fund(uow, payer, payment, 1, rates=AT_400, now=at(14), expected=due(420))
    assert (paid.status, paid.amount, paid.fiat_rate) == ("completed", due(420), "420")
    assert balance(uow, merchant) == (due(420), 0)
    assert_ledger_ok(uow)


def test_after_expiry_the_payment_is_requoted_and_nothing_funded_until_the_payer_confirms(uow):
    merchant, payer = make_user(uow), funded_user(uow, 10 * TON)
    number = fiat_invoice(uow, merchant)
    payment = start(uow, payer, number, [format_amount(due(420), 9)])

    with pytest.raises(QuoteRenewed) as renewed:
        fund(uow, payer, payment, 1, rates=AT_400, now=at(16), expected=due(420))
    assert renewed.value.details["remaining"] == due(400) == 2_500_000_000
    assert (renewed.value.details["rate"], renewed.value.details["asset"]) == ("400", "TON")
    assert balance(uow, payer) == (10 * TON, 0), "nothing may be held at the old amount"
    view = payments.get_payment(uow, payer, payment.id, settings=SETTINGS)
    assert (view.status, view.amount, view.fiat_rate, view.quote_expires_at) == ("pending", due(400), "400", at(31))
    assert [p.amount for p in view.parts] == [due(400)]

    # Confirming the old amount again is refused too (e.g. a second tab that still shows it).
    with pytest.raises(QuoteRenewed):
        fund(uow, payer, view, 1, rates=AT_400, now=at(17), expected=due(420))
    # The payer confirms the new amount: funded at the new rate.
    paid = fund(uow, payer, view, 1, rates=AT_400, now=at(17), expected=due(400))
    assert (paid.status, paid.amount, paid.fiat_rate) == ("completed", due(400), "400")
    assert balance(uow, payer) == (10 * TON - due(400), 0)
    assert balance(uow, merchant) == (due(400), 0)
    assert_ledger_ok(uow)


def test_after_expiry_at_an_unchanged_rate_the_part_is_funded_under_a_fresh_quote(uow):
    payer = funded_user(uow, 10 * TON)
    number = fiat_invoice(uow, max_parts=2)
    payment = start(uow, payer, number, ["1.190476191", "1.19047619"])
    # The payer confirmed this amount and the rate gives it again: nothing to ask, the part is paid.
    view = fund(uow, payer, payment, 1, rates=AT_420, now=at(40), expected=1_190_476_191)
    assert [p.status for p in view.parts] == ["funded", "pending"]
    assert (view.fiat_rate, view.quote_expires_at) == ("420", at(55))
    assert balance(uow, payer) == (10 * TON - 1_190_476_191, 1_190_476_191)
    assert_ledger_ok(uow)


def test_parts_funded_in_time_keep_their_amount_and_only_the_rest_is_requoted(uow):
    merchant, payer = make_user(uow), funded_user(uow, 10 * TON)
    number = fiat_invoice(uow, merchant, max_parts=2)
    first, second = 1_190_476_191, 1_190_476_190  # due(420) in two
    payment = start(uow, payer, number, [format_amount(first, 9), format_amount(second, 9)])
    payment = fund(uow, payer, payment, 1, rates=AT_420, now=at(5), expected=first)

    with pytest.raises(QuoteRenewed) as renewed:
        fund(uow, payer, payment, 2, rates=AT_500, now=at(20), expected=second)
    # The second part stands for half the price: 500 RUB at 500 RUB per TON.
    assert renewed.value.details["remaining"] == TON
    view = payments.get_payment(uow, payer, payment.id, settings=SETTINGS)
    assert [(p.amount, p.status) for p in view.parts] == [(first, "funded"), (TON, "pending")]
    assert view.amount == first + TON

    paid = fund(uow, payer, view, 2, rates=AT_500, now=at(21), expected=TON)
    assert (paid.status, paid.amount) == ("completed", first + TON)
    assert balance(uow, merchant) == (first + TON, 0)
    assert balance(uow, payer) == (10 * TON - first - TON, 0)
    assert_ledger_ok(uow)


def test_several_payments_started_do_not_let_a_payer_pick_an_old_rate(uow):
    merchant, payer = make_user(uow), funded_user(uow, 10 * TON)
    number = fiat_invoice(uow, merchant)
    # TON was dear at first (2 TON for the price), then cheaper (2.5 TON): the payer kept the first.
    early = start(uow, payer, number, [format_amount(due(500), 9)], rates=AT_500, now=T0)
    late = start(uow, payer, number, [format_amount(due(400), 9)], rates=AT_400, now=at(20))
    assert (early.amount, late.amount) == (2 * TON, due(400))

    with pytest.raises(QuoteRenewed) as renewed:
        fund(uow, payer, early, 1, rates=AT_400, now=at(21), expected=2 * TON)
    assert renewed.value.details["remaining"] == due(400)
    early = payments.get_payment(uow, payer, early.id, settings=SETTINGS)
    assert early.amount == late.amount == due(400)
    paid = fund(uow, payer, early, 1, rates=AT_400, now=at(22), expected=due(400))
    assert paid.amount == due(400) and balance(uow, merchant) == (due(400), 0)
    assert_ledger_ok(uow)


def test_a_retried_start_returns_the_first_payment_even_after_a_requote(uow):
    payer = funded_user(uow, 10 * TON)
    number = fiat_invoice(uow, max_parts=2)
    parts = ["1.190476191", "1.19047619"]
    first = start(uow, payer, number, parts, key="order-1")
    with pytest.raises(QuoteRenewed):
        fund(uow, payer, first, 1, rates=AT_400, now=at(16))
    again = start(uow, payer, number, parts, key="order-1", rates=AT_400, now=at(17))
    assert again.id == first.id and again.fiat_rate == "400"
    with pytest.raises(IdempotencyConflict):
        start(uow, payer, number, ["2", "0.380952381"], key="order-1", rates=AT_400, now=at(17))


def test_no_rate_at_requote_time_changes_nothing(uow):
    payer = funded_user(uow, 10 * TON)
    number = fiat_invoice(uow)
    payment = start(uow, payer, number, [format_amount(due(420), 9)])
    no_rub = StaticRateProvider({"TON/USD": "5"})
    with pytest.raises(RateUnavailable):
        fund(uow, payer, payment, 1, rates=no_rub, now=at(16))
    view = payments.get_payment(uow, payer, payment.id, settings=SETTINGS)
    assert (view.amount, view.fiat_rate, view.quote_expires_at) == (due(420), "420", at(15))
    assert balance(uow, payer) == (10 * TON, 0)


def test_a_payment_started_before_quotes_existed_is_requoted_first(uow):
    payer = funded_user(uow, 10 * TON)
    number = fiat_invoice(uow, max_parts=2)
    payment = start(uow, payer, number, ["1.190476191", "1.19047619"])
    with uow.transaction() as s:  # as migration 0011 leaves a payment started before it
        s.execute(update(InvoicePayment).where(InvoicePayment.id == payment.id).values(quote_expires_at=None))
        s.execute(update(PaymentPart).where(PaymentPart.payment_id == payment.id).values(fiat_amount=None))
    with pytest.raises(QuoteRenewed) as renewed:
        fund(uow, payer, payment, 1, rates=AT_500, now=at(1))
    assert renewed.value.details["remaining"] == 2 * TON
    with uow.read() as s:
        shares = s.execute(
            select(PaymentPart.fiat_amount).where(PaymentPart.payment_id == payment.id).order_by(PaymentPart.position)
        ).scalars()
        assert list(shares) == [50_000, 50_000]


def test_a_test_mode_fiat_invoice_is_simulated_at_the_current_rate(uow):
    merchant = make_user(uow)
    draft = InvoiceDraft(kind="fixed", title="Tour", asset="TON", fiat_currency="RUB", fiat_amount="1000", is_test=True)
    number = create_invoice(uow, merchant, draft, settings=SETTINGS, now=T0)[0].number
    paid = payments.simulate_test_payment(uow, merchant, number, amount=None, settings=SETTINGS, rates=AT_500, now=T0)
    assert (paid.status, paid.amount, paid.fiat_rate) == ("completed", 2 * TON, "500")


# --- races (PostgreSQL) --------------------------------------------------------------------------


def test_a_requote_racing_a_fund_cannot_both_win(pg_uow):
    """Part 1 is funded a second before the quote ends, part 2 a second after: whichever runs first,
    no part is funded at an amount its payer did not confirm, and nothing is funded at an old rate."""
    uow = pg_uow
    merchant, first, second = make_user(uow), 1_190_476_191, 1_190_476_190
    for _ in range(6):
        payer = funded_user(uow, 10 * TON)
        payment = start(
            uow, payer, fiat_invoice(uow, merchant, max_parts=2), [format_amount(first, 9), format_amount(second, 9)]
        )
        in_time, late = race(
            lambda payer=payer, payment=payment: fund(uow, payer, payment, 1, rates=AT_500, now=at(15) - timedelta(seconds=1), expected=first),  # noqa: E501
            lambda payer=payer, payment=payment: fund(uow, payer, payment, 2, rates=AT_500, now=at(15) + timedelta(seconds=1), expected=second),  # noqa: E501
        )  # fmt: skip
        assert isinstance(late, QuoteRenewed), late
        view = payments.get_payment(uow, payer, payment.id, settings=SETTINGS)
        parts = [(p.amount, p.status) for p in view.parts]
        if isinstance(in_time, QuoteRenewed):  # the re-quote ran first: part 1 asks the new amount
            assert parts == [(TON, "pending"), (TON, "pending")]
            assert balance(uow, payer) == (10 * TON, 0)
        else:  # part 1 was funded in time at the old rate; only part 2 was re-quoted
            assert in_time.parts[0].status == "funded"
            assert parts == [(first, "funded"), (TON, "pending")]
            assert balance(uow, payer) == (10 * TON - first, first)
        assert view.fiat_rate == "500" and view.amount == sum(amount for amount, _ in parts)
    assert balance(uow, merchant) == (0, 0)
    assert_ledger_ok(uow)


def test_many_late_funds_requote_once_and_fund_nothing(pg_uow):
    uow = pg_uow
    payer = funded_user(uow, 10 * TON)
    payment = start(uow, payer, fiat_invoice(uow), [format_amount(due(420), 9)])
    results = race(
        *[lambda: fund(uow, payer, payment, 1, rates=AT_400, now=at(16), expected=due(420)) for _ in range(8)]
    )
    assert all(isinstance(r, QuoteRenewed) for r in results), results
    view = payments.get_payment(uow, payer, payment.id, settings=SETTINGS)
    assert (view.amount, view.quote_expires_at, view.parts[0].status) == (due(400), at(31), "pending")
    assert balance(uow, payer) == (10 * TON, 0)
    assert_ledger_ok(uow)
