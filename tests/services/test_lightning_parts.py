"""A payment part paid from a Lightning wallet (services/lightning_parts.py) against the fake node, on
SQLite and PostgreSQL: the invoice, its settlement funding the part exactly once, expiry, and the sats
of a part that can no longer take them going to the payer's balance."""

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal
from functools import partial

import bolt11
import pytest
from builders import (
    INVOICE_SETTINGS,
    NOW,
    TON,
    NodeClock,
    assert_invariants,
    balances,
    lightning_liquidity,
    lightning_node,
    make_invoice,
    make_user,
    race,
)
from sqlalchemy import func, select

from krypton_app.domain.errors import InvalidState, KryptonError, NotFound
from krypton_app.domain.invoices import CANCELLED, COMPLETED, FUNDED, PENDING
from krypton_app.models import Account
from krypton_app.services import lightning_parts, payments
from krypton_app.services.lightning_parts import (
    msat_for_amount,
    pay_from_demo_wallet,
    settle_invoice,
    settle_lightning_invoices,
    start_lightning_part,
)
from krypton_app.services.operator_console import Liquidity, operator_console
from krypton_app.services.rates import StaticRateProvider
from krypton_app.settings import Settings
from krypton_app.workers.lightning_settle import run_lightning_settle

RATES = StaticRateProvider(INVOICE_SETTINGS.rates)  # TON/BTC 0.0000520: 1 TON = 5200 sat
SAT_PER_TON = 5200


@pytest.fixture
def clock():
    return NodeClock()


@pytest.fixture
def node(clock):
    return lightning_node(clock)


def started(uow, parts=("1",), **invoice_fields):
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


def start(uow, node, payer, payment, position=1, now=NOW):
    return start_lightning_part(
        uow, node, payer, payment.id, payment.parts[position - 1].id, rates=RATES, settings=INVOICE_SETTINGS, now=now
    )


def settle_all(uow, node, now=NOW):
    return settle_lightning_invoices(uow, node, settings=INVOICE_SETTINGS, rates=RATES, now=now)


def status_of(uow, payer, payment, position=None):
    view = payments.get_payment(uow, payer, payment.id, settings=INVOICE_SETTINGS)
    return view.status if position is None else view.parts[position - 1].status


def assert_conserved(uow):
    """No deposits in these tests: what users hold is what the Lightning liquidity gave out."""
    assert_invariants(uow)
    with uow.read() as s:
        users = s.execute(
            select(func.coalesce(func.sum(Account.balance), 0)).where(
                Account.user_id.is_not(None), Account.asset == "TON"
            )
        ).scalar_one()
    assert users + lightning_liquidity(uow) == 0


def test_the_invoice_asks_the_parts_worth_in_sats_signed_by_the_node(uow, node):
    payer, invoice, payment = started(uow, ("2",))
    issued = start(uow, node, payer, payment)
    decoded = bolt11.decode(issued.bolt11)
    assert decoded.payee == node.pubkey
    assert decoded.amount_msat == issued.amount_msat == 2 * SAT_PER_TON * 1000
    assert decoded.payment_hash == issued.payment_hash
    assert issued.expires_at == NOW + timedelta(seconds=INVOICE_SETTINGS.lightning_expiry_s)
    assert (issued.amount, issued.asset, issued.status, issued.rate) == (2 * TON, "TON", "open", "0.0000520")
    assert invoice.number in decoded.description


def test_the_parts_open_invoice_is_reused(uow, node):
    payer, _, payment = started(uow)
    first = start(uow, node, payer, payment)
    assert start(uow, node, payer, payment, now=NOW + timedelta(minutes=5)).id == first.id


def test_an_invoice_about_to_expire_is_replaced(uow, node, clock):
    payer, _, payment = started(uow)
    first = start(uow, node, payer, payment)
    clock.at = NOW + timedelta(minutes=14, seconds=30)
    assert start(uow, node, payer, payment, now=clock.at).id != first.id


