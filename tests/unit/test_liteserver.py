"""PytoniqGateway offline: the shipped global config, balancer construction, and the gateway's own logic
(walking back from the head, remembering the walk, retries, conversions) against a stand-in for
LiteBalancer's methods that serves FakeChain's transactions as pytoniq Transaction objects.
No liteserver is reachable here, so the ADNL transport itself is not exercised."""

import asyncio
import json
import socket
import struct
from types import SimpleNamespace

import pytest
from pytoniq import LiteBalancer
from pytoniq.liteclient.client import LiteServerError, RunGetMethodError
from pytoniq_core import Address, Cell
from pytoniq_core.tlb.transaction import Transaction

from krypton_app.chain.factory import build_gateway
from krypton_app.chain.fake import USDT_MASTER, FakeChain
from krypton_app.chain.gateway import ChainError
from krypton_app.chain.hot_wallet import HotWallet
from krypton_app.chain.liteserver import PytoniqGateway, load_config
from krypton_app.settings import Settings

CONFIG = Settings().liteserver_config
NOW = 1_700_000_000
USER = "0:" + "11" * 32


def run(coroutine):
    return asyncio.run(coroutine)


class Balancer:
    """The LiteBalancer methods the gateway uses, answered from a FakeChain."""

    def __init__(self, chain: FakeChain):
        self.chain = chain
        self.calls: list[str] = []
        self.failures: list[Exception] = []
        self.last_mc_block = SimpleNamespace(seqno=0)

    def _next(self, name: str) -> None:
        self.calls.append(name)
        if self.failures:
            raise self.failures.pop(0)
        self.last_mc_block = SimpleNamespace(seqno=run_in_loop(self.chain.masterchain_seqno()))

    def _txs(self, address: str) -> list:
        return self.chain._accounts[address].txs if address in self.chain._accounts else []

    async def get_masterchain_info(self):
        self._next("get_masterchain_info")
        return {"last": {"seqno": self.last_mc_block.seqno, "workchain": -1}}

    async def raw_get_account_state(self, address):
        self._next("raw_get_account_state")
        txs = self._txs(Address(address).to_str(False))
        if not txs:
            return None, None
        wallet = self.chain._accounts[Address(address).to_str(False)]
        state = "account_active" if wallet.status == "active" else "account_uninit"
        storage = SimpleNamespace(state=SimpleNamespace(type_=state), balance=SimpleNamespace(grams=wallet.balance))
        account = SimpleNamespace(storage=storage)
        shard_account = SimpleNamespace(last_trans_lt=txs[-1].lt, last_trans_hash=bytes.fromhex(txs[-1].hash))
        return account, shard_account

    async def raw_get_transactions(self, address, count, from_lt, from_hash):
        self._next("raw_get_transactions")
        assert count <= 16
        txs = self._txs(Address(address).to_str(False))
        index = next(i for i, t in enumerate(txs) if t.lt == from_lt and t.hash == from_hash.hex())
        batch = list(reversed(txs[max(0, index - count + 1) : index + 1]))
        return [Transaction.deserialize(Cell.one_from_boc(t.boc).begin_parse()) for t in batch], []

    async def raw_send_message(self, message: bytes):
        self._next("raw_send_message")
        await self.chain.send_boc(message)
        return 1

    async def run_get_method(self, address, method, stack):
        self._next("run_get_method")
        if method == "seqno":
            return [await self.chain.get_seqno(address)]
        if method == "get_wallet_address":
            owner = stack[0].load_address().to_str(False)
            wallet = await self.chain.jetton_wallet_address(address, owner)
            return [Address(wallet).to_cell().begin_parse()]
        if method == "get_wallet_data":
            return [await self.chain.jetton_wallet_balance(address), None, None, None]
        raise RunGetMethodError(address=address, method=method, exit_code=11)


def run_in_loop(coroutine):
    # FakeChain's gateway methods never await: drive them to completion synchronously.
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("unexpected await")


class Sleeps:
    def __init__(self):
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def chain():
    return FakeChain(now=NOW)


@pytest.fixture
def wallet():
    return HotWallet(bytes(range(32)))


@pytest.fixture
def balancer(chain):
    return Balancer(chain)


@pytest.fixture
def sleeps():
    return Sleeps()


def _gateway(balancer, sleeps, **kwargs) -> PytoniqGateway:
    return PytoniqGateway(CONFIG, balancer=balancer, sleep=sleeps, jetton_master=USDT_MASTER, **kwargs)


def test_shipped_config_is_the_mainnet_global_config():
    config = load_config(CONFIG)
    assert config["@type"] == "config.global"
    assert config["validator"]["zero_state"]["root_hash"] == "F6OpKZKqvqeFp6CQmFomXNMfMj2EnaUSOXN+Mh+wVWk="
    first = config["liteservers"][0]
    assert socket.inet_ntoa(struct.pack(">i", first["ip"])) == "5.9.10.47"
    assert len(config["liteservers"]) == PytoniqGateway(CONFIG).liteservers == 18


def test_balancer_is_built_from_the_config_without_connecting():
    balancer = LiteBalancer.from_config(load_config(CONFIG), trust_level=2)
    assert balancer.peers_num == 18
    assert balancer.alive_peers_num == 0  # nothing connects until start_up


def test_bad_config(tmp_path):
    with pytest.raises(FileNotFoundError):
        PytoniqGateway(tmp_path / "missing.json")
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"liteservers": [], "validator": {"init_block": {}}}))
    with pytest.raises(ValueError, match="liteservers"):
        load_config(empty)


