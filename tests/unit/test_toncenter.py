"""ToncenterGateway against a local fake of toncenter that answers in its real JSON shapes.

The fake serves FakeChain's transactions: API v3 `/transactions` (index, base64 hashes, mc_block_seqno,
no BOC) and `/masterchainInfo`, API v2 `getTransactions` (`raw.transaction` with the BOC in `data`),
`sendBocReturnHash` (`raw.extMessageInfo`) and `runGetMethod` (`smc.runResult` with a tvm stack).
"""

import asyncio
import base64
import json
from types import SimpleNamespace

import httpx
import pytest
from pytoniq_core import Address, Cell

from krypton_app.chain.factory import build_gateway
from krypton_app.chain.fake import USDT_MASTER, FakeChain
from krypton_app.chain.gateway import ChainError
from krypton_app.chain.hot_wallet import HotWallet
from krypton_app.chain.toncenter import ToncenterGateway

NOW = 1_700_000_000
BASE = "https://toncenter.test"
USER = "0:" + "11" * 32


def run(coroutine):
    return asyncio.run(coroutine)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Toncenter:
    """Just enough of toncenter for the gateway, backed by a FakeChain."""

    def __init__(self, chain: FakeChain):
        self.chain = chain
        self.requests: list[httpx.Request] = []
        self.failures: list[httpx.Response | Exception] = []  # served before real answers
        self.hide_from_node: set[str] = set()  # indexed by v3 but not yet known to the v2 node

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure
        path = request.url.path
        params = request.url.params
        if path == "/api/v3/masterchainInfo":
            seqno = await self.chain.masterchain_seqno()
            block = {"workchain": -1, "shard": "8000000000000000", "seqno": seqno, "root_hash": "", "file_hash": ""}
            return httpx.Response(200, json={"first": {**block, "seqno": 1}, "last": block})
        if path == "/api/v3/transactions":
            txs = await self.chain.transactions_after(params["account"], None, limit=10_000)
            start = int(params.get("start_lt", 0))
            txs = [t for t in txs if t.lt >= start][: int(params["limit"])]
            return httpx.Response(200, json={"transactions": [self._v3(t) for t in txs], "address_book": {}})
        if path == "/api/v2/getTransactions":
            txs = await self.chain.transactions_after(params["address"], None, limit=10_000)
            newest = next(i for i, t in enumerate(txs) if t.hash == params["hash"] and t.lt == int(params["lt"]))
            walk = [t for t in reversed(txs[: newest + 1]) if t.lt > int(params["to_lt"])]
            walk = [t for t in walk if t.hash not in self.hide_from_node][: int(params["limit"])]
            return httpx.Response(200, json={"ok": True, "result": [self._v2(t) for t in walk]})
        if path == "/api/v2/sendBocReturnHash":
            boc = base64.b64decode(_json(request)["boc"])
            try:
                message_hash = await self.chain.send_boc(boc)
            except ChainError as error:
                return httpx.Response(500, json={"ok": False, "error": str(error), "code": 500})
            digest = b64(bytes.fromhex(message_hash))
            result = {"@type": "raw.extMessageInfo", "hash": digest, "hash_norm": digest}
            return httpx.Response(200, json={"ok": True, "result": result, "@extra": "1:2:3"})
        if path == "/api/v2/runGetMethod":
            body = _json(request)
            if body["method"] == "seqno":
                seqno = await self.chain.get_seqno(body["address"])
                if seqno == 0:  # what an uninitialised account answers
                    return httpx.Response(200, json={"ok": True, "result": _run_result([], exit_code=-13)})
                return httpx.Response(200, json={"ok": True, "result": _run_result([["num", hex(seqno)]])})
            if body["method"] == "get_wallet_address":
                kind, owner_boc = body["stack"][0]
                assert kind == "tvm.Slice"
                owner = Cell.one_from_boc(base64.b64decode(owner_boc)).begin_parse().load_address()
                wallet = await self.chain.jetton_wallet_address(body["address"], owner.to_str(False))
                cell = Address(wallet).to_cell().to_boc()
                return httpx.Response(200, json={"ok": True, "result": _run_result([["cell", {"bytes": b64(cell)}]])})
            if body["method"] == "get_wallet_data":  # a jetton wallet: balance, owner, master, code
                balance = await self.chain.jetton_wallet_balance(body["address"])
                if balance == 0:  # what an undeployed jetton wallet answers
                    return httpx.Response(200, json={"ok": True, "result": _run_result([], exit_code=-13)})
                return httpx.Response(200, json={"ok": True, "result": _run_result([["num", hex(balance)]])})
        if path == "/api/v2/getAddressBalance":
            balance = await self.chain.account_balance(params["address"])
            return httpx.Response(200, json={"ok": True, "result": str(balance)})
        return httpx.Response(404, json={"ok": False, "error": "Not Found", "code": 404})

    @staticmethod
    def _v3(tx) -> dict:
        return {
            "account": tx.account.upper(),
            "hash": b64(bytes.fromhex(tx.hash)),
            "lt": str(tx.lt),
            "now": tx.utime,
            "mc_block_seqno": tx.mc_seqno,
            "trace_id": b64(bytes.fromhex(tx.hash)),
            "prev_trans_hash": b64(bytes.fromhex(tx.prev_hash)),
            "prev_trans_lt": str(tx.prev_lt),
            "orig_status": "active",
            "end_status": "active",
            "total_fees": "0",
            "description": {"type": "ord", "aborted": tx.aborted, "destroyed": False, "credit_first": False},
            "block_ref": {"workchain": 0, "shard": "8000000000000000", "seqno": tx.mc_seqno},
            "in_msg": None,
            "out_msgs": [],
            "account_state_before": None,
            "account_state_after": None,
        }

    @staticmethod
    def _v2(tx) -> dict:
        return {
            "@type": "raw.transaction",
            "address": {"@type": "accountAddress", "account_address": Address(tx.account).to_str()},
            "utime": tx.utime,
            "data": b64(tx.boc),
            "transaction_id": {
                "@type": "internal.transactionId",
                "lt": str(tx.lt),
                "hash": b64(bytes.fromhex(tx.hash)),
            },
            "fee": "0",
            "storage_fee": "0",
            "other_fee": "0",
            "in_msg": {},
            "out_msgs": [],
        }


