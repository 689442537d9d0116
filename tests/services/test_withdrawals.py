"""TON and USDT withdrawals end to end on FakeChain: request (hold) -> sign and send -> the monitor
sees the message -> confirmed; expired messages re-sent with a fresh seqno or refunded, bounces refunded,
never both. SQLite and PostgreSQL (`uow`); racing senders on PostgreSQL only (`pg_uow`)."""

import asyncio
import uuid

import pytest
from builders import deposit, make_depositor
from pytoniq_core import Address, Builder, Cell
from pytoniq_core.tlb.transaction import Transaction
from sqlalchemy import select

from krypton_app.chain.fake import FakeChain
from krypton_app.chain.gateway import ChainError
from krypton_app.chain.hot_wallet import hot_wallet_from_settings
from krypton_app.chain.parse import EXCESSES
from krypton_app.domain.errors import IdempotencyConflict, InsufficientFunds, InvalidAmount, InvalidDestination
from krypton_app.domain.ledger import EXTERNAL, FEES
from krypton_app.models import AppliedChainTransaction, LedgerTransaction, UnmatchedDeposit, Withdrawal
from krypton_app.services import ledger, ledger_reads, withdrawals
from krypton_app.services.chain_sync import ChainMonitor
from krypton_app.services.withdrawal_sender import EXPIRY_MARGIN_S, MAX_SEND_ATTEMPTS, process_withdrawals
from krypton_app.services.withdrawals import WithdrawalQuote
from krypton_app.settings import get_settings
from krypton_app.workers.chain_sync import run_chain_sync

NOW = 1_800_000_000
TON = 10**9
USDT = 10**6
FEE = {"TON": 50_000_000, "USDT": 300_000}
DESTINATION = "0:" + "cd" * 32


def friendly(raw: str, *, bounceable: bool = True, testnet: bool = False) -> str:
    return Address(raw).to_str(is_bounceable=bounceable, is_test_only=testnet)


@pytest.fixture
def settings():
    return get_settings().model_copy(
        update={"confirmations": 1, "monitor_poll_s": 0.02, "withdrawal_fees": dict(FEE), "ton_network": "-239"}
    )


@pytest.fixture
def hot_wallet(settings):
    return hot_wallet_from_settings(settings)


@pytest.fixture
def chain():
    return FakeChain(now=NOW)


@pytest.fixture
def monitor(uow, chain, settings, hot_wallet):
    return ChainMonitor(uow, chain, settings=settings, hot_wallet=hot_wallet)


def run(coroutine):
    return asyncio.run(coroutine)


def settle(chain, monitor) -> int:
    """Let what is on chain get its confirmation and the monitor apply it."""
    chain.advance(1)
    return run(monitor.run_once())


def funded_user(uow, chain, monitor, hot_wallet, *, ton=10 * TON, usdt=0) -> int:
    """A user whose deposits arrived through the chain (which also funds the hot wallet)."""
    user, memo = make_depositor(uow)
    chain.deposit(hot_wallet.address, ton, comment=memo)
    if usdt:
        chain.jetton_deposit(hot_wallet.address, usdt, comment=memo)
    settle(chain, monitor)
    return user


def send(uow, chain, hot_wallet, settings) -> int:
    return run(process_withdrawals(uow, chain, hot_wallet, settings=settings, now=chain.now))


def balance(uow, user_id, asset="TON") -> tuple[int, int]:
    view = next(b for b in ledger_reads.list_balances(uow, user_id) if b.asset == asset)
    return view.available, view.held


def system_balance(uow, kind, asset="TON") -> int:
    with uow.transaction() as s:
        account = ledger.system_account(s, kind, asset)
    with uow.read() as s:
        return s.execute(select(ledger._accounts.c.balance).where(ledger._accounts.c.id == account.id)).scalar_one()


def row(uow, withdrawal_id) -> Withdrawal:
    with uow.read() as s:
        return s.get(Withdrawal, withdrawal_id)


def ledger_kinds(uow) -> list[str]:
    with uow.read() as s:
        return list(s.execute(select(LedgerTransaction.kind).order_by(LedgerTransaction.id)).scalars())


def request(uow, user, settings, amount="1.5", *, asset="TON", address=DESTINATION, key=None, **extra):
    return withdrawals.request_ton_withdrawal(
        uow,
        user,
        asset=asset,
        address=address,
        amount=amount,
        idempotency_key=key or str(uuid.uuid4()),
        settings=settings,
        **extra,
    )


