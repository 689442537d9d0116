"""Every way to fund a part, mixed at random (issue 12): promises made, redeemed and cancelled; payments
of 1-3 parts funded from the balance, with a promise (change back as a new promise), by a Lightning
invoice settled through the fake node (sometimes twice, sometimes after the payment ended), by a P2P
deal released to the part (sometimes after the part was funded another way or the payment ended);
disputes decided by an operator (release, refund, split); payments cancelled, invoices (in TON or priced
in roubles at a moving rate, so parts are re-quoted) closed by the merchant or by their limit, time
passing with every worker.

After every step, on SQLite and PostgreSQL: the ledger's invariants hold; users' money (available and
held, where deal escrows and ad reserves live) plus the promise backing plus the Lightning liquidity is
exactly what was deposited; the backing holds exactly the active promises; every funded part has
exactly one source of money, and each arrival (a settled Lightning invoice, a released deal) went to
exactly one place; every completed payment credited its merchant exactly its amount."""

from __future__ import annotations

import uuid
from collections import Counter
from contextlib import suppress
from datetime import timedelta

from builders import (
    INVOICE_SETTINGS,
    NOW,
    RATES,
    SELL,
    TON,
    NodeClock,
    assert_invariants,
    balances,
    deposit,
    lightning_liquidity,
    lightning_node,
    make_invoice,
    make_promise,
    make_user,
    promise_backing,
)
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import func, select

from krypton_app.domain.errors import InsufficientFunds, KryptonError
from krypton_app.domain.ledger import AVAILABLE, HELD
from krypton_app.domain.promises import normalise_code
from krypton_app.lightning.base import LightningError
from krypton_app.models import Account, Deal, LedgerTransaction, Posting, Promise
from krypton_app.models.invoices import InvoicePayment, PaymentPart
from krypton_app.models.lightning import LightningInvoice
from krypton_app.services import (
    deal_timers,
    deals,
    disputes,
    invoices,
    lightning_parts,
    part_deals,
    payer_payments,
    payments,
    promises,
)
from krypton_app.services.ads import create_ad
from krypton_app.services.promise_parts import fund_part_from_promise, take_promise_codes
from krypton_app.services.promise_rows import code_hash
from krypton_app.services.rates import StaticRateProvider

S = INVOICE_SETTINGS
picks = st.integers(min_value=0, max_value=99)
tons = st.integers(min_value=1, max_value=5)
# Refusals a random step may meet; anything else is a failure.
REFUSED = {
    "insufficient_funds",
    "invalid_state",
    "part_not_pending",
    "part_deal_live",
    "invoice_closed",
    "invoice_expired",
    "invoice_limit_reached",
    "promise_too_small",
    "promise_redeemed",
    "promise_cancelled",
    "promise_expired",
    "promise_not_found",
    "ad_volume_exhausted",
    "ad_inactive",
    "ad_amount_out_of_range",
    "deal_state",
    "deal_payment_window_over",
    "deal_dispute_too_early",
    "quote_renewed",
    "payment_amount_invalid",
}


