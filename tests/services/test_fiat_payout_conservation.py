"""Three-party crypto -> fiat (SPEC F10) mixed at random: payers starting, paying, cancelling and timing
out payments of two fiat-payout invoices whose merchants' deposits cover one or two payments; merchants
opening payouts on two intermediaries' BUY ads, releasing, taking payments in crypto; intermediaries
marking fiat sent and cancelling; timers expiring and disputing deals; an operator releasing, refunding
and splitting.

After every step, on SQLite and PostgreSQL: the ledger's invariants hold; users' money is exactly what
was deposited; each merchant's held balance is exactly the deposits their invoices' payments hold, and a
payment holds one while, and only while, it is pending or waiting for its fiat; each payer's held
balance is exactly their funded parts of payments not yet completed; a payment has at most one live
deal and only a waiting payment has one."""

from __future__ import annotations

import uuid
from datetime import timedelta

from builders import (
    BUY,
    INVOICE_SETTINGS,
    NOW,
    RATES,
    TON,
    assert_invariants,
    balances,
    deposit,
    make_invoice,
    make_user,
)
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import func, select

from krypton_app.domain import deals as machine
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.invoices import AWAITING_FIAT, FUNDED, PENDING
from krypton_app.models import Deal
from krypton_app.models.invoices import Invoice, InvoicePayment, PaymentPart
from krypton_app.services import deal_timers, deals, disputes, fiat_payouts, payer_payments, payments
from krypton_app.services.ads import create_ad

S = INVOICE_SETTINGS
PAYOUT = {"payout_country": "RU", "payout_fiat": "RUB", "payout_method": "sbp"}
picks = st.integers(min_value=0, max_value=99)
# Refusals a random step may meet; anything else is a failure.
REFUSED = {
    "insufficient_funds",
    "invalid_state",
    "fiat_deposit_short",
    "fiat_payout_live",
    "deal_state",
    "deal_payment_window_over",
    "deal_dispute_too_early",
    "invoice_closed",
    "invoice_limit_reached",
    "ad_volume_exhausted",
    "ad_amount_out_of_range",
}


def pick(items, index):
    return items[index % len(items)]