# --- quote and request ---------------------------------------------------------------------------


def test_a_quote_prices_the_fee_and_checks_the_balance(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet, ton=2 * TON, usdt=10 * USDT)
    given = friendly(DESTINATION, bounceable=False)
    quote = withdrawals.quote_ton_withdrawal(uow, user, asset="TON", address=given, amount="1.5", settings=settings)
    assert quote == WithdrawalQuote(
        asset="TON",
        decimals=9,
        destination=DESTINATION,
        destination_friendly=given,
        amount=1_500_000_000,
        fee=FEE["TON"],
        total=1_550_000_000,
    )
    usdt = withdrawals.quote_ton_withdrawal(
        uow, user, asset="USDT", address=DESTINATION, amount="9.7", settings=settings
    )
    assert (usdt.decimals, usdt.amount, usdt.total) == (6, 9_700_000, 10 * USDT)
    with pytest.raises(InsufficientFunds):
        withdrawals.quote_ton_withdrawal(uow, user, asset="TON", address=DESTINATION, amount="1.96", settings=settings)
    # Each refused amount has its own reason (issue 11); a decimal comma is a decimal point.
    for typed, why in (("0", "withdrawal_below_minimum"), ("-1", "amount_negative"), ("1e0", "amount_exponent")):
        with pytest.raises(InvalidAmount) as error:
            withdrawals.quote_ton_withdrawal(
                uow, user, asset="TON", address=DESTINATION, amount=typed, settings=settings
            )
        assert error.value.code == why
    comma = withdrawals.quote_ton_withdrawal(
        uow, user, asset="TON", address=DESTINATION, amount="1,5", settings=settings
    )
    assert comma.amount == 1_500_000_000


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("not an address", "address_invalid"),
        ("", "address_invalid"),
        (friendly(DESTINATION)[:-1] + ("A" if friendly(DESTINATION)[-1] != "A" else "B"), "address_checksum"),
        (friendly(DESTINATION, testnet=True), "address_testnet"),
        ("-1:" + "cd" * 32, "address_workchain"),
        (friendly("-1:" + "cd" * 32), "address_workchain"),
    ],
    ids=["garbage", "empty", "checksum", "testnet", "masterchain_raw", "masterchain_friendly"],
)
def test_bad_addresses_are_refused_with_their_code(uow, settings, address, code):
    user, _memo = make_depositor(uow)
    with pytest.raises(InvalidDestination) as refused:
        withdrawals.quote_ton_withdrawal(uow, user, asset="TON", address=address, amount="1", settings=settings)
    assert refused.value.code == code
    with pytest.raises(InvalidDestination):
        request(uow, user, settings, "1", address=address)
    assert withdrawals.list_withdrawals(uow, user) == []


def test_a_testnet_address_is_fine_on_testnet(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet)
    testnet = settings.model_copy(update={"ton_network": "-3"})
    given = friendly(DESTINATION, testnet=True)
    quote = withdrawals.quote_ton_withdrawal(uow, user, asset="TON", address=given, amount="1", settings=testnet)
    assert quote.destination == DESTINATION


@pytest.mark.parametrize(
    ("asset", "amount"),
    [("TON", "0"), ("TON", "0.049"), ("TON", "1.0000000001"), ("TON", "-1"), ("TON", "1e3"), ("USDT", "0.1234567")],
)
def test_amounts_below_the_fee_or_not_amounts_are_refused(uow, chain, monitor, hot_wallet, settings, asset, amount):
    user = funded_user(uow, chain, monitor, hot_wallet)
    with pytest.raises(InvalidAmount):
        request(uow, user, settings, amount, asset=asset)
    assert withdrawals.list_withdrawals(uow, user) == []


def test_a_request_holds_amount_and_fee_once_per_idempotency_key(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet)
    first = request(uow, user, settings, "1.5", key="withdraw-1")
    again = request(uow, user, settings, "1.5", key="withdraw-1")
    assert again == first
    assert (first.status, first.amount, first.fee, first.attempts) == ("requested", 1_500_000_000, FEE["TON"], 0)
    assert balance(uow, user) == (10 * TON - 1_550_000_000, 1_550_000_000)
    assert ledger_kinds(uow) == ["deposit", "withdrawal_hold"]
    with pytest.raises(IdempotencyConflict):
        request(uow, user, settings, "2", key="withdraw-1")
    # Keys belong to their user: another user's identical key is another withdrawal.
    other = funded_user(uow, chain, monitor, hot_wallet)
    assert request(uow, other, settings, "1.5", key="withdraw-1").id != first.id
    assert [w.id for w in withdrawals.list_withdrawals(uow, user)] == [first.id]


