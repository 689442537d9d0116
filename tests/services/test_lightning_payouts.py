"""Lightning payouts paid by the platform's node (the fake one, through the real LND REST adapter):
the worker's round sends each once, records the preimage and moves the Lightning liquidity; a refusal
refunds once; an unknown outcome keeps the hold until the node knows. SQLite and PostgreSQL."""

import asyncio
import hashlib
import uuid
from datetime import timedelta

import pytest
from builders import (
    NOW,
    PAYOUT_RATES,
    TON,
    USDT,
    CountingNode,
    NodeClock,
    assert_invariants,
    balances,
    bitcoin_payout,
    deposit,
    lightning_invoice,
    lightning_liquidity,
    lightning_node,
    lnd_over_rest,
    make_users,
    payout_settings,
    race,
)
from sqlalchemy import select, update

from krypton_app.domain.errors import InvalidState
from krypton_app.domain.ledger import FEES, system_account_key
from krypton_app.models import Account, Payout
from krypton_app.payouts.lightning_node import LIGHTNING_NODE, lightning_payout_provider
from krypton_app.payouts.operator_queue import OPERATOR_QUEUE
from krypton_app.services.lightning_payouts import STALE_CLAIM, routing_fee_limit_msat, send_lightning_payouts
from krypton_app.services.operator_console import operator_console
from krypton_app.services.payout_queue import list_payout_queue, mark_payout_paid, reject_payout
from krypton_app.services.payouts import cancel_payout, list_user_payouts, request_lightning_payout
from krypton_app.settings import Settings
from krypton_app.state.views import payout_row
from krypton_app.workers.lightning_payouts import run_lightning_payouts

REGTEST = payout_settings("regtest")
MSAT = 1_500_500
COST = 1_429_048  # USDT minor units for MSAT at PAYOUT_RATES (test_payouts checks the conversion)


@pytest.fixture
def clock():
    return NodeClock()


@pytest.fixture
def node(clock):
    return lightning_node(clock)


@pytest.fixture
def lnd(node):
    return CountingNode(lnd_over_rest(node))


@pytest.fixture
def people(uow):
    (alice,) = make_users(uow, 1)
    (operator,) = make_users(uow, 1, operator=True)
    deposit(uow, alice, 10 * USDT, "USDT")
    deposit(uow, alice, 10 * TON, "TON")
    return alice, operator


def pay_out(uow, user_id, invoice, provider=LIGHTNING_NODE):
    return request_lightning_payout(
        uow,
        user_id,
        asset="USDT",
        invoice=invoice,
        idempotency_key=str(uuid.uuid4()),
        rates=PAYOUT_RATES,
        settings=REGTEST,
        now=int(NOW.timestamp()),
        provider=provider,
    )


def fees(uow) -> int:
    with uow.read() as s:
        key = system_account_key(FEES, "USDT")
        return s.execute(select(Account.balance).where(Account.key == key)).scalar_one_or_none() or 0


def test_a_node_payout_is_sent_once_with_its_preimage_and_moves_the_lightning_liquidity(uow, people, node, lnd):
    alice, operator = people
    invoice = node.create_invoice(MSAT, "coffee", 600)
    payout = pay_out(uow, alice, invoice.bolt11)
    assert payout.status == "sending"
    assert balances(uow, alice, "USDT") == (10 * USDT - COST - USDT, COST + USDT)
    # Not the operator's to pay, nor its owner's to cancel, while the node has it.
    assert list_payout_queue(uow, operator) == []
    console = operator_console(uow, operator)
    assert (console.payouts, [p.id for p in console.node_payouts]) == ([], [payout.id])
    with pytest.raises(InvalidState):
        mark_payout_paid(uow, operator, payout.id, reference=node.raw(invoice.payment_hash).preimage)
    with pytest.raises(InvalidState):
        reject_payout(uow, operator, payout.id, reason="no")
    with pytest.raises(InvalidState):
        cancel_payout(uow, alice, payout.id)
    assert lnd.sent == []  # submit never called the node

    assert send_lightning_payouts(uow, lnd, now=NOW) == 1
    (paid,) = list_user_payouts(uow, alice)
    assert paid.status == "paid"
    assert hashlib.sha256(bytes.fromhex(paid.reference)).hexdigest() == invoice.payment_hash
    assert node.lookup_invoice(invoice.payment_hash).state == "settled"
    assert balances(uow, alice, "USDT") == (10 * USDT - COST - USDT, 0)
    # The account mirrors the node like `external` mirrors the outside: sats arriving at the node made it
    # negative (test_lightning_parts), sats leaving it move it back up.
    assert lightning_liquidity(uow, "USDT") == COST
    assert fees(uow) == USDT
    assert send_lightning_payouts(uow, lnd, now=NOW) == 0
    assert lnd.sent == [invoice.bolt11]
    assert operator_console(uow, operator).node_payouts == []
    # Now paid, the operator's buttons find it ended.
    with pytest.raises(InvalidState):
        reject_payout(uow, operator, payout.id, reason="no")
    row = payout_row(paid, "en")
    assert (row.status_key, row.reference_key, row.note_key) == ("status.paid", "recent.preimage", "")
    assert_invariants(uow)