def test_fiat_payouts_keep_every_coin(uow):
    class PayoutMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.now = NOW
            self.given = 0  # this example's users only: the examples share the database
            self.operator = make_user(uow, operator=True)
            self.merchants = [make_user(uow), make_user(uow)]
            self.put(self.merchants[0], 2 * TON)  # one payment of its 2 TON invoice
            self.put(self.merchants[1], 3 * TON)  # up to three of its 1 TON invoice
            self.numbers = [
                make_invoice(uow, self.merchants[0], amount="2", max_parts=2, **PAYOUT).number,
                make_invoice(uow, self.merchants[1], amount="1", **PAYOUT).number,
            ]
            self.payers = [make_user(uow), make_user(uow)]
            for payer in self.payers:
                self.put(payer, 6 * TON)
            self.traders = [make_user(uow), make_user(uow)]
            self.ads = [create_ad(uow, t, BUY, rates=RATES, idempotency_key=uuid.uuid4().hex).id for t in self.traders]
            self.payments: list[tuple[int, int, int]] = []  # (payment id, payer, merchant)
            self.deals: list[tuple[int, int, int]] = []  # (deal id, merchant, trader)

        def put(self, user_id: int, amount: int) -> None:
            deposit(uow, user_id, amount)
            self.given += amount

        def attempt(self, call):
            try:
                return call()
            except KryptonError as refused:
                assert refused.code in REFUSED, refused
                return None

        # --- payers ---------------------------------------------------------------------------------

        @rule(who=st.integers(0, 1), which=st.integers(0, 1), fund=st.booleans())
        def pay(self, who, which, fund):
            payer, number = self.payers[who], self.numbers[which]
            parts = ["1", "1"] if which == 0 else ["1"]
            started = self.attempt(
                lambda: payments.start_payment(
                    uow,
                    payer,
                    number,
                    parts=parts,
                    idempotency_key=uuid.uuid4().hex,
                    settings=S,
                    rates=RATES,
                    now=self.now,
                )
            )
            if started is None:
                return
            self.payments.append((started.id, payer, self.merchants[which]))
            for part in started.parts if fund else started.parts[:1]:
                self.attempt(
                    lambda part=part: payments.fund_part_from_balance(
                        uow, payer, started.id, part.id, settings=S, rates=RATES, now=self.now
                    )
                )

        @precondition(lambda self: self.payments)
        @rule(index=picks)
        def cancel_payment(self, index):
            payment_id, payer, _merchant = pick(self.payments, index)
            self.attempt(lambda: payments.cancel_payment(uow, payer, payment_id, now=self.now))

        @rule(minutes=st.sampled_from([1, 16, 61]))
        def time_passes(self, minutes):
            self.now += timedelta(minutes=minutes)
            payer_payments.expire_unfinished_payments(uow, settings=S, now=self.now)
            deal_timers.run_timers(uow, now=self.now)

        # --- merchants ------------------------------------------------------------------------------

        @precondition(lambda self: self.payments)
        @rule(index=picks, ad=st.integers(0, 1))
        def open_payout(self, index, ad):
            payment_id, _payer, merchant = pick(self.payments, index)
            opened = self.attempt(
                lambda: fiat_payouts.open_payout_deal(
                    uow, merchant, payment_id, self.ads[ad], idempotency_key=uuid.uuid4().hex, rates=RATES, now=self.now
                )
            )
            if opened is not None:
                self.deals.append((opened.id, merchant, self.traders[ad]))

        @precondition(lambda self: self.payments)
        @rule(index=picks)
        def take_in_crypto(self, index):
            payment_id, _payer, merchant = pick(self.payments, index)
            self.attempt(lambda: fiat_payouts.take_in_crypto(uow, merchant, payment_id, settings=S, now=self.now))

        @precondition(lambda self: self.deals)
        @rule(index=picks)
        def release(self, index):
            deal_id, merchant, _trader = pick(self.deals, index)
            self.attempt(lambda: deals.release(uow, merchant, deal_id, now=self.now, settings=S, rates=RATES))

        # --- intermediaries and the operator --------------------------------------------------------

        @precondition(lambda self: self.deals)
        @rule(index=picks)
        def mark_sent(self, index):
            deal_id, _merchant, trader = pick(self.deals, index)
            self.attempt(lambda: deals.mark_fiat_sent(uow, trader, deal_id, now=self.now))

        @precondition(lambda self: self.deals)
        @rule(index=picks)
        def trader_cancels(self, index):
            deal_id, _merchant, trader = pick(self.deals, index)
            self.attempt(lambda: deals.cancel(uow, trader, deal_id, now=self.now))

        @precondition(lambda self: self.deals)
        @rule(index=picks, outcome=st.sampled_from(["release", "refund", "split"]))
        def dispute_and_decide(self, index, outcome):
            deal_id, _merchant, trader = pick(self.deals, index)
            # Past the wait after "fiat sent" (10 minutes by default), so a deal marked sent may be disputed.
            self.now += timedelta(minutes=11)
            self.attempt(lambda: disputes.open_dispute(uow, trader, deal_id, now=self.now))
            share = "0.5" if outcome == "split" else None
            self.attempt(
                lambda: disputes.resolve_dispute(
                    uow,
                    self.operator,
                    deal_id,
                    outcome=outcome,
                    buyer_share=share,
                    now=self.now,
                    settings=S,
                    rates=RATES,
                )
            )

        # --- what must hold ---------------------------------------------------------------------------

        @invariant()
        def money_is_kept(self):
            assert_invariants(uow)
            users = [*self.merchants, *self.payers, *self.traders]
            assert sum(sum(balances(uow, u)) for u in users) == self.given

        @invariant()
        def deposits_and_holds_match_the_payments(self):
            with uow.read() as s:
                rows = s.execute(
                    select(InvoicePayment.id, InvoicePayment.status, InvoicePayment.deposit_held, Invoice.merchant_id)
                    .join(Invoice, Invoice.id == InvoicePayment.invoice_id)
                    .where(Invoice.merchant_id.in_(self.merchants))
                ).all()
                funded = dict(
                    s.execute(
                        select(InvoicePayment.payer_id, func.coalesce(func.sum(PaymentPart.amount), 0))
                        .join(PaymentPart, PaymentPart.payment_id == InvoicePayment.id)
                        .where(PaymentPart.status == FUNDED, InvoicePayment.payer_id.in_(self.payers))
                        .group_by(InvoicePayment.payer_id)
                    ).all()
                )
                live = s.execute(
                    select(Deal.payment_id, InvoicePayment.status, func.count())
                    .join(InvoicePayment, InvoicePayment.id == Deal.payment_id)
                    .where(Deal.status.in_(sorted(machine.LIVE)), Deal.seller_id.in_(self.merchants))
                    .group_by(Deal.payment_id, InvoicePayment.status)
                ).all()
            for row in rows:
                assert (row.deposit_held is not None) == (row.status in (PENDING, AWAITING_FIAT)), row
            for merchant in self.merchants:
                held = sum(r.deposit_held or 0 for r in rows if r.merchant_id == merchant)
                assert balances(uow, merchant)[1] == held
            for payer in self.payers:
                assert balances(uow, payer)[1] == funded.get(payer, 0)
            for payment_id, status, count in live:
                assert count == 1 and status == AWAITING_FIAT, (payment_id, status, count)

    run_state_machine_as_test(PayoutMachine, settings=settings(max_examples=12, stateful_step_count=40, deadline=None))