def test_every_way_to_fund_a_part_keeps_the_money(uow):
    deposited = [0]  # across examples: they share the database, so every check below is over all of it

    def put(user_id: int, amount: int) -> None:
        deposit(uow, user_id, amount)
        deposited[0] += amount

    class FundingMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.now = NOW
            self.rates = RATES  # TON/RUB moves (rate_moves): fiat-priced payments are re-quoted
            self.clock = NodeClock(NOW)
            self.node = lightning_node(self.clock)
            self.merchant, self.trader = make_user(uow), make_user(uow)
            self.operator = make_user(uow, operator=True)
            self.payers = [make_user(uow), make_user(uow)]
            for payer in self.payers:
                put(payer, 8 * TON)
            put(self.trader, 10 * TON)
            self.ad = create_ad(uow, self.trader, SELL, rates=RATES, idempotency_key=uuid.uuid4().hex).id
            self.invoices: list[tuple[str, list[str]]] = []  # (number, parts as decimal text)
            self.payments: list[tuple[int, int, list[int]]] = []  # (payment id, payer, part ids)
            self.codes: list[str] = []
            self.lightning: list[tuple[int, int, str]] = []  # (invoice id, payer, bolt11)
            self.deals: list[tuple[int, int]] = []  # (deal id, payer)
            self.completed: dict[int, int] = {}  # payment id -> amount, once completed

        # --- promises ---------------------------------------------------------------------------

        @rule(who=st.integers(0, 1), amount=tons, expiring=st.booleans())
        def create_promise(self, who, amount, expiring):
            expires = self.now + timedelta(minutes=15) if expiring else None
            try:
                made = make_promise(uow, self.payers[who], amount * TON, now=self.now, expires_at=expires)
            except InsufficientFunds:
                assert balances(uow, self.payers[who])[0] < amount * TON
                return
            self.codes.append(made.code)

        @precondition(lambda self: self.codes)
        @rule(pick=picks, who=st.integers(0, 1))
        def redeem_promise(self, pick, who):
            self.refusable(
                lambda: promises.redeem_promise(uow, self.payers[who], self.code(pick), settings=S, now=self.now)
            )

        @rule(pick=picks, who=st.integers(0, 1))
        def cancel_promise(self, pick, who):
            with uow.read() as s:
                ids = s.execute(select(Promise.id).where(Promise.issuer_id.in_(self.payers)).order_by(Promise.id))
                ids = ids.scalars().all()
            if ids:
                self.refusable(
                    lambda: promises.cancel_promise(uow, self.payers[who], self.pick(ids, pick), now=self.now)
                )

        # --- payments -----------------------------------------------------------------------------

        @rule(
            who=st.integers(0, 1),
            parts=st.lists(st.integers(1, 3), min_size=1, max_size=3),
            single=st.booleans(),
            fiat=st.booleans(),
            again=st.booleans(),
            pick=picks,
        )
        def start_payment(self, who, parts, single, fiat, again, pick):
            """A payment of a new invoice (of one payment or many; in TON or priced in roubles), or another
            payment of an earlier one."""
            if again and self.invoices:
                number, amounts = self.pick(self.invoices, pick)
            else:
                amounts = [str(p) for p in parts]
                fields = {"max_payments": 1} if single else {}
                if fiat:
                    rub = self.rates.rate("TON", "RUB") * sum(parts)
                    fields |= {"fiat_currency": "RUB", "fiat_amount": str(rub), "amount": None}
                else:
                    fields["amount"] = str(sum(parts))
                number = make_invoice(
                    uow, self.merchant, max_parts=len(parts), expires_in_s=3600, now=self.now, **fields
                ).number
                self.invoices.append((number, amounts))
            payer = self.payers[who]
            started = self.refusable(
                lambda: payments.start_payment(
                    uow,
                    payer,
                    number,
                    parts=amounts,
                    idempotency_key=uuid.uuid4().hex,
                    settings=S,
                    rates=self.rates,
                    now=self.now,
                )
            )
            if started is not None:
                self.payments.append((started.id, payer, [p.id for p in started.parts]))

        @precondition(lambda self: self.payments)
        @rule(pick=picks, part=picks)
        def fund_from_balance(self, pick, part):
            payment_id, payer, part_id = self.part(pick, part)
            self.refusable(
                lambda: payments.fund_part_from_balance(
                    uow, payer, payment_id, part_id, settings=S, rates=self.rates, now=self.now
                )
            )

        @precondition(lambda self: self.payments and self.codes)
        @rule(pick=picks, part=picks, code=picks)
        def fund_with_promise(self, pick, part, code):
            payment_id, payer, part_id = self.part(pick, part)
            self.refusable(
                lambda: fund_part_from_promise(
                    uow, payer, payment_id, part_id, self.code(code), settings=S, rates=self.rates, now=self.now
                )
            )

        @precondition(lambda self: self.payments)
        @rule(pick=picks)
        def cancel_payment(self, pick):
            payment_id, payer, _ = self.pick(self.payments, pick)
            self.refusable(lambda: payments.cancel_payment(uow, payer, payment_id, now=self.now))

        @precondition(lambda self: self.invoices)
        @rule(pick=picks)
        def merchant_closes_invoice(self, pick):
            number, _ = self.pick(self.invoices, pick)
            invoices.close_invoice(uow, self.merchant, number, now=self.now, settings=S)
            self.collect_codes()  # promise parts come back as new promises

        # --- Lightning ----------------------------------------------------------------------------

        @precondition(lambda self: self.payments)
        @rule(pick=picks, part=picks)
        def start_lightning(self, pick, part):
            payment_id, payer, part_id = self.part(pick, part)
            issued = self.refusable(
                lambda: lightning_parts.start_lightning_part(
                    uow, self.node, payer, payment_id, part_id, rates=self.rates, settings=S, now=self.now
                )
            )
            if issued is not None and issued.id not in [i for i, _, _ in self.lightning]:
                self.lightning.append((issued.id, payer, issued.bolt11))

        @precondition(lambda self: self.lightning)
        @rule(pick=picks, way=st.sampled_from(["demo_wallet", "worker", "round"]), twice=st.booleans())
        def wallet_pays_lightning(self, pick, way, twice):
            invoice_id, payer, bolt11 = self.pick(self.lightning, pick)
            for attempt in range(2 if twice else 1):
                if way == "demo_wallet":
                    # Refused when the node's invoice expired: the wallet cannot pay it.
                    with suppress(LightningError):
                        lightning_parts.pay_from_demo_wallet(
                            uow, self.node, payer, invoice_id, settings=S, rates=self.rates, now=self.now
                        )
                    continue
                with suppress(LightningError):  # paid already, or expired
                    self.node.demo_pay(bolt11)
                if way == "worker":
                    settled = lightning_parts.settle_invoice(
                        uow, self.node, invoice_id, settings=S, rates=self.rates, now=self.now
                    )
                    assert not (settled and attempt), "an invoice settled twice"
                else:
                    lightning_parts.settle_lightning_invoices(
                        uow, self.node, settings=S, rates=self.rates, now=self.now
                    )

        # --- fiat through a trader ----------------------------------------------------------------

        @precondition(lambda self: self.payments)
        @rule(pick=picks, part=picks)
        def open_part_deal(self, pick, part):
            payment_id, payer, part_id = self.part(pick, part)
            opened = self.refusable(
                lambda: part_deals.open_part_deal(
                    uow,
                    payer,
                    payment_id,
                    part_id,
                    self.ad,
                    method="sbp",
                    idempotency_key=uuid.uuid4().hex,
                    settings=S,
                    rates=self.rates,
                    now=self.now,
                )
            )
            if opened is not None:
                self.deals.append((opened.id, payer))

        @precondition(lambda self: self.deals)
        @rule(pick=picks)
        def payer_marks_paid(self, pick):
            deal_id, payer = self.deal(pick)
            self.refusable(lambda: deals.mark_fiat_sent(uow, payer, deal_id, now=self.now, settings=S))

        @precondition(lambda self: self.deals)
        @rule(pick=picks)
        def trader_releases(self, pick):
            deal_id, _ = self.deal(pick)
            self.refusable(lambda: deals.release(uow, self.trader, deal_id, now=self.now, settings=S, rates=self.rates))

        @precondition(lambda self: self.deals)
        @rule(pick=picks, outcome=st.sampled_from(["release", "refund", "split"]), share=st.sampled_from(["0.5", "1"]))
        def operator_decides(self, pick, outcome, share):
            """The payer waits the time a side must wait after "paid" and disputes (refused unless the deal
            is in "fiat sent"), an operator decides (refused unless disputed)."""
            deal_id, payer = self.deal(pick)
            self.now += timedelta(seconds=S.deal_dispute_after_s)
            self.clock.at = self.now
            self.refusable(lambda: disputes.open_dispute(uow, payer, deal_id, now=self.now))
            self.refusable(
                lambda: disputes.resolve_dispute(
                    uow,
                    self.operator,
                    deal_id,
                    outcome=outcome,
                    buyer_share=share if outcome == "split" else None,
                    now=self.now,
                    settings=S,
                    rates=self.rates,
                )
            )

        @precondition(lambda self: self.deals)
        @rule(pick=picks)
        def payer_cancels_deal(self, pick):
            deal_id, payer = self.deal(pick)
            self.refusable(lambda: deals.cancel(uow, payer, deal_id, now=self.now))

        # --- the rest -----------------------------------------------------------------------------

        @rule(minutes=st.sampled_from([1, 5, 16, 31]))
        def time_passes(self, minutes):
            """Every worker runs: invoices and promises expire, unfinished payments are cancelled,
            deal timers fire, the Lightning watcher looks at every open invoice."""
            self.now += timedelta(minutes=minutes)
            self.clock.at = self.now
            invoices.expire_invoices(uow, now=self.now)
            payer_payments.expire_unfinished_payments(uow, settings=S, now=self.now)
            promises.expire_promises(uow, now=self.now)
            deal_timers.run_timers(uow, now=self.now)
            lightning_parts.settle_lightning_invoices(uow, self.node, settings=S, rates=self.rates, now=self.now)
            self.collect_codes()

        @rule(rub=st.sampled_from(["420", "500", "350"]))
        def rate_moves(self, rub):
            self.rates = StaticRateProvider({**S.rates, "TON/RUB": rub})

        @rule(who=st.integers(0, 1), amount=tons)
        def deposit(self, who, amount):
            put(self.payers[who], amount * TON)

        # --- helpers ------------------------------------------------------------------------------

        @staticmethod
        def pick(items, index):
            return items[index % len(items)]

        def part(self, pick, part):
            """Mostly a part still waiting for money (a pending part of a pending payment), else any part."""
            payer_of = {p: payer for p, payer, _ in self.payments}
            with uow.read() as s:
                waiting = s.execute(
                    select(PaymentPart.payment_id, PaymentPart.id)
                    .join(InvoicePayment, InvoicePayment.id == PaymentPart.payment_id)
                    .where(
                        PaymentPart.payment_id.in_(payer_of),
                        PaymentPart.status == "pending",
                        InvoicePayment.status == "pending",
                    )
                    .order_by(PaymentPart.id)
                ).all()
            if waiting and part % 4:
                payment_id, part_id = self.pick(waiting, pick)
                return payment_id, payer_of[payment_id], part_id
            payment_id, payer, part_ids = self.pick(self.payments, pick)
            return payment_id, payer, self.pick(part_ids, part)

        def deal(self, pick):
            """Mostly a deal still in progress, else any deal (a finished one refuses)."""
            payer_of = dict(self.deals)
            with uow.read() as s:
                live = s.execute(
                    select(Deal.id).where(
                        Deal.id.in_(payer_of), Deal.status.in_(("escrow_locked", "fiat_sent", "disputed"))
                    )
                ).scalars()
                live = sorted(live)
            deal_id = self.pick(live if live and pick % 4 else sorted(payer_of), pick)
            return deal_id, payer_of[deal_id]

        def code(self, pick):
            """Mostly the code of an active promise, else any code seen (spent ones are refused)."""
            hashes = {code_hash(S, normalise_code(c)): c for c in self.codes}
            with uow.read() as s:
                active = s.execute(
                    select(Promise.code_hash).where(Promise.code_hash.in_(hashes), Promise.status == "active")
                ).scalars()
                active = sorted(hashes[h] for h in active)
            return self.pick(active if active and pick % 4 else self.codes, pick)

        def refusable(self, call):
            """The call's result, or None when it was refused with one of the expected codes. The codes of
            the promises any part gave back (change, refunds) are collected for later steps."""
            try:
                return call()
            except KryptonError as refusal:
                assert refusal.code in REFUSED, (refusal.code, refusal)
                return None
            finally:
                self.collect_codes()

        def collect_codes(self):
            with uow.read() as s:
                waiting = s.execute(
                    select(PaymentPart.payment_id)
                    .where(
                        PaymentPart.payment_id.in_([p for p, _, _ in self.payments] or [0]),
                        PaymentPart.promise_codes_sealed.is_not(None),
                    )
                    .distinct()
                ).scalars()
                waiting = list(waiting)
            owner = {p: payer for p, payer, _ in self.payments}
            for payment_id in waiting:
                self.codes += [c.code for c in take_promise_codes(uow, owner[payment_id], payment_id, settings=S)]

        # --- after every step ---------------------------------------------------------------------

        @invariant()
        def books_balance(self):
            assert_invariants(uow)
            with uow.read() as s:
                users = s.execute(
                    select(func.coalesce(func.sum(Account.balance), 0)).where(
                        Account.user_id.is_not(None), Account.asset == "TON"
                    )
                ).scalar_one()
                active = s.execute(
                    select(func.coalesce(func.sum(Promise.amount), 0)).where(
                        Promise.status == "active", Promise.asset == "TON"
                    )
                ).scalar_one()
            backing = promise_backing(uow)
            assert users + backing + lightning_liquidity(uow) == deposited[0]
            assert backing == active

        @invariant()
        def every_part_has_one_source(self):
            if not self.payments:
                return
            with uow.read() as s:
                payment_ids = [p for p, _, _ in self.payments]
                statuses = dict(
                    s.execute(
                        select(InvoicePayment.id, InvoicePayment.status).where(InvoicePayment.id.in_(payment_ids))
                    ).all()
                )
                amounts = dict(
                    s.execute(
                        select(InvoicePayment.id, InvoicePayment.amount).where(InvoicePayment.id.in_(payment_ids))
                    ).all()
                )
                parts = s.execute(select(PaymentPart).where(PaymentPart.payment_id.in_(payment_ids))).scalars().all()
                memos = {f"invoice payment {p.payment_id} part {p.id}": p.id for p in parts}
                holds = Counter(
                    memos[memo]
                    for memo in s.execute(
                        select(LedgerTransaction.memo).where(
                            LedgerTransaction.kind == "invoice_hold", LedgerTransaction.memo.in_(memos)
                        )
                    ).scalars()
                )
                part_deals_ = s.execute(
                    select(Deal.id, Deal.part_id, Deal.status, Deal.amount).where(
                        Deal.id.in_([d for d, _ in self.deals] or [0])
                    )
                ).all()
                payout_keys = {f"deal:{d.id}:{step}": d for d in part_deals_ for step in ("release", "resolve")}
                credited = credits(s, list(payout_keys))
                settles = credits(s, [f"invoice_part:{p.id}:settle" for p in parts])
                ln = s.execute(
                    select(LightningInvoice.id, LightningInvoice.part_id, LightningInvoice.status).where(
                        LightningInvoice.id.in_([i for i, _, _ in self.lightning] or [0])
                    )
                ).all()
                ln_keys = credits(s, [f"lightning:{i.id}" for i in ln] + [f"lightning:{i.id}:balance" for i in ln])
                promise_status = dict(
                    s.execute(select(Promise.id, Promise.status).where(Promise.issuer_id.in_(self.payers))).all()
                )
            by_id = {p.id: p for p in parts}
            payer_of = {p: payer for p, payer, _ in self.payments}

            # A deal's escrow reaches the payer once at most, when the trader or an operator releases it:
            # all of it into the part (the payer's held) or onto the payer's balance; a split's share
            # onto the balance only.
            deal_funds = Counter()
            for key, deal in payout_keys.items():
                part = by_id[deal.part_id]
                to_payer = [
                    (a, n) for a, n, _ in credited.get(key, []) if a.startswith(f"user:{payer_of[part.payment_id]}:")
                ]
                if deal.status not in ("released", "resolved"):
                    assert credited.get(key) is None, (deal, credited[key])
                assert sum(n for _, n in to_payer) <= deal.amount, (deal, to_payer)
                into_part = [n for a, n in to_payer if a.endswith(f":{HELD}")]
                if into_part:
                    assert into_part == [deal.amount] and part.funding_ref == f"deal:{deal.id}", (deal, part)
                    deal_funds[part.id] += 1
                if deal.status == "released" and key.endswith(":release"):
                    assert [n for _, n in to_payer] == [deal.amount], (deal, to_payer)

            # A settled Lightning invoice funds its part or the payer's balance, once.
            for invoice in ln:
                funded = credited_once(ln_keys, f"lightning:{invoice.id}")
                to_balance = credited_once(ln_keys, f"lightning:{invoice.id}:balance")
                if invoice.status != "settled":
                    assert not funded and not to_balance, invoice
                    continue
                assert funded != to_balance, invoice
                assert funded == (by_id[invoice.part_id].funding_ref == f"lightning:{invoice.id}")

            for part in parts:
                payment_status = statuses[part.payment_id]
                sources = (holds[part.id], deal_funds[part.id])
                if part.status == "pending":
                    assert sources == (0, 0) and part.funding_ref is None, part
                    assert payment_status != "completed", part
                    continue
                # Exactly one source, never funded twice: a hold of the part, or the release of its deal.
                assert sources == ((0, 1) if part.method == "fiat_deal" else (1, 0)), (part, sources)
                assert funding_ref_of(part) == part.funding_ref, part
                if part.method == "promise":
                    assert promise_status[int(part.funding_ref.split(":")[1])] == "redeemed"
                settled = settles.get(f"invoice_part:{part.id}:settle", [])
                if part.status == "funded":
                    assert payment_status == "pending" and settled == [], part
                elif part.status == "captured":
                    merchant = f"user:{self.merchant}:TON:{AVAILABLE}"
                    assert payment_status == "completed" and settled == [(merchant, part.amount, "invoice_payment")]
                else:
                    assert part.status == "returned" and payment_status in ("cancelled", "refunded"), part
                    assert [kind for _, _, kind in settled] == ["invoice_refund"]

            # A completed payment credited its merchant exactly its amount, and stays completed.
            for payment_id, status in statuses.items():
                mine = [p for p in parts if p.payment_id == payment_id]
                if status == "completed":
                    assert {p.status for p in mine} == {"captured"}
                    assert sum(p.amount for p in mine) == amounts[payment_id]
                    self.completed.setdefault(payment_id, amounts[payment_id])
                else:
                    assert payment_id not in self.completed, payment_id
            assert balances(uow, self.merchant) == (sum(self.completed.values()), 0)

    run_state_machine_as_test(FundingMachine, settings=settings(max_examples=10, stateful_step_count=35, deadline=None))