def test_a_request_beyond_the_balance_creates_nothing(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet, ton=TON)
    with pytest.raises(InsufficientFunds):
        request(uow, user, settings, "0.96")
    assert withdrawals.list_withdrawals(uow, user) == []
    assert balance(uow, user) == (TON, 0)


def test_withdrawals_are_listed_newest_first(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet)
    ids = [request(uow, user, settings, "1").id for _ in range(3)]
    assert [w.id for w in withdrawals.list_withdrawals(uow, user)] == ids[::-1]
    assert [w.id for w in withdrawals.list_withdrawals(uow, user, limit=2)] == ids[:0:-1]


# --- sending and settling ------------------------------------------------------------------------


def test_a_ton_withdrawal_is_sent_seen_and_confirmed(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet)
    view = request(uow, user, settings, "1.5")
    assert send(uow, chain, hot_wallet, settings) == 1
    sent = row(uow, view.id)
    assert (sent.status, sent.attempts, sent.seqno) == ("sent", 1, 0)  # the first message deploys the wallet
    assert sent.valid_until == NOW + settings.withdrawal_ttl_s
    assert send(uow, chain, hot_wallet, settings) == 0  # nothing else to send
    assert settle(chain, monitor) == 1
    (confirmed,) = withdrawals.list_withdrawals(uow, user)
    assert confirmed.status == "confirmed"
    with uow.read() as s:
        applied = s.get(AppliedChainTransaction, confirmed.chain_tx_hash)
    assert (applied.outcome, applied.user_id, applied.amount) == ("withdrawal_confirmed", user, 1_500_000_000)
    assert balance(uow, user) == (10 * TON - 1_550_000_000, 0)
    assert system_balance(uow, FEES) == FEE["TON"]
    assert system_balance(uow, EXTERNAL) == -10 * TON + 1_500_000_000
    assert ledger_kinds(uow) == ["deposit", "withdrawal_hold", "withdrawal"]
    assert run(chain.get_seqno(hot_wallet.address)) == 1
    (arrived,) = run(chain.transactions_after(DESTINATION, None))
    assert arrived.comment == f"Withdrawal #{view.id} from Krypton"  # names it, for the recipient and a bounce
    report = ledger_reads.check_invariants(uow)
    assert report.ok, report.violations


def test_a_usdt_withdrawal_goes_through_our_jetton_wallet(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet, ton=TON, usdt=50 * USDT)
    view = request(uow, user, settings, "20", asset="USDT")
    assert send(uow, chain, hot_wallet, settings) == 1
    settle(chain, monitor)
    assert withdrawals.list_withdrawals(uow, user)[0].status == "confirmed"
    jetton_wallet = run(chain.jetton_wallet_address(settings.usdt_master, hot_wallet.address))
    (message,) = run(chain.transactions_after(jetton_wallet, None))
    assert message.source == hot_wallet.address
    assert balance(uow, user, "USDT") == (50 * USDT - 20 * USDT - FEE["USDT"], 0)
    assert system_balance(uow, FEES, "USDT") == FEE["USDT"]
    assert row(uow, view.id).asset == "USDT"
    assert ledger_reads.check_invariants(uow).ok


def test_one_message_per_seqno_in_order(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet)
    ids = [request(uow, user, settings, "1").id for _ in range(3)]
    chain.drop_sends(1)
    assert send(uow, chain, hot_wallet, settings) == 1
    # The first message has not executed: its seqno is still the wallet's, nothing else may be signed.
    assert send(uow, chain, hot_wallet, settings) == 0
    assert [row(uow, i).status for i in ids] == ["sent", "requested", "requested"]
    chain.set_time(NOW + settings.withdrawal_ttl_s + EXPIRY_MARGIN_S + 1)
    for _ in range(3):
        assert send(uow, chain, hot_wallet, settings) == 1
    assert [row(uow, i).seqno for i in ids] == [0, 1, 2]
    settle(chain, monitor)
    assert [row(uow, i).status for i in ids] == ["confirmed"] * 3