def test_factory_builds_it_from_settings():
    settings = SimpleNamespace(chain="liteserver", liteserver_config=CONFIG, usdt_master=USDT_MASTER)
    assert isinstance(build_gateway(settings), PytoniqGateway)


def test_walks_back_from_the_head_and_pages_oldest_first(chain, wallet, balancer, sleeps):
    txs = [chain.deposit(wallet.address, i + 1, comment=f"m{i}") for i in range(40)]
    gateway = _gateway(balancer, sleeps)
    page = run(gateway.transactions_after(wallet.friendly, None, limit=25))
    assert [t.hash for t in page] == [t.hash for t in txs[:25]]
    assert [t.comment for t in page[:2]] == ["m0", "m1"]
    assert balancer.calls.count("raw_get_transactions") == 3  # 40 transactions, 16 at a time
    assert all(t.mc_seqno is not None and t.mc_seqno >= txs[-1].mc_seqno for t in page)
    balancer.calls.clear()
    rest = run(gateway.transactions_after(wallet.address, page[-1].id, limit=25))
    assert [t.hash for t in rest] == [t.hash for t in txs[25:]]
    assert "raw_get_transactions" not in balancer.calls  # remembered from the first walk


def test_only_new_transactions_are_fetched_on_the_next_poll(chain, wallet, balancer, sleeps):
    old = [chain.deposit(wallet.address, 1) for _ in range(20)]
    gateway = _gateway(balancer, sleeps)
    run(gateway.transactions_after(wallet.address, None, limit=100))
    new = [chain.deposit(wallet.address, 2) for _ in range(3)]
    balancer.calls.clear()
    page = run(gateway.transactions_after(wallet.address, old[-1].id))
    assert [t.hash for t in page] == [t.hash for t in new]
    assert balancer.calls.count("raw_get_transactions") == 1


def test_a_cursor_from_elsewhere_walks_only_to_the_cursor(chain, wallet, balancer, sleeps):
    txs = [chain.deposit(wallet.address, 1) for _ in range(50)]
    page = run(_gateway(balancer, sleeps).transactions_after(wallet.address, txs[44].id))
    assert [t.hash for t in page] == [t.hash for t in txs[45:]]
    assert balancer.calls.count("raw_get_transactions") == 1
    assert run(_gateway(balancer, sleeps).transactions_after(wallet.address, txs[-1].id)) == []


def test_unknown_account_has_no_transactions(balancer, sleeps):
    assert run(_gateway(balancer, sleeps).transactions_after(USER, None)) == []


def test_jetton_notifications_and_withdrawals(chain, wallet, balancer, sleeps):
    chain.deposit(wallet.address, 5 * 10**9)
    chain.jetton_deposit(wallet.address, 7_000_000, sender=USER, comment="memo")
    gateway = _gateway(balancer, sleeps)
    assert run(gateway.get_seqno(wallet.address)) == 0
    signed = wallet.transfer(seqno=0, valid_until=NOW + 60, destination=USER, amount=10**9)
    assert run(gateway.send_boc(signed.boc)) == signed.message_hash
    assert run(gateway.get_seqno(wallet.address)) == 1
    page = run(gateway.transactions_after(wallet.address, None))
    assert (page[1].jetton_amount, page[1].jetton_sender, page[1].comment) == (7_000_000, USER, "memo")
    assert page[-1].in_msg_hash == signed.message_hash
    assert run(gateway.jetton_wallet_address(USDT_MASTER, wallet.address)) == run(
        chain.jetton_wallet_address(USDT_MASTER, wallet.address)
    )
    assert run(gateway.masterchain_seqno()) == run(chain.masterchain_seqno())


def test_node_errors_are_retried_with_backoff(balancer, sleeps):
    balancer.failures = [LiteServerError(-400, "timeout"), TimeoutError(), ConnectionError("reset")]
    gateway = _gateway(balancer, sleeps, max_attempts=4, backoff_s=1.0)
    assert run(gateway.masterchain_seqno()) >= 1
    assert sleeps.waits == [1.0, 2.0, 4.0]


def test_node_errors_end_in_chain_error(balancer, sleeps):
    balancer.failures = [TimeoutError()] * 3
    with pytest.raises(ChainError, match="after 3 attempts"):
        run(_gateway(balancer, sleeps).masterchain_seqno())


def test_a_failing_get_method_is_not_retried(balancer, sleeps, wallet):
    gateway = _gateway(balancer, sleeps)
    with pytest.raises(ChainError, match="exit code 11"):
        run(gateway._call("run_get_method", wallet.address, "get_unknown", []))
    assert balancer.calls == ["run_get_method"]


def test_balances_of_an_account_and_of_a_jetton_wallet(chain, wallet, balancer, sleeps):
    gateway = _gateway(balancer, sleeps)
    ours = run(gateway.jetton_wallet_address(USDT_MASTER, wallet.address))
    assert run(gateway.account_balance(wallet.address)) == 0  # no such account yet
    chain.deposit(wallet.address, 3 * 10**9, comment="memo")
    chain.jetton_deposit(wallet.address, 4_500_000, comment="memo")
    assert run(gateway.account_balance(wallet.address)) == 3 * 10**9 + 1
    assert run(gateway.jetton_wallet_balance(ours)) == 0  # no such contract on the fake: not asked
    chain.deposit(ours, 1)  # the account exists now; deployed, as a real jetton wallet is once it holds jettons
    chain._accounts[ours].status = "active"
    assert run(gateway.jetton_wallet_balance(ours)) == 4_500_000