def _json(request: httpx.Request) -> dict:
    return json.loads(request.content)


def _run_result(stack: list, *, exit_code: int = 0) -> dict:
    return {"@type": "smc.runResult", "gas_used": 500, "stack": stack, "exit_code": exit_code}


class Sleeps:
    """Records waits and moves a fake monotonic clock, so backoff and rate limits take no real time."""

    def __init__(self):
        self.now = 0.0
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def chain():
    return FakeChain(now=NOW)


@pytest.fixture
def wallet():
    return HotWallet(bytes(range(32)))


@pytest.fixture
def api(chain):
    return Toncenter(chain)


@pytest.fixture
def sleeps():
    return Sleeps()


def _gateway(api: Toncenter, sleeps: Sleeps, **kwargs) -> ToncenterGateway:
    client = httpx.AsyncClient(transport=httpx.MockTransport(api))
    options = {"rps": 1000.0, "jetton_master": USDT_MASTER, "sleep": sleeps.sleep, "clock": sleeps.clock}
    return ToncenterGateway(BASE, "secret-key", client=client, **{**options, **kwargs})


def test_transactions_come_from_the_bocs(api, sleeps, chain, wallet):
    deposits = [chain.deposit(wallet.address, 10**9 + i, comment=f"memo-{i}") for i in range(3)]
    jetton = chain.jetton_deposit(wallet.address, 5_000_000, comment="memo-usdt", sender=USER)
    gateway = _gateway(api, sleeps)
    page = run(gateway.transactions_after(wallet.friendly, None))
    assert page == [*deposits, jetton]  # the same parsed transactions FakeChain gives
    assert [t.mc_seqno for t in page] == [t.mc_seqno for t in [*deposits, jetton]]
    assert (page[-1].jetton_amount, page[-1].jetton_sender) == (5_000_000, USER)
    assert all(r.headers["X-API-Key"] == "secret-key" for r in api.requests)
    listing = next(r for r in api.requests if r.url.path == "/api/v3/transactions")
    assert listing.url.params["sort"] == "asc" and listing.url.params["account"] == wallet.address