def test_sats_round_up_to_the_payers_cost():
    # 1 nanoton at 0.0000520 BTC is 0.0052 sat: the payer pays one whole satoshi, never zero.
    assert msat_for_amount(1, 9, Decimal("0.0000520")) == 1000
    assert msat_for_amount(TON, 9, Decimal("0.0000520")) == SAT_PER_TON * 1000
    assert msat_for_amount(TON + 1, 9, Decimal("0.0000520")) == (SAT_PER_TON + 1) * 1000


def test_only_the_payer_of_a_pending_part_gets_an_invoice(uow, node):
    payer, _, payment = started(uow)
    with pytest.raises(NotFound):
        start(uow, node, make_user(uow), payment)
    payments.cancel_payment(uow, payer, payment.id, now=NOW)
    with pytest.raises(InvalidState):
        start(uow, node, payer, payment)


def test_lightning_is_off_in_production_with_the_fake_node(uow, node):
    payer, _, payment = started(uow)
    production = Settings(KRYPTON_ENV="production", KRYPTON_APP_URL="https://krypton.example")
    with pytest.raises(KryptonError) as refused:
        start_lightning_part(
            uow, node, payer, payment.id, payment.parts[0].id, rates=RATES, settings=production, now=NOW
        )
    assert refused.value.code == "lightning_disabled"


def test_a_settled_invoice_funds_its_part_once(uow, node):
    payer, _, payment = started(uow, ("1", "2"))
    issued = start(uow, node, payer, payment)
    assert settle_all(uow, node) == 0  # open: nothing yet
    node.demo_pay(issued.bolt11)
    assert settle_all(uow, node) == 1
    assert settle_all(uow, node) == 0  # seen settled again: nothing more
    assert status_of(uow, payer, payment, 1) == FUNDED
    assert balances(uow, payer) == (0, TON)
    assert lightning_liquidity(uow) == -TON
    assert_conserved(uow)


def test_the_last_part_settling_completes_the_payment(uow, node):
    payer, invoice, payment = started(uow, ("1", "2"))
    for position in (1, 2):
        node.demo_pay(start(uow, node, payer, payment, position).bolt11)
    assert settle_all(uow, node) == 2
    assert status_of(uow, payer, payment) == COMPLETED
    assert balances(uow, invoice.merchant_id) == (3 * TON, 0)
    assert balances(uow, payer) == (0, 0)
    assert lightning_liquidity(uow) == -3 * TON
    assert_conserved(uow)


def test_an_expired_invoice_leaves_the_part_unfunded(uow, node, clock):
    payer, _, payment = started(uow)
    issued = start(uow, node, payer, payment)
    clock.at = issued.expires_at
    assert settle_all(uow, node, now=clock.at) == 0
    views = lightning_parts.lightning_invoices_of(uow, payer, payment.id)
    assert views[payment.parts[0].id].status == "expired"
    assert status_of(uow, payer, payment, 1) == PENDING
    assert lightning_liquidity(uow) == 0
    # and a new one can be asked for
    assert start(uow, node, payer, payment, now=clock.at).id != issued.id


def test_an_invoice_the_node_forgot_expires_after_its_time(uow, node, clock):
    payer, _, payment = started(uow)
    start(uow, node, payer, payment)
    forgetful = lightning_node(clock)  # a restarted fake node: it never issued that invoice
    settle_all(uow, forgetful)
    assert lightning_parts.lightning_invoices_of(uow, payer, payment.id)[payment.parts[0].id].status == "open"
    later = NOW + timedelta(minutes=20)
    settle_all(uow, forgetful, now=later)
    assert lightning_parts.lightning_invoices_of(uow, payer, payment.id)[payment.parts[0].id].status == "expired"


