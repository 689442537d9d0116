"""Every kind of deal mixed at random over the same traders and ads (issue 13): plain trades and purchases
delivered to the balance, to a promise or to a Bitcoin address on one trader's SELL ad; promises sold and
merchants' fiat payouts on another trader's BUY ad; promises made and redeemed; payments of a fiat-payout
invoice; each deal marked paid, released, cancelled, expired by its timer, or disputed and decided by an
operator (release, refund, split).

After every step, on SQLite and PostgreSQL: the ledger's invariants hold; the example's users' money plus
what its promises hold is exactly what was deposited; the promise backing holds exactly the promises still
active or in a deal; and every user's held balance is exactly what holds it: their active sell ad's
remaining volume, the escrow of their live deals that sit on the seller's balance (plain, buy), their
queued payouts, the deposits their fiat-payout invoices hold, and their funded parts of payments not yet
paid out.

With fees (SPEC F12): an operator sets a deal rule at random (percent, minimum, maker or taker) at the
start and changes it now and then while deals run; the fee account joins the sum of every coin, and it
holds exactly the fee each finished deal charged under the rule of its opening (the whole fee on a
release, the released share's on a split, none on a refund), once, although releases are retried; the
seller's held balance also holds the fees sellers put in escrow."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from builders import (
    BUY,
    NOW,
    SELL,
    TON,
    assert_invariants,
    deposit,
    make_invoice,
    make_promise,
    make_user,
    payout_settings,
    promise_backing,
)
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from krypton_app.domain import deals as machine
from krypton_app.domain.deal_fees import charged_on
from krypton_app.domain.errors import KryptonError
from krypton_app.domain.fees import DEAL, PAYERS
from krypton_app.domain.invoices import AWAITING_FIAT, FUNDED, PENDING
from krypton_app.domain.ledger import FEES, HELD, system_account_key
from krypton_app.domain.money import format_amount
from krypton_app.models import Account, Ad, Deal, Dispute, Payout, Promise
from krypton_app.models.invoices import Invoice, InvoicePayment, PaymentPart
from krypton_app.services import (
    buy_deals,
    deal_timers,
    deals,
    disputes,
    fiat_payouts,
    payer_payments,
    payments,
    promise_sales,
)
from krypton_app.services import promises as promise_service
from krypton_app.services.ads import create_ad
from krypton_app.services.deal_purposes import seller_fee
from krypton_app.services.fees import set_fee_rule
from krypton_app.services.rates import StaticRateProvider

S = payout_settings()  # mainnet Bitcoin, a 0.1 TON payout fee
RATES = StaticRateProvider(S.rates)
PAYOUT = {"payout_country": "RU", "payout_fiat": "RUB", "payout_method": "sbp"}
# Steps whose money sits on the seller's held balance while the deal runs (a promise sale's sits in the
# promise, a fiat payout's in the merchant's deposit).
SELLER_HELD = (machine.PLAIN, machine.BUY)
picks = st.integers(min_value=0, max_value=99)
# A deal rule an operator may set: percents from none to the most allowed, minimums up to 1 TON.
percents = st.sampled_from(["0", "0.1", "0.5", "1.2345", "7", "50"])
minimums = st.sampled_from([0, 1, 999, 10**7, TON])
payers = st.sampled_from(PAYERS)
# Refusals a random step may meet; anything else is a failure.
REFUSED = {
    "insufficient_funds",
    "invalid_state",
    "deal_state",
    "deal_payment_window_over",
    "deal_dispute_too_early",
    "ad_volume_exhausted",
    "ad_amount_out_of_range",
    "ad_unavailable",
    "fiat_deposit_short",
    "fiat_payout_live",
    "invoice_limit_reached",
    "promise_redeemed",
    "promise_in_deal",
    "promise_cancelled",
    "promise_too_small",
}


def pick(items, index):
    return items[index % len(items)]


def fees_balance(uow) -> int:
    with uow.read() as s:
        key = system_account_key(FEES, "TON")
        return s.execute(select(func.coalesce(func.sum(Account.balance), 0)).where(Account.key == key)).scalar_one()


@pytest.mark.parametrize("with_fees", [False, True], ids=["no_fee", "fees"])
def test_every_kind_of_deal_mixed_keeps_every_coin(uow, with_fees):
    class DealKindsMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.now = NOW
            self.given = 0
            self.backing_before = promise_backing(uow)  # earlier examples' promises stay in it
            self.fees_before = fees_balance(uow)  # and their fees
            self.operator = make_user(uow, operator=True)
            self.seller, self.buyer = make_user(uow), make_user(uow)  # the SELL ad's and the BUY ad's traders
            self.people = [make_user(uow), make_user(uow)]  # buy, hold promises, pay invoices
            self.merchant = make_user(uow)
            self.put(self.seller, 10 * TON)
            self.put(self.merchant, 2 * TON)  # the deposit of one 2 TON payment
            for person in self.people:
                self.put(person, 6 * TON)
            self.sell_ad = create_ad(uow, self.seller, SELL, rates=RATES, idempotency_key=uuid.uuid4().hex).id
            self.buy_ad = create_ad(uow, self.buyer, BUY, rates=RATES, idempotency_key=uuid.uuid4().hex).id
            self.number = make_invoice(uow, self.merchant, amount="2", **PAYOUT).number
            self.users = [self.seller, self.buyer, self.merchant, *self.people]
            self.codes: list[str] = []
            self.payments: list[tuple[int, int]] = []  # (payment id, payer)
            self.deals: list[int] = []

        def set_rule(self, percent: str, minimum: int, payer: str) -> None:
            text = format_amount(minimum, 9)
            set_fee_rule(uow, self.operator, DEAL, "TON", percent=percent, minimum=text, payer=payer)

        @initialize(percent=percents, minimum=minimums, payer=payers)
        def operator_sets_the_deal_fee(self, percent, minimum, payer):
            if with_fees:
                self.set_rule(percent, minimum, payer)

        @precondition(lambda self: with_fees)
        @rule(percent=percents, minimum=minimums, payer=payers)
        def operator_changes_the_deal_fee(self, percent, minimum, payer):
            self.set_rule(percent, minimum, payer)  # deals already open keep the fee they opened with

        def put(self, user_id: int, amount: int) -> None:
            deposit(uow, user_id, amount)
            self.given += amount

        def attempt(self, call):
            try:
                return call()
            except KryptonError as refused:
                assert refused.code in REFUSED, refused
                return None

        def opened(self, view) -> None:
            if view is not None:
                self.deals.append(view.id)

        # --- deals of every kind ----------------------------------------------------------------------

        @rule(who=st.integers(0, 1), amount=st.integers(1, 3))
        def plain_trade(self, who, amount):
            self.opened(
                self.attempt(
                    lambda: deals.open_deal(
                        uow,
                        self.people[who],
                        self.sell_ad,
                        amount=str(amount),
                        method="sbp",
                        idempotency_key=uuid.uuid4().hex,
                        rates=RATES,
                        now=self.now,
                    )
                )
            )

        @rule(who=st.integers(0, 1), amount=st.integers(1, 3), kind=st.sampled_from(["balance", "promise", "bitcoin"]))
        def buy_for_a_destination(self, who, amount, kind):
            target = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4" if kind == "bitcoin" else ""
            self.opened(
                self.attempt(
                    lambda: buy_deals.open_buy_deal(
                        uow,
                        self.people[who],
                        self.sell_ad,
                        method="sbp",
                        kind=kind,
                        amount=str(amount),
                        target=target,
                        idempotency_key=uuid.uuid4().hex,
                        settings=S,
                        rates=RATES,
                        now=self.now,
                    )
                )
            )

        @rule(who=st.integers(0, 1), amount=st.integers(1, 3))
        def make_a_promise(self, who, amount):
            made = self.attempt(lambda: make_promise(uow, self.people[who], amount * TON, now=self.now))
            if made is not None:
                self.codes.append(made.code)

        @precondition(lambda self: self.codes)
        @rule(who=st.integers(0, 1), index=picks)
        def sell_a_promise(self, who, index):
            code = pick(self.codes, index)
            self.opened(
                self.attempt(
                    lambda: promise_sales.open_promise_sale(
                        uow,
                        self.people[who],
                        code,
                        self.buy_ad,
                        method="sbp",
                        idempotency_key=uuid.uuid4().hex,
                        settings=S,
                        rates=RATES,
                        now=self.now,
                    )
                )
            )

        @precondition(lambda self: self.codes)
        @rule(who=st.integers(0, 1), index=picks)
        def redeem_a_promise(self, who, index):
            code = pick(self.codes, index)
            self.attempt(lambda: promise_service.redeem_promise(uow, self.people[who], code, settings=S, now=self.now))

        @rule(who=st.integers(0, 1))
        def pay_the_fiat_payout_invoice(self, who):
            payer = self.people[who]
            started = self.attempt(
                lambda: payments.start_payment(
                    uow,
                    payer,
                    self.number,
                    parts=["2"],
                    idempotency_key=uuid.uuid4().hex,
                    settings=S,
                    rates=RATES,
                    now=self.now,
                )
            )
            if started is None:
                return
            self.payments.append((started.id, payer))
            self.attempt(
                lambda: payments.fund_part_from_balance(
                    uow, payer, started.id, started.parts[0].id, settings=S, rates=RATES, now=self.now
                )
            )

        @precondition(lambda self: self.payments)
        @rule(index=picks, in_crypto=st.booleans())
        def merchant_pays_out(self, index, in_crypto):
            payment_id, _ = pick(self.payments, index)
            if in_crypto:
                self.attempt(
                    lambda: fiat_payouts.take_in_crypto(uow, self.merchant, payment_id, settings=S, now=self.now)
                )
                return
            self.opened(
                self.attempt(
                    lambda: fiat_payouts.open_payout_deal(
                        uow,
                        self.merchant,
                        payment_id,
                        self.buy_ad,
                        idempotency_key=uuid.uuid4().hex,
                        rates=RATES,
                        now=self.now,
                    )
                )
            )

        # --- what happens to a deal --------------------------------------------------------------------

        @precondition(lambda self: self.deals)
        @rule(index=picks)
        def buyer_marks_paid(self, index):
            deal = self.deal(index)
            self.attempt(lambda: deals.mark_fiat_sent(uow, deal.buyer_id, deal.id, now=self.now, settings=S))

        @precondition(lambda self: self.deals)
        @rule(index=picks)
        def seller_releases(self, index):
            deal = self.deal(index)
            for _ in range(2):  # the second is a retry: refused, and no second fee
                self.attempt(lambda: deals.release(uow, deal.seller_id, deal.id, now=self.now, settings=S, rates=RATES))

        @precondition(lambda self: self.deals)
        @rule(index=picks)
        def buyer_cancels(self, index):
            deal = self.deal(index)
            self.attempt(lambda: deals.cancel(uow, deal.buyer_id, deal.id, now=self.now))

        @precondition(lambda self: self.deals)
        @rule(index=picks, outcome=st.sampled_from(machine.OUTCOMES), share=st.sampled_from(["0.5", "0.25"]))
        def operator_decides(self, index, outcome, share):
            deal = self.deal(index)
            self.now += timedelta(seconds=S.deal_dispute_after_s)
            self.attempt(lambda: disputes.open_dispute(uow, deal.buyer_id, deal.id, now=self.now))
            self.attempt(
                lambda: disputes.resolve_dispute(
                    uow,
                    self.operator,
                    deal.id,
                    outcome=outcome,
                    buyer_share=share if outcome == "split" else None,
                    now=self.now,
                    settings=S,
                    rates=RATES,
                )
            )

        @rule(minutes=st.sampled_from([1, 16, 61]))
        def time_passes(self, minutes):
            self.now += timedelta(minutes=minutes)
            payer_payments.expire_unfinished_payments(uow, settings=S, now=self.now)
            deal_timers.run_timers(uow, now=self.now)

        def deal(self, index) -> Deal:
            """Mostly a deal still running, else any (a finished one refuses)."""
            with uow.read() as s:
                rows = s.execute(select(Deal).where(Deal.id.in_(self.deals))).scalars().all()
                live = [d for d in rows if d.status in machine.LIVE]
                return pick(sorted(live if live and index % 4 else rows, key=lambda d: d.id), index)

        # --- after every step --------------------------------------------------------------------------

        @invariant()
        def every_coin_is_where_it_should_be(self):
            assert_invariants(uow)
            backing = promise_backing(uow) - self.backing_before  # its own read: SQLite nests none
            fees = fees_balance(uow) - self.fees_before
            with uow.read() as s:
                owned = s.execute(
                    select(func.coalesce(func.sum(Account.balance), 0)).where(
                        Account.user_id.in_(self.users), Account.asset == "TON"
                    )
                ).scalar_one()
                promised = s.execute(
                    select(func.coalesce(func.sum(Promise.amount), 0)).where(
                        Promise.issuer_id.in_(self.users), Promise.status.in_(("active", "in_deal"))
                    )
                ).scalar_one()
                assert owned + promised + fees == self.given
                assert fees == self.charged(s)
                assert backing == promised
                for user in self.users:
                    assert self.held(s, user) == self.expected_held(s, user), user

        def charged(self, s) -> int:
            """The fees this example's finished deals charged: what the fee account must hold of them."""
            total = 0
            for deal in s.execute(select(Deal).where(Deal.id.in_(self.deals))).scalars():
                if deal.status == machine.RELEASED:
                    total += deal.fee
                elif deal.status == machine.RESOLVED:
                    share = s.execute(select(Dispute.buyer_share).where(Dispute.deal_id == deal.id)).scalar_one()
                    total += charged_on(deal.fee, deal.amount, share)
            return total

        @staticmethod
        def held(s, user: int) -> int:
            return s.execute(
                select(func.coalesce(func.sum(Account.balance), 0)).where(
                    Account.user_id == user, Account.asset == "TON", Account.kind == HELD
                )
            ).scalar_one()

        @staticmethod
        def expected_held(s, user: int) -> int:
            ad_volume = s.execute(
                select(func.coalesce(func.sum(Ad.remaining), 0)).where(
                    Ad.owner_id == user, Ad.side == "sell", Ad.status == "active"
                )
            ).scalar_one()
            escrow = s.execute(
                select(func.coalesce(func.sum(Deal.amount), 0)).where(
                    Deal.seller_id == user, Deal.purpose.in_(SELLER_HELD), Deal.status.in_(sorted(machine.LIVE))
                )
            ).scalar_one()
            live = s.execute(
                select(Deal).where(Deal.seller_id == user, Deal.status.in_(sorted(machine.LIVE)))
            ).scalars()
            escrow += sum(seller_fee(deal) for deal in live)  # a seller's fee is held with the escrow
            payouts = s.execute(
                select(func.coalesce(func.sum(Payout.amount + Payout.fee), 0)).where(
                    Payout.user_id == user, Payout.status == "queued"
                )
            ).scalar_one()
            deposits = s.execute(
                select(func.coalesce(func.sum(InvoicePayment.deposit_held), 0))
                .join(Invoice, Invoice.id == InvoicePayment.invoice_id)
                .where(Invoice.merchant_id == user)
            ).scalar_one()
            parts = s.execute(
                select(func.coalesce(func.sum(PaymentPart.amount), 0))
                .join(InvoicePayment, InvoicePayment.id == PaymentPart.payment_id)
                .where(
                    InvoicePayment.payer_id == user,
                    InvoicePayment.status.in_((PENDING, AWAITING_FIAT)),
                    PaymentPart.status == FUNDED,
                )
            ).scalar_one()
            return ad_volume + escrow + payouts + deposits + parts

    run_state_machine_as_test(
        DealKindsMachine, settings=settings(max_examples=25, stateful_step_count=35, deadline=None)
    )