def test_a_message_that_expired_unexecuted_is_signed_again_with_a_fresh_seqno(
    uow, chain, monitor, hot_wallet, settings
):
    user = funded_user(uow, chain, monitor, hot_wallet)
    view = request(uow, user, settings, "1.5")
    chain.drop_sends(1)
    send(uow, chain, hot_wallet, settings)
    lost = row(uow, view.id)
    assert settle(chain, monitor) == 0  # never executed
    # Before valid_until (plus the margin) it may still execute: no second message.
    chain.set_time(lost.valid_until + EXPIRY_MARGIN_S)
    assert send(uow, chain, hot_wallet, settings) == 0
    chain.set_time(lost.valid_until + EXPIRY_MARGIN_S + 1)
    assert send(uow, chain, hot_wallet, settings) == 1
    resent = row(uow, view.id)
    assert (resent.status, resent.attempts) == ("sent", 2)
    assert resent.message_hash != lost.message_hash
    assert resent.valid_until == chain.now + settings.withdrawal_ttl_s
    assert resent.seqno == run(chain.get_seqno(hot_wallet.address)) - 1  # read from the chain, then used
    assert settle(chain, monitor) == 1
    assert row(uow, view.id).status == "confirmed"
    assert balance(uow, user) == (10 * TON - 1_550_000_000, 0)
    assert ledger_kinds(uow).count("withdrawal") == 1
    assert ledger_reads.check_invariants(uow).ok


def test_a_message_that_never_executes_is_refunded_after_the_last_attempt(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet)
    view = request(uow, user, settings, "1.5")
    chain.drop_sends(MAX_SEND_ATTEMPTS)
    for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
        assert send(uow, chain, hot_wallet, settings) == 1
        assert row(uow, view.id).attempts == attempt
        chain.set_time(row(uow, view.id).valid_until + EXPIRY_MARGIN_S + 1)
    assert send(uow, chain, hot_wallet, settings) == 0
    refunded = row(uow, view.id)
    assert (refunded.status, refunded.attempts) == ("refunded", MAX_SEND_ATTEMPTS)
    assert "expired" in refunded.failure
    assert balance(uow, user) == (10 * TON, 0)
    assert send(uow, chain, hot_wallet, settings) == 0  # refunded is final: never sent again
    assert ledger_kinds(uow) == ["deposit", "withdrawal_hold", "withdrawal_refund"]
    assert ledger_reads.check_invariants(uow).ok


def test_a_send_that_fails_after_recording_is_reconciled_by_expiry(
    uow, chain, monitor, hot_wallet, settings, monkeypatch
):
    user = funded_user(uow, chain, monitor, hot_wallet)
    view = request(uow, user, settings, "1.5")

    async def unreachable(boc):
        raise ChainError("connection reset")

    with monkeypatch.context() as patch:
        patch.setattr(chain, "send_boc", unreachable)
        with pytest.raises(ChainError):
            send(uow, chain, hot_wallet, settings)
    recorded = row(uow, view.id)
    assert (recorded.status, recorded.attempts) == ("sent", 1) and recorded.message_hash
    chain.set_time(recorded.valid_until + EXPIRY_MARGIN_S + 1)
    assert send(uow, chain, hot_wallet, settings) == 1
    settle(chain, monitor)
    assert row(uow, view.id).status == "confirmed"
    assert ledger_kinds(uow).count("withdrawal") == 1


def test_a_bounced_withdrawal_is_refunded_once(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet)
    chain.bounce_destinations.add(DESTINATION)
    view = request(uow, user, settings, "1.5", address=friendly(DESTINATION, bounceable=True))
    send(uow, chain, hot_wallet, settings)
    assert settle(chain, monitor) == 2  # our message executing, then the bounce coming back
    assert settle(chain, monitor) == 0
    refunded = row(uow, view.id)
    assert refunded.status == "refunded"
    assert "bounced" in refunded.failure
    assert send(uow, chain, hot_wallet, settings) == 0
    # The amount came back; the fee paid for the round trip.
    assert balance(uow, user) == (10 * TON - FEE["TON"], 0)
    assert ledger_kinds(uow) == ["deposit", "withdrawal_hold", "withdrawal", "withdrawal_refund"]
    with uow.read() as s:
        outcomes = sorted(s.execute(select(AppliedChainTransaction.outcome)).scalars())
    assert outcomes == ["deposit", "withdrawal_bounced", "withdrawal_confirmed"]
    assert ledger_reads.check_invariants(uow).ok


