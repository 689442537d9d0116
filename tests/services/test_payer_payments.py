"""A payer's unfinished payments are never orphaned: the invoice link finds the same one again, the
payer's list shows it beside the paid ones, and one left alone expires by itself with its funded parts
returned, once, however many processes run the step (SQLite and PostgreSQL; the race on PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from builders import NOW, TON, assert_invariants, balances, make_invoice, make_user, pay_invoice, race

from krypton_app.services import payments
from krypton_app.services.payer_payments import (
    expire_unfinished_payments,
    find_unfinished_payment,
    list_payer_payments,
)
from krypton_app.services.rates import StaticRateProvider
from krypton_app.settings import Settings
from krypton_app.workers.housekeeping import run_housekeeping

SETTINGS = Settings(KRYPTON_APP_URL="https://krypton.example", KRYPTON_PAYMENT_TTL_MIN=30)
RATES = StaticRateProvider(SETTINGS.rates)


def half_funded(uow, payer: int, number: str, *, now=NOW) -> payments.PaymentView:
    """A payment of 2 parts of 1 TON with part 1 funded from the balance."""
    started = payments.start_payment(
        uow, payer, number, parts=["1", "1"], idempotency_key=uuid.uuid4().hex, settings=SETTINGS, rates=RATES, now=now
    )
    return payments.fund_part_from_balance(
        uow, payer, started.id, started.parts[0].id, settings=SETTINGS, rates=RATES, now=now
    )


def test_the_invoice_link_finds_the_payers_unfinished_payment_and_nobody_elses(uow):
    payer, other = make_user(uow, balance=5 * TON), make_user(uow, balance=5 * TON)
    invoice = make_invoice(uow, amount="2", max_parts=2)
    assert find_unfinished_payment(uow, payer, invoice.number, settings=SETTINGS, now=NOW) is None
    payment = half_funded(uow, payer, invoice.number)

    found = find_unfinished_payment(uow, payer, invoice.number.lower(), settings=SETTINGS, now=NOW)
    assert found is not None and found.id == payment.id
    assert [part.status for part in found.parts] == ["funded", "pending"]
    assert find_unfinished_payment(uow, other, invoice.number, settings=SETTINGS, now=NOW) is None
    assert find_unfinished_payment(uow, payer, "NOSUCH", settings=SETTINGS, now=NOW) is None
    # Past its time it is the worker's to expire, not the link's to go on with.
    late = NOW + timedelta(minutes=30)
    assert find_unfinished_payment(uow, payer, invoice.number, settings=SETTINGS, now=late) is None

    payments.cancel_payment(uow, payer, payment.id, now=NOW)
    assert find_unfinished_payment(uow, payer, invoice.number, settings=SETTINGS, now=NOW) is None


def test_a_private_invoice_of_someone_else_has_no_unfinished_payment_to_find(uow):
    payer, stranger = make_user(uow, balance=5 * TON, username="alice"), make_user(uow)
    invoice = make_invoice(uow, kind="private", payer_contact="@alice", amount="2", max_parts=2)
    half_funded(uow, payer, invoice.number)
    assert find_unfinished_payment(uow, stranger, invoice.number, settings=SETTINGS, now=NOW) is None
    assert find_unfinished_payment(uow, payer, invoice.number, settings=SETTINGS, now=NOW) is not None


def test_the_payers_list_shows_pending_and_paid_payments_newest_first_and_only_their_own(uow):
    payer, other = make_user(uow, balance=10 * TON), make_user(uow, balance=10 * TON)
    paid_invoice = make_invoice(uow, amount="1")
    open_invoice = make_invoice(uow, amount="2", max_parts=2)
    paid = pay_invoice(uow, payer, paid_invoice.number, settings=SETTINGS)
    pending = half_funded(uow, payer, open_invoice.number)
    pay_invoice(uow, other, paid_invoice.number, settings=SETTINGS)

    listed = list_payer_payments(uow, payer, settings=SETTINGS)
    assert [(p.id, p.status) for p in listed] == [(pending.id, "pending"), (paid.id, "completed")]
    assert listed[1].receipt is not None and "cancel" in listed[0].allowed_actions
    assert list_payer_payments(uow, make_user(uow), settings=SETTINGS) == []


def test_an_unfinished_payment_expires_after_its_time_and_returns_its_parts(uow):
    payer = make_user(uow, balance=5 * TON)
    invoice = make_invoice(uow, amount="2", max_parts=2)
    payment = half_funded(uow, payer, invoice.number)
    assert balances(uow, payer) == (4 * TON, TON)
    paid = pay_invoice(uow, payer, make_invoice(uow).number, settings=SETTINGS)

    assert expire_unfinished_payments(uow, settings=SETTINGS, now=NOW + timedelta(minutes=29)) == 0
    assert balances(uow, payer) == (3 * TON, TON)
    assert expire_unfinished_payments(uow, settings=SETTINGS, now=NOW + timedelta(minutes=30)) == 1
    assert expire_unfinished_payments(uow, settings=SETTINGS, now=NOW + timedelta(minutes=31)) == 0

    after = payments.get_payment(uow, payer, payment.id, settings=SETTINGS)
    assert after.status == "cancelled" and [p.status for p in after.parts] == ["returned", "pending"]
    assert payments.get_payment(uow, payer, paid.id, settings=SETTINGS).status == "completed"
    assert balances(uow, payer) == (4 * TON, 0)
    assert_invariants(uow)


def test_a_payment_cancelled_by_its_payer_is_not_refunded_again_by_expiry(uow):
    payer = make_user(uow, balance=5 * TON)
    payment = half_funded(uow, payer, make_invoice(uow, amount="2", max_parts=2).number)
    payments.cancel_payment(uow, payer, payment.id, now=NOW)
    assert expire_unfinished_payments(uow, settings=SETTINGS, now=NOW + timedelta(hours=1)) == 0
    assert balances(uow, payer) == (5 * TON, 0)
    assert_invariants(uow)


def test_racing_expiry_steps_return_the_parts_once(pg_uow):
    payer = make_user(pg_uow, balance=20 * TON)
    for _ in range(5):
        half_funded(pg_uow, payer, make_invoice(pg_uow, amount="2", max_parts=2).number)
    later = NOW + timedelta(minutes=45)
    counts = race(*[lambda: expire_unfinished_payments(pg_uow, settings=SETTINGS, now=later)] * 4)
    assert sum(counts) == 5
    assert balances(pg_uow, payer) == (20 * TON, 0)
    assert_invariants(pg_uow)


def test_the_housekeeping_worker_cancels_an_unfinished_payment_once_its_time_is_up(uow):
    payer = make_user(uow, balance=5 * TON)
    payment = half_funded(uow, payer, make_invoice(uow, amount="2", max_parts=2).number)

    def status() -> str:
        return payments.get_payment(uow, payer, payment.id, settings=SETTINGS).status

    async def rounds(minutes: int, until: str | None) -> int:
        stop = asyncio.Event()
        clock = NOW + timedelta(minutes=minutes)
        loop = asyncio.create_task(
            run_housekeeping(uow, settings=SETTINGS, stop=stop, interval_s=0.01, clock=lambda: clock)
        )
        for _ in range(500):
            if until is None or status() == until:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # a few more rounds: nothing moves twice
        stop.set()
        return await asyncio.wait_for(loop, 5)

    assert asyncio.run(rounds(29, None)) >= 1
    assert status() == "pending" and balances(uow, payer) == (4 * TON, TON)
    asyncio.run(rounds(30, "cancelled"))
    assert status() == "cancelled" and balances(uow, payer) == (5 * TON, 0)
    assert_invariants(uow)