def test_a_refusal_by_the_node_refunds_once(uow, people, node, lnd):
    alice, _ = people
    # An invoice of another node: the fake node finds no route to it.
    payout = pay_out(uow, alice, lightning_invoice(date=int(NOW.timestamp())))
    assert send_lightning_payouts(uow, lnd, now=NOW) == 1
    (failed,) = list_user_payouts(uow, alice)
    assert failed.status == "failed" and failed.reject_reason
    assert balances(uow, alice, "USDT") == (10 * USDT, 0)
    assert lightning_liquidity(uow, "USDT") == 0 and fees(uow) == 0
    assert send_lightning_payouts(uow, lnd, now=NOW + STALE_CLAIM * 2) == 0
    assert lnd.sent == [failed.destination]
    assert payout_row(failed, "ru").note_key == "recent.note.failed"
    assert payout.id == failed.id
    assert_invariants(uow)


def test_an_unknown_outcome_keeps_the_hold_until_a_later_round_knows(uow, people, node, lnd):
    alice, _ = people
    invoice = node.create_invoice(MSAT, "coffee", 600)
    pay_out(uow, alice, invoice.bolt11)
    node.stall_payments = True  # the send ends without a final state, like LND's stream at its timeout
    assert send_lightning_payouts(uow, lnd, now=NOW) == 0
    (sending,) = list_user_payouts(uow, alice)
    assert sending.status == "sending"
    assert payout_row(sending, "en").note_key == "recent.note.sending"
    # Still in flight at the node: looked up, never refunded, never sent again.
    for later in (NOW + timedelta(seconds=5), NOW + STALE_CLAIM * 3):
        assert send_lightning_payouts(uow, lnd, now=later) == 0
    assert balances(uow, alice, "USDT") == (10 * USDT - COST - USDT, COST + USDT)
    assert lnd.sent == [invoice.bolt11]

    node.finish_stalled()
    assert send_lightning_payouts(uow, lnd, now=NOW + STALE_CLAIM * 4) == 1
    (paid,) = list_user_payouts(uow, alice)
    assert paid.status == "paid" and paid.reference == node.raw(invoice.payment_hash).preimage
    assert lightning_liquidity(uow, "USDT") == COST
    assert lnd.sent == [invoice.bolt11]
    assert_invariants(uow)


def test_a_stalled_payment_that_fails_at_the_node_refunds(uow, people, node, clock, lnd):
    alice, _ = people
    invoice = node.create_invoice(MSAT, "coffee", 600)
    pay_out(uow, alice, invoice.bolt11)
    node.stall_payments = True
    send_lightning_payouts(uow, lnd, now=NOW)
    clock.at = NOW + timedelta(seconds=601)  # the invoice expires while the payment is in flight
    node.finish_stalled()
    assert send_lightning_payouts(uow, lnd, now=NOW + timedelta(seconds=602)) == 1
    assert list_user_payouts(uow, alice)[0].status == "failed"
    assert balances(uow, alice, "USDT") == (10 * USDT, 0)
    assert_invariants(uow)


def test_a_claim_whose_worker_died_before_sending_is_sent_after_it_went_stale(uow, people, node, lnd):
    alice, _ = people
    invoice = node.create_invoice(MSAT, "coffee", 3600)
    payout = pay_out(uow, alice, invoice.bolt11)
    with uow.transaction() as s:  # a worker claimed it and died before the node heard of it
        s.execute(update(Payout).where(Payout.id == payout.id).values(claimed_at=NOW))
    assert send_lightning_payouts(uow, lnd, now=NOW + timedelta(seconds=30)) == 0
    assert lnd.sent == []  # too recent: its worker may be sending it right now
    assert send_lightning_payouts(uow, lnd, now=NOW + STALE_CLAIM) == 1
    assert list_user_payouts(uow, alice)[0].status == "paid"
    assert lnd.sent == [invoice.bolt11]
    assert_invariants(uow)