def test_withdrawals_and_their_bounces_settle_past_held_transactions(uow, chain, monitor, hot_wallet, settings):
    """Zero-USDT notifications before and after our own transactions are held for review, and the
    withdrawal's confirmation and its bounce's refund come through all the same."""
    user = funded_user(uow, chain, monitor, hot_wallet)
    chain.bounce_destinations.add(DESTINATION)
    view = request(uow, user, settings, "1.5", address=friendly(DESTINATION, bounceable=True))
    before = chain.jetton_deposit(hot_wallet.address, 0, comment="first")
    send(uow, chain, hot_wallet, settings)
    after = chain.jetton_deposit(hot_wallet.address, 0, comment="second")
    assert settle(chain, monitor) == 4
    assert row(uow, view.id).status == "refunded"
    assert balance(uow, user) == (10 * TON - FEE["TON"], 0)
    with uow.read() as s:
        outcomes = dict(s.execute(select(AppliedChainTransaction.hash, AppliedChainTransaction.outcome)).all())
    assert (outcomes[before.hash], outcomes[after.hash]) == ("held", "held")
    assert sorted(outcomes.values()) == ["deposit", "held", "held", "withdrawal_bounced", "withdrawal_confirmed"]
    assert ledger_reads.check_invariants(uow).ok


def outcome_of(uow, tx_hash) -> str:
    with uow.read() as s:
        return s.get(AppliedChainTransaction, tx_hash).outcome


def review_queue(uow) -> dict[str, UnmatchedDeposit]:
    with uow.read() as s:
        return {d.chain_tx_hash: d for d in s.execute(select(UnmatchedDeposit)).scalars()}


def bounces(chain, hot_wallet) -> list:
    return [tx for tx in run(chain.transactions_after(hot_wallet.address, None, limit=1000)) if tx.is_bounce]


def test_bounces_of_two_withdrawals_to_one_address_refund_each_its_own(uow, chain, monitor, hot_wallet, settings):
    """The bounce of the first arrives after the second was confirmed (another shard is slower): the
    newest withdrawal to that address is not the one that came back."""
    user = funded_user(uow, chain, monitor, hot_wallet)
    chain.bounce_destinations.add(DESTINATION)
    chain.delay_bounces = True
    first = request(uow, user, settings, "1")
    send(uow, chain, hot_wallet, settings)
    settle(chain, monitor)
    second = request(uow, user, settings, "2")
    send(uow, chain, hot_wallet, settings)
    settle(chain, monitor)
    assert [row(uow, w.id).status for w in (first, second)] == ["confirmed", "confirmed"]
    chain.release_bounces()
    first_bounce, second_bounce = bounces(chain, hot_wallet)
    assert settle(chain, monitor) == 2
    assert row(uow, first.id).failure == f"bounced back in chain tx {first_bounce.hash}"
    assert row(uow, second.id).failure == f"bounced back in chain tx {second_bounce.hash}"
    assert [row(uow, w.id).status for w in (first, second)] == ["refunded", "refunded"]
    assert balance(uow, user) == (10 * TON - 2 * FEE["TON"], 0)
    assert review_queue(uow) == {}
    assert ledger_reads.check_invariants(uow).ok