def test_pages_follow_the_cursor(api, sleeps, chain, wallet):
    txs = [chain.deposit(wallet.address, i + 1) for i in range(5)]
    gateway = _gateway(api, sleeps)
    first = run(gateway.transactions_after(wallet.address, None, limit=2))
    assert [t.hash for t in first] == [t.hash for t in txs[:2]]
    second = run(gateway.transactions_after(wallet.address, first[-1].id, limit=2))
    assert [t.hash for t in second] == [t.hash for t in txs[2:4]]
    rest = run(gateway.transactions_after(wallet.address, second[-1].id, limit=2))
    assert [t.hash for t in rest] == [txs[4].hash]
    assert run(gateway.transactions_after(wallet.address, txs[4].id)) == []
    walk = [r for r in api.requests if r.url.path == "/api/v2/getTransactions"][1]
    assert walk.url.params["to_lt"] == str(first[-1].lt)
    assert walk.url.params["hash"] == txs[3].hash  # hex, as toncenter accepts


def test_a_node_behind_the_index_gives_a_shorter_page(api, sleeps, chain, wallet):
    txs = [chain.deposit(wallet.address, i + 1) for i in range(3)]
    api.hide_from_node.add(txs[1].hash)
    gateway = _gateway(api, sleeps)
    assert [t.hash for t in run(gateway.transactions_after(wallet.address, None))] == [txs[0].hash]


def test_jetton_wallet_is_asked_once(api, sleeps, chain, wallet):
    chain.jetton_deposit(wallet.address, 1)
    gateway = _gateway(api, sleeps)
    run(gateway.transactions_after(wallet.address, None))
    run(gateway.transactions_after(wallet.address, None))
    asked = [r for r in api.requests if r.url.path == "/api/v2/runGetMethod"]
    assert len(asked) == 1
    assert run(gateway.jetton_wallet_address(USDT_MASTER, wallet.friendly)) == run(
        chain.jetton_wallet_address(USDT_MASTER, wallet.address)
    )


def test_without_jetton_master_notifications_are_not_jettons(api, sleeps, chain, wallet):
    chain.jetton_deposit(wallet.address, 1)
    (tx,) = run(_gateway(api, sleeps, jetton_master=None).transactions_after(wallet.address, None))
    assert tx.jetton_amount is None


def test_send_boc_seqno_and_masterchain(api, sleeps, chain, wallet):
    chain.deposit(wallet.address, 5 * 10**9)
    gateway = _gateway(api, sleeps)
    assert run(gateway.get_seqno(wallet.address)) == 0  # exit code -13: not deployed
    signed = wallet.transfer(seqno=0, valid_until=NOW + 60, destination=USER, amount=10**9)
    assert run(gateway.send_boc(signed.boc)) == signed.message_hash
    sent = next(r for r in api.requests if r.url.path == "/api/v2/sendBocReturnHash")
    assert _json(sent) == {"boc": b64(signed.boc)}
    assert run(gateway.get_seqno(wallet.address)) == 1
    assert run(gateway.masterchain_seqno()) == run(chain.masterchain_seqno())
    withdrawal = run(gateway.transactions_after(wallet.address, None))[-1]
    assert withdrawal.in_msg_hash == signed.message_hash


