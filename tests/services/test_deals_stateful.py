"""Random deal actions (open on a sell or a buy ad, fiat sent and undo, release, cancels, disputes
and their decisions, timers) by random actors; after every step the ledger invariants hold, no TON
is made or lost, every escrow is where the deals say, and a finished deal never moves again."""

import uuid
from contextlib import suppress
from datetime import timedelta

from builders import BUY, NOW, RATES, SELL, TON, deposit, make_users
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import func, select

from krypton_app.domain import deals as machine
from krypton_app.domain.errors import KryptonError
from krypton_app.models import Account, Ad, Deal
from krypton_app.services import deal_timers, deals, disputes, ledger_reads
from krypton_app.services.ads import create_ad, pause_ad, resume_ad

ACTIONS = ("fiat_sent", "undo", "release", "cancel_buyer", "cancel_seller", "dispute", "resolve")


def test_random_deals_keep_the_books(uow):
    class DealMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.seller_owner, self.buyer_owner, self.t1, self.t2 = make_users(uow, 4)
            (self.operator,) = make_users(uow, 1, operator=True)
            self.people = (self.seller_owner, self.buyer_owner, self.t1, self.t2)
            deposit(uow, self.seller_owner, 10 * TON)
            for taker in (self.t1, self.t2):
                deposit(uow, taker, 5 * TON)
            key = uuid.uuid4().hex
            self.sell = create_ad(uow, self.seller_owner, SELL, rates=RATES, idempotency_key=key).id
            self.buy = create_ad(uow, self.buyer_owner, BUY, rates=RATES, idempotency_key=key).id
            self.deals = []
            self.finished = {}
            self.now = NOW

        @rule(sell=st.booleans(), second=st.booleans(), amount=st.integers(1, 3))
        def open(self, sell, second, amount):
            taker = self.t2 if second else self.t1
            try:
                d = deals.open_deal(
                    uow,
                    taker,
                    self.sell if sell else self.buy,
                    amount=str(amount),
                    method="sbp",
                    idempotency_key=uuid.uuid4().hex,
                    rates=RATES,
                    now=self.now,
                )
            except KryptonError as error:
                assert error.code in ("ad_volume_exhausted", "insufficient_funds", "ad_inactive"), error.code
                return
            self.deals.append(d.id)

        @precondition(lambda self: self.deals)
        @rule(index=st.integers(0, 50), action=st.sampled_from(ACTIONS), share=st.sampled_from(["0", "0.3", "1"]))
        def act(self, index, action, share):
            deal_id = self.deals[index % len(self.deals)]
            d = deals.get_deal(uow, self.t1 if self.t1 in self._sides(deal_id) else self.t2, deal_id)
            calls = {
                "fiat_sent": lambda: deals.mark_fiat_sent(uow, d.buyer_id, deal_id, now=self.now),
                "undo": lambda: deals.undo_fiat_sent(uow, d.buyer_id, deal_id, now=self.now),
                "release": lambda: deals.release(uow, d.seller_id, deal_id, now=self.now),
                "cancel_buyer": lambda: deals.cancel(uow, d.buyer_id, deal_id, now=self.now),
                "cancel_seller": lambda: deals.cancel(uow, d.seller_id, deal_id, now=self.now),
                "dispute": lambda: disputes.open_dispute(uow, d.buyer_id, deal_id, now=self.now),
                "resolve": lambda: disputes.resolve_dispute(
                    uow, self.operator, deal_id, outcome="split", buyer_share=share, now=self.now
                ),
            }
            try:
                calls[action]()
            except KryptonError as error:
                # The deal's clock: "paid" after the payment deadline the timer has not acted on yet, a
                # dispute within the wait after "paid".
                assert error.code in ("deal_state", "deal_payment_window_over", "deal_dispute_too_early"), error.code
                return
            after = self._status(deal_id)
            assert after == d.status or after in {t.to for t in machine.TRANSITIONS.values()}

        @rule(minutes=st.sampled_from([1, 16, 61]))
        def tick(self, minutes):
            self.now += timedelta(minutes=minutes)
            deal_timers.run_timers(uow, now=self.now)

        @rule(pause=st.booleans())
        def pause_or_resume_the_sell_ad(self, pause):
            with suppress(KryptonError):  # already in that state
                (pause_ad if pause else resume_ad)(uow, self.seller_owner, self.sell)

        def _sides(self, deal_id):
            with uow.read() as s:
                d = s.get(Deal, deal_id)
                return (d.seller_id, d.buyer_id)

        def _status(self, deal_id):
            with uow.read() as s:
                return s.get(Deal, deal_id).status

        @invariant()
        def books_balance(self):
            report = ledger_reads.check_invariants(uow)
            assert report.ok, report.violations
            with uow.read() as s:
                total = s.execute(
                    select(func.coalesce(func.sum(Account.balance), 0)).where(Account.user_id.in_(self.people))
                ).scalar_one()
                held = dict(
                    s.execute(
                        select(Account.user_id, Account.balance).where(
                            Account.user_id.in_(self.people), Account.kind == "held"
                        )
                    ).all()
                )
                rows = s.execute(select(Deal).where(Deal.id.in_(self.deals or [0]))).scalars().all()
                sell_ad = s.get(Ad, self.sell)
            assert total == 20 * TON  # nothing made or lost
            escrowed = [d for d in rows if d.status in machine.ESCROWED]
            on_sell = sum(d.amount for d in escrowed if d.ad_id == self.sell)
            reserve = sell_ad.remaining if sell_ad.status == "active" else 0
            assert held.get(self.seller_owner, 0) == reserve + on_sell
            for taker in (self.t1, self.t2):
                assert held.get(taker, 0) == sum(d.amount for d in escrowed if d.seller_id == taker)
            for d in rows:
                if d.id in self.finished:
                    assert d.status == self.finished[d.id]  # a finished deal never moves again
                elif d.status in machine.TERMINAL:
                    self.finished[d.id] = d.status

    run_state_machine_as_test(DealMachine, settings=settings(max_examples=15, stateful_step_count=25, deadline=None))