def test_a_bounce_that_names_no_withdrawal_exactly_refunds_nothing(uow, chain, monitor, hot_wallet, settings):
    """A bounce that names no withdrawal of ours exactly goes to the operator, even when a confirmed
    withdrawal to that address could have carried its value."""
    user = funded_user(uow, chain, monitor, hot_wallet)
    view = request(uow, user, settings, "2")
    send(uow, chain, hot_wallet, settings)
    settle(chain, monitor)
    # Bounced messages from the withdrawal's address: no comment, another text, a comment naming the
    # withdrawal but cut differently, and the exact comment of a withdrawal to another address.
    other = request(uow, user, settings, "1", address="0:" + "ef" * 32)
    send(uow, chain, hot_wallet, settings)
    settle(chain, monitor)
    came_back = []
    names = [None, "refund please", f"Withdrawal #{view.id} from Kryptonite", f"Withdrawal #{other.id} from Krypton"]
    for comment in names:
        chain.bounced_deposit(DESTINATION, TON, comment=comment, sender=hot_wallet.address)
        came_back.append(bounces(chain, hot_wallet)[-1])
    assert settle(chain, monitor) == 4
    assert [row(uow, w.id).status for w in (view, other)] == ["confirmed", "confirmed"]
    queue = review_queue(uow)
    assert set(queue) == {tx.hash for tx in came_back}
    assert all(outcome_of(uow, tx.hash) == "unmatched" for tx in came_back)
    assert [(queue[tx.hash].asset, queue[tx.hash].amount, queue[tx.hash].sender) for tx in came_back] == [
        ("TON", TON, DESTINATION)
    ] * 4
    assert queue[came_back[1].hash].comment == "bounce of: refund please"
    assert {d.reason for d in queue.values()} == {"bounce_unmatched"}
    assert balance(uow, user) == (10 * TON - 3 * TON - 2 * FEE["TON"], 0)  # nobody refunded
    assert ledger_kinds(uow).count("withdrawal_refund") == 0


def test_usdt_bounces_from_our_jetton_wallet_refund_by_query_id(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet, ton=TON, usdt=50 * USDT)
    jetton_wallet = run(chain.jetton_wallet_address(settings.usdt_master, hot_wallet.address))
    chain.bounce_destinations.add(jetton_wallet)  # it refuses, e.g. holding fewer USDT than asked
    chain.delay_bounces = True
    first = request(uow, user, settings, "10", asset="USDT")
    send(uow, chain, hot_wallet, settings)
    settle(chain, monitor)
    second = request(uow, user, settings, "20", asset="USDT")
    send(uow, chain, hot_wallet, settings)
    settle(chain, monitor)
    chain.release_bounces()
    first_bounce, second_bounce = bounces(chain, hot_wallet)
    assert (first_bounce.query_id, second_bounce.query_id) == (first.id, second.id)
    assert settle(chain, monitor) == 2
    assert row(uow, first.id).failure == f"bounced back in chain tx {first_bounce.hash}"
    assert row(uow, second.id).failure == f"bounced back in chain tx {second_bounce.hash}"
    assert balance(uow, user, "USDT") == (50 * USDT - 2 * FEE["USDT"], 0)
    # A bounce from our jetton wallet with a query_id that is no confirmed withdrawal: the operator's.
    unknown = Builder().store_uint(0x0F8A7EA5, 32).store_uint(first.id, 64).store_coins(USDT).end_cell()
    chain.delay_bounces = False
    chain.bounced_deposit(jetton_wallet, 50_000_000, sender=hot_wallet.address, body=unknown)
    stray = bounces(chain, hot_wallet)[-1]
    assert settle(chain, monitor) == 1
    assert outcome_of(uow, stray.hash) == "unmatched"
    assert review_queue(uow)[stray.hash].comment == "bounce of op 0x0f8a7ea5"
    assert ledger_kinds(uow).count("withdrawal_refund") == 2
    assert ledger_reads.check_invariants(uow).ok


def test_jetton_excesses_are_ignored(uow, chain, monitor, hot_wallet, settings):
    """The TON left over from a USDT withdrawal's fees comes back as excesses: no deposit, no review."""
    user = funded_user(uow, chain, monitor, hot_wallet, ton=TON, usdt=50 * USDT)
    view = request(uow, user, settings, "20", asset="USDT")
    send(uow, chain, hot_wallet, settings)
    settle(chain, monitor)
    their_jetton_wallet = run(chain.jetton_wallet_address(settings.usdt_master, DESTINATION))
    excesses = Builder().store_uint(EXCESSES, 32).store_uint(view.id, 64).end_cell()
    tx = chain.deposit(hot_wallet.address, 30_000_000, body=excesses, sender=their_jetton_wallet, bounceable=False)
    assert tx.query_id == view.id
    assert settle(chain, monitor) == 1
    assert outcome_of(uow, tx.hash) == "ignored"
    assert row(uow, view.id).status == "confirmed"
    assert review_queue(uow) == {}
    assert ledger_kinds(uow) == ["deposit", "deposit", "withdrawal_hold", "withdrawal"]


# --- the user's comment (an exchange's memo) ------------------------------------------------------