def test_429_then_success_backs_off(api, sleeps, chain, wallet):
    chain.deposit(wallet.address, 1)
    too_many = httpx.Response(429, json={"ok": False, "error": "Ratelimit exceed", "code": 429})
    api.failures = [too_many, too_many]
    gateway = _gateway(api, sleeps, backoff_s=0.5)
    assert run(gateway.masterchain_seqno()) == run(chain.masterchain_seqno())
    backoffs = [w for w in sleeps.waits if w >= 0.5]
    assert len(backoffs) == 2
    assert 0.5 <= backoffs[0] <= 1.0 and 1.0 <= backoffs[1] <= 2.0  # doubling, with jitter
    assert len(api.requests) == 3


def test_retry_after_header_is_respected(api, sleeps):
    api.failures = [httpx.Response(429, headers={"Retry-After": "7"}, json={"ok": False})]
    run(_gateway(api, sleeps, backoff_s=0.1).masterchain_seqno())
    assert max(sleeps.waits) == 7


def test_server_errors_and_timeouts_retry_then_give_up(api, sleeps):
    api.failures = [httpx.Response(502, text="Bad Gateway"), httpx.ReadTimeout("slow")] * 3
    gateway = _gateway(api, sleeps, max_attempts=4)
    with pytest.raises(ChainError, match="after 4 attempts"):
        run(gateway.masterchain_seqno())
    assert len(api.requests) == 4


def test_client_errors_are_not_retried(api, sleeps):
    api.failures = [httpx.Response(416, json={"ok": False, "error": "Incorrect address", "code": 416})]
    with pytest.raises(ChainError, match="Incorrect address"):
        run(_gateway(api, sleeps).get_seqno(USER))
    assert len(api.requests) == 1


def test_refused_message_is_a_chain_error(api, sleeps, chain, wallet):
    signed = wallet.transfer(seqno=5, valid_until=NOW + 60, destination=USER, amount=1)
    with pytest.raises(ChainError):
        run(_gateway(api, sleeps, max_attempts=2).send_boc(signed.boc))


def test_not_ok_and_malformed_answers(api, sleeps):
    api.failures = [
        httpx.Response(200, json={"ok": False, "error": "LITE_SERVER_UNKNOWN: cannot load block"}),
        httpx.Response(200, text="<html>"),
        httpx.Response(200, json={"unexpected": True}),
    ]
    gateway = _gateway(api, sleeps)
    with pytest.raises(ChainError, match="LITE_SERVER_UNKNOWN"):
        run(gateway.get_seqno(USER))
    with pytest.raises(ChainError, match="not JSON"):
        run(gateway.masterchain_seqno())
    with pytest.raises(ChainError, match="last.seqno"):
        run(gateway.masterchain_seqno())


def test_requests_are_spaced_to_the_rate_limit(api, sleeps):
    gateway = _gateway(api, sleeps, rps=2.0)
    for _ in range(3):
        run(gateway.masterchain_seqno())
    assert sleeps.waits == [0.5, 0.5]


def test_factory_builds_it_from_settings():
    settings = SimpleNamespace(
        chain="toncenter",
        toncenter_url="https://toncenter.com/",
        toncenter_api_key="k",
        toncenter_rps=10.0,
        usdt_master=USDT_MASTER,
    )
    gateway = build_gateway(settings)
    assert isinstance(gateway, ToncenterGateway)
    run(gateway.aclose())


def test_balances_of_an_account_and_of_a_jetton_wallet(api, sleeps, chain, wallet):
    gateway = _gateway(api, sleeps)
    ours = run(gateway.jetton_wallet_address(USDT_MASTER, wallet.address))
    assert (run(gateway.account_balance(wallet.friendly)), run(gateway.jetton_wallet_balance(ours))) == (0, 0)
    chain.deposit(wallet.address, 3 * 10**9, comment="memo")
    chain.jetton_deposit(wallet.address, 4_500_000, comment="memo")
    assert run(gateway.account_balance(wallet.friendly)) == 3 * 10**9 + 1
    assert run(gateway.jetton_wallet_balance(ours)) == 4_500_000
    asked = [r for r in api.requests if r.url.path == "/api/v2/getAddressBalance"]
    assert asked[-1].url.params["address"] == wallet.address  # raw form
