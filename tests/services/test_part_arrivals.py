"""Money that arrives later for a part (a settled Lightning invoice, a deal released to the part):
payment_completion.fund_on_arrival funds the part, or sends the money to the payer's balance when the
part cannot take it any more (SQLite and PostgreSQL).

The source here brings its money from the `external` account, as a Lightning settlement or a release
brings it from the platform's liquidity or the trader's escrow."""

import uuid
from datetime import timedelta

import pytest
from builders import INVOICE_SETTINGS, NOW, TON, assert_invariants, balances, deposit, make_invoice, make_user

from krypton_app.domain.invoices import CANCELLED, COMPLETED, FUNDED, PENDING, RETURNED
from krypton_app.domain.ledger import EXTERNAL, HELD, Leg
from krypton_app.services import funding, payments
from krypton_app.services.funding import BalanceSource, PartFunding
from krypton_app.services.ledger import post, system_account, user_account
from krypton_app.services.payment_completion import fund_on_arrival
from krypton_app.services.rates import StaticRateProvider

RATES = StaticRateProvider(INVOICE_SETTINGS.rates)


class OutsideSource(BalanceSource):
    """Brings the part's money from outside into the payer's held account, like a Lightning settlement."""

    method = "outside"

    def __init__(self, arrival: str = "") -> None:
        self.reference = f"outside:{arrival}"

    def accounts(self, session, part, merchant_id):
        return [*super().accounts(session, part, merchant_id), system_account(session, EXTERNAL, part.asset)]

    def fund(self, session, part: PartFunding, payer_id):
        leg = Leg(
            system_account(session, EXTERNAL, part.asset),
            user_account(session, payer_id, part.asset, HELD),
            part.amount,
        )
        post(session, idempotency_key=self.reference, kind="test_arrival", legs=[leg])
        return self.reference

    def to_balance(self, session, payer_id, amount):
        leg = Leg(system_account(session, EXTERNAL, "TON"), user_account(session, payer_id, "TON"), amount)
        post(session, idempotency_key=f"{self.reference}:balance", kind="test_arrival", legs=[leg])


@pytest.fixture(autouse=True)
def outside_source(monkeypatch):
    monkeypatch.setitem(funding.SOURCES, OutsideSource.method, OutsideSource())


def started(uow, parts=("1", "2"), **invoice_fields):
    payer = make_user(uow)
    invoice = make_invoice(uow, amount=str(sum(int(p) for p in parts)), max_parts=len(parts), **invoice_fields)
    payment = payments.start_payment(
        uow,
        payer,
        invoice.number,
        parts=list(parts),
        idempotency_key=uuid.uuid4().hex,
        settings=INVOICE_SETTINGS,
        rates=RATES,
        now=NOW,
    )
    return payer, invoice, payment


def arrive(uow, payment, position, amount, arrival="a", now=NOW):
    part = payment.parts[position - 1]
    with uow.transaction() as s:
        return fund_on_arrival(
            s,
            payment.id,
            part.id,
            OutsideSource(arrival),
            amount=amount,
            settings=INVOICE_SETTINGS,
            rates=RATES,
            now=now,
        )


def status_of(uow, payer, payment, position=None):
    view = payments.get_payment(uow, payer, payment.id, settings=INVOICE_SETTINGS)
    return view.status if position is None else view.parts[position - 1].status


def test_an_arrival_funds_its_pending_part(uow):
    payer, _, payment = started(uow)
    assert arrive(uow, payment, 1, TON)
    assert status_of(uow, payer, payment, 1) == FUNDED
    assert balances(uow, payer) == (0, TON)
    assert_invariants(uow)


def test_the_last_arrival_completes_the_payment_and_pays_the_merchant(uow):
    payer, invoice, payment = started(uow)
    assert arrive(uow, payment, 1, TON, "first")
    assert arrive(uow, payment, 2, 2 * TON, "second")
    assert status_of(uow, payer, payment) == COMPLETED
    assert balances(uow, payer) == (0, 0)
    assert balances(uow, invoice.merchant_id) == (3 * TON, 0)
    assert_invariants(uow)


def test_an_arrival_for_a_cancelled_payment_goes_to_the_payers_balance(uow):
    payer, _, payment = started(uow)
    payments.cancel_payment(uow, payer, payment.id, now=NOW)
    assert not arrive(uow, payment, 1, TON)
    assert status_of(uow, payer, payment) == CANCELLED
    assert balances(uow, payer) == (TON, 0)
    assert_invariants(uow)


def test_an_arrival_for_a_part_funded_another_way_goes_to_the_balance(uow):
    payer, _, payment = started(uow)
    deposit(uow, payer, TON)
    payments.fund_part_from_balance(
        uow, payer, payment.id, payment.parts[0].id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW
    )
    assert not arrive(uow, payment, 1, TON)
    assert balances(uow, payer) == (TON, TON)  # the arrival on the balance, the balance part still held
    assert_invariants(uow)


def test_an_arrival_of_another_amount_goes_to_the_balance(uow):
    payer, _, payment = started(uow)
    assert not arrive(uow, payment, 1, TON - 1)
    assert status_of(uow, payer, payment, 1) == PENDING
    assert balances(uow, payer) == (TON - 1, 0)


def test_an_arrival_after_the_invoice_expired_goes_to_the_balance(uow):
    payer, _, payment = started(uow, expires_in_s=300)
    assert not arrive(uow, payment, 1, TON, now=NOW + timedelta(minutes=6))
    assert balances(uow, payer) == (TON, 0)
    assert_invariants(uow)


def test_a_repeated_arrival_funds_once_and_credits_nothing_more(uow):
    payer, _, payment = started(uow)
    assert arrive(uow, payment, 1, TON)
    assert arrive(uow, payment, 1, TON)  # the same arrival again: the part already holds it
    assert balances(uow, payer) == (0, TON)


def test_a_cancelled_payment_returns_an_arrived_part_to_the_balance(uow):
    payer, _, payment = started(uow)
    arrive(uow, payment, 1, TON)
    payments.cancel_payment(uow, payer, payment.id, now=NOW)
    assert status_of(uow, payer, payment, 1) == RETURNED
    assert balances(uow, payer) == (TON, 0)
    assert_invariants(uow)