def test_a_comment_is_trimmed_limited_and_part_of_the_idempotent_request(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet)
    quote = withdrawals.quote_ton_withdrawal(
        uow, user, asset="TON", address=DESTINATION, amount="1", settings=settings, comment="  104857 "
    )
    assert quote.comment == "104857"
    for blank in ("", "   "):
        assert request(uow, user, settings, "1", comment=blank).comment is None
    for bad in ("x" * 121, "line\nbreak", "nul\x00"):
        with pytest.raises(InvalidDestination) as refused:
            request(uow, user, settings, "1", comment=bad)
        assert refused.value.details == {"field": "comment"}
    view = request(uow, user, settings, "1", key="memo-1", comment="Ж" * 120)
    assert view.comment == "Ж" * 120
    assert request(uow, user, settings, "1", key="memo-1", comment="Ж" * 120) == view
    with pytest.raises(IdempotencyConflict):
        request(uow, user, settings, "1", key="memo-1", comment="another memo")


def test_a_ton_withdrawal_carries_the_users_comment_instead_of_ours(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet)
    request(uow, user, settings, "1", comment="104857")
    send(uow, chain, hot_wallet, settings)
    settle(chain, monitor)
    (arrived,) = run(chain.transactions_after(DESTINATION, None))
    assert arrived.comment == "104857"


def test_a_usdt_withdrawal_carries_the_comment_as_its_forward_payload(uow, chain, monitor, hot_wallet, settings):
    user = funded_user(uow, chain, monitor, hot_wallet, ton=TON, usdt=50 * USDT)
    view = request(uow, user, settings, "20", asset="USDT", comment="104857")
    send(uow, chain, hot_wallet, settings)
    settle(chain, monitor)
    jetton_wallet = run(chain.jetton_wallet_address(settings.usdt_master, hot_wallet.address))
    (transfer,) = run(chain.transactions_after(jetton_wallet, None))
    body = Transaction.deserialize(Cell.one_from_boc(transfer.boc).begin_parse()).in_msg.body.begin_parse()
    assert (body.load_uint(32), body.load_uint(64), body.load_coins()) == (0x0F8A7EA5, view.id, 20 * USDT)
    body.load_address()  # destination
    body.load_address()  # response destination
    assert (body.load_bit(), body.load_coins()) == (0, 1)  # no custom payload, 1 nanoton forwarded
    payload = body.load_ref().begin_parse() if body.load_bit() else body
    assert (payload.load_uint(32), payload.load_snake_string()) == (0, "104857")


def test_bounces_of_withdrawals_with_comments_refund_their_own_or_wait_for_the_operator(
    uow, chain, monitor, hot_wallet, settings
):
    """A memo is matched by the start the bounce carries back; the same memo twice to one address cannot
    say which one came back, so that bounce is the operator's."""
    user = funded_user(uow, chain, monitor, hot_wallet)
    chain.bounce_destinations.add(DESTINATION)
    chain.delay_bounces = True
    long_memo = "x" + "Ж" * 20  # longer than the 28 bytes a bounce carries back, which end inside a letter
    sent = []
    for amount, memo in [("1", long_memo), ("2", "104857"), ("3", "104857")]:
        sent.append(request(uow, user, settings, amount, comment=memo))
        send(uow, chain, hot_wallet, settings)
        settle(chain, monitor)
    chain.release_bounces()
    back = bounces(chain, hot_wallet)
    assert settle(chain, monitor) == 3
    assert row(uow, sent[0].id).failure == f"bounced back in chain tx {back[0].hash}"
    assert [row(uow, w.id).status for w in sent] == ["refunded", "confirmed", "confirmed"]
    assert sorted(review_queue(uow)) == sorted(tx.hash for tx in back[1:])
    assert review_queue(uow)[back[1].hash].comment == "bounce of: 104857"


def test_a_non_bounceable_address_is_sent_without_bounce(uow, chain, monitor, hot_wallet, settings):
    """An uninitialised wallet given as UQ… keeps the money instead of sending it back."""
    user = funded_user(uow, chain, monitor, hot_wallet)
    chain.bounce_destinations.add(DESTINATION)
    view = request(uow, user, settings, "1.5", address=friendly(DESTINATION, bounceable=False))
    send(uow, chain, hot_wallet, settings)
    assert settle(chain, monitor) == 1
    assert row(uow, view.id).status == "confirmed"
    (arrived,) = run(chain.transactions_after(DESTINATION, None))
    assert arrived.amount == 1_500_000_000 and arrived.aborted and not arrived.bounced_back


