"""Random sequences of promise creates, redeems, cancels and expiries among a few users keep the money:
the users' balances plus the promise backing stay what was deposited, the backing holds exactly the
active promises, each promise's money left the backing at most once, and every ledger invariant holds.
And two redeemers of one code at the same moment (PostgreSQL): exactly one wins, the money moves once."""

from __future__ import annotations

import uuid
from datetime import timedelta

from builders import NOW, SETTINGS, TON, assert_invariants, balances, make_promise, make_user, promise_backing, race
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlmodel import select

from krypton_app.domain.errors import InsufficientFunds
from krypton_app.domain.promises import PromiseRefused
from krypton_app.models import LedgerTransaction, Promise
from krypton_app.services import promises

USERS = 3
START = 10
amounts = st.integers(min_value=1, max_value=6)
users = st.integers(min_value=0, max_value=USERS - 1)


def test_promises_conserve_money(uow):
    class PromiseMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.users = [make_user(uow, balance=START) for _ in range(USERS)]
            # Earlier examples share the database: their expiring promises end now, not during this one.
            while promises.expire_promises(uow, now=NOW + timedelta(days=365)):
                pass
            self.backing_before = promise_backing(uow)
            self.now = NOW
            self.made: list[tuple[int, str, int]] = []  # (promise id, code, amount)
            self.expected = {}  # promise id -> status the model expects

        @rule(user=users, amount=amounts, expiring=st.booleans())
        def create(self, user, amount, expiring):
            issuer = self.users[user]
            expires = self.now + timedelta(minutes=5) if expiring else None
            try:
                created = make_promise(uow, issuer, amount, key=uuid.uuid4().hex, now=self.now, expires_at=expires)
            except InsufficientFunds:
                assert balances(uow, issuer)[0] < amount
                return
            self.made.append((created.promise.id, created.code, amount))
            self.expected[created.promise.id] = "active"

        @precondition(lambda self: self.made)
        @rule(pick=st.integers(min_value=0), user=users)
        def redeem(self, pick, user):
            promise_id, code, _ = self.made[pick % len(self.made)]
            try:
                promises.redeem_promise(uow, self.users[user], code, settings=SETTINGS, now=self.now)
            except PromiseRefused as refused:
                assert refused.code == f"promise_{self.status(promise_id)}"
                return
            assert self.status(promise_id) == "active"
            self.expected[promise_id] = "redeemed"

        @precondition(lambda self: self.made)
        @rule(pick=st.integers(min_value=0), user=users)
        def cancel(self, pick, user):
            promise_id = self.made[pick % len(self.made)][0]
            try:
                promises.cancel_promise(uow, self.users[user], promise_id, now=self.now)
            except (PromiseRefused, LookupError, Exception) as refused:
                assert getattr(refused, "code", None) in ("promise_not_found", f"promise_{self.expected[promise_id]}")
                return
            self.expected[promise_id] = "cancelled"

        @rule()
        def time_passes_and_expiry_runs(self):
            self.now += timedelta(minutes=10)
            due = [i for i, _, _ in self.made if self.expected[i] == "active" and self.status(i) == "expired"]
            assert promises.expire_promises(uow, now=self.now) == len(due)
            for promise_id in due:
                self.expected[promise_id] = "expired"

        def status(self, promise_id):
            """What a redeem of it should be refused with, by the model (active ones may be past expiry)."""
            with uow.read() as s:
                row = s.get(Promise, promise_id)
            if (
                row.status == "active"
                and row.expires_at is not None
                and row.expires_at.replace(tzinfo=NOW.tzinfo) <= self.now
            ):
                return "expired"
            return self.expected[promise_id]

        @invariant()
        def money_is_conserved(self):
            total = sum(sum(balances(uow, u)) for u in self.users)
            backing = promise_backing(uow) - self.backing_before
            assert total + backing == USERS * START
            active = sum(amount for i, _, amount in self.made if self.expected[i] == "active")
            assert backing == active
            with uow.read() as s:
                stored = dict(s.exec(select(Promise.id, Promise.status).where(Promise.id.in_(self.expected))).all())
                settled = s.exec(
                    select(LedgerTransaction.idempotency_key).where(
                        LedgerTransaction.idempotency_key.like("promise:%:settle")
                    )
                ).all()
            assert stored == self.expected
            assert len(settled) == len(set(settled))

        def teardown(self):
            assert_invariants(uow)

    run_state_machine_as_test(PromiseMachine, settings=settings(max_examples=15, stateful_step_count=15))


def test_two_redeemers_race_one_wins(pg_uow):
    uow = pg_uow
    alice = make_user(uow, balance=5 * TON)
    bob, carol = make_user(uow), make_user(uow)
    created = make_promise(uow, alice, 2 * TON)
    results = race(
        *(
            (lambda user=user: promises.redeem_promise(uow, user, created.code, settings=SETTINGS, now=NOW))
            for user in (bob, carol, bob, carol)
        )
    )
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1, results
    assert all(isinstance(r, PromiseRefused) and r.code == "promise_redeemed" for r in results if r not in winners)
    winner = winners[0].redeemed_by
    assert balances(uow, winner) == (2 * TON, 0)
    assert balances(uow, bob if winner == carol else carol) == (0, 0)
    assert promise_backing(uow) == 0
    assert_invariants(uow)


def test_redeem_races_cancel_one_wins(pg_uow):
    uow = pg_uow
    alice, bob = make_user(uow, balance=5 * TON), make_user(uow)
    created = make_promise(uow, alice, 2 * TON)
    redeemed, cancelled = race(
        lambda: promises.redeem_promise(uow, bob, created.code, settings=SETTINGS, now=NOW),
        lambda: promises.cancel_promise(uow, alice, created.promise.id, now=NOW),
    )
    assert isinstance(redeemed, Exception) != isinstance(cancelled, Exception), (redeemed, cancelled)
    assert sum(balances(uow, alice)) + sum(balances(uow, bob)) == 5 * TON
    assert promise_backing(uow) == 0
    assert_invariants(uow)
