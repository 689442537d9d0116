"""Random deposits, transfers, holds, releases, captures and retries among a few users, checked after
every step against a plain-dict model of the balances and against every ledger invariant."""

import uuid

from builders import make_users
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from krypton_app.domain.errors import InsufficientFunds, UnbalancedTransaction
from krypton_app.domain.ledger import AVAILABLE, EXTERNAL, FEES, HELD, Leg
from krypton_app.services import ledger, ledger_reads

USERS = 3
ASSETS = ("TON", "USDT")
# Small amounts, so that overdrafts are common and get tested.
amounts = st.integers(min_value=1, max_value=60)
users = st.integers(min_value=0, max_value=USERS - 1)
assets = st.sampled_from(ASSETS)


def test_the_ledger_follows_its_model(uow):
    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            # Fresh users and keys per example: the database is shared by all examples of the test.
            self.users = make_users(uow, USERS)
            self.run = uuid.uuid4().hex
            self.steps = 0
            self.model = {(u, a, kind): 0 for u in self.users for a in ASSETS for kind in (AVAILABLE, HELD)}
            self.done = []  # (call, first result) of every operation that went through

        def attempt(self, call, source, amount, moves):
            """Run `call`; it must succeed exactly when the model's `source` covers `amount`."""
            if self.model[source] < amount:
                try:
                    call()
                except InsufficientFunds:
                    return
                raise AssertionError(f"overdraft of {source} by {amount} went through")
            self.done.append((call, call()))
            for account, delta in moves:
                self.model[account] += delta

        def key(self):
            self.steps += 1
            return f"{self.run}:{self.steps}"

        @rule(user=users, asset=assets, amount=amounts)
        def deposit(self, user, asset, amount):
            user_id, key = self.users[user], self.key()

            def call():
                with uow.transaction() as s:
                    leg = Leg(
                        ledger.system_account(s, EXTERNAL, asset),
                        ledger.user_account(s, user_id, asset),
                        amount,
                    )
                    return ledger.post(s, idempotency_key=key, kind="deposit", legs=[leg])

            self.done.append((call, call()))
            self.model[(user_id, asset, AVAILABLE)] += amount

        @rule(sender=users, receiver=users, asset=assets, amount=amounts)
        def transfer(self, sender, receiver, asset, amount):
            a, b, key = self.users[sender], self.users[receiver], self.key()

            def call():
                return ledger.transfer(uow, a, b, asset, amount, key)

            if a == b:
                try:
                    call()
                except UnbalancedTransaction:
                    return
                raise AssertionError("a transfer to oneself went through")
            self.attempt(
                call,
                (a, asset, AVAILABLE),
                amount,
                [((a, asset, AVAILABLE), -amount), ((b, asset, AVAILABLE), amount)],
            )

        @rule(user=users, asset=assets, amount=amounts)
        def hold(self, user, asset, amount):
            u, key = self.users[user], self.key()
            self.attempt(
                lambda: ledger.hold(uow, u, asset, amount, key),
                (u, asset, AVAILABLE),
                amount,
                [((u, asset, AVAILABLE), -amount), ((u, asset, HELD), amount)],
            )

        @rule(user=users, asset=assets, amount=amounts)
        def release(self, user, asset, amount):
            u, key = self.users[user], self.key()
            self.attempt(
                lambda: ledger.release(uow, u, asset, amount, key),
                (u, asset, HELD),
                amount,
                [((u, asset, HELD), -amount), ((u, asset, AVAILABLE), amount)],
            )

        @rule(user=users, receiver=st.none() | users, asset=assets, amount=amounts)
        def capture(self, user, receiver, asset, amount):
            u, key = self.users[user], self.key()
            if receiver is None or self.users[receiver] == u:
                # To the fee account; a capture to oneself is a release under another name, not tested here.
                call = lambda: ledger.capture_held(uow, u, asset, amount, key, to_system=FEES)  # noqa: E731
                moves = [((u, asset, HELD), -amount)]
            else:
                r = self.users[receiver]
                call = lambda: ledger.capture_held(uow, u, asset, amount, key, to_user_id=r)  # noqa: E731
                moves = [((u, asset, HELD), -amount), ((r, asset, AVAILABLE), amount)]
            self.attempt(call, (u, asset, HELD), amount, moves)

        @precondition(lambda self: self.done)
        @rule(data=st.data())
        def retry(self, data):
            call, first = data.draw(st.sampled_from(self.done))
            assert call() == first

        @invariant()
        def balances_match_the_model(self):
            for u in self.users:
                for view in ledger_reads.list_balances(uow, u):
                    assert (view.available, view.held) == (
                        self.model[(u, view.asset, AVAILABLE)],
                        self.model[(u, view.asset, HELD)],
                    )

        @invariant()
        def invariants_hold(self):
            report = ledger_reads.check_invariants(uow)
            assert report.ok, report.violations

    run_state_machine_as_test(LedgerMachine, settings=settings(max_examples=25, stateful_step_count=30, deadline=None))