def test_a_message_that_executes_but_sends_nothing_is_refunded(uow, chain, monitor, hot_wallet, settings):
    # The hot wallet holds less than the user's ledger balance (the ledger was funded directly).
    user, _memo = make_depositor(uow)
    deposit(uow, user, 10 * TON, key="off-chain")
    chain.deposit(hot_wallet.address, TON, comment="ZZZZZZZZ")
    settle(chain, monitor)
    view = request(uow, user, settings, "5")
    send(uow, chain, hot_wallet, settings)
    assert settle(chain, monitor) == 1
    failed = row(uow, view.id)
    assert failed.status == "refunded" and "sent nothing" in failed.failure
    assert balance(uow, user) == (10 * TON, 0)
    assert ledger_reads.check_invariants(uow).ok


def test_the_worker_loop_runs_a_deposit_and_a_withdrawal_through(uow, chain, settings, hot_wallet):
    user, memo = make_depositor(uow)

    async def scenario():
        stop = asyncio.Event()
        worker = asyncio.create_task(
            run_chain_sync(uow, chain, hot_wallet, settings=settings, stop=stop, clock=lambda: chain.now)
        )
        chain.deposit(hot_wallet.address, 3 * TON, comment=memo)
        chain.advance(1)
        await eventually(lambda: balance(uow, user) == (3 * TON, 0))
        view = await asyncio.to_thread(request, uow, user, settings, "1")
        await eventually(lambda: row(uow, view.id).status == "sent")
        chain.advance(1)
        await eventually(lambda: row(uow, view.id).status == "confirmed")
        stop.set()
        return await asyncio.wait_for(worker, 5)

    assert run(scenario()) > 0
    assert balance(uow, user) == (3 * TON - TON - FEE["TON"], 0)


async def eventually(check, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


# --- PostgreSQL races ----------------------------------------------------------------------------


def test_racing_senders_sign_one_message_for_the_seqno(pg_uow, chain, hot_wallet, settings):
    monitor = ChainMonitor(pg_uow, chain, settings=settings, hot_wallet=hot_wallet)
    user = funded_user(pg_uow, chain, monitor, hot_wallet)
    ids = [request(pg_uow, user, settings, "1").id for _ in range(5)]
    chain.drop_sends(100)  # nothing executes: the seqno stays, every sender sees the same one

    async def race():
        return await asyncio.gather(
            *(process_withdrawals(pg_uow, chain, hot_wallet, settings=settings, now=chain.now) for _ in range(10))
        )

    assert sum(run(race())) == 1
    assert sorted(row(pg_uow, i).status for i in ids) == ["requested"] * 4 + ["sent"]


def test_racing_senders_handle_an_expired_message_once(pg_uow, chain, hot_wallet, settings):
    monitor = ChainMonitor(pg_uow, chain, settings=settings, hot_wallet=hot_wallet)
    user = funded_user(pg_uow, chain, monitor, hot_wallet)
    view = request(pg_uow, user, settings, "1")
    chain.drop_sends(100)
    for _ in range(MAX_SEND_ATTEMPTS - 1):
        send(pg_uow, chain, hot_wallet, settings)
        chain.set_time(row(pg_uow, view.id).valid_until + EXPIRY_MARGIN_S + 1)
    # The last attempt: re-sent exactly once.
    now = chain.now

    async def race():
        return await asyncio.gather(
            *(process_withdrawals(pg_uow, chain, hot_wallet, settings=settings, now=now) for _ in range(10))
        )

    assert sum(run(race())) == 1
    assert row(pg_uow, view.id).attempts == MAX_SEND_ATTEMPTS
    # It expires too: refunded exactly once, never re-sent.
    chain.set_time(row(pg_uow, view.id).valid_until + EXPIRY_MARGIN_S + 1)
    now = chain.now
    assert sum(run(race())) == 0
    assert row(pg_uow, view.id).status == "refunded"
    assert ledger_kinds(pg_uow).count("withdrawal_refund") == 1
    assert balance(pg_uow, user) == (10 * TON, 0)
    assert ledger_reads.check_invariants(pg_uow).ok
