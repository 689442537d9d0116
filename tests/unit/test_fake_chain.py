"""FakeChain: real transaction cells, wallet v4R2 checks, bounces, jettons, paging faults, persistence."""

import asyncio
import threading
from types import SimpleNamespace

import pytest
from pytoniq_core import Builder, Cell
from pytoniq_core.tlb.transaction import Transaction

from krypton_app.chain import factory
from krypton_app.chain.fake import USDT_MASTER, FakeChain
from krypton_app.chain.gateway import ChainError, Faucet
from krypton_app.chain.hot_wallet import HotWallet
from krypton_app.chain.liteserver import PytoniqGateway
from krypton_app.chain.parse import parse_transaction
from krypton_app.chain.toncenter import ToncenterGateway

NOW = 1_700_000_000
USER = "0:" + "11" * 32
SHOP = "0:" + "22" * 32


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.fixture
def chain() -> FakeChain:
    return FakeChain(now=NOW)


@pytest.fixture
def wallet() -> HotWallet:
    return HotWallet(bytes(range(32)))


def _send(chain: FakeChain, wallet: HotWallet, *, to: str = USER, amount: int = 10**9, **kwargs) -> str:
    seqno = run(chain.get_seqno(wallet.address))
    signed = wallet.transfer(seqno=seqno, valid_until=chain.now + 60, destination=to, amount=amount, **kwargs)
    return run(chain.send_boc(signed.boc))


def _all(chain: FakeChain, address: str) -> list:
    return run(chain.transactions_after(address, None, limit=1000))


def test_deposit_is_a_real_transaction_cell(chain, wallet):
    tx = chain.deposit(wallet.friendly, 5 * 10**9, comment="memo-1", sender=USER)
    cell = Cell.one_from_boc(tx.boc)
    assert cell.hash.hex() == tx.hash
    assert Transaction.deserialize(cell.begin_parse()).lt == tx.lt
    assert parse_transaction(tx.boc, jetton_wallet=None).comment == "memo-1"
    assert (tx.account, tx.destination, tx.source) == (wallet.address, wallet.address, USER)
    assert (tx.amount, tx.comment, tx.is_bounce, tx.bounced_back, tx.aborted) == (
        5 * 10**9,
        "memo-1",
        False,
        False,
        False,
    )
    assert tx.utime == NOW
    assert tx.mc_seqno == run(chain.masterchain_seqno())


def test_transactions_link_and_lts_increase(chain, wallet):
    first = chain.deposit(wallet.address, 1)
    second = chain.deposit(wallet.address, 2, comment="b")
    assert (first.prev_lt, first.prev_hash) == (0, "00" * 32)
    assert (second.prev_lt, second.prev_hash) == (first.lt, first.hash)
    assert second.lt > first.lt
    assert second.mc_seqno > first.mc_seqno
    assert first.source != second.source  # a fresh sender each time unless given
    assert [t.hash for t in _all(chain, wallet.address)] == [first.hash, second.hash]


def test_same_inputs_same_chain(wallet):
    def build():
        chain = FakeChain(now=NOW)
        chain.deposit(wallet.address, 7, comment="x")
        return [t.hash for t in _all(chain, wallet.address)]

    assert build() == build()


def test_paging_after_a_cursor(chain, wallet):
    txs = [chain.deposit(wallet.address, i + 1) for i in range(5)]
    page = run(chain.transactions_after(wallet.address, txs[1].id, limit=2))
    assert [t.hash for t in page] == [txs[2].hash, txs[3].hash]
    assert run(chain.transactions_after(wallet.address, txs[4].id)) == []
    assert run(chain.transactions_after(SHOP, None)) == []


def test_withdrawal_deploys_the_wallet_and_is_found_by_message_hash(chain, wallet):
    chain.deposit(wallet.address, 5 * 10**9)
    assert run(chain.get_seqno(wallet.address)) == 0
    message_hash = _send(chain, wallet, to=USER, amount=2 * 10**9, comment="payout 1")
    assert run(chain.get_seqno(wallet.address)) == 1
    sent = _all(chain, wallet.address)[-1]
    assert sent.in_msg_hash == message_hash
    assert sent.source is None and sent.amount == 0
    assert [(m.destination, m.amount, m.bounce) for m in sent.out_messages] == [(USER, 2 * 10**9, False)]
    received = _all(chain, USER)[-1]
    assert (received.source, received.amount, received.comment) == (wallet.address, 2 * 10**9, "payout 1")
    assert received.lt > sent.lt