def test_a_claim_never_sent_whose_invoice_expired_is_refunded_not_sent(uow, people, node, lnd):
    alice, _ = people
    invoice = node.create_invoice(MSAT, "coffee", 600)
    payout = pay_out(uow, alice, invoice.bolt11)
    with uow.transaction() as s:  # claimed, and the node never heard of it (a refused or lost send)
        s.execute(update(Payout).where(Payout.id == payout.id).values(claimed_at=NOW))
    assert send_lightning_payouts(uow, lnd, now=NOW + timedelta(seconds=601) + STALE_CLAIM) == 1
    (failed,) = list_user_payouts(uow, alice)
    assert (failed.status, failed.reject_reason) == ("failed", "the invoice expired before it was paid")
    assert balances(uow, alice, "USDT") == (10 * USDT, 0)
    assert lnd.sent == []
    assert_invariants(uow)


def test_bitcoin_payouts_and_lightning_without_a_node_stay_with_the_operator(uow, people, node, lnd):
    alice, operator = people
    assert lightning_payout_provider(True) is LIGHTNING_NODE
    assert lightning_payout_provider(False) is OPERATOR_QUEUE
    btc = bitcoin_payout(uow, alice, "1", settings=REGTEST, address="bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")
    by_hand = pay_out(uow, alice, node.create_invoice(MSAT, "tea", 600).bolt11, provider=OPERATOR_QUEUE)
    assert (btc.status, by_hand.status) == ("queued", "queued")
    assert send_lightning_payouts(uow, lnd, now=NOW) == 0
    assert lnd.sent == []
    assert {p.id for p in list_payout_queue(uow, operator)} == {btc.id, by_hand.id}
    with pytest.raises(ValueError), uow.transaction() as s:
        LIGHTNING_NODE.submit(s, btc.id)  # the node pays invoices only


def test_the_node_pays_lightning_payouts_when_it_can_pay_the_networks_invoices():
    def node_pays(**values) -> bool:
        return Settings(_env_file=None, **values).lightning_node_payouts

    # The fake node pays only its own (regtest) invoices, and never in production.
    assert node_pays(KRYPTON_LIGHTNING="fake", KRYPTON_BTC_NETWORK="regtest")
    assert not node_pays(KRYPTON_LIGHTNING="fake", KRYPTON_BTC_NETWORK="mainnet")
    production = {"KRYPTON_ENV": "production", "KRYPTON_SECRET_KEY": "p" * 48, "KRYPTON_BTC_NETWORK": "regtest"}
    assert not node_pays(KRYPTON_LIGHTNING="fake", **production)
    lnd = {"KRYPTON_LIGHTNING": "lnd", "KRYPTON_LND_URL": "https://lnd:8080", "KRYPTON_LND_MACAROON": "00"}
    assert node_pays(**lnd, **production)
    assert node_pays(**lnd, KRYPTON_BTC_NETWORK="mainnet")


def test_routing_fee_limit_is_the_payout_fee_in_msat():
    assert routing_fee_limit_msat(USDT, "0.00105") == 1_050_000  # 1 USDT at 0.0000105 BTC
    assert routing_fee_limit_msat(0, "0.00105") == 0


def test_two_workers_racing_pay_each_payout_once(pg_uow, node):
    uow = pg_uow
    users = make_users(uow, 3)
    invoices = []
    for user in users:
        deposit(uow, user, 10 * USDT, "USDT")
        invoice = node.create_invoice(MSAT, "coffee", 600)
        pay_out(uow, user, invoice.bolt11)
        invoices.append(invoice.bolt11)
    lnd = CountingNode(lnd_over_rest(node))
    ended = race(lambda: send_lightning_payouts(uow, lnd, now=NOW), lambda: send_lightning_payouts(uow, lnd, now=NOW))
    assert sum(ended) == 3
    assert sorted(lnd.sent) == sorted(invoices)
    assert [list_user_payouts(uow, u)[0].status for u in users] == ["paid"] * 3
    assert lightning_liquidity(uow, "USDT") == 3 * COST
    assert_invariants(uow)


def test_the_worker_loop_pays_a_node_payout(uow, people, node, lnd):
    alice, _ = people
    invoice = node.create_invoice(MSAT, "coffee", 600)
    pay_out(uow, alice, invoice.bolt11)
    settings = Settings(_env_file=None, KRYPTON_LIGHTNING_POLL_S=0.05)

    async def scenario() -> int:
        stop = asyncio.Event()
        worker = asyncio.create_task(run_lightning_payouts(uow, lnd, settings=settings, stop=stop))
        for _ in range(250):
            await asyncio.sleep(0.02)
            if list_user_payouts(uow, alice)[0].status == "paid":
                break
        stop.set()
        return await asyncio.wait_for(worker, 5)

    assert asyncio.run(scenario()) >= 1
    assert list_user_payouts(uow, alice)[0].status == "paid"
    assert lnd.sent == [invoice.bolt11]
    assert_invariants(uow)