def credits(s, keys: list[str]) -> dict[str, list[tuple[str, int, str]]]:
    """Ledger key -> the (account key, amount, kind) its transaction credited."""
    found: dict[str, list[tuple[str, int, str]]] = {}
    if not keys:
        return found
    rows = s.execute(
        select(LedgerTransaction.idempotency_key, Account.key, Posting.amount, LedgerTransaction.kind)
        .join(Posting, Posting.transaction_id == LedgerTransaction.id)
        .join(Account, Account.id == Posting.account_id)
        .where(LedgerTransaction.idempotency_key.in_(keys), Posting.amount > 0)
    ).all()
    for key, account, amount, kind in rows:
        found.setdefault(key, []).append((account, amount, kind))
    return found


def credited_once(found: dict, key: str) -> bool:
    assert len(found.get(key, [])) <= 1, found[key]
    return key in found


def funding_ref_of(part) -> str:
    """The reference each source leaves on the part it funded (what the ledger checks above tie to it)."""
    prefix = {"balance": "invoice_part:", "promise": "promise:", "lightning": "lightning:", "fiat_deal": "deal:"}
    ref = part.funding_ref or ""
    assert ref.startswith(prefix[part.method]), part
    if part.method == "balance":
        assert ref == f"invoice_part:{part.id}:hold"
    return ref