def test_sats_arriving_after_the_payment_was_cancelled_go_to_the_payers_balance(uow, node):
    payer, _, payment = started(uow)
    issued = start(uow, node, payer, payment)
    payments.cancel_payment(uow, payer, payment.id, now=NOW)
    node.demo_pay(issued.bolt11)
    assert settle_all(uow, node) == 1
    assert status_of(uow, payer, payment) == CANCELLED
    assert balances(uow, payer) == (TON, 0)
    assert lightning_liquidity(uow) == -TON
    assert_conserved(uow)


def test_a_cancelled_payment_returns_a_lightning_part_to_the_balance(uow, node):
    payer, _, payment = started(uow, ("1", "2"))
    node.demo_pay(start(uow, node, payer, payment).bolt11)
    settle_all(uow, node)
    payments.cancel_payment(uow, payer, payment.id, now=NOW)
    assert balances(uow, payer) == (TON, 0)
    assert_conserved(uow)


def test_the_demo_wallet_pays_and_settles_at_once(uow, node):
    payer, _, payment = started(uow)
    issued = start(uow, node, payer, payment)
    with pytest.raises(NotFound):
        pay_from_demo_wallet(uow, node, make_user(uow), issued.id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW)
    paid = pay_from_demo_wallet(uow, node, payer, issued.id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW)
    assert paid.status == "settled"
    assert status_of(uow, payer, payment) == COMPLETED
    # a second click changes nothing
    pay_from_demo_wallet(uow, node, payer, issued.id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW)
    assert lightning_liquidity(uow) == -TON
    assert_conserved(uow)


def test_no_demo_wallet_with_a_real_node(uow, node):
    payer, _, payment = started(uow)
    issued = start(uow, node, payer, payment)
    lnd = INVOICE_SETTINGS.model_copy(update={"lightning": "lnd"})
    with pytest.raises(KryptonError) as refused:
        pay_from_demo_wallet(uow, node, payer, issued.id, settings=lnd, rates=RATES, now=NOW)
    assert refused.value.code == "lightning_demo_off"
    assert status_of(uow, payer, payment, 1) == PENDING


def test_racing_workers_fund_the_part_once(pg_uow, node):
    uow = pg_uow
    payer, _, payment = started(uow, ("1", "2"))
    issued = start(uow, node, payer, payment)
    node.demo_pay(issued.bolt11)
    settle = partial(settle_invoice, uow, node, issued.id, settings=INVOICE_SETTINGS, rates=RATES, now=NOW)
    results = race(settle, settle, settle)
    assert sorted(results) == [False, False, True], results
    assert balances(uow, payer) == (0, TON)
    assert lightning_liquidity(uow) == -TON
    assert_conserved(uow)


def test_the_worker_settles_a_paid_invoice(uow, node):
    payer, _, payment = started(uow)
    node.demo_pay(start(uow, node, payer, payment).bolt11)
    settings = INVOICE_SETTINGS.model_copy(update={"lightning_poll_s": 0.01})

    async def scenario():
        stop = asyncio.Event()
        worker = asyncio.create_task(
            run_lightning_settle(uow, node, settings=settings, rates=RATES, stop=stop, clock=lambda: NOW)
        )
        for _ in range(250):
            await asyncio.sleep(0.02)
            if status_of(uow, payer, payment) == COMPLETED:
                break
        stop.set()
        return await asyncio.wait_for(worker, 5)

    assert asyncio.run(scenario()) >= 1
    assert status_of(uow, payer, payment) == COMPLETED
    assert_conserved(uow)


def test_the_operator_console_shows_the_lightning_liquidity(uow, node):
    operator = make_user(uow, operator=True)
    assert operator_console(uow, operator).lightning_liquidity == []
    payer, _, payment = started(uow)
    node.demo_pay(start(uow, node, payer, payment).bolt11)
    settle_all(uow, node)
    assert operator_console(uow, operator).lightning_liquidity == [Liquidity("TON", 9, -TON)]