def test_refused_external_messages(chain, wallet):
    chain.deposit(wallet.address, 5 * 10**9)
    # Not deployed yet, and the message carries no state init.
    signed = wallet.transfer(seqno=1, valid_until=NOW + 60, destination=USER, amount=1)
    with pytest.raises(ChainError, match="not deployed"):
        run(chain.send_boc(signed.boc))
    _send(chain, wallet)
    stale = wallet.transfer(seqno=0, valid_until=NOW + 60, destination=USER, amount=1)
    with pytest.raises(ChainError, match="33"):
        run(chain.send_boc(stale.boc))
    expired = wallet.transfer(seqno=1, valid_until=NOW, destination=USER, amount=1)
    with pytest.raises(ChainError, match="expired"):
        run(chain.send_boc(expired.boc))
    intruder = HotWallet(bytes(32))
    forged = intruder.transfer(seqno=1, valid_until=NOW + 60, destination=USER, amount=1)
    with pytest.raises(ChainError, match="not deployed"):  # another key is another wallet address
        run(chain.send_boc(forged.boc))
    with pytest.raises(ChainError):
        run(chain.send_boc(b"not a boc"))
    assert run(chain.get_seqno(wallet.address)) == 1


def test_signature_is_checked_against_the_stored_key(chain, wallet):
    chain.deposit(wallet.address, 5 * 10**9)
    _send(chain, wallet)
    signed = wallet.transfer(seqno=1, valid_until=NOW + 60, destination=USER, amount=1)
    tampered = bytearray(signed.boc)
    tampered[-5] ^= 0x01  # inside the signed part
    with pytest.raises(ChainError, match="35"):
        run(chain.send_boc(bytes(tampered)))


def test_the_same_message_twice_executes_once(chain, wallet):
    chain.deposit(wallet.address, 5 * 10**9)
    signed = wallet.transfer(seqno=0, valid_until=NOW + 60, destination=USER, amount=10**9)
    run(chain.send_boc(signed.boc))
    with pytest.raises(ChainError):
        run(chain.send_boc(signed.boc))
    assert len(_all(chain, USER)) == 1


def test_not_enough_balance_skips_the_transfer(chain, wallet):
    chain.deposit(wallet.address, 10**9)
    _send(chain, wallet, amount=2 * 10**9)
    sent = _all(chain, wallet.address)[-1]
    assert sent.in_msg_hash is not None and sent.out_messages == ()
    assert _all(chain, USER) == []
    assert run(chain.get_seqno(wallet.address)) == 1  # the seqno is spent all the same


def test_withdrawal_to_a_bouncing_destination_comes_back(chain, wallet):
    chain.deposit(wallet.address, 5 * 10**9)
    chain.bounce_destinations.add(SHOP)
    _send(chain, wallet, to=SHOP, amount=10**9, bounce=True)
    refused = _all(chain, SHOP)[-1]
    assert refused.aborted and refused.bounced_back
    back = _all(chain, wallet.address)[-1]
    assert back.is_bounce and back.source == SHOP and back.amount == 10**9
    assert not back.bounced_back
    # A non-bounceable transfer to the same place stays there.
    _send(chain, wallet, to=SHOP, amount=10**9, bounce=False)
    stayed = _all(chain, SHOP)[-1]
    assert stayed.aborted and not stayed.bounced_back
    assert not _all(chain, wallet.address)[-1].is_bounce


def test_delayed_bounces_arrive_when_released_in_order(chain, wallet):
    chain.deposit(wallet.address, 5 * 10**9)
    chain.bounce_destinations.add(SHOP)
    chain.delay_bounces = True
    _send(chain, wallet, to=SHOP, amount=10**9, comment="first")
    _send(chain, wallet, to=SHOP, amount=2 * 10**9, comment="second")
    assert not any(t.is_bounce for t in _all(chain, wallet.address))
    chain.release_bounces()
    back = [t for t in _all(chain, wallet.address) if t.is_bounce]
    assert [(t.amount, t.bounced_body) for t in back] == [
        (10**9, bytes(4) + b"first"),
        (2 * 10**9, bytes(4) + b"second"),
    ]
    chain.release_bounces()  # nothing left
    assert len(_all(chain, wallet.address)) == 5


def test_a_message_with_any_body(chain, wallet):
    body = Builder().store_uint(0xD53276DB, 32).store_uint(9, 64).end_cell()
    tx = chain.deposit(wallet.address, 10**7, body=body, sender=SHOP, bounceable=False)
    assert (tx.op, tx.query_id, tx.comment, tx.source) == (0xD53276DB, 9, None, SHOP)


