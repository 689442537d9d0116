"""Bitcoin and Lightning payouts through the operator queue, on SQLite and PostgreSQL."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from builders import (
    LIGHTNING_PREIMAGE,
    PAYOUT_RATES,
    TAPROOT,
    TON,
    USDT,
    balances,
    bitcoin_payout,
    deposit,
    lightning_invoice,
    make_users,
    payout_settings,
    race,
)
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from krypton_app.domain.errors import (
    Forbidden,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    InvalidDestination,
    InvalidState,
    KryptonError,
    NotFound,
)
from krypton_app.models import Account, Payout
from krypton_app.payouts.validation import InvalidPayoutReference
from krypton_app.services import ledger_reads
from krypton_app.services.payout_queue import list_payout_queue, mark_payout_paid, reject_payout
from krypton_app.services.payout_quotes import (
    amount_for_btc,
    amount_for_msat,
    btc_for_amount,
    quote_bitcoin_payout,
    quote_lightning_payout,
    sat_for_amount,
)
from krypton_app.services.payouts import cancel_payout, list_user_payouts, request_lightning_payout
from krypton_app.services.rates import RateUnavailable, StaticRateProvider
from krypton_app.settings import Settings

TESTNET_ADDRESS = "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"
RATES = PAYOUT_RATES
NOW = 1_700_000_000
PREIMAGE = LIGHTNING_PREIMAGE


MAINNET = payout_settings()
REGTEST = payout_settings("regtest")


def system_balance(uow, key):
    with uow.read() as s:
        return s.execute(select(Account.balance).where(Account.key == key)).scalar_one_or_none() or 0


def invariants_ok(uow):
    report = ledger_reads.check_invariants(uow)
    assert report.ok, report.violations
    return True


@pytest.fixture
def people(uow):
    alice, bob = make_users(uow, 2)
    (operator,) = make_users(uow, 1, operator=True)
    deposit(uow, alice, 10 * TON, "TON")
    deposit(uow, alice, 10 * USDT, "USDT")
    return alice, bob, operator


def ln(uow, user_id, invoice=None, key=None, now=NOW, asset="USDT"):
    return request_lightning_payout(
        uow,
        user_id,
        asset=asset,
        invoice=invoice or lightning_invoice(),
        idempotency_key=key or str(uuid.uuid4()),
        rates=RATES,
        settings=REGTEST,
        now=now,
    )


# --- conversions ---------------------------------------------------------------------------------


def test_conversions_round_for_the_platform():
    rate = Decimal("0.0000520")
    assert sat_for_amount(TON, 9, rate) == 5200
    assert sat_for_amount(TON + 192, 9, rate) == 5200  # 5200.00099… sat: the fraction stays
    # 1,500,500 msat at 0.0000105 BTC per USDT = 1.4290476… USDT: the user pays the next micro-USDT.
    assert amount_for_msat(1_500_500, 6, Decimal("0.0000105")) == 1_429_048
    assert amount_for_msat(1_050_000, 6, Decimal("0.0000105")) == USDT  # exactly 1 USDT: no rounding


@given(
    msat=st.integers(1, 10**15),
    decimals=st.sampled_from([6, 9]),
    rate=st.decimals(min_value=Decimal("1e-12"), max_value=Decimal("1e3"), places=12),
)
def test_lightning_cost_covers_the_invoice_and_overcharges_less_than_one_minor_unit(msat, decimals, rate):
    if rate <= 0:
        return
    minor = amount_for_msat(msat, decimals, rate)
    value_msat = lambda m: Fraction(m) * Fraction(rate) * 10**11 / 10**decimals  # noqa: E731
    assert value_msat(minor) >= msat > value_msat(minor - 1)


@given(
    minor=st.integers(0, 10**18),
    decimals=st.sampled_from([6, 9]),
    rate=st.decimals(min_value=Decimal("1e-12"), max_value=Decimal("1e3"), places=12),
)
def test_bitcoin_payout_sends_the_floor(minor, decimals, rate):
    exact = Fraction(minor) * Fraction(rate) * 10**8 / 10**decimals
    assert 0 <= exact - sat_for_amount(minor, decimals, rate) < 1


def test_an_amount_typed_in_btc_costs_the_least_asset_that_sends_it(uow):
    rate = Decimal("0.0000520")
    # 0.00052 BTC at 0.0000520 BTC per TON is exactly 10 TON.
    assert amount_for_btc(uow, asset="TON", btc="0.00052", rates=RATES) == 10 * TON
    # One satoshi more: the next nano-TON up sends it; one nano-TON less would not.
    minor = amount_for_btc(uow, asset="TON", btc="0.00052001", rates=RATES)
    assert sat_for_amount(minor, 9, rate) >= 52_001 > sat_for_amount(minor - 1, 9, rate)
    # And back: what an amount of the asset sends, rounded down to the satoshi.
    assert btc_for_amount(uow, asset="TON", amount="9.9", rates=RATES) == 51_480
    assert btc_for_amount(uow, asset="USDT", amount="19", rates=RATES) == 19_950
    with pytest.raises(InvalidAmount) as refused:
        amount_for_btc(uow, asset="TON", btc="0.000000001", rates=RATES)
    assert (refused.value.code, refused.value.details["decimals"]) == ("amount_too_many_decimals", 8)
    with pytest.raises(RateUnavailable):
        btc_for_amount(uow, asset="TON", amount="1", rates=StaticRateProvider({}))


# --- Bitcoin -------------------------------------------------------------------------------------


def test_bitcoin_quote(uow, people):
    alice, *_ = people
    quote = quote_bitcoin_payout(
        uow, alice, asset="TON", address=TAPROOT.upper(), amount="1", rates=RATES, settings=MAINNET
    )
    assert (quote.network, quote.destination, quote.asset, quote.decimals) == ("bitcoin", TAPROOT, "TON", 9)
    assert (quote.amount, quote.fee, quote.total, quote.amount_sat) == (TON, TON // 10, TON + TON // 10, 5200)
    assert quote.rate == "0.0000520"
    assert quote.expires_at is None and quote.description is None
    assert balances(uow, alice) == (10 * TON, 0)  # a quote moves nothing


def test_bitcoin_quote_refusals(uow, people):
    alice, bob, _ = people

    def code(**kwargs):
        args = {"asset": "TON", "address": TAPROOT, "amount": "1", "rates": RATES, "settings": MAINNET} | kwargs
        with pytest.raises(KryptonError) as caught:
            quote_bitcoin_payout(uow, kwargs.pop("user", alice), **args)
        return type(caught.value), caught.value.code

    assert code(amount="9.95") == (InsufficientFunds, "insufficient_funds")  # 9.95 + 0.1 fee > 10
    with pytest.raises(InsufficientFunds):
        quote_bitcoin_payout(uow, bob, asset="TON", address=TAPROOT, amount="1", rates=RATES, settings=MAINNET)
    assert code(amount="0.01") == (InvalidAmount, "payout_too_small")  # 520 sat: dust
    assert code(amount="-1") == (InvalidAmount, "amount_negative")
    assert code(address="bc1qnope") == (InvalidDestination, "bitcoin_address_invalid")
    assert code(address=TESTNET_ADDRESS) == (InvalidDestination, "bitcoin_address_network")
    assert code(asset="DOGE") == (NotFound, "not_found")
    assert code(rates=StaticRateProvider({})) == (RateUnavailable, "rate_unavailable")
    no_fee = Settings(KRYPTON_PAYOUT_FEES={"USDT": USDT})
    assert code(settings=no_fee) == (KryptonError, "payout_asset_unsupported")


def test_bitcoin_request_holds_amount_and_fee_once_per_key(uow, people):
    alice, *_ = people
    payout = bitcoin_payout(uow, alice, "1", key="k1")
    assert (payout.status, payout.network, payout.destination, payout.amount, payout.fee) == (
        "queued",
        "bitcoin",
        TAPROOT,
        TON,
        TON // 10,
    )
    assert payout.amount_sat == 5200 and payout.user_id == alice
    assert payout.created_at.tzinfo is not None
    assert balances(uow, alice) == (10 * TON - 1_100_000_000, 1_100_000_000)

    assert bitcoin_payout(uow, alice, "1", key="k1") == payout  # the retry gets the first payout, no second hold
    assert balances(uow, alice) == (10 * TON - 1_100_000_000, 1_100_000_000)
    with pytest.raises(IdempotencyConflict):
        bitcoin_payout(uow, alice, "2", key="k1")
    with uow.read() as s:
        row = s.get(Payout, payout.id)
        assert (row.provider, row.rate, row.idempotency_key) == ("operator_queue", "0.00000520", f"user:{alice}:k1")
    assert invariants_ok(uow)


def test_one_users_key_does_not_touch_anothers(uow, people):
    alice, bob, _ = people
    deposit(uow, bob, 5 * TON, "TON")
    first = bitcoin_payout(uow, alice, "1", key="same")
    second = bitcoin_payout(uow, bob, "1", key="same")
    assert first.id != second.id and second.user_id == bob


def test_a_request_beyond_the_balance_leaves_nothing_behind(uow, people):
    alice, *_ = people
    with pytest.raises(InsufficientFunds):
        bitcoin_payout(uow, alice, "9.95")
    assert list_user_payouts(uow, alice) == []
    assert balances(uow, alice) == (10 * TON, 0)


# --- Lightning -----------------------------------------------------------------------------------


def test_lightning_quote_and_request(uow, people):
    alice, *_ = people
    invoice = lightning_invoice()
    quote = quote_lightning_payout(uow, alice, asset="USDT", invoice=invoice, rates=RATES, settings=REGTEST, now=NOW)
    assert (quote.network, quote.amount, quote.fee, quote.total) == ("lightning", 1_429_048, USDT, 2_429_048)
    assert quote.amount_sat == 1501  # 1,500,500 msat shown as whole satoshi
    assert quote.expires_at == datetime.fromtimestamp(NOW + 600, UTC)
    assert quote.description == "coffee"

    payout = ln(uow, alice, invoice.upper(), key="ln-1")
    assert (payout.destination, payout.amount, payout.status) == (invoice, 1_429_048, "queued")
    assert balances(uow, alice, "USDT") == (10 * USDT - 2_429_048, 2_429_048)
    # A retry after the invoice expired still answers with the first payout.
    assert ln(uow, alice, invoice, key="ln-1", now=NOW + 10_000) == payout
    with pytest.raises(IdempotencyConflict):
        ln(uow, alice, lightning_invoice(msat=2_000_000), key="ln-1")
    assert invariants_ok(uow)


def test_lightning_refusals(uow, people):
    alice, *_ = people

    def code(invoice, now=NOW):
        with pytest.raises(KryptonError) as caught:
            ln(uow, alice, invoice, now=now)
        return caught.value.code

    assert code("lnbcrt1garbage") == "lightning_invoice_invalid"
    assert code(lightning_invoice(), now=NOW + 600) == "lightning_invoice_expired"
    assert code(lightning_invoice(currency="bc")) == "lightning_invoice_network"
    assert code(lightning_invoice(msat=100 * 10**11)) == "insufficient_funds"  # 100 BTC
    assert balances(uow, alice, "USDT") == (10 * USDT, 0)


def test_an_invoice_is_queued_only_once_until_rejected(uow, people):
    alice, _, operator = people
    invoice = lightning_invoice()
    first = ln(uow, alice, invoice)
    with pytest.raises(InvalidDestination) as caught:
        ln(uow, alice, invoice)
    assert caught.value.code == "lightning_invoice_already_used"
    assert balances(uow, alice, "USDT")[1] == first.amount + first.fee  # the refused one held nothing
    reject_payout(uow, operator, first.id, reason="node offline")
    assert ln(uow, alice, invoice).status == "queued"


# --- operator ------------------------------------------------------------------------------------


def test_only_operators_see_and_decide(uow, people):
    alice, bob, _ = people
    payout = bitcoin_payout(uow, alice)
    for call in (
        lambda: list_payout_queue(uow, alice),
        lambda: mark_payout_paid(uow, bob, payout.id, reference="ab" * 32),
        lambda: reject_payout(uow, alice, payout.id, reason="mine"),
        lambda: list_payout_queue(uow, 999_999),
    ):
        with pytest.raises(Forbidden):
            call()
    assert list_user_payouts(uow, bob) == []
    assert [p.id for p in list_user_payouts(uow, alice)] == [payout.id]
    assert balances(uow, alice)[1] == TON + TON // 10


def test_queue_lists_oldest_first_and_by_status(uow, people):
    alice, _, operator = people
    first, second, third = bitcoin_payout(uow, alice), bitcoin_payout(uow, alice), bitcoin_payout(uow, alice)
    assert [p.id for p in list_payout_queue(uow, operator)] == [first.id, second.id, third.id]
    mark_payout_paid(uow, operator, first.id, reference="ab" * 32)
    reject_payout(uow, operator, second.id, reason="sanctioned address")
    assert [p.id for p in list_payout_queue(uow, operator)] == [third.id]
    assert [p.id for p in list_payout_queue(uow, operator, status="paid")] == [first.id]
    assert [p.id for p in list_payout_queue(uow, operator, status="rejected")] == [second.id]
    assert [p.id for p in list_user_payouts(uow, alice)] == [third.id, second.id, first.id]


def test_mark_bitcoin_paid_sends_amount_out_and_fee_to_fees(uow, people):
    alice, _, operator = people
    payout = bitcoin_payout(uow, alice, "2")
    paid = mark_payout_paid(uow, operator, payout.id, reference=" " + "AB" * 32)
    assert (paid.status, paid.reference) == ("paid", "ab" * 32)
    assert balances(uow, alice) == (10 * TON - 2 * TON - TON // 10, 0)
    assert system_balance(uow, "system:fees:TON") == TON // 10
    assert system_balance(uow, "system:external:TON") == -10 * TON + 2 * TON
    # A second click with the same txid is the same result; anything else is refused.
    assert mark_payout_paid(uow, operator, payout.id, reference="ab" * 32) == paid
    with pytest.raises(InvalidState):
        mark_payout_paid(uow, operator, payout.id, reference="cd" * 32)
    with pytest.raises(InvalidState):
        reject_payout(uow, operator, payout.id, reason="too late")
    with uow.read() as s:
        assert s.get(Payout, payout.id).resolved_by == operator
    assert invariants_ok(uow)


def test_mark_lightning_paid_needs_the_preimage(uow, people):
    alice, _, operator = people
    payout = ln(uow, alice)
    for reference, code in (("nope", "payout_reference_invalid"), (bytes(32).hex(), "payout_preimage_mismatch")):
        with pytest.raises(InvalidPayoutReference) as caught:
            mark_payout_paid(uow, operator, payout.id, reference=reference)
        assert caught.value.code == code
    assert list_user_payouts(uow, alice)[0].status == "queued"
    paid = mark_payout_paid(uow, operator, payout.id, reference=PREIMAGE.hex())
    assert (paid.status, paid.reference) == ("paid", PREIMAGE.hex())
    assert balances(uow, alice, "USDT") == (10 * USDT - payout.amount - payout.fee, 0)
    assert system_balance(uow, "system:fees:USDT") == USDT
    assert invariants_ok(uow)


def test_reject_refunds_everything(uow, people):
    alice, _, operator = people
    payout = bitcoin_payout(uow, alice, "3")
    with pytest.raises(KryptonError) as caught:
        reject_payout(uow, operator, payout.id, reason="  ")
    assert caught.value.code == "reject_reason_invalid"
    rejected = reject_payout(uow, operator, payout.id, reason="address on a sanctions list")
    assert (rejected.status, rejected.reject_reason) == ("rejected", "address on a sanctions list")
    assert balances(uow, alice) == (10 * TON, 0)
    assert reject_payout(uow, operator, payout.id, reason="again") == rejected
    with pytest.raises(InvalidState):
        mark_payout_paid(uow, operator, payout.id, reference="ab" * 32)
    with pytest.raises(NotFound):
        reject_payout(uow, operator, 999_999, reason="x")
    with pytest.raises(NotFound):
        mark_payout_paid(uow, operator, 999_999, reference="ab" * 32)
    assert invariants_ok(uow)


# --- the owner's cancel --------------------------------------------------------------------------


def test_owner_cancels_a_queued_payout_once_and_gets_amount_and_fee_back(uow, people):
    alice, _, operator = people
    payout = bitcoin_payout(uow, alice, "2")
    assert payout.owner_actions == ("cancel",)
    assert balances(uow, alice) == (10 * TON - 2 * TON - TON // 10, 2 * TON + TON // 10)
    cancelled = cancel_payout(uow, alice, payout.id)
    assert (cancelled.status, cancelled.owner_actions) == ("cancelled", ())
    assert balances(uow, alice) == (10 * TON, 0)
    # A second click (or a retry) is the same answer and refunds nothing more.
    assert cancel_payout(uow, alice, payout.id) == cancelled
    assert balances(uow, alice) == (10 * TON, 0)
    # Nobody decides a cancelled payout, and it leaves the operator's queue.
    assert list_payout_queue(uow, operator) == []
    assert [p.id for p in list_payout_queue(uow, operator, status="cancelled")] == [payout.id]
    with pytest.raises(InvalidState):
        mark_payout_paid(uow, operator, payout.id, reference="ab" * 32)
    with pytest.raises(InvalidState):
        reject_payout(uow, operator, payout.id, reason="late")
    assert balances(uow, alice) == (10 * TON, 0)
    assert invariants_ok(uow)


def test_only_the_owner_cancels_and_only_while_queued(uow, people):
    alice, bob, operator = people
    payout = bitcoin_payout(uow, alice, "1")
    # Another user's payout, and one that does not exist, read the same.
    for user, payout_id in ((bob, payout.id), (operator, payout.id), (alice, 999_999)):
        with pytest.raises(NotFound):
            cancel_payout(uow, user, payout_id)
    assert list_user_payouts(uow, alice)[0].status == "queued"
    paid = mark_payout_paid(uow, operator, payout.id, reference="ab" * 32)
    assert paid.owner_actions == ()
    with pytest.raises(InvalidState) as caught:
        cancel_payout(uow, alice, payout.id)
    assert caught.value.code == "payout_not_cancellable"
    rejected = reject_payout(uow, operator, bitcoin_payout(uow, alice, "1").id, reason="no")
    with pytest.raises(InvalidState):
        cancel_payout(uow, alice, rejected.id)
    assert balances(uow, alice) == (10 * TON - TON - TON // 10, 0)
    assert invariants_ok(uow)


def test_a_cancelled_lightning_invoice_may_be_queued_again(uow, people):
    alice, *_ = people
    invoice = lightning_invoice()
    first = ln(uow, alice, invoice)
    cancel_payout(uow, alice, first.id)
    assert balances(uow, alice, "USDT") == (10 * USDT, 0)
    again = ln(uow, alice, invoice)
    assert again.status == "queued" and again.id != first.id
    assert invariants_ok(uow)


# --- races (PostgreSQL) --------------------------------------------------------------------------


def test_owner_cancel_and_operator_paid_cannot_both_happen(pg_uow):
    uow = pg_uow
    (alice,) = make_users(uow, 1)
    (operator,) = make_users(uow, 1, operator=True)
    deposit(uow, alice, 100 * TON, "TON")
    payouts = [bitcoin_payout(uow, alice, "1") for _ in range(20)]
    for payout in payouts:
        results = race(
            lambda p=payout: mark_payout_paid(uow, operator, p.id, reference="ab" * 32),
            lambda p=payout: cancel_payout(uow, alice, p.id),
        )
        winners = [r for r in results if not isinstance(r, Exception)]
        assert len(winners) == 1, results
        assert all(isinstance(r, InvalidState) for r in results if isinstance(r, Exception)), results
    statuses = [p.status for p in list_user_payouts(uow, alice)]
    paid, cancelled = statuses.count("paid"), statuses.count("cancelled")
    assert paid + cancelled == 20
    # Each payout either went out with its fee or came back whole; nothing stays held.
    assert balances(uow, alice) == (100 * TON - paid * (TON + TON // 10), 0)
    assert invariants_ok(uow)


def test_concurrent_cancels_refund_once(pg_uow):
    uow = pg_uow
    (alice,) = make_users(uow, 1)
    deposit(uow, alice, 10 * TON, "TON")
    payout = bitcoin_payout(uow, alice, "1")
    results = race(*[lambda: cancel_payout(uow, alice, payout.id) for _ in range(8)])
    assert all(not isinstance(r, Exception) and r.status == "cancelled" for r in results), results
    assert balances(uow, alice) == (10 * TON, 0)
    assert invariants_ok(uow)


def test_paid_and_rejected_cannot_both_happen(pg_uow):
    uow = pg_uow
    (alice,) = make_users(uow, 1)
    (operator,) = make_users(uow, 1, operator=True)
    deposit(uow, alice, 100 * TON, "TON")
    payouts = [bitcoin_payout(uow, alice, "1") for _ in range(20)]
    for payout in payouts:
        results = race(
            lambda p=payout: mark_payout_paid(uow, operator, p.id, reference="ab" * 32),
            lambda p=payout: reject_payout(uow, operator, p.id, reason="race"),
        )
        winners = [r for r in results if not isinstance(r, Exception)]
        assert len(winners) == 1, results
        assert all(isinstance(r, InvalidState) for r in results if isinstance(r, Exception))
    statuses = [p.status for p in list_user_payouts(uow, alice)]
    paid, rejected = statuses.count("paid"), statuses.count("rejected")
    assert paid + rejected == 20
    assert balances(uow, alice) == (100 * TON - paid * (TON + TON // 10), 0)
    assert invariants_ok(uow)


def test_concurrent_requests_with_one_key_make_one_payout(pg_uow):
    uow = pg_uow
    (alice,) = make_users(uow, 1)
    deposit(uow, alice, 10 * TON, "TON")
    results = race(*[lambda: bitcoin_payout(uow, alice, "1", key="double-click") for _ in range(8)])
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.id for r in results}) == 1
    assert balances(uow, alice) == (10 * TON - TON - TON // 10, TON + TON // 10)
    assert invariants_ok(uow)


def test_concurrent_requests_for_one_invoice_queue_it_once(pg_uow):
    uow = pg_uow
    (alice,) = make_users(uow, 1)
    deposit(uow, alice, 100 * USDT, "USDT")
    invoice = lightning_invoice()
    results = race(*[lambda: ln(uow, alice, invoice) for _ in range(8)])
    assert len([r for r in results if not isinstance(r, Exception)]) == 1, results
    assert all(r.code == "lightning_invoice_already_used" for r in results if isinstance(r, Exception))
    assert invariants_ok(uow)
