"""A part paid with a promise (SPEC F5, F6; services/promise_parts.py, funding.PromiseSource), on SQLite
and PostgreSQL: an exact promise, a bigger one whose change comes back as a new redeemable promise, a
smaller or foreign one refused with nothing moved, one promise in two parts at once (PostgreSQL), a
private invoice, and a promise part given back as a new promise when the payment is cancelled or the
invoice cannot take it. A property test runs random sequences and checks that money is conserved."""

from __future__ import annotations

import uuid

import pytest
from builders import (
    NOW,
    SETTINGS,
    TON,
    USDT,
    assert_invariants,
    balances,
    deposit,
    make_invoice,
    make_promise,
    make_user,
    promise_backing,
    race,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, cast, func, literal, select

from krypton_app.domain.errors import InvoiceUnavailable, NotFound
from krypton_app.domain.ledger import AVAILABLE, HELD
from krypton_app.domain.promises import PromiseRefused
from krypton_app.models.invoices import PaymentPart
from krypton_app.models.ledger import Account
from krypton_app.models.promises import Promise
from krypton_app.services import payments, promises
from krypton_app.services.promise_parts import fund_part_from_promise, take_promise_codes
from krypton_app.services.rates import StaticRateProvider

RATES = StaticRateProvider(SETTINGS.rates)


def start(uow, payer: int, number: str, parts: list[str]):
    return payments.start_payment(
        uow, payer, number, parts=parts, idempotency_key=uuid.uuid4().hex, settings=SETTINGS, rates=RATES, now=NOW
    )


def with_promise(uow, payer: int, payment, position: int, code: str):
    part = next(p for p in payment.parts if p.position == position)
    return fund_part_from_promise(
        uow, payer, payment.id, part.id, code, settings=SETTINGS, rates=RATES, now=NOW, expected_amount=part.amount
    )


def from_balance(uow, payer: int, payment, position: int):
    part = next(p for p in payment.parts if p.position == position)
    return payments.fund_part_from_balance(uow, payer, payment.id, part.id, settings=SETTINGS, rates=RATES, now=NOW)


def redeem(uow, user_id: int, code: str):
    return promises.redeem_promise(uow, user_id, code, settings=SETTINGS, now=NOW)


def status_of(uow, code_or_id) -> str:
    with uow.read() as s:
        return s.execute(select(Promise.status).where(Promise.id == code_or_id)).scalar_one()


def user_money(uow) -> int:
    """Every user's available and held money, all assets of TON."""
    with uow.read() as s:
        return s.execute(
            select(func.coalesce(func.sum(Account.balance), 0)).where(
                Account.kind.in_((AVAILABLE, HELD)), Account.asset == "TON"
            )
        ).scalar_one()


def test_an_exact_promise_pays_its_part_and_leaves_no_change(uow):
    merchant, issuer, payer = make_user(uow), make_user(uow, balance=TON), make_user(uow, balance=TON)
    invoice = make_invoice(uow, merchant, amount="1", max_parts=2)
    promise = make_promise(uow, issuer, 6 * TON // 10)
    payment = start(uow, payer, invoice.number, ["0.4", "0.6"])
    payment = from_balance(uow, payer, payment, 1)
    paid = with_promise(uow, payer, payment, 2, promise.code)

    assert paid.status == "completed"
    assert [p.method for p in paid.parts] == ["balance", "promise"]
    assert balances(uow, merchant) == (TON, 0)
    assert balances(uow, payer) == (6 * TON // 10, 0)
    assert balances(uow, issuer) == (4 * TON // 10, 0)
    assert promise_backing(uow) == 0
    assert status_of(uow, promise.promise.id) == "redeemed"
    assert take_promise_codes(uow, payer, paid.id, settings=SETTINGS) == []
    assert_invariants(uow)


def test_a_bigger_promise_pays_its_part_and_gives_the_change_back_as_a_new_promise(uow):
    merchant, issuer, payer = make_user(uow), make_user(uow, balance=5 * TON), make_user(uow)
    invoice = make_invoice(uow, merchant, amount="1", max_parts=2)
    promise = make_promise(uow, issuer, 3 * TON)
    payment = start(uow, payer, invoice.number, ["0.25", "0.75"])
    payment = with_promise(uow, payer, payment, 2, promise.code)

    assert payment.status == "pending" and payment.parts[1].status == "funded"
    assert balances(uow, payer) == (0, 3 * TON // 4)
    # The change never left the backing: 3 - 0.75 TON, in a promise of the payer's own.
    assert promise_backing(uow) == 3 * TON - 3 * TON // 4
    [change] = take_promise_codes(uow, payer, payment.id, settings=SETTINGS)
    assert (change.origin, change.amount, change.asset, change.part_position) == ("change", 9 * TON // 4, "TON", 2)
    # Shown once: the codes are forgotten as they are taken.
    assert take_promise_codes(uow, payer, payment.id, settings=SETTINGS) == []
    mine, _total = promises.list_promises(uow, payer, now=NOW)
    assert [(p.origin, p.amount, p.status, p.issuer_id) for p in mine] == [("change", 9 * TON // 4, "active", payer)]

    # The change is a promise like any other: it pays the other part, and its own change comes back.
    paid = with_promise(uow, payer, payment, 1, change.code)
    assert paid.status == "completed" and balances(uow, merchant) == (TON, 0)
    [second] = take_promise_codes(uow, payer, paid.id, settings=SETTINGS)
    assert (second.origin, second.amount) == ("change", 2 * TON)
    redeem(uow, payer, second.code)
    assert balances(uow, payer) == (2 * TON, 0)
    assert promise_backing(uow) == 0
    assert balances(uow, issuer) == (2 * TON, 0)
    assert_invariants(uow)


def test_a_smaller_or_foreign_promise_is_refused_and_nothing_moves(uow):
    merchant, issuer, payer = make_user(uow), make_user(uow, balance=TON), make_user(uow)
    deposit(uow, issuer, 5 * USDT, "USDT")
    invoice = make_invoice(uow, merchant, amount="1", max_parts=2)
    small = make_promise(uow, issuer, TON // 2)
    dollars = make_promise(uow, issuer, 5 * USDT, asset="USDT")
    payment = start(uow, payer, invoice.number, ["0.4", "0.6"])

    with pytest.raises(PromiseRefused) as refused:
        with_promise(uow, payer, payment, 2, small.code)
    assert refused.value.code == "promise_too_small"
    assert refused.value.details == {"available": TON // 2, "asset": "TON", "decimals": 9}
    with pytest.raises(PromiseRefused) as refused:
        with_promise(uow, payer, payment, 2, dollars.code)
    assert refused.value.code == "promise_other_asset"
    with pytest.raises(PromiseRefused) as refused:
        with_promise(uow, payer, payment, 2, "not-a-code")
    assert refused.value.code == "promise_not_found"

    after = payments.get_payment(uow, payer, payment.id, settings=SETTINGS)
    assert [p.status for p in after.parts] == ["pending", "pending"]
    assert promise_backing(uow) == TON // 2 and balances(uow, payer) == (0, 0)
    # Both are still whole: the small one pays a part it covers, pasted as its link.
    paid = with_promise(uow, payer, payment, 1, f"https://krypton.example/p/{small.code}")
    assert paid.parts[0].status == "funded"
    [change] = take_promise_codes(uow, payer, payment.id, settings=SETTINGS)
    assert change.amount == TON // 10
    assert status_of(uow, dollars.promise.id) == "active"
    assert_invariants(uow)


def test_a_pinned_promise_pays_a_private_invoice_of_the_user_it_is_pinned_to(uow):
    merchant, issuer = make_user(uow), make_user(uow, balance=2 * TON)
    payer, other = make_user(uow, username="pavel"), make_user(uow, username="olga")
    invoice = make_invoice(uow, merchant, kind="private", payer_contact="@pavel", amount="1")
    pinned = make_promise(uow, issuer, TON, pin="@pavel")
    payment = start(uow, payer, invoice.number, ["1"])
    # Someone else holding the code can neither fund the payer's payment nor use it on their own.
    with pytest.raises(NotFound):
        fund_part_from_promise(
            uow, other, payment.id, payment.parts[0].id, pinned.code, settings=SETTINGS, rates=RATES, now=NOW
        )
    theirs = start(uow, other, make_invoice(uow, merchant, amount="1").number, ["1"])
    with pytest.raises(PromiseRefused) as refused:
        with_promise(uow, other, theirs, 1, pinned.code)
    assert refused.value.code == "promise_pinned"

    paid = with_promise(uow, payer, payment, 1, pinned.code)
    assert paid.status == "completed" and balances(uow, merchant) == (TON, 0)
    assert status_of(uow, pinned.promise.id) == "redeemed"
    assert_invariants(uow)


def test_a_cancelled_payment_gives_a_promise_part_back_as_a_new_promise_of_the_payers(uow):
    merchant, issuer, payer = make_user(uow), make_user(uow, balance=TON), make_user(uow, balance=TON)
    invoice = make_invoice(uow, merchant, amount="1", max_parts=3)
    promise = make_promise(uow, issuer, 7 * TON // 10)
    payment = start(uow, payer, invoice.number, ["0.25", "0.5", "0.25"])
    payment = from_balance(uow, payer, payment, 1)
    payment = with_promise(uow, payer, payment, 2, promise.code)
    [change] = take_promise_codes(uow, payer, payment.id, settings=SETTINGS)

    cancelled = payments.cancel_payment(uow, payer, payment.id, now=NOW)
    assert [p.status for p in cancelled.parts] == ["returned", "returned", "pending"]
    # The balance part is back on the balance; the promise part is a new promise, not anyone's balance.
    assert balances(uow, payer) == (TON, 0)
    assert balances(uow, issuer) == (3 * TON // 10, 0)
    assert promise_backing(uow) == TON // 2 + change.amount
    [refund] = take_promise_codes(uow, payer, payment.id, settings=SETTINGS)
    assert (refund.origin, refund.amount, refund.part_position) == ("refund", TON // 2, 2)
    redeem(uow, payer, refund.code)
    assert balances(uow, payer) == (3 * TON // 2, 0)
    assert_invariants(uow)


def test_a_promise_part_of_a_payment_the_invoice_cannot_take_comes_back_as_a_new_promise(uow):
    merchant, issuer = make_user(uow), make_user(uow, balance=TON)
    slow, fast = make_user(uow), make_user(uow, balance=TON)
    invoice = make_invoice(uow, merchant, amount="1", max_parts=2, max_payments=1)
    promise = make_promise(uow, issuer, TON // 2)
    waiting = start(uow, slow, invoice.number, ["0.5", "0.5"])
    waiting = with_promise(uow, slow, waiting, 1, promise.code)
    # Another payer takes the invoice's only payment: the slow payer's funded part goes back.
    paid = start(uow, fast, invoice.number, ["1"])
    assert from_balance(uow, fast, paid, 1).status == "completed"

    after = payments.get_payment(uow, slow, waiting.id, settings=SETTINGS)
    assert after.status == "refunded" and after.parts[0].status == "returned"
    assert balances(uow, slow) == (0, 0) and promise_backing(uow) == TON // 2
    [refund] = take_promise_codes(uow, slow, waiting.id, settings=SETTINGS)
    assert (refund.origin, refund.amount) == ("refund", TON // 2)
    with pytest.raises(InvoiceUnavailable):
        with_promise(uow, slow, after, 2, refund.code)
    redeem(uow, slow, refund.code)
    assert balances(uow, slow) == (TON // 2, 0) and promise_backing(uow) == 0
    assert_invariants(uow)


def test_one_promise_in_two_parts_at_once_pays_one_of_them(pg_uow):
    uow = pg_uow
    merchant, issuer, payer = make_user(uow), make_user(uow, balance=TON), make_user(uow)
    invoice = make_invoice(uow, merchant, amount="1", max_parts=2)
    promise = make_promise(uow, issuer, TON // 2)
    payment = start(uow, payer, invoice.number, ["0.5", "0.5"])
    results = race(*(lambda n=n: with_promise(uow, payer, payment, n, promise.code) for n in (1, 2)))

    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], PromiseRefused) and lost[0].code == "promise_redeemed"
    after = payments.get_payment(uow, payer, payment.id, settings=SETTINGS)
    assert sorted(p.status for p in after.parts) == ["funded", "pending"]
    assert balances(uow, payer) == (0, TON // 2) and promise_backing(uow) == 0
    assert_invariants(uow)


# --- property: money is conserved ------------------------------------------------------------------

OPS = st.lists(
    st.tuples(st.sampled_from(["create", "start", "pay", "cancel", "redeem"]), st.integers(1, 9), st.integers(0, 99)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_random_promise_payments_keep_money_and_statuses_consistent(uow, ops):
    """create a promise / start a 2-part payment / pay a part with a promise (with change, or refused
    when too small or spent) / cancel a payment / redeem a promise, in any order: users' money plus the
    promise backing never changes, the backing holds exactly the active promises, and every part paid
    with a promise names a redeemed one."""
    issuer, payer, merchant = make_user(uow, balance=20 * TON), make_user(uow), make_user(uow)
    start_money = user_money(uow) + promise_backing(uow)
    codes: list[str] = []
    pending = []
    for op, tenths, pick in ops:
        if op == "create":
            codes.append(make_promise(uow, issuer, tenths * TON // 10).code)
        elif op == "start":
            invoice = make_invoice(uow, merchant, amount="1", max_parts=2)
            pending.append(start(uow, payer, invoice.number, ["0.5", "0.5"]))
        elif op == "pay" and codes and pending:
            payment = pending.pop(pick % len(pending))
            position = next(p.position for p in payment.parts if p.status == "pending")
            try:
                payment = with_promise(uow, payer, payment, position, codes[pick % len(codes)])
            except PromiseRefused as refused:
                assert refused.code in ("promise_too_small", "promise_redeemed")
            codes += [c.code for c in take_promise_codes(uow, payer, payment.id, settings=SETTINGS)]
            if payment.status == "pending":
                pending.append(payment)
        elif op == "cancel" and pending:
            payment = pending.pop(pick % len(pending))
            payments.cancel_payment(uow, payer, payment.id, now=NOW)
            codes += [c.code for c in take_promise_codes(uow, payer, payment.id, settings=SETTINGS)]
        elif op == "redeem" and codes:
            try:
                redeem(uow, payer, codes[pick % len(codes)])
            except PromiseRefused as refused:
                assert refused.code == "promise_redeemed"
        assert user_money(uow) + promise_backing(uow) == start_money
        with uow.read() as s:
            active = s.execute(
                select(func.coalesce(func.sum(Promise.amount), 0)).where(
                    Promise.status == "active", Promise.asset == "TON"
                )
            ).scalar_one()
            spent = s.execute(
                select(PaymentPart.funding_ref, Promise.status)
                .join(Promise, PaymentPart.funding_ref == literal("promise:").concat(cast(Promise.id, String)))
                .where(PaymentPart.method == "promise")
            ).all()
            promise_parts = s.execute(
                select(func.count()).select_from(PaymentPart).where(PaymentPart.method == "promise")
            ).scalar_one()
        assert promise_backing(uow) == active
        assert len(spent) == promise_parts and {status for _ref, status in spent} <= {"redeemed"}
    assert_invariants(uow)