def test_bounced_deposit(chain, wallet):
    tx = chain.bounced_deposit(wallet.address, 3 * 10**9, comment="memo", sender=USER)
    assert tx.aborted and tx.bounced_back and tx.comment == "memo"
    assert [(m.destination, m.amount, m.bounce) for m in tx.out_messages] == [(USER, 3 * 10**9, True)]
    back = _all(chain, USER)[-1]
    assert back.is_bounce and back.amount == 3 * 10**9
    kept = chain.bounced_deposit(wallet.address, 10**9, bounceable=False)
    assert kept.aborted and not kept.bounced_back and kept.out_messages == ()


def test_jetton_deposit_from_our_jetton_wallet(chain, wallet):
    ours = run(chain.jetton_wallet_address(USDT_MASTER, wallet.address))
    tx = chain.jetton_deposit(wallet.address, 2_500_000, comment="memo-2", sender=USER)
    assert (tx.jetton_amount, tx.jetton_sender, tx.comment) == (2_500_000, USER, "memo-2")
    assert tx.source == ours and tx.amount == 1
    forged = chain.jetton_deposit(wallet.address, 10**12, comment="memo-2", notifier=SHOP)
    assert forged.jetton_amount is None and forged.jetton_sender is None
    assert run(chain.jetton_wallet_address(USDT_MASTER, USER)) != ours


def test_fail_next(chain, wallet):
    chain.fail_next(2)
    with pytest.raises(ChainError):
        run(chain.masterchain_seqno())
    with pytest.raises(ChainError):
        run(chain.transactions_after(wallet.address, None))
    assert run(chain.transactions_after(wallet.address, None)) == []


def test_duplicate_and_overlapping_pages(chain, wallet):
    txs = [chain.deposit(wallet.address, i + 1) for i in range(3)]
    chain.duplicate_pages = True
    assert [t.hash for t in run(chain.transactions_after(wallet.address, None))] == [
        h for t in txs for h in (t.hash, t.hash)
    ]
    chain.duplicate_pages = False
    chain.overlap_pages = True
    page = run(chain.transactions_after(wallet.address, txs[0].id))
    assert [t.hash for t in page] == [t.hash for t in txs]


def test_hide_makes_a_gap_until_revealed(chain, wallet):
    txs = [chain.deposit(wallet.address, i + 1) for i in range(3)]
    chain.hide(txs[1].hash)
    page = run(chain.transactions_after(wallet.address, txs[0].id))
    assert [t.hash for t in page] == [txs[2].hash]
    assert page[0].prev_hash == txs[1].hash  # the monitor sees that its cursor is not the predecessor
    chain.reveal()
    assert [t.hash for t in run(chain.transactions_after(wallet.address, txs[0].id))] == [txs[1].hash, txs[2].hash]


def test_dropped_send_is_accepted_never_executed_and_can_expire(chain, wallet):
    chain.deposit(wallet.address, 5 * 10**9)
    chain.drop_sends(1)
    lost = wallet.transfer(seqno=0, valid_until=NOW + 60, destination=USER, amount=10**9)
    assert run(chain.send_boc(lost.boc)) == lost.message_hash
    assert all(t.in_msg_hash != lost.message_hash for t in _all(chain, wallet.address))
    chain.set_time(NOW + 61)
    with pytest.raises(ChainError, match="expired"):
        run(chain.send_boc(lost.boc))
    again = wallet.transfer(seqno=0, valid_until=NOW + 120, destination=USER, amount=10**9)
    assert run(chain.send_boc(again.boc)) == again.message_hash != lost.message_hash
    assert len(_all(chain, USER)) == 1


def test_blocks_advance_explicitly_and_with_time(wallet):
    chain = FakeChain(now=NOW, block_interval_s=5)
    start = run(chain.masterchain_seqno())
    chain.advance(3)
    assert run(chain.masterchain_seqno()) == start + 3
    chain.set_time(NOW + 12)
    assert run(chain.masterchain_seqno()) == start + 5


