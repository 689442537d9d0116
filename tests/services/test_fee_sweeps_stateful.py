"""Fee sweeps mixed at random: fees arriving, thresholds changing, the worker and an operator sweeping,
sweeps signed, confirmed, expiring, returned and bounced, in any order the state machine allows.

After every step, on SQLite and PostgreSQL: the ledger's invariants hold; no fee is lost or counted twice
(the fee account + what is on its way + what the chain confirmed and kept = what was collected); what is
on its way is exactly the open sweeps (`in_flight_sweeps`); every sweep moved a positive amount."""

from __future__ import annotations

from builders import TON, assert_invariants, collect_fees, make_user
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from krypton_app.domain.errors import SweepRefused
from krypton_app.domain.ledger import FEE_SWEEP, FEES, system_account_key
from krypton_app.models import Account, FeeSweep
from krypton_app.services import fee_sweep_settlement, fee_sweeps
from krypton_app.settings import get_settings

SETTINGS = get_settings().model_copy(update={"fee_owner_wallet": "0:" + "ab" * 32})
picks = st.integers(min_value=0, max_value=99)


def _balance(uow, kind: str) -> int:
    with uow.read() as s:
        key = system_account_key(kind, "TON")
        return s.execute(select(Account.balance).where(Account.key == key)).scalar_one_or_none() or 0


def test_sweeps_keep_every_fee(uow):
    operator = make_user(uow, operator=True)

    class SweepMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            # The examples share the database: this one's sweeps and money are counted from here.
            self.start = _balance(uow, FEES) + _balance(uow, FEE_SWEEP)
            with uow.read() as s:
                self.first_id = (s.execute(select(FeeSweep.id).order_by(FeeSweep.id.desc())).scalars().first() or 0) + 1
            self.collected = 0

        def _ids(self, status: str) -> list[int]:
            with uow.read() as s:
                return list(
                    s.execute(
                        select(FeeSweep.id).where(FeeSweep.id >= self.first_id, FeeSweep.status == status)
                    ).scalars()
                )

        def _move(self, status: str, index: int, act) -> None:
            ids = self._ids(status)
            if ids:
                with uow.transaction() as s:
                    act(s, ids[index % len(ids)])

        @rule(amount=st.integers(min_value=1, max_value=5 * TON))
        def fees_arrive(self, amount):
            collect_fees(uow, amount)
            self.collected += amount

        @rule(whole=st.integers(min_value=1, max_value=12))
        def operator_sets_the_threshold(self, whole):
            fee_sweeps.set_threshold(uow, operator, "TON", str(whole))

        @rule()
        def worker_round(self):
            fee_sweeps.sweep_due(uow, SETTINGS)

        @rule()
        def operator_sweeps_now(self):
            try:
                fee_sweeps.force_sweep(uow, operator, "TON", settings=SETTINGS)
            except SweepRefused as refused:
                assert refused.code == "sweep_nothing" and _balance(uow, FEES) == 0

        @rule(i=picks, seqno=st.integers(min_value=0, max_value=1000))
        def sender_signs(self, i, seqno):
            self._move(
                "pending",
                i,
                lambda s, sweep_id: fee_sweep_settlement.transition(
                    s, sweep_id, "pending", "sent", seqno=seqno, valid_until=0, message_hash=f"{sweep_id:064x}"
                ),
            )

        @rule(i=picks)
        def message_expires(self, i):
            self._move("sent", i, lambda s, sweep_id: fee_sweep_settlement.transition(s, sweep_id, "sent", "pending"))

        @rule(i=picks)
        def chain_confirms(self, i):
            self._move("sent", i, lambda s, sweep_id: fee_sweep_settlement.confirm(s, sweep_id, chain_tx_hash="ab"))

        @rule(i=picks)
        def last_attempt_expires(self, i):
            self._move(
                "sent",
                i,
                lambda s, sweep_id: fee_sweep_settlement.return_unsent(s, sweep_id, from_status="sent", failure="x"),
            )

        @rule(i=picks)
        def owner_bounces_it(self, i):
            self._move(
                "confirmed",
                i,
                lambda s, sweep_id: fee_sweep_settlement.return_bounced(s, sweep_id, bounce_tx_hash="cd"),
            )

        @invariant()
        def no_fee_lost_or_doubled(self):
            assert_invariants(uow)
            with uow.read() as s:
                rows = s.execute(select(FeeSweep.status, FeeSweep.amount).where(FeeSweep.id >= self.first_id)).all()
                in_flight = fee_sweeps.in_flight_sweeps(s).get("TON", 0)
            assert all(amount > 0 for _status, amount in rows)
            confirmed = sum(amount for status, amount in rows if status == "confirmed")
            assert _balance(uow, FEE_SWEEP) == in_flight
            assert _balance(uow, FEES) + in_flight + confirmed == self.start + self.collected

    run_state_machine_as_test(SweepMachine, settings=settings(max_examples=15, stateful_step_count=30, deadline=None))