def test_threads_do_not_lose_transactions(chain, wallet):
    def deposit_many():
        for _ in range(25):
            chain.deposit(wallet.address, 1)

    threads = [threading.Thread(target=deposit_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    txs = _all(chain, wallet.address)
    assert len(txs) == 100
    assert all(b.prev_hash == a.hash for a, b in zip(txs, txs[1:], strict=False))


def test_store_survives_a_restart(tmp_path, wallet):
    path = tmp_path / "chain.json"
    chain = FakeChain(now=NOW, store_path=path)
    chain.deposit(wallet.address, 5 * 10**9, comment="memo")
    _send(chain, wallet)
    chain.jetton_deposit(wallet.address, 5)
    before = _all(chain, wallet.address)
    reopened = FakeChain(now=NOW, store_path=path)
    assert _all(reopened, wallet.address) == before
    assert [t.mc_seqno for t in _all(reopened, wallet.address)] == [t.mc_seqno for t in before]
    assert run(reopened.get_seqno(wallet.address)) == 1
    assert run(reopened.masterchain_seqno()) == run(chain.masterchain_seqno())
    after = reopened.deposit(wallet.address, 1)
    assert after.prev_hash == before[-1].hash and after.lt > before[-1].lt
    _send(reopened, wallet)  # the wallet's key and seqno came back too


def test_factory_keeps_one_fake_chain_beside_the_database(tmp_path, monkeypatch):
    monkeypatch.setattr(factory, "_fake", None)
    settings = SimpleNamespace(chain="fake", usdt_master=USDT_MASTER, database_url=f"sqlite:///{tmp_path}/k.db")
    first = factory.build_gateway(settings)
    assert isinstance(first, FakeChain)
    assert factory.build_gateway(settings) is first
    assert factory.fake_chain_path(settings) == tmp_path / "krypton.fakechain.json"
    first.deposit("0:" + "33" * 32, 1)
    assert (tmp_path / "krypton.fakechain.json").exists()
    postgres = SimpleNamespace(database_url="postgresql+psycopg://u@h/db")
    assert factory.fake_chain_path(postgres).name == "krypton.fakechain.json"


def test_only_the_fake_chain_offers_a_faucet(chain):
    """The demo faucet asks for the capability; a real node never has it."""
    assert isinstance(chain, Faucet)
    assert not issubclass(ToncenterGateway, Faucet) and not issubclass(PytoniqGateway, Faucet)


def test_balances_of_an_account_and_of_its_jetton_wallet(tmp_path, wallet):
    """TON: what arrived minus what left. Jettons: a deposit's notification adds to the owner's jetton
    wallet (a forged one adds nothing); a `transfer` the owner sends takes from it, never below zero."""
    chain = FakeChain(now=NOW, store_path=tmp_path / "chain.json")
    ours = run(chain.jetton_wallet_address(USDT_MASTER, wallet.address))
    assert (run(chain.account_balance(wallet.address)), run(chain.jetton_wallet_balance(ours))) == (0, 0)
    chain.deposit(wallet.address, 5 * 10**9, comment="memo")
    chain.jetton_deposit(wallet.address, 7_000_000, comment="memo")
    chain.jetton_deposit(wallet.address, 10**12, notifier=SHOP)
    _send(chain, wallet, amount=10**9)
    assert run(chain.account_balance(wallet.address)) == 4 * 10**9 + 2  # each notification brings 1 nanoton
    assert run(chain.account_balance(USER)) == 10**9
    assert run(chain.jetton_wallet_balance(ours)) == 7_000_000

    def jetton_send(amount: int) -> None:
        seqno = run(chain.get_seqno(wallet.address))
        signed = wallet.jetton_transfer(
            seqno=seqno,
            valid_until=chain.now + 60,
            jetton_wallet=ours,
            destination=USER,
            jetton_amount=amount,
            query_id=seqno,
        )
        run(chain.send_boc(signed.boc))

    jetton_send(2_000_000)
    jetton_send(6_000_000)  # more than it holds: a jetton wallet refuses it
    assert run(chain.jetton_wallet_balance(ours)) == 5_000_000
    reopened = FakeChain(now=NOW, store_path=tmp_path / "chain.json")
    assert run(reopened.jetton_wallet_balance(ours)) == 5_000_000
    assert run(reopened.account_balance(wallet.address)) == run(chain.account_balance(wallet.address))


def test_processes_sharing_a_store_see_each_others_transactions(tmp_path, wallet):
    # Two instances on one file stand for two app processes (make run-cluster, Granian's workers): what one
    # writes, the other serves at its next call, and each builds on the other's last transaction.
    path = tmp_path / "chain.json"
    first, second = FakeChain(now=NOW, store_path=path), FakeChain(now=NOW, store_path=path)
    deposited = first.deposit(wallet.address, 5 * 10**9, comment="memo")
    assert _all(second, wallet.address) == [deposited]
    again = second.deposit(wallet.address, 10**9)
    assert again.prev_hash == deposited.hash and again.lt > deposited.lt
    assert _all(first, wallet.address) == [deposited, again]
    assert run(first.masterchain_seqno()) == run(second.masterchain_seqno())
